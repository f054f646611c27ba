import { sql, type Selectable } from 'kysely';
import type { DbExecutor, DbTransaction, EmailOutboxTable } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { enqueueJob } from '../../jobs/enqueue';
import { fetchPage, type Page } from '../../platform/pagination';
import { toTimestamp } from '../../platform/time';
import type { DataScope } from '../rbac/catalogue';
import { EmailSendError, type EmailSender } from './email-sender';
import { NewEmail, type EmailStatus, type ListEmailOutboxInput, type OutboxEmail } from './schemas';

// Other domains send text messages through the outbox (queueSms) or, for their own retried deliveries, the
// gateway directly (sendSms).
export { queueSms } from './sms-outbox';
export { sendSms, type SmsGatewaySettings, type SmsSendResult } from './sms-gateway';

/** Sends are retried by the job queue with its exponential backoff: about a day and a half in all. */
export const SEND_EMAIL_MAX_ATTEMPTS = 12;

type OutboxRow = Selectable<EmailOutboxTable>;

function outboxRowToEmail(row: OutboxRow): OutboxEmail {
  return {
    id: row.id,
    to: row.to,
    subject: row.subject,
    text: row.text,
    status: row.status,
    providerMessageId: row.provider_message_id,
    lastError: row.last_error,
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

/**
 * Writes an e-mail to the outbox and enqueues its sending in the caller's transaction: the e-mail exists,
 * and will be sent, if and only if the change that caused it commits.
 */
export async function queueEmail(trx: DbTransaction, email: NewEmail): Promise<string> {
  const checked = NewEmail.parse(email);
  const row = await trx
    .insertInto('email_outbox')
    .values({
      to: checked.to.toLowerCase(),
      subject: checked.subject,
      text: checked.text,
      html: checked.html ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
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
 * Hands one queued e-mail to the sender. Safe to repeat: a settled e-mail is left alone, and the provider
 * dedupes on our id. A retryable failure is rethrown for the job queue to retry, except on the last attempt,
 * where the e-mail is marked failed so the outbox tells the truth.
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
  try {
    const outcome = await request.sender.send({
      id: row.id,
      from: request.from,
      to: row.to,
      subject: row.subject,
      text: row.text,
      html: row.html,
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

/** The outbox across all organizations: operators only, since e-mails carry no organization. */
export async function listEmailOutbox(
  db: DbExecutor,
  request: { scope: DataScope; input: ListEmailOutboxInput },
): Promise<Page<OutboxEmail>> {
  if (request.scope !== 'all') {
    throw new AppError('forbidden', 'The e-mail outbox requires notifications:read on all organizations.');
  }
  const { input } = request;
  let query = db.selectFrom('email_outbox').selectAll();
  if (input.status) query = query.where('status', '=', input.status);
  if (input.to) query = query.where('to', '=', input.to);
  const page = await fetchPage(query, input, {
    orderBy: ['email_outbox.created_at', 'email_outbox.id'],
  });
  return { ...page, items: page.items.map(outboxRowToEmail) };
}
