import type { Db } from '@ipay/db';
import type { PaymentConfig } from '../../../config';
import type { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { PAYMENT_SESSION_ERRORS } from '../errors';
import { toTimestamp } from '../../../platform/time';
import { availablePsps } from '../../payments/service/available-psps';
import { sessionOtp } from '../otp';
import { lockSession, type SessionRow } from '../repository';
import type { PublicSession } from '../schemas';
import { expireIfOverdue } from './expire-sessions';

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

/** What the consumer's pay page shows: the amount, the items, and, once paid, the OTP for the driver. */
export async function getPublicSession(
  db: Db,
  request: { token: string; rootKey: Buffer; payments: PaymentConfig },
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
  return {
    merchant_name: merchant.name,
    ipay_reference_18: session.reference,
    amount_minor: session.amount_minor,
    currency: session.currency,
    items,
    status: session.status,
    expires_at: toTimestamp(session.expires_at),
    otp_4: session.status === 'PAID' ? sessionOtp(request.rootKey, session.id) : null,
    payment_options: session.status === 'PENDING_PAYMENT' ? availablePsps(request.payments) : [],
  };
}
