import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, queueEmail, type Config } from '@ipay/api';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';

describe('e-mail sending job', () => {
  let database: TestDatabase;
  const received: Array<{ authorization?: string; body: { to: string[]; subject: string } }> = [];
  const resend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string[]; subject: string },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 're_job_1' }));
    });
  });
  const key = randomBytes(32).toString('base64');

  beforeAll(async () => {
    database = await createTestDatabase();
    await new Promise<void>((resolve) => resend.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => resend.close(resolve));
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

  const queue = (to: string) =>
    database.db.transaction().execute((trx) => queueEmail(trx, { to, subject: 'Hello', text: 'Body' }));

  const status = (id: string) =>
    database.db
      .selectFrom('email_outbox')
      .select(['status', 'provider_message_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('sends a queued e-mail through Resend when RESEND_API_KEY is set', async () => {
    const id = await queue('merchant@shop.example');
    const port = (resend.address() as AddressInfo).port;
    await run(
      loadConfig({
        IPAY_ENCRYPTION_KEY: key,
        RESEND_API_KEY: 're_worker',
        RESEND_BASE_URL: `http://127.0.0.1:${port}`,
        EMAIL_FROM: 'IPAY <ops@ipay.example>',
      }),
    );
    expect(received).toEqual([
      { authorization: 'Bearer re_worker', body: expect.objectContaining({ to: ['merchant@shop.example'] }) },
    ]);
    expect(await status(id)).toEqual({ status: 'sent', provider_message_id: 're_job_1' });
  });

  it('keeps it in the outbox, queued, without a provider', async () => {
    const id = await queue('nobody@shop.example');
    await run(loadConfig({ IPAY_ENCRYPTION_KEY: key }));
    expect(await status(id)).toEqual({ status: 'queued', provider_message_id: null });
    expect(received).toHaveLength(1);
  });
});
