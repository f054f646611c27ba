import { createTestMerchant, createTestPlatform, http, type TestPlatform } from '@ipay/api/testing';
import { enqueueJob, failQueuedUpload } from '@ipay/api';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';

const HEADER =
  'Ordernummer;Naam;E-mailadres;Adres;Postcode;Plaats;Land;Valuta;Vervoerder;SKU;Product;Aantal;Prijs\n';

function csvOf(prefix: string, count: number): string {
  const rows = Array.from(
    { length: count },
    (_, i) =>
      `${prefix}-${String(i).padStart(4, '0')};Anna de Vries;anna@example.nl;Keizersgracht 1;1015 CJ;Amsterdam;NL;EUR;POSTNL;MUG;Mok;1;899\n`,
  );
  return HEADER + rows.join('');
}

async function postUpload(platform: TestPlatform, token: string, csv: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([csv]), 'bestellingen.csv');
  const response = await fetch(`${platform.baseUrl}/api/orders/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { upload: { id: string } }).upload.id;
}

describe('order upload job', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  const runQueue = () =>
    runDueJobsOnce({
      db: platform.database.db,
      pool: platform.database.pool,
      logger: pino({ level: 'silent' }),
      config: platform.config,
      encryptionKey: platform.deps.encryptionKey,
      tasks: ['orders.process-upload'],
    });

  it('imports a queued upload when the queue runs, and reports it completed', async () => {
    const merchant = await createTestMerchant(platform);
    const rows = Array.from(
      { length: 1_200 },
      (_, i) =>
        `Q-${i};Anna de Vries;anna@example.nl;Keizersgracht 1;1015 CJ;Amsterdam;NL;EUR;POSTNL;MUG;Mok;1;899\n`,
    );
    const form = new FormData();
    form.append('file', new Blob([HEADER + rows.join('')]), 'bestellingen.csv');
    const response = await fetch(`${platform.baseUrl}/api/orders/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.token}` },
      body: form,
    });
    expect(response.status).toBe(202);
    const { upload } = (await response.json()) as { upload: { id: string } };

    await runDueJobsOnce({
      db: platform.database.db,
      pool: platform.database.pool,
      logger: pino({ level: 'silent' }),
      config: platform.config,
      encryptionKey: platform.deps.encryptionKey,
    });
    const status = await http(platform.baseUrl, 'GET', `/api/orders/uploads/${upload.id}`, {
      token: merchant.token,
    });
    expect(status.body).toMatchObject({
      status: 'completed',
      progress: 1,
      created_count: 1_200,
      rejected_count: 0,
    });
  }, 120_000);

  it('records, through the job, the same row errors as the dry run: every failing column, in words for the merchant', async () => {
    const merchant = await createTestMerchant(platform);
    // Row 2: quantity and price wrong; rows 501 and 502: one order, its e-mail wrong on the first line.
    const lines = csvOf('JOB', 1_100).split('\n');
    lines[1] = lines[1]?.replace(';1;899', ';0;-5') ?? '';
    lines[500] = lines[500]?.replace('anna@example.nl', 'anna(at)example') ?? '';
    lines[501] = lines[500]?.replace(';MUG;', ';CUP;') ?? '';
    const csv = lines.join('\n');
    const form = new FormData();
    form.append('file', new Blob([csv]), 'bestellingen.csv');
    form.append('dry_run', 'true');
    const dry = await fetch(`${platform.baseUrl}/api/orders/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.token}` },
      body: form,
    });
    const { errors } = (await dry.json()) as {
      errors: Array<{ row: number; column: string | null; reason: string }>;
    };
    expect(errors).toEqual([
      {
        row: 2,
        column: 'Aantal, Prijs',
        reason:
          'quantity must be a whole number of at least 1 and at most 100,000, not "0"; ' +
          'unit_price_minor must be a whole number of cents, 0 or more (1999 for 19.99), not "-5"',
      },
      {
        row: 501,
        column: 'E-mailadres',
        reason: 'customer_email must be an e-mail address such as anna@example.nl, not "anna(at)example"',
      },
      { row: 502, column: null, reason: 'order JOB-0499 is invalid (row 501)' },
    ]);

    const uploadId = await postUpload(platform, merchant.token, csv);
    await runQueue();
    const recorded = await platform.database.db
      .selectFrom('order_upload_rejections')
      .select(['row_number as row', 'column', 'reason'])
      .where('upload_id', '=', uploadId)
      .orderBy('row_number')
      .execute();
    expect(recorded).toEqual(errors);
    const rejected = await http(platform.baseUrl, 'GET', `/api/orders/uploads/${uploadId}/rejected.csv`, {
      token: merchant.token,
    });
    for (const { reason } of errors)
      expect(String(rejected.body)).toContain(`"${reason.replaceAll('"', '""')}"`);
  }, 120_000);

  it('ends an upload as failed, with the reason, when the last run of its job fails', async () => {
    const merchant = await createTestMerchant(platform);
    const { db } = platform.database;
    // The database refuses orders from FAIL-0600 on: the first six batches commit, then every run fails there.
    await sql`
      create function refuse_fail_orders() returns trigger language plpgsql as $$
      begin
        if new.merchant_reference >= 'FAIL-0600' and new.merchant_reference like 'FAIL-%' then
          raise exception 'simulated storage fault for %', new.merchant_reference;
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger refuse_fail_orders before insert on orders
      for each row execute function refuse_fail_orders()`.execute(db);
    const uploadId = await postUpload(platform, merchant.token, csvOf('FAIL', 1_200));
    const job = sql<{ attempts: number; max_attempts: number; last_error: string | null }>`
      select attempts, max_attempts, last_error from graphile_worker.jobs where key = ${`order-upload:${uploadId}`}`;
    const statusOf = async () =>
      (await http(platform.baseUrl, 'GET', `/api/orders/uploads/${uploadId}`, { token: merchant.token }))
        .body;

    const { rows: enqueued } = await job.execute(db);
    const maxAttempts = enqueued[0]?.max_attempts ?? 0;
    expect(maxAttempts).toBeGreaterThan(1);
    expect(maxAttempts).toBeLessThan(25);
    for (let attempt = 1; attempt < maxAttempts; attempt += 1) {
      await runQueue();
      // A failed run that the queue will retry leaves the upload processing.
      expect(await statusOf()).toMatchObject({ status: 'processing', error: null, rows_processed: 600 });
      // Skip the retry back-off instead of waiting it out.
      await sql`update graphile_worker._private_jobs set run_at = now() where key = ${`order-upload:${uploadId}`}`.execute(
        db,
      );
    }
    await runQueue();

    const failed = await statusOf();
    expect(failed).toMatchObject({ status: 'failed', rows_processed: 600, rejected_count: 0 });
    expect(failed.created_count + failed.existing_count).toBe(600);
    expect(failed.completed_at).toEqual(expect.any(String));
    expect(failed.error).toContain(`after ${maxAttempts} attempts: an internal error`);
    // The database's own message stays in the job's record for operators, not in the merchant's answer.
    expect(failed.error).not.toContain('simulated storage fault');
    const { rows: jobs } = await job.execute(db);
    expect(jobs[0]).toMatchObject({ attempts: maxAttempts });
    expect(jobs[0]?.last_error).toContain('simulated storage fault');

    const events = await db
      .selectFrom('domain_events')
      .select(['type', 'payload'])
      .where('resource_id', '=', uploadId)
      .where('type', '=', 'order_upload.failed')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ uploadId, status: 'failed', error: failed.error });
    const parked = await db
      .selectFrom('order_upload_rows')
      .select('row_number')
      .where('upload_id', '=', uploadId)
      .execute();
    expect(parked).toHaveLength(0);

    // An upload that has ended is not ended twice (a second failure report, a late duplicate job).
    expect(await failQueuedUpload(db, { uploadId, error: new Error('late'), attempts: 9 })).toBeUndefined();
    expect((await statusOf()).error).toBe(failed.error);
  }, 120_000);

  it('sweeps uploads that no job will finish into failed, and leaves the rest', async () => {
    const merchant = await createTestMerchant(platform);
    const { db } = platform.database;
    const diedOnLastRun = await postUpload(platform, merchant.token, csvOf('DIED', 1_100));
    const jobGone = await postUpload(platform, merchant.token, csvOf('GONE', 1_100));
    const waiting = await postUpload(platform, merchant.token, csvOf('WAIT', 1_100));
    // The worker running the last attempt was killed five hours ago: its lock outlived graphile-worker's 4 hours.
    await sql`update graphile_worker._private_jobs
      set attempts = max_attempts, locked_at = now() - interval '5 hours', locked_by = 'dead-worker'
      where key = ${`order-upload:${diedOnLastRun}`}`.execute(db);
    await sql`delete from graphile_worker._private_jobs where key = ${`order-upload:${jobGone}`}`.execute(db);
    await sql`update order_uploads set updated_at = now() - interval '2 hours' where id = ${jobGone}`.execute(
      db,
    );
    // A request that died while the file streamed in left a receiving upload with parked rows; a live one did not.
    const receiving = async (minutesAgo: number) => {
      const upload = await db
        .insertInto('order_uploads')
        .values({
          merchant_id: merchant.user.organization.id,
          created_by: merchant.user.id,
          file_name: 'half.csv',
          format: 'csv',
          size_bytes: 0,
          status: 'receiving',
          headers: JSON.stringify(['Ordernummer']),
          mapping: JSON.stringify([]),
          rows_total: 0,
          updated_at: sql<Date>`now() - make_interval(mins => ${minutesAgo})`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('order_upload_rows')
        .values({
          upload_id: upload.id,
          row_number: 2,
          merchant_reference: 'H-1',
          cells: JSON.stringify(['H-1']),
        })
        .execute();
      return upload.id;
    };
    const deadRequest = await receiving(90);
    const liveRequest = await receiving(1);
    // Not a sweep candidate, but the sweep must not start its import either.
    await sql`update graphile_worker._private_jobs set run_at = now() + interval '1 hour'
      where key = ${`order-upload:${waiting}`}`.execute(db);

    await enqueueJob(db, 'orders.fail-abandoned-uploads', {});
    await runDueJobsOnce({
      db,
      pool: platform.database.pool,
      logger: pino({ level: 'silent' }),
      config: platform.config,
      encryptionKey: platform.deps.encryptionKey,
      tasks: ['orders.fail-abandoned-uploads'],
    });

    const statusOf = async (id: string) =>
      (await http(platform.baseUrl, 'GET', `/api/orders/uploads/${id}`, { token: merchant.token })).body;
    expect(await statusOf(diedOnLastRun)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('the worker running it stopped'),
    });
    expect(await statusOf(jobGone)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('nothing is left to finish it'),
    });
    expect(await statusOf(waiting)).toMatchObject({ status: 'queued', error: null });
    const announced = await db
      .selectFrom('domain_events')
      .select('resource_id')
      .where('type', '=', 'order_upload.failed')
      .where('resource_id', 'in', [diedOnLastRun, jobGone, waiting])
      .execute();
    expect(announced.map((e) => e.resource_id).sort()).toEqual([diedOnLastRun, jobGone].sort());
    const left = await db
      .selectFrom('order_uploads')
      .select('id')
      .where('id', 'in', [deadRequest, liveRequest])
      .execute();
    expect(left.map((u) => u.id)).toEqual([liveRequest]);
    const parked = await db
      .selectFrom('order_upload_rows')
      .select('upload_id')
      .where('upload_id', '=', deadRequest)
      .execute();
    expect(parked).toEqual([]);
  }, 120_000);
});
