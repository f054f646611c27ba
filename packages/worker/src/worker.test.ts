import { randomBytes } from 'node:crypto';
import { recordDomainEvent, enqueueJob, loadConfig, type JobName } from '@ipay/api';
import { sampleEvent } from '@ipay/api/testing';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronItems } from './crontab';
import { runDueJobsOnce } from './runner';

describe('worker tasks', () => {
  let database: TestDatabase;
  const logger = pino({ level: 'silent' });
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const config = loadConfig({ NODE_ENV: 'test', IPAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  const runQueue = () =>
    runDueJobsOnce({
      db: database.db,
      pool: database.pool,
      logger,
      config,
      encryptionKey: config.encryptionKey!,
    });

  it('relays committed domain events in a run-once pass, with no job per event', async () => {
    const event = await database.db
      .transaction()
      .execute((trx) => recordDomainEvent(trx, sampleEvent('role.created', { organizationId: null })));
    const { rows: queued } = await sql`select id from graphile_worker.jobs`.execute(database.db);
    expect(queued).toEqual([]);
    await runQueue();
    const { stream_position } = await database.db
      .selectFrom('domain_events')
      .select('stream_position')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    const cursor = await database.db
      .selectFrom('event_relay_cursors')
      .select('position')
      .where('name', '=', 'dispatch')
      .executeTakeFirstOrThrow();
    expect(stream_position).toBeGreaterThan(0);
    expect(cursor.position).toBeGreaterThanOrEqual(stream_position!);
  });

  it('purges expired idempotency keys, rate-limit windows and stream tickets, keeping live ones', async () => {
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 60_000);
    await database.db
      .insertInto('idempotency_keys')
      .values([
        { owner: 'public', key: 'old', request_hash: 'h', expires_at: past },
        { owner: 'public', key: 'live', request_hash: 'h', expires_at: future },
      ])
      .execute();
    await database.db
      .insertInto('rate_limit_buckets')
      .values([
        { key: 'old', window_started_at: past, hits: 3, expires_at: past },
        { key: 'live', window_started_at: past, hits: 3, expires_at: future },
      ])
      .execute();
    const organization = await database.db
      .insertInto('organizations')
      .values({ name: 'Purge BV', type: 'merchant' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await database.db
      .insertInto('users')
      .values({
        organization_id: organization.id,
        email: 'purge@example.test',
        name: 'P',
        password_hash: 'x',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ticket = { user_id: user.id, organization_id: organization.id };
    await database.db
      .insertInto('stream_tickets')
      .values([
        { ...ticket, hash: 'old', expires_at: past },
        { ...ticket, hash: 'live', expires_at: future },
      ])
      .execute();
    await enqueueJob(database.db, 'maintenance.purge-expired', {});
    await runQueue();
    expect(await database.db.selectFrom('idempotency_keys').select('key').execute()).toEqual([
      { key: 'live' },
    ]);
    expect(await database.db.selectFrom('rate_limit_buckets').select('key').execute()).toEqual([
      { key: 'live' },
    ]);
    expect(await database.db.selectFrom('stream_tickets').select('hash').execute()).toEqual([
      { hash: 'live' },
    ]);
  });

  it('fails a job whose payload does not match the catalogue, leaving it for an operator', async () => {
    await sql`select graphile_worker.add_job('webhooks.deliver', '{"deliveryId": 42}'::json, max_attempts => 1)`.execute(
      database.db,
    );
    await runQueue();
    const { rows } = await sql<{ last_error: string }>`select last_error from graphile_worker.jobs`.execute(
      database.db,
    );
    expect(rows[0]?.last_error, JSON.stringify(rows)).toContain('deliveryId');
    await sql`delete from graphile_worker._private_jobs`.execute(database.db);
  });

  it('runs every crontab task with the payload graphile-worker gives a scheduled job', async () => {
    // graphile-worker's cron enqueues `{ ...payload, _cron: { ts, backfilled } }`, ts a Date serialized to JSON.
    const due = new Date();
    due.setUTCSeconds(0, 0);
    for (const item of cronItems()) {
      await enqueueJob(database.db, item.task as JobName, {
        _cron: { ts: due.toISOString(), backfilled: false },
      });
    }
    await runQueue();
    const { rows } = await sql<{ task_identifier: string; last_error: string | null }>`
      select task_identifier, last_error from graphile_worker.jobs`.execute(database.db);
    expect(rows).toEqual([]);
  });

  it('schedules the purge, the abandoned-upload sweep, the consumer side’s expiries, the daily finance batch and the daily controls in the crontab', () => {
    // The crontab follows the order of DOMAINS; which tasks it schedules is what matters.
    expect(
      cronItems()
        .map((item) => item.task)
        .sort(),
    ).toEqual([
      'finance.build-daily-batch',
      'integrations.schedule-syncs',
      'internal-controls.run-daily',
      'lockers.expire-codes',
      'lockers.send-reminders',
      'maintenance.purge-expired',
      'orders.fail-abandoned-uploads',
      'payment-sessions.expire-overdue',
      'points.expire-due',
      'returns.expire',
    ]);
  });
});
