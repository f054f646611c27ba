import path from 'node:path';

/**
 * A domain is entered through its public faces only: its service (`service.ts` or a file of `service/`), its
 * schemas, its events, its error codes and its catalogue (a published vocabulary, such as the permissions).
 * Everything else in a domain folder (repositories, helpers, tasks, routers) is private to it, so a domain
 * can change its tables and internals without another domain noticing. The domain list (`domains/index.ts`)
 * and the lists merged from every domain (`domains/error-codes.ts`, the event catalogue) are the wiring, and
 * import each domain's descriptor, events or errors by design.
 */
const PUBLIC_FACES = /^(service|schemas|events|errors|catalogue)(\.ts)?$|^service\/[\w-]+(\.ts)?$/;

function domainOf(domainsRoot, file) {
  const relative = path.relative(domainsRoot, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const [domain, ...rest] = relative.split(path.sep);
  return rest.length === 0 ? undefined : { domain, inside: rest.join('/') };
}

export const domainEntry = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Another domain is imported only through its public faces (service, schemas, events, errors, catalogue).',
    },
    schema: [{ type: 'object', properties: { domainsRoot: { type: 'string' } }, required: ['domainsRoot'] }],
    messages: {
      private:
        "'{{source}}' reaches into the {{domain}} domain's private '{{inside}}': import its service, schemas, events, errors or catalogue instead (or export what you need from its service).",
    },
  },
  create(context) {
    const domainsRoot = path.resolve(context.options[0].domainsRoot);
    const from = domainOf(domainsRoot, context.filename);
    if (!from) return {};
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = domainOf(domainsRoot, path.resolve(path.dirname(context.filename), source));
      if (!to || to.domain === from.domain || PUBLIC_FACES.test(to.inside)) return;
      context.report({ node: node.source, messageId: 'private', data: { source, ...to } });
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'domain-entry': domainEntry } };
