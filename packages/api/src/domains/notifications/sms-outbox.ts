import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { enqueueJob } from '../../jobs/enqueue';
import { sendSms, type SmsGatewaySettings } from './sms-gateway';

/** Sends are retried by the job queue with its exponential backoff, like e-mails. */
export const SEND_SMS_MAX_ATTEMPTS = 12;

/**
 * Writes an SMS to the outbox (`sms_outbox`, readable by operators) and enqueues its sending in the caller's
 * transaction: the message exists, and will be sent when a gateway is configured, if and only if the change
 * that caused it commits.
 */
export async function queueSms(trx: DbTransaction, sms: { to: string; text: string }): Promise<string> {
  const row = await trx
    .insertInto('sms_outbox')
    .values({ to: sms.to, text: sms.text })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueueJob(
    trx,
    'notifications.send-sms',
    { smsId: row.id },
    { jobKey: `sms:${row.id}`, maxAttempts: SEND_SMS_MAX_ATTEMPTS },
  );
  return row.id;
}

export type SendSmsOutcome = 'sent' | 'kept-in-outbox' | 'failed' | 'already-settled' | 'missing';

/** Thrown for a failure worth another attempt (a timeout, 429, 5xx): the job queue retries it. */
export class SmsRetryableError extends Error {
  override name = 'SmsRetryableError';
}

/**
 * Hands one queued SMS to the gateway (MessageBird), or keeps it in the outbox when none is configured. Safe
 * to repeat: a settled message is left alone. A refusal of the message itself fails it at once; anything
 * else is retried until the last attempt, which marks it failed so the outbox tells the truth.
 */
export async function sendQueuedSms(
  db: DbExecutor,
  request: { smsId: string; gateway: SmsGatewaySettings | undefined; lastAttempt: boolean },
): Promise<SendSmsOutcome> {
  const row = await db
    .selectFrom('sms_outbox')
    .selectAll()
    .where('id', '=', request.smsId)
    .executeTakeFirst();
  if (!row) return 'missing';
  if (row.status !== 'queued') return 'already-settled';
  if (!request.gateway) return 'kept-in-outbox';
  const result = await sendSms(request.gateway, { to: row.to, text: row.text, reference: row.id });
  if (result.ok) {
    await db
      .updateTable('sms_outbox')
      .set({
        status: 'sent',
        provider_message_id: result.providerMessageId,
        last_error: null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', row.id)
      .execute();
    return 'sent';
  }
  const giveUp = result.permanent || request.lastAttempt;
  await db
    .updateTable('sms_outbox')
    .set({
      ...(giveUp ? { status: 'failed' as const } : {}),
      last_error: result.error,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', row.id)
    .execute();
  if (giveUp) return 'failed';
  throw new SmsRetryableError(result.error);
}
