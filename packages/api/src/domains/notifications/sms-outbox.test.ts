import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPlatform,
  sendJson,
  startFakeServer,
  type FakeServer,
  type TestPlatform,
} from '../../testing';
import { queueSms, sendQueuedSms, SmsRetryableError } from './sms-outbox';

describe('the SMS outbox', () => {
  let platform: TestPlatform;
  let gateway: FakeServer;
  const answers: Array<{ status: number; body: unknown }> = [];
  beforeAll(async () => {
    platform = await createTestPlatform();
    gateway = await startFakeServer((_request, response) => {
      const next = answers.shift() ?? { status: 201, body: { id: 'mb-1' } };
      sendJson(response, next.status, next.body);
    });
  });
  afterAll(async () => {
    await platform.close();
    await gateway.close();
  });

  const settings = () => ({ apiUrl: gateway.url, apiKey: 'test-key', originator: 'IPAY' });
  const queue = () =>
    platform.database.db
      .transaction()
      .execute((trx) => queueSms(trx, { to: '+31612345678', text: 'Your door code: 1234' }));
  const row = (id: string) =>
    platform.database.db.selectFrom('sms_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('queues a message with its send job in the same transaction', async () => {
    const id = await queue();
    const { rows } = await sql<{ task_identifier: string }>`
      select task_identifier from graphile_worker.jobs where key = ${`sms:${id}`}`.execute(
      platform.database.db,
    );
    expect(rows).toEqual([{ task_identifier: 'notifications.send-sms' }]);
    expect((await row(id)).status).toBe('queued');
  });

  it('keeps the message in the outbox without a gateway, and sends it through one', async () => {
    const id = await queue();
    expect(
      await sendQueuedSms(platform.database.db, { smsId: id, gateway: undefined, lastAttempt: false }),
    ).toBe('kept-in-outbox');
    const request = { smsId: id, gateway: settings(), lastAttempt: false };
    expect(await sendQueuedSms(platform.database.db, request)).toBe('sent');
    expect(await row(id)).toMatchObject({ status: 'sent', provider_message_id: 'mb-1' });
    expect(JSON.parse(gateway.requests.at(-1)?.body ?? '{}')).toMatchObject({
      originator: 'IPAY',
      recipients: ['31612345678'],
      body: 'Your door code: 1234',
    });
    expect(await sendQueuedSms(platform.database.db, request)).toBe('already-settled');
  });

  it('retries what the gateway may take later, and fails what it refused', async () => {
    const busy = await queue();
    answers.push({ status: 503, body: {} });
    await expect(
      sendQueuedSms(platform.database.db, { smsId: busy, gateway: settings(), lastAttempt: false }),
    ).rejects.toBeInstanceOf(SmsRetryableError);
    expect((await row(busy)).status).toBe('queued');

    const refused = await queue();
    answers.push({ status: 422, body: { errors: [{ description: 'no (correct) recipients found' }] } });
    expect(
      await sendQueuedSms(platform.database.db, { smsId: refused, gateway: settings(), lastAttempt: false }),
    ).toBe('failed');
    expect((await row(refused)).last_error).toContain('no (correct) recipients found');
  });
});
