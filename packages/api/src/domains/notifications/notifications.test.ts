import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { AppError } from '../../errors/app-error';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  startFakeResend,
  type FakeResend,
  type TestPlatform,
} from '../../testing';
import { createEmailSender, type EmailSender } from './email-sender';
import type { NewEmail } from './schemas';
import { EMAIL_ATTACHMENTS_MAX_BYTES, getOutboxEmail, queueEmail, sendQueuedEmail } from './service';

/** A statement-sized PDF: a real header, then every byte value, so any re-encoding on the way shows. */
function pdfBytes(size = 300_000): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(size)]);
}

describe('notifications: e-mail', () => {
  let platform: TestPlatform;
  let resend: FakeResend;
  const apiKey = 're_test_key_123';
  beforeAll(async () => {
    platform = await createTestPlatform();
    resend = await startFakeResend({ apiKey });
  });
  afterAll(async () => {
    await resend.close();
    await platform.close();
  });

  const resendConfig = (baseUrl = `${resend.url}/`) =>
    loadConfig({ RESEND_API_KEY: apiKey, RESEND_BASE_URL: baseUrl, EMAIL_FROM: 'IPAY <ops@ipay.example>' })
      .email;

  const queue = (email: Partial<NewEmail> = {}) =>
    platform.database.db.transaction().execute((trx) =>
      queueEmail(trx, {
        to: 'ops@shop.example',
        subject: 'Endpoint disabled',
        text: 'Your endpoint was disabled.',
        ...email,
      }),
    );

  const send = (emailId: string, options: { sender?: EmailSender; lastAttempt?: boolean } = {}) => {
    const email = resendConfig();
    return sendQueuedEmail(platform.database.db, {
      emailId,
      sender: options.sender ?? createEmailSender(email),
      from: email.from,
      lastAttempt: options.lastAttempt ?? false,
    });
  };

  const outboxRow = (id: string) =>
    platform.database.db
      .selectFrom('email_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  const jobsOf = async (id: string) =>
    (
      await sql<{ task_identifier: string; max_attempts: number }>`
        select task_identifier, max_attempts from graphile_worker.jobs where key = ${`email:${id}`}`.execute(
        platform.database.db,
      )
    ).rows;

  it('queues an e-mail in the outbox with its sending job, in the caller’s transaction', async () => {
    const id = await queue({ to: 'Ops@Shop.example' });
    expect(await outboxRow(id)).toMatchObject({ to: 'ops@shop.example', status: 'queued' });
    expect(await jobsOf(id)).toEqual([{ task_identifier: 'notifications.send-email', max_attempts: 12 }]);
  });

  it('sends through Resend’s POST /emails in its wire format and records the provider id', async () => {
    const id = await queue();
    expect(await send(id)).toBe('sent');
    const request = resend.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/emails' });
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': `ipay-email-${id}`,
    });
    expect(JSON.parse(request.body)).toEqual({
      from: 'IPAY <ops@ipay.example>',
      to: ['ops@shop.example'],
      subject: 'Endpoint disabled',
      text: 'Your endpoint was disabled.',
    });
    expect(await outboxRow(id)).toMatchObject({
      status: 'sent',
      provider_message_id: resend.emails.at(-1)!.id,
    });
    expect(await send(id)).toBe('already-settled');
  });

  it('sends a PDF attachment byte for byte under the caller’s idempotency key and stores Resend’s id', async () => {
    const pdf = pdfBytes();
    const key = `carrier-statement/${randomBytes(8).toString('hex')}/r1`;
    const id = await queue({
      to: 'billing@carrier.example',
      subject: 'Credit statement',
      text: 'Please find our credit statement attached.',
      idempotencyKey: key,
      attachments: [{ filename: 'statement-r1.pdf', contentType: 'application/pdf', content: pdf }],
    });
    expect(await send(id)).toBe('sent');

    const wire = JSON.parse(resend.requests.at(-1)!.body) as { attachments: unknown };
    expect(wire.attachments).toEqual([
      { filename: 'statement-r1.pdf', content_type: 'application/pdf', content: pdf.toString('base64') },
    ]);
    const delivered = resend.emails.at(-1)!;
    expect(delivered.idempotencyKey).toBe(key);
    expect(delivered.attachments).toHaveLength(1);
    expect(delivered.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(await getOutboxEmail(platform.database.db, id)).toMatchObject({
      status: 'sent',
      idempotencyKey: key,
      providerMessageId: delivered.id,
      attachments: [{ filename: 'statement-r1.pdf', contentType: 'application/pdf', sizeBytes: pdf.length }],
    });
  });

  it('does not send twice when the worker crashed after Resend accepted the e-mail', async () => {
    const pdf = pdfBytes(50_000);
    const id = await queue({
      attachments: [{ filename: 'statement.pdf', contentType: 'application/pdf', content: pdf }],
    });
    const resendSender = createEmailSender(resendConfig());
    const crashingAfterSend: EmailSender = {
      provider: 'resend',
      send: async (email) => {
        await resendSender.send(email);
        throw new Error('worker killed before it recorded the send');
      },
    };
    const before = resend.emails.length;
    const requestsBefore = resend.requests.length;
    await expect(send(id, { sender: crashingAfterSend })).rejects.toThrow('worker killed');
    expect(await outboxRow(id)).toMatchObject({ status: 'queued', provider_message_id: null });

    expect(await send(id)).toBe('sent');
    expect(resend.requests.length - requestsBefore).toBe(2);
    expect(resend.requests.at(-1)!.body).toBe(resend.requests.at(-2)!.body);
    expect(resend.emails.length - before).toBe(1);
    expect(resend.emails.at(-1)!.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(await outboxRow(id)).toMatchObject({
      status: 'sent',
      provider_message_id: resend.emails.at(-1)!.id,
    });
  });

  it('queues one e-mail per idempotency key, however often it is queued', async () => {
    const key = `statement-${randomBytes(8).toString('hex')}`;
    const first = await queue({ idempotencyKey: key });
    const second = await queue({ idempotencyKey: key, subject: 'Sent twice by a double click' });
    expect(second).toBe(first);
    const rows = await platform.database.db
      .selectFrom('email_outbox')
      .select(['id', 'subject'])
      .where('idempotency_key', '=', key)
      .execute();
    expect(rows).toEqual([{ id: first, subject: 'Endpoint disabled' }]);
    expect(await jobsOf(first)).toHaveLength(1);
  });

  it('refuses attachments over the limit clearly, and queues nothing', async () => {
    const subject = `Oversized ${randomBytes(4).toString('hex')}`;
    const half = Buffer.alloc(EMAIL_ATTACHMENTS_MAX_BYTES / 2, 1);
    const refused = await queue({
      subject,
      attachments: [
        { filename: 'a.pdf', contentType: 'application/pdf', content: half },
        { filename: 'b.pdf', contentType: 'application/pdf', content: Buffer.concat([half, Buffer.of(1)]) },
      ],
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      status: 413,
      code: 'email_attachments_too_large',
      detail: `The attachments total ${EMAIL_ATTACHMENTS_MAX_BYTES + 1} bytes; an e-mail carries at most ${EMAIL_ATTACHMENTS_MAX_BYTES} bytes (10 MiB) of attachments.`,
      errors: [expect.objectContaining({ field: 'attachments' })],
    });
    const written = await platform.database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('subject', '=', subject)
      .execute();
    expect(written).toEqual([]);
    await expect(
      queue({
        attachments: [{ filename: '../etc/passwd', contentType: 'text/plain', content: pdfBytes(10) }],
      }),
    ).rejects.toThrow('a file name without slashes or control characters');
  });

  it('fails an e-mail Resend refuses for good, and retries one it could not take right now', async () => {
    const refused = await queue();
    resend.failNext(422, 'validation_error', 'Invalid `to` field.');
    expect(await send(refused)).toBe('failed');
    expect(await outboxRow(refused)).toMatchObject({
      status: 'failed',
      last_error: 'Resend answered 422: Invalid `to` field.',
    });

    const busy = await queue();
    resend.failNext(500, 'application_error', 'Internal server error');
    await expect(send(busy)).rejects.toThrow('Resend answered 500');
    expect(await outboxRow(busy)).toMatchObject({
      status: 'queued',
      last_error: 'Resend answered 500: Internal server error',
    });
    resend.failNext(409, 'concurrent_idempotent_requests', 'Same idempotency key used while in progress.');
    await expect(send(busy)).rejects.toThrow('Resend answered 409');
    resend.failNext(429, 'rate_limit_exceeded', 'Too many requests');
    expect(await send(busy, { lastAttempt: true })).toBe('failed');
  });

  it('retries an e-mail when Resend cannot be reached', async () => {
    const id = await queue();
    const email = resendConfig('http://127.0.0.1:9/');
    const unreachable = createEmailSender(email);
    await expect(send(id, { sender: unreachable })).rejects.toThrow('Resend unreachable');
    expect(await outboxRow(id)).toMatchObject({ status: 'queued' });
  });

  it('keeps e-mails and their attachments in the outbox when no provider is configured; operators download them', async () => {
    const pdf = pdfBytes();
    const id = await queue({
      to: 'no-provider@carrier.example',
      attachments: [{ filename: 'Créditnota "R2".pdf', contentType: 'application/pdf', content: pdf }],
    });
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

    const admin = await createTestPlatformAdmin(platform);
    const listed = await http(
      platform.baseUrl,
      'GET',
      '/api/admin/email-outbox?to=no-provider@carrier.example',
      {
        token: admin.token,
      },
    );
    expect(listed.status).toBe(200);
    const [outboxEmail] = listed.body.items;
    expect(outboxEmail).toMatchObject({
      id,
      idempotencyKey: `ipay-email-${id}`,
      attachments: [
        { filename: 'Créditnota "R2".pdf', contentType: 'application/pdf', sizeBytes: pdf.length },
      ],
    });
    const path = `/api/admin/email-outbox/${id}/attachments/${outboxEmail.attachments[0].id}`;
    const download = await fetch(`${platform.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="Cr_ditnota _R2_.pdf"; filename*=UTF-8''Cr%C3%A9ditnota%20%22R2%22.pdf`,
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

    const merchant = await createTestMerchant(platform);
    expect((await http(platform.baseUrl, 'GET', path, { token: merchant.token })).status).toBe(403);
    expect((await http(platform.baseUrl, 'GET', path)).status).toBe(401);
    const missing = await http(
      platform.baseUrl,
      'GET',
      `/api/admin/email-outbox/${id}/attachments/${crypto.randomUUID()}`,
      { token: admin.token },
    );
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ status: 404, code: 'email_attachment_not_found' });
    const malformed = await http(platform.baseUrl, 'GET', `/api/admin/email-outbox/${id}/attachments/nope`, {
      token: admin.token,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'path.attachmentId' })]);
  });

  it('shows the outbox to operators only, filtered by status and recipient', async () => {
    const admin = await createTestPlatformAdmin(platform);
    const merchant = await createTestMerchant(platform);
    await queue({ to: 'filter-me@shop.example' });
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
        attachments: [],
      }),
    ]);
    const sent = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox?status=sent', {
      token: admin.token,
    });
    expect(sent.body.items.length).toBeGreaterThan(0);
    expect(sent.body.items.every((e: { status: string }) => e.status === 'sent')).toBe(true);
    const forbidden = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox', {
      token: merchant.token,
    });
    expect(forbidden.status).toBe(403);
    const anonymous = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox');
    expect(anonymous.status).toBe(401);
  });
});
