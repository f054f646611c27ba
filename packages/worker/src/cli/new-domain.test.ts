import { mkdtemp, mkdir, readFile, cp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scaffoldDomain } from './new-domain';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../..');
let root: string | undefined;

async function copyOfTheList(): Promise<string> {
  root = await mkdtemp(path.join(os.tmpdir(), 'ipay-new-domain-'));
  await mkdir(path.join(root, 'packages/api/src/domains'), { recursive: true });
  await mkdir(path.join(root, 'packages/api/src/domains/events'), { recursive: true });
  await mkdir(path.join(root, 'docs/domains'), { recursive: true });
  for (const list of ['index.ts', 'events/catalogue.ts', 'error-codes.ts']) {
    await cp(
      path.join(REPO, 'packages/api/src/domains', list),
      path.join(root, 'packages/api/src/domains', list),
    );
  }
  return root;
}

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('pnpm ipay new-domain', () => {
  it('writes the folder, its descriptor and docs page, and adds it to DOMAINS', async () => {
    const dir = await copyOfTheList();
    const written = await scaffoldDomain(dir, 'carrier-invoices');
    expect(written).toContain('packages/api/src/domains/carrier-invoices/index.ts');
    expect(existsSync(path.join(dir, 'docs/domains/carrier-invoices.md'))).toBe(true);
    const list = await readFile(path.join(dir, 'packages/api/src/domains/index.ts'), 'utf8');
    expect(list).toContain("import { carrierInvoicesDomain } from './carrier-invoices';");
    expect(list).toMatch(/ {2}carrierInvoicesDomain,\n\] as const;/);
    const descriptor = await readFile(
      path.join(dir, 'packages/api/src/domains/carrier-invoices/index.ts'),
      'utf8',
    );
    expect(descriptor).toContain('trpc: { carrierInvoices: carrierInvoicesRouter }');
    expect(descriptor).toContain('events: CARRIER_INVOICES_EVENTS');
  });

  it('adds its events to the event catalogue and its error codes to the domain error codes', async () => {
    const dir = await copyOfTheList();
    await scaffoldDomain(dir, 'carrier-invoices');
    const domains = path.join(dir, 'packages/api/src/domains');
    const catalogue = await readFile(path.join(domains, 'events/catalogue.ts'), 'utf8');
    expect(catalogue).toContain("import { CARRIER_INVOICES_EVENTS } from '../carrier-invoices/events';");
    expect(catalogue).toMatch(/ {2}\.\.\.CARRIER_INVOICES_EVENTS,\n\} satisfies EventDefinitions;/);
    const codes = await readFile(path.join(domains, 'error-codes.ts'), 'utf8');
    expect(codes).toContain("import { CARRIER_INVOICES_ERRORS } from './carrier-invoices/errors';");
    expect(codes).toMatch(/ {2}'carrier-invoices': CARRIER_INVOICES_ERRORS,\n\};/);
    expect(existsSync(path.join(domains, 'carrier-invoices/events.ts'))).toBe(true);
    expect(existsSync(path.join(domains, 'carrier-invoices/errors.ts'))).toBe(true);
  });

  it('refuses a name that is not lower-case words, and a domain that exists', async () => {
    const dir = await copyOfTheList();
    await expect(scaffoldDomain(dir, 'Lockers')).rejects.toThrow('lower-case');
    await scaffoldDomain(dir, 'lockers');
    await expect(scaffoldDomain(dir, 'lockers')).rejects.toThrow('exists already');
  });
});
