import type { HostileRequest } from './request';
import type { HostileResponse } from './send';

export interface HostileFailure {
  classes: string[];
  role: string;
  operationId: string;
  route: string;
  kind: string;
  target: string;
  request: HostileRequest;
  response: HostileResponse;
}

function show(request: HostileRequest): string {
  const headers = Object.entries(request.headers)
    .map(
      ([name, value]) =>
        `${name}: ${name === 'authorization' ? value.slice(0, 16) + '…' : value.slice(0, 80)}`,
    )
    .join('; ');
  const body =
    request.body === undefined
      ? ''
      : ` body(${Buffer.byteLength(request.body)} B)=${JSON.stringify(String(request.body).slice(0, 200))}`;
  return `${request.method} ${request.path.slice(0, 200)} [${headers}]${body}`;
}

/**
 * One block per class of failure (broken rule, status, route, kind of input), with how often it happened, as
 * which roles, and the first request that showed it: what to fix first reads at a glance.
 */
export function formatReport(failures: HostileFailure[], seed: number, total: number): string {
  const groups = new Map<string, HostileFailure[]>();
  for (const failure of failures) {
    for (const cls of failure.classes) {
      const key = `${cls} | ${failure.response.status} | ${failure.route} | ${failure.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), failure]);
    }
  }
  const summary = new Map<string, Set<string>>();
  for (const failure of failures) {
    for (const cls of failure.classes) {
      const key = `${cls} | ${failure.response.status} | ${failure.kind}`;
      summary.set(key, (summary.get(key) ?? new Set()).add(failure.route));
    }
  }
  const lines = [
    `${failures.length} of ${total} hostile requests broke a rule, in ${groups.size} classes (HOSTILE_SEED=${seed}).`,
    'Summary (broken rule | status | input kind: routes):',
    ...[...summary.keys()].sort().map((key) => `  ${key}: ${summary.get(key)?.size} routes`),
    'Each class (broken rule | status | route | input kind), with its first request:',
  ];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key) ?? [];
    const first = group[0] as HostileFailure;
    const roles = [...new Set(group.map((f) => f.role))].join(',');
    lines.push(
      `- ${key}  (${group.length}×, as ${roles})`,
      `    ${first.target}`,
      `    → ${show(first.request)}`,
      `    ← ${first.response.status} ${first.response.contentType} ${first.response.error ?? first.response.text.slice(0, 300)}`,
    );
  }
  return lines.join('\n');
}
