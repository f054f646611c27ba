import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JOB_CATALOGUE } from '../jobs/catalogue';
import { EVENT_CATALOGUE } from './events/catalogue';
import { defineDomain } from '../platform/domain';
import { registryProblems } from '../platform/registry-check';
import { WEBHOOK_EVENT_TYPES } from './webhooks/schemas';
import { DOMAINS } from '.';

const CATALOGUES = { jobs: JOB_CATALOGUE, events: EVENT_CATALOGUE, webhookEventTypes: WEBHOOK_EVENT_TYPES };
const DOMAINS_DIR = path.dirname(new URL(import.meta.url).pathname);
const DOCS_DIR = path.resolve(DOMAINS_DIR, '../../../../docs/domains');
/**
 * Declared like a domain but not a folder of domains/: platform/maintenance (health routes and housekeeping) and
 * pages/ (the consumer pages' shared stylesheet).
 */
const NOT_A_DOMAIN_FOLDER = new Set(['maintenance', 'pages']);

describe('the domain registry', () => {
  it('wires every declared route, job, cron entry, event and grant', () => {
    expect(registryProblems(DOMAINS, CATALOGUES)).toEqual([]);
  });

  it('lists every domain folder in DOMAINS, and every listed domain has its folder and docs page', () => {
    const folders = readdirSync(DOMAINS_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(DOMAINS_DIR, entry.name, 'index.ts')))
      .map((entry) => entry.name);
    const listed: string[] = DOMAINS.map((domain) => domain.name).filter(
      (name) => !NOT_A_DOMAIN_FOLDER.has(name),
    );
    expect(folders.filter((name) => !listed.includes(name))).toEqual([]);
    expect(listed.filter((name) => !folders.includes(name))).toEqual([]);
    expect(listed.filter((name) => !existsSync(path.join(DOCS_DIR, `${name}.md`)))).toEqual([]);
  });

  it('gives every folder with a router, routes or jobs a descriptor', () => {
    const wired = ['router.ts', 'routes.ts', 'jobs.ts'];
    const bare = readdirSync(DOMAINS_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .filter((name) => wired.some((file) => existsSync(path.join(DOMAINS_DIR, name, file))))
      .filter((name) => !existsSync(path.join(DOMAINS_DIR, name, 'index.ts')));
    expect(bare).toEqual([]);
  });

  it('reports what a domain declares but nothing wires', () => {
    const broken = defineDomain({
      name: 'kiosks',
      jobs: {
        'kiosks.open': {
          description: 'Not in the job catalogue',
          payload: JOB_CATALOGUE['webhooks.deliver'].payload.clone(),
          handler: async () => {},
        },
      },
      cron: [{ task: 'kiosks.close', match: '*/5 * * * *', identifier: 'close-kiosks' }],
      events: {
        'locker.opened': {
          description: 'Not in the event catalogue',
          subscribable: true,
          payload: z.object({ lockerId: z.string() }),
        },
      },
      grants: { driver: [{ resource: 'locker_doors' as never, action: 'read', scope: 'all' }] },
    });
    expect(registryProblems([...DOMAINS, broken], CATALOGUES)).toEqual([
      'job kiosks.open of kiosks is not in the job catalogue (jobs/catalogue.ts)',
      'cron entry close-kiosks of kiosks names unknown task kiosks.close',
      'event locker.opened of kiosks is not in the event catalogue (events/catalogue.ts)',
      'event locker.opened of kiosks is subscribable but missing from the webhook event types',
      'kiosks grants unknown resource locker_doors',
    ]);
  });

  it('reports a catalogued job no domain handles, and a webhook event type no domain declares', () => {
    const withoutOrders = DOMAINS.filter((domain) => domain.name !== 'orders');
    const problems = registryProblems(withoutOrders, CATALOGUES);
    expect(problems).toContain(
      'job orders.process-upload is catalogued but no domain declares it with a handler',
    );
    expect(problems).toContain('webhook event type order.created is not declared subscribable by any domain');
    expect(problems).toContain('event order_upload.completed is catalogued but no domain declares it');
  });
});
