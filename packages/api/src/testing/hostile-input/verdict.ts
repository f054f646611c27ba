import type { HostileResponse } from './send';

// What must never reach a caller: a stack frame, database wording, or a path of the server's files.
const LEAKS: Array<[string, RegExp]> = [
  ['stack trace', /\n\s+at \S.*[:(]\d+:\d+\)?|\bat (?:async )?[\w.<>]+ \([^)]*:\d+:\d+\)/],
  [
    'SQL',
    /\b(?:select\s+.+\s+from|insert\s+into|delete\s+from|update\s+"?\w+"?\s+set)\b|invalid input syntax for|violates \w+ (?:key )?constraint|syntax error at or near|out of range for type|value too long for type|invalid byte sequence for encoding|relation "[^"]+" does not exist|column "[^"]+" (?:does not exist|of relation)/i,
  ],
  ['file path', /\/work\/|node_modules|\.ts:|\.js:\d+/],
];

/** The broken rules of one response, as short class names ("5xx", "not problem+json"…); empty when it is fine. */
export function verdict(response: HostileResponse): string[] {
  if (response.error) return [`no response (${response.error})`];
  const broken: string[] = [];
  if (response.status >= 500) broken.push('5xx');
  if (response.status >= 400) {
    if (!response.contentType.startsWith('application/problem+json')) {
      broken.push('not problem+json');
    } else {
      try {
        const problem = JSON.parse(response.text) as { traceId?: unknown; status?: unknown };
        if (typeof problem.traceId !== 'string' || problem.traceId === '')
          broken.push('problem without traceId');
        if (problem.status !== response.status) broken.push('problem status differs from HTTP status');
      } catch {
        broken.push('problem+json that is not JSON');
      }
    }
  }
  for (const [leak, pattern] of LEAKS) if (pattern.test(response.text)) broken.push(`leaks ${leak}`);
  return broken;
}
