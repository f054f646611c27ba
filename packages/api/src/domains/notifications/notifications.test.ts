import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  type TestPlatform,
} from '../../testing';
import { createEmailSender } from './email-sender';
import { queueEmail, sendQueuedEmail } from './service';

interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Speaks Resend's `POST /emails`: Bearer key, JSON in, `{ id }` out, `{ statusCode, message, name }` on errors. */
async function startFakeResend(apiKey: string) {
  const seen: SeenRequest[] = [];
  const answers: Array<{ status: number; body: unknown }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const reply = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return reply(401, { statusCode: 401, message: 'API key is invalid', name: 'validation_error' });
      }
      const next = answers.shift();
      if (next) return reply(next.status, next.body);
      reply(200, { id: `re_${seen.length}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answerNext: (status: number, body: unknown) => answers.push({ status, body }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('notifications: e-mail', () => {
  let platform: TestPlatform;
  let resend: Awaited<ReturnType<typeof startFakeResend>>;
  const apiKey = 're_test_key_123';
  beforeAll(async () => {
    platform = await createTestPlatform();
    resend = await startFakeResend(apiKey);
  });
  afterAll(async () => {
    await resend.close();
    await platform.close();
  });

  const resendConfig = () =>
    loadConfig({
      RESEND_API_KEY: apiKey,
      RESEND_BASE_URL: `${resend.baseUrl}/`,
      EMAIL_FROM: 'IPAY <ops@ipay.example>',
    }).email;

  const queue = (to = 'ops@shop.example') =>
    platform.database.db
      .transaction()
      .execute((trx) =>
        queueEmail(trx, { to, subject: 'Endpoint disabled', text: 'Your endpoint was disabled.' }),
      );

  const outboxRow = (id: string) =>
    platform.database.db
      .selectFrom('email_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('queues an e-mail in the outbox with its sending job, in the caller’s transaction', async () => {
    const id = await queue('Ops@Shop.example');
    expect(await outboxRow(id)).toMatchObject({ to: 'ops@shop.example', status: 'queued' });
    const { rows } = await sql<{ task_identifier: string; max_attempts: number }>`
      select task_identifier, max_attempts from graphile_worker.jobs where key = ${`email:${id}`}`.execute(
      platform.database.db,
    );
    expect(rows).toEqual([{ task_identifier: 'notifications.send-email', max_attempts: 12 }]);
  });

  it('sends through Resend’s POST /emails in its wire format and records the provider id', async () => {
    const id = await queue();
    const email = resendConfig();
    const outcome = await sendQueuedEmail(platform.database.db, {
      emailId: id,
      sender: createEmailSender(email),
      from: email.from,
      lastAttempt: false,
    });
    expect(outcome).toBe('sent');
    const request = resend.seen.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/emails' });
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': `ipay-email-${id}`,
    });
    expect(request.body).toEqual({
      from: 'IPAY <ops@ipay.example>',
      to: ['ops@shop.example'],
      subject: 'Endpoint disabled',
      text: 'Your endpoint was disabled.',
    });
    expect(await outboxRow(id)).toMatchObject({
      status: 'sent',
      provider_message_id: `re_${resend.seen.length}`,
    });

    const again = await sendQueuedEmail(platform.database.db, {
      emailId: id,
      sender: createEmailSender(email),
      from: email.from,
      lastAttempt: false,
    });
    expect(again).toBe('already-settled');
  });

  it('fails an e-mail Resend refuses for good, and retries one it could not take right now', async () => {
    const email = resendConfig();
    const send = (emailId: string, lastAttempt = false) =>
      sendQueuedEmail(platform.database.db, {
        emailId,
        sender: createEmailSender(email),
        from: email.from,
        lastAttempt,
      });

    const refused = await queue();
    resend.answerNext(422, { statusCode: 422, message: 'Invalid `to` field.', name: 'validation_error' });
    expect(await send(refused)).toBe('failed');
    expect(await outboxRow(refused)).toMatchObject({
      status: 'failed',
      last_error: 'Resend answered 422: Invalid `to` field.',
    });

    const busy = await queue();
    resend.answerNext(500, { statusCode: 500, message: 'Internal server error', name: 'application_error' });
    await expect(send(busy)).rejects.toThrow('Resend answered 500');
    expect(await outboxRow(busy)).toMatchObject({
      status: 'queued',
      last_error: 'Resend answered 500: Internal server error',
    });
    resend.answerNext(429, { statusCode: 429, message: 'Too many requests', name: 'rate_limit_exceeded' });
    expect(await send(busy, true)).toBe('failed');
  });

  it('keeps e-mails in the outbox when no provider is configured', async () => {
    const id = await queue();
    const email = loadConfig({}).email;
    expect(email.resend).toBeUndefined();
    const outcome = await sendQueuedEmail(platform.database.db, {
      emailId: id,
      sender: createEmailSender(email),
      from: email.from,
      lastAttempt: false,
    });
    expect(outcome).toBe('kept-in-outbox');
    expect(await outboxRow(id)).toMatchObject({ status: 'queued', provider_message_id: null });
  });

  it('shows the outbox to operators only, filtered by status and recipient', async () => {
    const admin = await createTestPlatformAdmin(platform);
    const merchant = await createTestMerchant(platform);
    await queue('filter-me@shop.example');
    const all = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox?limit=200', {
      token: admin.token,
    });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(5);
    const mine = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox?to=Filter-Me@shop.example', {
      token: admin.token,
    });
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        to: 'filter-me@shop.example',
        status: 'queued',
        subject: 'Endpoint disabled',
      }),
    ]);
    const sent = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox?status=sent', {
      token: admin.token,
    });
    expect(sent.body.items.every((e: { status: string }) => e.status === 'sent')).toBe(true);
    const forbidden = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox', {
      token: merchant.token,
    });
    expect(forbidden.status).toBe(403);
    const anonymous = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox');
    expect(anonymous.status).toBe(401);
  });
});
