import { randomUUID } from 'node:crypto';
import { sendJson, startFakeServer, type FakeServer } from './fake-server';

/** An e-mail the fake accepted, attachments decoded from their base64. */
export interface FakeResendEmail {
  id: string;
  idempotencyKey: string | undefined;
  from: string;
  to: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  attachments: Array<{ filename: string; contentType: string | undefined; content: Buffer }>;
}

export interface FakeResend extends FakeServer {
  /** Every e-mail created, once each: a replay under the same idempotency key adds nothing. */
  emails: FakeResendEmail[];
  /** Answers the next POST /emails with this status and Resend-shaped error body instead of accepting it. */
  failNext(statusCode: number, name: string, message: string): void;
}

interface Attachment {
  filename?: unknown;
  content?: unknown;
  path?: unknown;
  content_type?: unknown;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Resend's error body: `{ statusCode, name, message }`, the shape the `resend` library reads. */
function resendError(statusCode: number, name: string, message: string) {
  return { statusCode, name, message };
}

function readAttachments(value: unknown): FakeResendEmail['attachments'] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return 'The `attachments` field must be an array.';
  const attachments: FakeResendEmail['attachments'] = [];
  for (const item of value as Attachment[]) {
    if (typeof item.content !== 'string' || !BASE64.test(item.content) || item.content.length % 4 !== 0) {
      return 'Attachment `content` must be a base64 string.';
    }
    if (typeof item.filename !== 'string' || item.filename === '')
      return 'Attachment `filename` is required.';
    if (item.content_type !== undefined && typeof item.content_type !== 'string') {
      return 'Attachment `content_type` must be a string.';
    }
    attachments.push({
      filename: item.filename,
      contentType: item.content_type,
      content: Buffer.from(item.content, 'base64'),
    });
  }
  return attachments;
}

/**
 * Speaks Resend's `POST /emails` as the `resend` library calls it: Bearer key, JSON `{ from, to, subject, text?,
 * html?, attachments?: [{ filename, content (base64), content_type? }] }`, answers `{ id }`, errors as
 * `{ statusCode, name, message }`. Honours Idempotency-Key like Resend: 1 to 256 characters, the same key and
 * body answer the first e-mail's id without creating another, the same key with another body is a 409.
 */
export async function startFakeResend(options: { apiKey: string }): Promise<FakeResend> {
  const emails: FakeResendEmail[] = [];
  const failures: Array<ReturnType<typeof resendError>> = [];
  const byKey = new Map<string, { body: string; id: string }>();
  const server = await startFakeServer((request, response) => {
    const reply = (statusCode: number, name: string, message: string) =>
      sendJson(response, statusCode, resendError(statusCode, name, message));
    if (request.method !== 'POST' || request.path !== '/emails') {
      return reply(404, 'not_found', 'The requested endpoint does not exist.');
    }
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return reply(401, 'validation_error', 'API key is invalid');
    }
    const failure = failures.shift();
    if (failure) return sendJson(response, failure.statusCode, failure);
    const key = request.headers['idempotency-key'];
    if (Array.isArray(key) || (key !== undefined && (key.length < 1 || key.length > 256))) {
      return reply(
        400,
        'invalid_idempotency_key',
        'Idempotency keys must have between 1 and 256 characters.',
      );
    }
    const seen = key === undefined ? undefined : byKey.get(key);
    if (seen && seen.body !== request.body) {
      return reply(
        409,
        'invalid_idempotent_request',
        'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
      );
    }
    if (seen) return sendJson(response, 200, { id: seen.id });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return reply(422, 'validation_error', 'The request body is not valid JSON.');
    }
    const to = typeof body.to === 'string' ? [body.to] : body.to;
    if (typeof body.from !== 'string' || !Array.isArray(to) || typeof body.subject !== 'string') {
      return reply(422, 'missing_required_field', 'The `from`, `to` and `subject` fields are required.');
    }
    if (typeof body.text !== 'string' && typeof body.html !== 'string') {
      return reply(422, 'validation_error', 'Either `html` or `text` must be provided.');
    }
    const attachments = readAttachments(body.attachments);
    if (typeof attachments === 'string') return reply(422, 'invalid_attachment', attachments);
    const id = randomUUID();
    emails.push({
      id,
      idempotencyKey: key,
      from: body.from,
      to: to as string[],
      subject: body.subject,
      text: typeof body.text === 'string' ? body.text : undefined,
      html: typeof body.html === 'string' ? body.html : undefined,
      attachments,
    });
    if (key !== undefined) byKey.set(key, { body: request.body, id });
    sendJson(response, 200, { id });
  });
  return {
    ...server,
    emails,
    failNext: (statusCode, name, message) => failures.push(resendError(statusCode, name, message)),
  };
}
