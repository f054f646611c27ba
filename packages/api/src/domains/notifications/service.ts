import { sql, type Selectable } from 'kysely';
import type { DbExecutor, DbTransaction, EmailOutboxTable } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { enqueueJob } from '../../jobs/enqueue';
import { fetchPage, type Page } from '../../platform/pagination';
import { toTimestamp } from '../../platform/time';
import type { DataScope } from '../rbac/catalogue';
import { EmailSendError, type EmailSender } from './email-sender';
import { NOTIFICATIONS_ERRORS } from './errors';
import {
  EMAIL_ATTACHMENTS_MAX_BYTES,
  NewEmail,
  type EmailStatus,
  type ListEmailOutboxInput,
  type OutboxAttachment,
  type OutboxEmail,
} from './schemas';

// Other domains send text messages through the outbox (queueSms) or, for their own retried deliveries, the
// gateway directly (sendSms).
export { queueSms } from './sms-outbox';
export { sendSms, type SmsGatewaySettings, type SmsSendResult } from './sms-gateway';
export { EMAIL_ATTACHMENTS_MAX_BYTES, EMAIL_ATTACHMENTS_MAX_COUNT } from './schemas';
// Domains show what became of the e-mails they queued (a statement's sends, an order's e-mails).
export { emailDeliveries, emailsRegarding } from './delivery';

/** Sends are retried by the job queue with its exponential backoff: about a day and a half in all. */
export const SEND_EMAIL_MAX_ATTEMPTS = 12;

type OutboxRow = Selectable<EmailOutboxTable>;

const ATTACHMENT_LISTING = ['id', 'email_id', 'filename', 'content_type', 'size_bytes'] as const;

/** The key Resend sees: the sender's own, or one derived from our id (unique per e-mail, stable across retries). */
function idempotencyKeyOf(row: Pick<OutboxRow, 'id' | 'idempotency_key'>): string {
  return row.idempotency_key ?? `ipay-email-${row.id}`;
}

function outboxRowToEmail(row: OutboxRow, attachments: OutboxAttachment[]): OutboxEmail {
  return {
    id: row.id,
    idempotencyKey: idempotencyKeyOf(row),
    to: row.to,
    subject: row.subject,
    text: row.text,
    status: row.status,
    providerMessageId: row.provider_message_id,
    deliveryStatus: row.delivery_status,
    lastError: row.last_error,
    attachments,
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

/** The attachments (without their bytes) of some e-mails, by e-mail id, each e-mail's in order. */
async function attachmentsOf(db: DbExecutor, emailIds: string[]): Promise<Map<string, OutboxAttachment[]>> {
  const byEmail = new Map<string, OutboxAttachment[]>();
  if (emailIds.length === 0) return byEmail;
  const rows = await db
    .selectFrom('email_attachments')
    .select(ATTACHMENT_LISTING)
    .where('email_id', 'in', emailIds)
    .orderBy('email_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = byEmail.get(row.email_id) ?? [];
    list.push({
      id: row.id,
      filename: row.filename,
      contentType: row.content_type,
      sizeBytes: row.size_bytes,
    });
    byEmail.set(row.email_id, list);
  }
  return byEmail;
}

function checkAttachmentsSize(email: NewEmail): void {
  const total = (email.attachments ?? []).reduce((sum, a) => sum + a.content.byteLength, 0);
  if (total <= EMAIL_ATTACHMENTS_MAX_BYTES) return;
  const detail = `The attachments total ${total} bytes; an e-mail carries at most ${EMAIL_ATTACHMENTS_MAX_BYTES} bytes (10 MiB) of attachments.`;
  throw domainError(NOTIFICATIONS_ERRORS, 'email_attachments_too_large', detail, {
    errors: [{ field: 'attachments', message: detail }],
  });
}

/**
 * Writes an e-mail and its attachments to the outbox and enqueues its sending in the caller's transaction: the
 * e-mail exists, and will be sent, if and only if the change that caused it commits. With an `idempotencyKey`
 * already queued, nothing is written and the first e-mail's id is returned.
 */
export async function queueEmail(trx: DbTransaction, email: NewEmail): Promise<string> {
  const checked = NewEmail.parse(email);
  checkAttachmentsSize(checked);
  const row = await trx
    .insertInto('email_outbox')
    .values({
      to: checked.to.toLowerCase(),
      subject: checked.subject,
      text: checked.text,
      html: checked.html ?? null,
      idempotency_key: checked.idempotencyKey ?? null,
      regarding_kind: checked.regarding?.kind ?? null,
      regarding_id: checked.regarding?.id ?? null,
    })
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    // Only a key queued before stops the insert.
    const first = await trx
      .selectFrom('email_outbox')
      .select('id')
      .where('idempotency_key', '=', checked.idempotencyKey ?? '')
      .executeTakeFirstOrThrow();
    return first.id;
  }
  const attachments = checked.attachments ?? [];
  if (attachments.length > 0) {
    await trx
      .insertInto('email_attachments')
      .values(
        attachments.map((attachment, position) => ({
          email_id: row.id,
          position,
          filename: attachment.filename,
          content_type: attachment.contentType.toLowerCase(),
          size_bytes: attachment.content.byteLength,
          content: Buffer.from(
            attachment.content.buffer,
            attachment.content.byteOffset,
            attachment.content.byteLength,
          ),
        })),
      )
      .execute();
  }
  await enqueueJob(
    trx,
    'notifications.send-email',
    { emailId: row.id },
    { jobKey: `email:${row.id}`, maxAttempts: SEND_EMAIL_MAX_ATTEMPTS },
  );
  return row.id;
}

async function settle(
  db: DbExecutor,
  emailId: string,
  change: { status: EmailStatus; providerMessageId?: string; lastError?: string | null },
): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({
      status: change.status,
      provider_message_id: change.providerMessageId ?? null,
      last_error: change.lastError ?? null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', emailId)
    .execute();
}

export type SendEmailOutcome = 'sent' | 'kept-in-outbox' | 'failed' | 'already-settled' | 'missing';

/**
 * Hands one queued e-mail, with the attachment bytes stored beside it, to the sender. Safe to repeat: a settled
 * e-mail is left alone, and the provider dedupes on the e-mail's idempotency key, so a send retried after a
 * crash between the provider's answer and our update is the same e-mail, not a second one. A retryable failure
 * is rethrown for the job queue to retry, except on the last attempt, where the e-mail is marked failed so the
 * outbox tells the truth.
 */
export async function sendQueuedEmail(
  db: DbExecutor,
  request: { emailId: string; sender: EmailSender; from: string; lastAttempt: boolean },
): Promise<SendEmailOutcome> {
  const row = await db
    .selectFrom('email_outbox')
    .selectAll()
    .where('id', '=', request.emailId)
    .executeTakeFirst();
  if (!row) return 'missing';
  if (row.status !== 'queued') return 'already-settled';
  if (request.sender.provider === 'outbox') return 'kept-in-outbox';
  const attachments = await db
    .selectFrom('email_attachments')
    .select(['filename', 'content_type', 'content'])
    .where('email_id', '=', row.id)
    .orderBy('position')
    .execute();
  try {
    const outcome = await request.sender.send({
      id: row.id,
      idempotencyKey: idempotencyKeyOf(row),
      from: request.from,
      to: row.to,
      subject: row.subject,
      text: row.text,
      html: row.html,
      attachments: attachments.map((a) => ({
        filename: a.filename,
        contentType: a.content_type,
        content: a.content,
      })),
    });
    if (outcome.kind === 'kept-in-outbox') return 'kept-in-outbox';
    await settle(db, row.id, { status: 'sent', providerMessageId: outcome.providerMessageId });
    return 'sent';
  } catch (error) {
    if (!(error instanceof EmailSendError)) throw error;
    if (error.retryable && !request.lastAttempt) {
      await db
        .updateTable('email_outbox')
        .set({ last_error: error.message, updated_at: sql<Date>`now()` })
        .where('id', '=', row.id)
        .execute();
      throw error;
    }
    await settle(db, row.id, { status: 'failed', lastError: error.message });
    return 'failed';
  }
}

function requireAllScope(scope: DataScope): void {
  if (scope !== 'all') {
    throw new AppError('forbidden', 'The e-mail outbox requires notifications:read on all organizations.');
  }
}

/** The outbox across all organizations: operators only, since e-mails carry no organization. */
export async function listEmailOutbox(
  db: DbExecutor,
  request: { scope: DataScope; input: ListEmailOutboxInput },
): Promise<Page<OutboxEmail>> {
  requireAllScope(request.scope);
  const { input } = request;
  let query = db.selectFrom('email_outbox').selectAll();
  if (input.status) query = query.where('status', '=', input.status);
  if (input.to) query = query.where('to', '=', input.to);
  const page = await fetchPage(query, input, {
    orderBy: ['email_outbox.created_at', 'email_outbox.id'],
  });
  const attachments = await attachmentsOf(
    db,
    page.items.map((row) => row.id),
  );
  return { ...page, items: page.items.map((row) => outboxRowToEmail(row, attachments.get(row.id) ?? [])) };
}

/**
 * One outbox e-mail, for the domain that queued it (e.g. a statement log showing Resend's message id once the
 * send job has run). No data scope: callers hold the id because they queued the e-mail.
 */
export async function getOutboxEmail(db: DbExecutor, emailId: string): Promise<OutboxEmail> {
  const row = await db.selectFrom('email_outbox').selectAll().where('id', '=', emailId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `No e-mail ${emailId} in the outbox.`);
  const attachments = await attachmentsOf(db, [row.id]);
  return outboxRowToEmail(row, attachments.get(row.id) ?? []);
}

export interface EmailAttachmentFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** One attachment's bytes, as queued (and sent): operators only, like the outbox itself. */
export async function getEmailAttachment(
  db: DbExecutor,
  request: { scope: DataScope; emailId: string; attachmentId: string },
): Promise<EmailAttachmentFile> {
  requireAllScope(request.scope);
  const row = await db
    .selectFrom('email_attachments')
    .select(['filename', 'content_type', 'content'])
    .where('id', '=', request.attachmentId)
    .where('email_id', '=', request.emailId)
    .executeTakeFirst();
  if (!row) {
    throw domainError(
      NOTIFICATIONS_ERRORS,
      'email_attachment_not_found',
      `The outbox has no e-mail ${request.emailId} with an attachment ${request.attachmentId}.`,
    );
  }
  return { filename: row.filename, contentType: row.content_type, content: row.content };
}
