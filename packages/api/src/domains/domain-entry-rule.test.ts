import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../..');
const DOMAINS = path.join(REPO, 'packages/api/src/domains');

interface Report {
  data: { domain: string; inside: string };
}
type Check = (node: { source: { value: string } }) => void;

/** The lint rule's verdicts on importing `source` from `file`, run as ESLint runs it. */
async function reportsFor(file: string, source: string): Promise<Report[]> {
  const url = pathToFileURL(path.join(REPO, 'eslint/domain-entry.js')).href;
  const { domainEntry } = (await import(url)) as {
    domainEntry: { create(context: unknown): { ImportDeclaration?: Check } };
  };
  const reports: Report[] = [];
  const handlers = domainEntry.create({
    options: [{ domainsRoot: DOMAINS }],
    filename: path.join(DOMAINS, file),
    report: (report: Report) => reports.push(report),
  });
  handlers.ImportDeclaration?.({ source: { value: source } });
  return reports;
}

describe('the domain-entry lint rule', () => {
  it("refuses another domain's private files", async () => {
    expect(await reportsFor('driver/service.ts', '../payment-sessions/repository')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ domain: 'payment-sessions', inside: 'repository' }),
      }),
    ]);
    expect(await reportsFor('benefit-cards/service/setup.ts', '../../webhooks/signing')).toHaveLength(1);
    expect(await reportsFor('orders/router.ts', '../payments/stripe')).toHaveLength(1);
  });

  it("lets a domain import another's service, schemas, events, errors and catalogue", async () => {
    for (const target of [
      '../payment-sessions/service/transitions',
      '../orders/service',
      '../orders/schemas',
      '../orders/events',
      '../orders/errors',
      '../rbac/catalogue',
    ]) {
      expect(await reportsFor('driver/service.ts', target)).toEqual([]);
    }
  });

  it('leaves imports inside a domain and outside the domains tree alone', async () => {
    expect(await reportsFor('payment-sessions/service/queries.ts', '../repository')).toEqual([]);
    expect(await reportsFor('driver/service.ts', '../../platform/time')).toEqual([]);
    expect(await reportsFor('driver/service.ts', 'kysely')).toEqual([]);
  });
});
