import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './document';

export interface SeedEndpoint {
  method: string;
  path: string;
  domain: string;
}

export interface DomainCoverage {
  domain: string;
  present: SeedEndpoint[];
  missing: SeedEndpoint[];
}

const DEFAULT_SPEC = fileURLToPath(new URL('../../../../spec/seed-endpoints.tsv', import.meta.url));

export async function readSeedEndpoints(file = DEFAULT_SPEC): Promise<SeedEndpoint[]> {
  const lines = (await readFile(file, 'utf8'))
    .split('\n')
    .slice(1)
    .filter((line) => line.trim());
  return lines.map((line) => {
    const [method = '', endpointPath = '', domain = ''] = line.split('\t');
    return { method: method.toUpperCase(), path: endpointPath, domain };
  });
}

/** Which seed endpoints the generated OpenAPI document serves, per domain. */
export function coverage(
  endpoints: SeedEndpoint[],
  document = buildOpenApiDocument('http://localhost'),
): DomainCoverage[] {
  const served = new Set<string>();
  for (const [p, item] of Object.entries(document.paths ?? {})) {
    for (const method of Object.keys(item)) served.add(`${method.toUpperCase()} ${p}`);
  }
  const byDomain = new Map<string, DomainCoverage>();
  for (const endpoint of endpoints) {
    const entry = byDomain.get(endpoint.domain) ?? { domain: endpoint.domain, present: [], missing: [] };
    (served.has(`${endpoint.method} ${endpoint.path}`) ? entry.present : entry.missing).push(endpoint);
    byDomain.set(endpoint.domain, entry);
  }
  return [...byDomain.values()].sort((a, b) => a.domain.localeCompare(b.domain));
}

function report(domains: DomainCoverage[], verbose: boolean): string {
  const lines: string[] = [];
  for (const d of domains) {
    const total = d.present.length + d.missing.length;
    lines.push(`${d.domain.padEnd(24)} ${String(d.present.length).padStart(2)}/${total}`);
    if (verbose) {
      for (const e of d.present) lines.push(`    ✓ ${e.method.padEnd(6)} ${e.path}`);
      for (const e of d.missing) lines.push(`    · ${e.method.padEnd(6)} ${e.path}`);
    }
  }
  const present = domains.reduce((n, d) => n + d.present.length, 0);
  const total = domains.reduce((n, d) => n + d.present.length + d.missing.length, 0);
  lines.push('', `${present} of ${total} seed endpoints present in the OpenAPI document`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const domains = coverage(await readSeedEndpoints(file ? path.resolve(file) : undefined));
  process.stdout.write(`${report(domains, !args.includes('--summary'))}\n`);
}
