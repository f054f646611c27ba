import { DOMAIN_ERROR_CODES } from '../domains/error-codes';
import { ERROR_KINDS } from '../errors/app-error';

interface DocumentedCode {
  code: string;
  domain: string;
  status: number;
  description: string;
}

const DOMAIN_CODES: DocumentedCode[] = Object.entries(DOMAIN_ERROR_CODES).flatMap(([domain, codes]) =>
  Object.entries(codes).map(([code, { kind, description }]) => ({
    code,
    domain,
    status: ERROR_KINDS[kind].status,
    description,
  })),
);

function bullets(codes: DocumentedCode[]): string {
  return codes.map(({ code, status, description }) => `- \`${code}\` (${status}): ${description}`).join('\n');
}

/** The `Problem.code` description: the kinds' codes, then every domain's own, so clients see the whole set. */
export function problemCodeDescription(base: string): string {
  const kinds = Object.entries(ERROR_KINDS)
    .map(([code, { status }]) => `\`${code}\` (${status})`)
    .join(', ');
  const byDomain = Object.keys(DOMAIN_ERROR_CODES)
    .map((domain) => `**${domain}**\n\n${bullets(DOMAIN_CODES.filter((c) => c.domain === domain))}`)
    .join('\n\n');
  return `${base}\n\nWithout a domain code, the kind: ${kinds}.\n\nDomain codes:\n\n${byDomain}`;
}

/**
 * The domain codes an operation's response can carry: those of the domains named by its tags with this status,
 * or, for the `default` response, those whose status has no response of its own.
 */
export function responseCodesNote(tags: string[], status: number | 'default', documented: number[]): string {
  const codes = DOMAIN_CODES.filter(
    (c) =>
      tags.includes(c.domain) &&
      (status === 'default' ? !documented.includes(c.status) : c.status === status),
  );
  return codes.length ? `\n\nDomain codes:\n\n${bullets(codes)}` : '';
}
