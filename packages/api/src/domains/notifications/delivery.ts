import { sql } from 'kysely';
import { Webhook, WebhookVerificationError } from 'svix';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { toTimestamp } from '../../platform/time';
import { NOTIFICATIONS_ERRORS } from './errors';
import {
  RESEND_DELIVERY_EVENTS,
  ResendEvent,
  type EmailDelivery,
  type EmailDeliveryStatus,
  type ResendWebhookReceipt,
} from './schemas';

type Headers = Record<string, string | string[] | undefined>;
type Receipt = ResendWebhookReceipt['receipt'];

function header(headers: Headers, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * Checks Svix's signature over the exact bytes received (svix compares in constant time and refuses timestamps
 * more than 5 minutes away), then reads the event. Nothing is stored before this succeeds.
 */
export function verifyResendEvent(
  secret: string,
  raw: Buffer,
  headers: Headers,
): ResendEvent & { svixId: string } {
  const svixHeaders = {
    'svix-id': header(headers, 'svix-id'),
    'svix-timestamp': header(headers, 'svix-timestamp'),
    'svix-signature': header(headers, 'svix-signature'),
  };
  let payload: unknown;
  try {
    payload = new Webhook(secret).verify(raw, svixHeaders);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    throw domainError(
      NOTIFICATIONS_ERRORS,
      'resend_signature_invalid',
      `The Resend event is not signed with this platform's RESEND_WEBHOOK_SECRET: ${error.message}.`,
    );
  }
  const parsed = ResendEvent.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw AppError.validation(
      issue?.path.join('.') || 'body',
      issue?.message ?? 'is not a Resend event',
      'invalid',
    );
  }
  return { ...parsed.data, svixId: svixHeaders['svix-id'] };
}

function detailOf(event: ResendEvent): string | null {
  const bounce = event.data.bounce;
  if (!bounce) return null;
  const kind = [bounce.type, bounce.subType].filter(Boolean).join('/');
  return [kind, bounce.message].filter(Boolean).join(': ') || null;
}

/**
 * Records one verified Resend event once per svix id and moves the e-mail's delivery status to the newest event by
 * the event's own time: a late older event joins the history without overwriting a newer status.
 */
export async function recordResendEvent(
  trx: DbTransaction,
  event: ResendEvent & { svixId: string },
): Promise<Receipt> {
  const status: EmailDeliveryStatus | undefined =
    RESEND_DELIVERY_EVENTS[event.type as keyof typeof RESEND_DELIVERY_EVENTS];
  if (!status) return 'ignored';
  const email = await trx
    .selectFrom('email_outbox')
    .select('id')
    .where('provider_message_id', '=', event.data.email_id)
    .executeTakeFirst();
  const occurredAt = new Date(event.created_at);
  const detail = detailOf(event);
  const inserted = await trx
    .insertInto('email_delivery_events')
    .values({
      svix_id: event.svixId,
      event_type: event.type,
      provider_message_id: event.data.email_id,
      email_id: email?.id ?? null,
      occurred_at: occurredAt,
      detail,
    })
    .onConflict((conflict) => conflict.column('svix_id').doNothing())
    .returning('svix_id')
    .executeTakeFirst();
  if (!inserted) return 'duplicate';
  if (!email) return 'unknown_email';
  const moved = await trx
    .updateTable('email_outbox')
    .set({
      delivery_status: status,
      delivery_status_at: occurredAt,
      delivery_detail: detail,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', email.id)
    .where((eb) => eb.or([eb('delivery_status_at', 'is', null), eb('delivery_status_at', '<', occurredAt)]))
    .returning('id')
    .executeTakeFirst();
  return moved ? 'applied' : 'stale';
}

/** Verifies and records one delivery from Resend's webhook; a 503 naming the variable when it cannot verify. */
export async function receiveResendWebhook(
  db: DbExecutor,
  request: { secret: string | undefined; raw: Buffer; headers: Headers },
): Promise<Receipt> {
  if (!request.secret) {
    throw domainError(
      NOTIFICATIONS_ERRORS,
      'resend_webhook_not_configured',
      "Resend's delivery events are not accepted: set RESEND_WEBHOOK_SECRET to the webhook's signing secret (whsec_…).",
    );
  }
  const event = verifyResendEvent(request.secret, request.raw, request.headers);
  return db.transaction().execute((trx) => recordResendEvent(trx, event));
}

type DeliveryRow = {
  id: string;
  to: string;
  subject: string;
  status: 'queued' | 'sent' | 'failed';
  provider_message_id: string | null;
  delivery_status: EmailDeliveryStatus | null;
  delivery_status_at: Date | null;
  created_at: Date;
};

function deliveredOf(status: EmailDeliveryStatus | null): boolean | null {
  if (status === 'bounced') return false;
  if (status === 'delivered' || status === 'complained') return true;
  return null;
}

async function withHistory(db: DbExecutor, rows: DeliveryRow[]): Promise<EmailDelivery[]> {
  if (rows.length === 0) return [];
  const events = await db
    .selectFrom('email_delivery_events')
    .select(['email_id', 'event_type', 'occurred_at', 'detail'])
    .where(
      'email_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('occurred_at')
    .orderBy('received_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    to: row.to,
    subject: row.subject,
    status: row.status,
    providerMessageId: row.provider_message_id,
    deliveryStatus: row.delivery_status,
    deliveryStatusAt: row.delivery_status_at ? toTimestamp(row.delivery_status_at) : null,
    delivered: deliveredOf(row.delivery_status),
    history: events
      .filter((event) => event.email_id === row.id)
      .map((event) => ({
        status: RESEND_DELIVERY_EVENTS[event.event_type as keyof typeof RESEND_DELIVERY_EVENTS],
        occurredAt: toTimestamp(event.occurred_at),
        detail: event.detail,
      })),
    createdAt: toTimestamp(row.created_at),
  }));
}

const DELIVERY_COLUMNS = [
  'id',
  'to',
  'subject',
  'status',
  'provider_message_id',
  'delivery_status',
  'delivery_status_at',
  'created_at',
] as const;

/**
 * Some e-mails' delivery, for the domain that queued them and kept their ids (a statement's sends). No data scope:
 * callers hold the ids because they queued the e-mails. Unknown ids are left out.
 */
export async function emailDeliveries(db: DbExecutor, emailIds: string[]): Promise<EmailDelivery[]> {
  if (emailIds.length === 0) return [];
  const rows = await db
    .selectFrom('email_outbox')
    .select(DELIVERY_COLUMNS)
    .where('id', 'in', emailIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return withHistory(db, rows);
}

/**
 * The e-mails queued about one thing (`regarding` of queueEmail, e.g. `{ kind: 'order', id }`), oldest first.
 * No data scope: the calling domain checks the caller may read the thing first.
 */
export async function emailsRegarding(
  db: DbExecutor,
  regarding: { kind: string; id: string },
): Promise<EmailDelivery[]> {
  const rows = await db
    .selectFrom('email_outbox')
    .select(DELIVERY_COLUMNS)
    .where('regarding_kind', '=', regarding.kind)
    .where('regarding_id', '=', regarding.id)
    .orderBy('created_at')
    .orderBy('id')
    .limit(200)
    .execute();
  return withHistory(db, rows);
}
