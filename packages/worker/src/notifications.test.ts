import { randomBytes } from 'node:crypto';
import { loadConfig, queueEmail, type Config } from '@ipay/api';
import { startFakeResend, type FakeResend } from '@ipay/api/testing';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';

describe('e-mail sending job', () => {
  let database: TestDatabase;
  let resend: FakeResend;
  const key = randomBytes(32).toString('base64');

  beforeAll(async () => {
    database = await createTestDatabase();
    resend = await startFakeResend({ apiKey: 're_worker' });
  });
  afterAll(async () => {
    await resend.close();
    await database.drop();
  });

  const run = (config: Config) =>
    runDueJobsOnce({
      db: database.db,
      pool: database.pool,
      logger: pino({ level: 'silent' }),
      config,
      encryptionKey: config.encryptionKey!,
    });

  const queue = (to: string, attachment?: Buffer) =>
    database.db.transaction().execute((trx) =>
      queueEmail(trx, {
        to,
        subject: 'Hello',
        text: 'Body',
        ...(attachment
          ? {
              attachments: [
                { filename: 'statement.pdf', contentType: 'application/pdf', content: attachment },
              ],
            }
          : {}),
      }),
    );

  const status = (id: string) =>
    database.db
      .selectFrom('email_outbox')
      .select(['status', 'provider_message_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('sends a queued e-mail and its attachment through Resend when RESEND_API_KEY is set', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000)]);
    const id = await queue('merchant@shop.example', pdf);
    await run(
      loadConfig({
        IPAY_ENCRYPTION_KEY: key,
        RESEND_API_KEY: 're_worker',
        RESEND_BASE_URL: resend.url,
        EMAIL_FROM: 'IPAY <ops@ipay.example>',
      }),
    );
    expect(resend.emails).toEqual([
      expect.objectContaining({ to: ['merchant@shop.example'], idempotencyKey: `ipay-email-${id}` }),
    ]);
    expect(resend.emails[0]!.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(await status(id)).toEqual({ status: 'sent', provider_message_id: resend.emails[0]!.id });
  });

  it('keeps it in the outbox, queued, without a provider', async () => {
    const id = await queue('nobody@shop.example');
    await run(loadConfig({ IPAY_ENCRYPTION_KEY: key }));
    expect(await status(id)).toEqual({ status: 'queued', provider_message_id: null });
    expect(resend.requests).toHaveLength(1);
  });
});
