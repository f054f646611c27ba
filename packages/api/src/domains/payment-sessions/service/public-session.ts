import type { Db } from '@ipay/db';
import type { Config } from '../../../config';
import type { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { PAYMENT_SESSION_ERRORS } from '../errors';
import { toTimestamp } from '../../../platform/time';
import { availablePsps } from '../../payments/service/available-psps';
import { sessionOtp } from '../otp';
import { holdsPayerProof } from '../payer-cookie';
import { lockSession, type SessionRow } from '../repository';
import type { PublicSession } from '../schemas';
import { codeDestinations } from './door-code';
import { expireIfOverdue } from './expire-sessions';
import { amountDueMinor } from './wallet-part';

const PAYABLE_STATUSES = new Set(['PENDING_PAYMENT', 'PAID', 'RELEASED', 'DELIVERED', 'REFUNDED']);

function notFound(): AppError {
  return domainError(
    PAYMENT_SESSION_ERRORS,
    'pay_link_unknown',
    'This payment link is unknown or has expired.',
  );
}

/** The session behind a pay link, expired on the spot when overdue; expired and cancelled links are 404. */
export async function sessionForPayToken(db: Db, token: string): Promise<SessionRow> {
  const session = await db.transaction().execute(async (trx) => {
    const locked = await lockSession(trx, { payToken: token });
    return locked ? expireIfOverdue(trx, locked) : undefined;
  });
  if (!session || !PAYABLE_STATUSES.has(session.status)) throw notFound();
  return session;
}

/**
 * What the consumer's pay page shows: the amount, the items, the state; once paid, where the door code was
 * sent, and the code itself only to the browser that paid (`cookieHeader` holding the payer cookie).
 */
export async function getPublicSession(
  db: Db,
  request: {
    token: string;
    rootKey: Buffer;
    config: Pick<Config, 'payments' | 'sms'>;
    cookieHeader?: string;
  },
): Promise<PublicSession> {
  const session = await sessionForPayToken(db, request.token);
  const merchant = await db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', session.merchant_id)
    .executeTakeFirstOrThrow();
  const items = await db
    .selectFrom('order_items')
    .select(['name', 'quantity'])
    .where('order_id', '=', session.order_id)
    .orderBy('position')
    .execute();
  const pending = session.status === 'PENDING_PAYMENT';
  const paid = session.status === 'PAID';
  const failedAttempt = pending
    ? await db
        .selectFrom('payments')
        .select('status')
        .where('session_id', '=', session.id)
        // Only a failure after the latest start counts: starting again clears it.
        .where('created_at', '>', session.updated_at)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst()
    : undefined;
  const isPayer = paid && holdsPayerProof(session.payer_attempt_hash, request.cookieHeader);
  return {
    merchant_name: merchant.name,
    ipay_reference_18: session.reference,
    amount_minor: session.amount_minor,
    amount_due_minor: amountDueMinor(session),
    wallet_minor: session.wallet_held_minor,
    currency: session.currency,
    items,
    status: session.status,
    parcel_status: session.parcel_status,
    expires_at: toTimestamp(session.expires_at),
    delivered_at: session.delivered_at ? toTimestamp(session.delivered_at) : null,
    otp_4: isPayer ? sessionOtp(request.rootKey, session.id) : null,
    otp_sent_to: paid
      ? await codeDestinations(db, { sessionId: session.id, smsConfigured: request.config.sms !== undefined })
      : null,
    last_payment_failed: failedAttempt?.status === 'failed',
    payment_options: pending ? availablePsps(request.config.payments) : [],
  };
}

/**
 * A pay link that was real but can no longer be used (expired, cancelled), for the page that says so; the
 * JSON view answers 404 for these, as for an unknown link.
 */
export async function endedPayLink(
  db: Db,
  token: string,
): Promise<{ status: 'EXPIRED' | 'CANCELLED'; merchantName: string } | undefined> {
  const row = await db
    .selectFrom('payment_sessions')
    .innerJoin('organizations', 'organizations.id', 'payment_sessions.merchant_id')
    .select(['payment_sessions.status', 'organizations.name'])
    .where('payment_sessions.pay_token', '=', token)
    .executeTakeFirst();
  if (row?.status === 'EXPIRED' || row?.status === 'CANCELLED') {
    return { status: row.status, merchantName: row.name };
  }
  return undefined;
}
