import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function pascal(name: string): string {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

function constant(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/**
 * The starting files of a domain: a descriptor, a schema, a service, a router with one procedure, its (empty)
 * events and error codes, a test.
 */
function files(name: string): Record<string, string> {
  const c = camel(name);
  const P = pascal(name);
  const K = constant(name);
  return {
    'events.ts': `import type { EventDefinitions } from '../../platform/event-definitions';

/**
 * ${name} events by type (\`<resource>.<what happened>\`): the payload's zod schema, whether merchants may subscribe
 * to it by webhook, and what it means. Schemas only (zod): the SDK and browser code import them.
 */
export const ${K}_EVENTS = {} satisfies EventDefinitions;
`,
    'errors.ts': `import { defineErrorCodes } from '../../errors/domain-codes';

/** The ${name} domain's own failure codes (\`code: { kind, description }\`), thrown with \`domainError\`. */
export const ${K}_ERRORS = defineErrorCodes({});
`,
    'schemas.ts': `import { z } from 'zod';

export const ${P}Status = z.object({ domain: z.literal('${name}'), ready: z.boolean() });
export type ${P}Status = z.infer<typeof ${P}Status>;
`,
    'service.ts': `import type { DbExecutor } from '@ipay/db';
import type { ${P}Status } from './schemas';

/** Replace with the domain's first service: \`(db, options)\`, throwing AppError. */
export function ${c}Status(_db: DbExecutor): Promise<${P}Status> {
  return Promise.resolve({ domain: '${name}', ready: true });
}
`,
    'router.ts': `import { router } from '../../trpc/init';
import { authedProcedure } from '../../trpc/procedures';
import { ${P}Status } from './schemas';
import { ${c}Status } from './service';

// Give each procedure its permission: permittedProcedure('<resource>', '<action>') (domains/rbac/catalogue.ts).
export const ${c}Router = router({
  status: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/${name}/status',
        tags: ['${name}'],
        summary: 'Whether ${name} is ready',
      },
    })
    .output(${P}Status)
    .query(({ ctx }) => ${c}Status(ctx.db)),
});
`,
    'index.ts': `import { defineDomain } from '../../platform/domain';
import { ${K}_EVENTS } from './events';
import { ${c}Router } from './router';

export const ${c}Domain = defineDomain({
  name: '${name}',
  trpc: { ${c}: ${c}Router },
  events: ${K}_EVENTS,
});
`,
    [`${name}.test.ts`]: `import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, http, type TestPlatform } from '../../testing';

describe('${name}', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('is served, and asks who is calling', async () => {
    expect((await http(platform.baseUrl, 'GET', '/api/${name}/status')).status).toBe(401);
  });
});
`,
  };
}

function docsPage(name: string): string {
  return `# ${name}

\`packages/api/src/domains/${name}\`: what this domain does.

## States

## Walk-through

## Events and jobs
`;
}

/** Adds the descriptor's import and its line at the end of DOMAINS. */
function register(list: string, name: string): string {
  const c = camel(name);
  const withImport = list.replace(/\n\n\/\*\*/, `\nimport { ${c}Domain } from './${name}';\n\n/**`);
  const withEntry = withImport.replace(/\n\] as const;/, `\n  ${c}Domain,\n] as const;`);
  if (withEntry === withImport || withImport === list)
    throw new Error('DOMAINS not found in domains/index.ts');
  return withEntry;
}

/** Adds an import after the last import of a list file and an entry before the list's closing line. */
function addToList(
  text: string,
  list: { file: string; importLine: string; entry: string; closing: string },
): string {
  const lastImport = text.lastIndexOf('\nimport ');
  const endOfImport = text.indexOf(';\n', lastImport);
  const closing = text.lastIndexOf(list.closing);
  if (lastImport < 0 || endOfImport < 0 || closing < 0)
    throw new Error(`the list was not found in ${list.file}`);
  return (
    text.slice(0, endOfImport + 2) +
    list.importLine +
    '\n' +
    text.slice(endOfImport + 2, closing) +
    list.entry +
    '\n' +
    text.slice(closing)
  );
}

/** `pnpm ipay new-domain <name>`: the folder, its descriptor and docs page, and its line in DOMAINS. */
export async function scaffoldDomain(root: string, name: string): Promise<string[]> {
  if (!NAME.test(name)) throw new Error(`a domain name is lower-case words joined by dashes, not "${name}"`);
  const domains = path.join(root, 'packages/api/src/domains');
  const folder = path.join(domains, name);
  if (existsSync(folder)) throw new Error(`${path.relative(root, folder)} exists already`);
  await mkdir(folder, { recursive: true });
  const written: string[] = [];
  for (const [file, text] of Object.entries(files(name))) {
    await writeFile(path.join(folder, file), text);
    written.push(path.relative(root, path.join(folder, file)));
  }
  const docs = path.join(root, 'docs/domains', `${name}.md`);
  await writeFile(docs, docsPage(name));
  written.push(path.relative(root, docs));
  const list = path.join(domains, 'index.ts');
  await writeFile(list, register(await readFile(list, 'utf8'), name));
  written.push(path.relative(root, list));
  const K = constant(name);
  const merged = [
    {
      file: path.join(domains, 'events/catalogue.ts'),
      importLine: `import { ${K}_EVENTS } from '../${name}/events';`,
      entry: `  ...${K}_EVENTS,`,
      closing: '} satisfies EventDefinitions;',
    },
    {
      file: path.join(domains, 'error-codes.ts'),
      importLine: `import { ${K}_ERRORS } from './${name}/errors';`,
      entry: `  '${name}': ${K}_ERRORS,`,
      closing: '};',
    },
  ];
  for (const mergedList of merged) {
    await writeFile(mergedList.file, addToList(await readFile(mergedList.file, 'utf8'), mergedList));
    written.push(path.relative(root, mergedList.file));
  }
  return written;
}
