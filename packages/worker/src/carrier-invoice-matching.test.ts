import {
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  upsInvoiceCsv,
  upsTrackingNumber,
  type TestPlatform,
} from '@ipay/api/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';

describe('carrier invoice matching job', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('is enqueued by the upload, per carrier queue, and matches the import when the queue runs', async () => {
    const { token } = await createTestPlatformAdmin(platform);
    const form = new FormData();
    const file = upsInvoiceCsv({
      invoiceNumber: '0000A1B2C3520',
      shipments: [
        {
          shipDate: '2026-11-20',
          pieces: [
            {
              trackingNumber: upsTrackingNumber(1),
              billedWeight: '2.0',
              zone: '2',
              freight: '9.50',
              fuel: '0.95',
            },
          ],
        },
      ],
      accountCharges: [{ code: 'SVCH', description: 'Service Charge', amount: '12.50' }],
    });
    form.append('file', new Blob([file]), 'ups.csv');
    const response = await fetch(`${platform.baseUrl}/api/admin/carrier-tariffs/UPS/invoice-upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(response.status).toBe(200);
    const { import: imported } = (await response.json()) as { import: { id: string; matching: string } };
    expect(imported.matching).toBe('pending');
    const { rows: jobs } = await sql<{ queue_name: string | null }>`
      select queue_name from graphile_worker.jobs where task_identifier = 'carrier-reconciliation.match-import'
    `.execute(platform.database.db);
    expect(jobs).toEqual([{ queue_name: 'carrier-reconciliation:UPS' }]);

    await runDueJobsOnce({
      db: platform.database.db,
      pool: platform.database.pool,
      logger: pino({ level: 'silent' }),
      config: platform.config,
      encryptionKey: platform.deps.encryptionKey,
      tasks: ['carrier-reconciliation.match-import'],
    });
    const list = await http(platform.baseUrl, 'GET', '/api/admin/carrier-tariffs/UPS/invoices', { token });
    const [listed] = list.body.items;
    expect(listed).toMatchObject({ id: imported.id, matching: 'done' });
    expect(listed.totals[0].by_status).toMatchObject({
      UNMATCHED_IN_DB: { count: 1, billed_minor: 1045 },
      ACCOUNT_CHARGE: { count: 1, billed_minor: 1250 },
    });
    const { rows: left } = await sql`
      select 1 from graphile_worker.jobs where task_identifier = 'carrier-reconciliation.match-import'
    `.execute(platform.database.db);
    expect(left).toEqual([]);
  });
});
