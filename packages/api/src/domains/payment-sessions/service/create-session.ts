import { randomBytes } from 'node:crypto';
import type { DbTransaction } from '@ipay/db';
import QRCode from 'qrcode';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { PAYMENT_SESSION_ERRORS } from '../errors';
import { scopeFilter } from '../../../platform/data-scope';
import type { Actor } from '../../auth/service';
import { setOrderStatus } from '../../orders/service';
import type { DataScope } from '../../rbac/catalogue';
import { generatePaymentReference } from '../reference';
import { payUrl, selectSessions, sessionRowToSession, type SessionRow } from '../repository';
import type { CreatedPaymentSession } from '../schemas';
import { expireIfOverdue } from './expire-sessions';
import { recordSessionEvent } from './session-events';

const REFERENCE_ATTEMPTS = 5;

export function qrPngDataUrl(url: string): Promise<string> {
  return QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
}

async function insertSession(
  trx: DbTransaction,
  order: {
    id: string;
    merchant_id: string;
    total_minor: number;
    currency: string;
    country: string;
    carrier_code: string;
  },
  ttlHours: number,
): Promise<SessionRow> {
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const inserted = await trx
      .insertInto('payment_sessions')
      .values({
        order_id: order.id,
        merchant_id: order.merchant_id,
        reference: generatePaymentReference(),
        pay_token: randomBytes(32).toString('base64url'),
        amount_minor: order.total_minor,
        currency: order.currency,
        country: order.country,
        carrier_code: order.carrier_code,
        expires_at: new Date(Date.now() + ttlHours * 3_600_000),
      })
      // A reference collision (one in 10^16) just draws again; the live-session index cannot fire (order is locked).
      .onConflict((oc) => oc.column('reference').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted)
      return selectSessions(trx).where('payment_sessions.id', '=', inserted.id).executeTakeFirstOrThrow();
  }
  throw new Error('could not draw a free payment reference');
}

/**
 * Issues the order's payment session: 18-digit reference, pay link and QR. An order that already has a live
 * session gets that session back, so the call is safe to repeat.
 */
export async function createPaymentSession(
  trx: DbTransaction,
  request: { actor: Actor; scope: DataScope; orderId: string; publicUrl: string; ttlHours: number },
): Promise<CreatedPaymentSession> {
  const order = await trx
    .selectFrom('orders')
    .select([
      'id',
      'merchant_id',
      'status',
      'total_minor',
      'currency',
      'country',
      'carrier_code',
      'ipay_flag',
    ])
    .where('id', '=', request.orderId)
    .where(
      scopeFilter(request.scope, request.actor, {
        organization: 'orders.merchant_id',
        owner: 'orders.created_by',
      }),
    )
    .forUpdate()
    .executeTakeFirst();
  if (!order) throw new AppError('not_found', `Order ${request.orderId} does not exist.`);
  if (!order.ipay_flag)
    throw domainError(
      PAYMENT_SESSION_ERRORS,
      'order_not_ipay',
      'This order is not paid on delivery through IPAY (ipay_flag is false).',
    );
  if (order.status === 'CANCELLED')
    throw domainError(PAYMENT_SESSION_ERRORS, 'order_cancelled', 'This order is cancelled.');

  const live = await selectSessions(trx)
    .where('payment_sessions.order_id', '=', order.id)
    .where('payment_sessions.status', 'not in', ['EXPIRED', 'CANCELLED'])
    .forUpdate()
    .executeTakeFirst();
  const current = live && (await expireIfOverdue(trx, live));
  if (current && current.status !== 'EXPIRED') {
    return {
      ...sessionRowToSession(current, request.publicUrl),
      qr_png_data_url: await qrPngDataUrl(payUrl(request.publicUrl, current.pay_token)),
      created: false,
    };
  }

  const session = await insertSession(trx, order, request.ttlHours);
  await setOrderStatus(trx, order.id, 'PAYMENT_PENDING');
  await recordSessionEvent(
    trx,
    session,
    'session.created',
    {
      amountMinor: session.amount_minor,
      currency: session.currency,
      expiresAt: session.expires_at.toISOString(),
    },
    request.actor.userId,
  );
  const url = payUrl(request.publicUrl, session.pay_token);
  return {
    ...sessionRowToSession(session, request.publicUrl),
    qr_png_data_url: await qrPngDataUrl(url),
    created: true,
  };
}
