import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { toTimestamp } from '../../../platform/time';
import type { SignedInConsumer } from '../../consumer/service';
import { recordDomainEvent } from '../../events/service';
import {
  findReturnableSession,
  type ReturnableSession,
} from '../../payment-sessions/service/returnable-session';
import { RETURNS_ERRORS } from '../errors';
import type { OpenedReturnOutput, OpenReturnInput } from '../schemas';
import { itemsValue } from './load-case';
import { getReturnSettings } from './settings';
import { newReturnToken, returnPortalUrl } from './token';
import { transitionReturn } from './transitions';
import { returnCaseOutput } from './view';

const RETURNABLE = ['PAID', 'RELEASED', 'DELIVERED'];
const CLOSED = ['CANCELLED', 'REJECTED', 'EXPIRED'] as const;
const DAY_MS = 86_400_000;

export interface OpenReturnRequest {
  input: OpenReturnInput;
  consumer: Pick<SignedInConsumer, 'id' | 'email'> | null;
  publicUrl: string;
  rootKey: Buffer;
  now?: Date;
}

/** The session the caller may return from: by pay token, or one of the signed-in consumer's by id. */
export async function callerSession(
  trx: DbExecutor,
  request: {
    input: Pick<OpenReturnInput, 'payToken' | 'sessionId'>;
    consumer: OpenReturnRequest['consumer'];
  },
): Promise<ReturnableSession> {
  const { input, consumer } = request;
  const notFound = () =>
    domainError(
      RETURNS_ERRORS,
      'return_session_not_found',
      'No payment session of yours matches the pay token or session id given.',
    );
  if (input.payToken) {
    const session = await findReturnableSession(trx, { payToken: input.payToken });
    if (!session) throw notFound();
    return session;
  }
  if (!input.sessionId) {
    throw AppError.validation(
      'payToken',
      'give the pay token, or sessionId with a consumer token',
      'required',
    );
  }
  if (!consumer) throw new AppError('unauthenticated', 'A sessionId needs a consumer token (magic link).');
  const session = await findReturnableSession(trx, { sessionId: input.sessionId });
  if (!session || session.address.email.toLowerCase() !== consumer.email.toLowerCase()) throw notFound();
  return session;
}

/** Quantities of each order line already in cases that still count (not cancelled, rejected or expired). */
export async function alreadyReturned(trx: DbExecutor, orderId: string): Promise<Map<number, number>> {
  const rows = await trx
    .selectFrom('return_items')
    .innerJoin('return_cases', 'return_cases.id', 'return_items.return_id')
    .select(['return_items.position', sql<number>`sum(return_items.quantity)::int`.as('quantity')])
    .where('return_cases.order_id', '=', orderId)
    .where('return_cases.status', 'not in', [...CLOSED])
    .groupBy('return_items.position')
    .execute();
  return new Map(rows.map((row) => [row.position, row.quantity]));
}

function itemError(index: number, field: 'position' | 'quantity', message: string): AppError {
  const path = `items[${index}].${field}`;
  return domainError(RETURNS_ERRORS, 'return_item_invalid', `${path}: ${message}`, {
    errors: [{ field: path, message, code: 'return_item_invalid' }],
  });
}

function checkItems(input: OpenReturnInput, session: ReturnableSession, returned: Map<number, number>) {
  const seen = new Set<number>();
  return input.items.map((item, index) => {
    const line = session.lines.find((candidate) => candidate.position === item.position);
    if (!line) throw itemError(index, 'position', `the order has no line ${item.position}`);
    if (seen.has(item.position)) throw itemError(index, 'position', `line ${item.position} is named twice`);
    seen.add(item.position);
    const left = line.quantity - (returned.get(item.position) ?? 0);
    if (item.quantity > left) {
      throw itemError(index, 'quantity', `only ${left} of line ${item.position} can still be returned`);
    }
    return { ...line, quantity: item.quantity, reason: item.reason, reasonText: item.reasonText ?? null };
  });
}

/** Throws unless the session can still have items returned now (paid or delivered, within the window). */
export async function assertReturnable(db: DbExecutor, session: ReturnableSession, now: Date) {
  if (!RETURNABLE.includes(session.status)) {
    throw domainError(
      RETURNS_ERRORS,
      'return_not_returnable',
      `This parcel's payment is ${session.status}: only paid or delivered parcels can be returned.`,
    );
  }
  const settings = await getReturnSettings(db, session.merchantId);
  if (session.deliveredAt && now.getTime() > session.deliveredAt.getTime() + settings.windowDays * DAY_MS) {
    throw domainError(
      RETURNS_ERRORS,
      'return_window_closed',
      `Returns were possible until ${settings.windowDays} days after delivery (${toTimestamp(session.deliveredAt)}).`,
    );
  }
  return settings;
}

/**
 * Opens a return case for items of a paid or delivered session, within the merchant's window after delivery
 * and never for more of a line than is left after the order's other counting cases (checked under a lock
 * per order, so two requests at once cannot both take the last item). Without required approval the case is
 * approved at once. The portal token is returned here once (and kept sealed for the label's QR).
 */
export async function openReturn(
  trx: DbTransaction,
  request: OpenReturnRequest,
): Promise<OpenedReturnOutput> {
  const now = request.now ?? new Date();
  const session = await callerSession(trx, request);
  const settings = await assertReturnable(trx, session, now);
  await sql`select pg_advisory_xact_lock(hashtextextended(${`return-open:${session.orderId}`}, 0))`.execute(
    trx,
  );
  const items = checkItems(request.input, session, await alreadyReturned(trx, session.orderId));
  const token = newReturnToken(request.rootKey);
  const row = await trx
    .insertInto('return_cases')
    .values({
      organization_id: session.merchantId,
      order_id: session.orderId,
      session_id: session.id,
      merchant_reference: session.merchantReference,
      consumer_id: request.consumer?.id ?? null,
      token_hash: token.hash,
      token_sealed: token.sealed,
      refund_method: request.input.refundMethod,
      refund_email: (request.consumer?.email ?? session.address.email).toLowerCase(),
      currency: session.currency,
      note: request.input.note ?? null,
      opened_at: now,
      expires_at: new Date(now.getTime() + settings.expiryDays * DAY_MS),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('return_items')
    .values(
      items.map((item) => ({
        return_id: row.id,
        position: item.position,
        sku: item.sku,
        description: item.description,
        quantity: item.quantity,
        unit_price_minor: item.unitPriceMinor,
        reason: item.reason,
        reason_text: item.reasonText,
      })),
    )
    .execute();
  await recordDomainEvent(trx, {
    type: 'return.opened',
    resourceType: 'return',
    resourceId: row.id,
    organizationId: row.organization_id,
    data: {
      returnId: row.id,
      orderId: row.order_id,
      sessionId: row.session_id,
      merchantReference: row.merchant_reference,
      status: row.status,
      source: 'consumer',
      occurredAt: toTimestamp(now),
      refundMethod: row.refund_method,
      itemsValueMinor: itemsValue(items),
      currency: row.currency,
      approvalRequired: settings.approvalRequired,
      items: items.map((item) => ({ sku: item.sku, quantity: item.quantity, reason: item.reason })),
    },
  });
  if (!settings.approvalRequired) {
    await transitionReturn(trx, { returnId: row.id, to: 'APPROVED', occurredAt: now, source: 'system' });
  }
  const output = await returnCaseOutput(trx, row.id);
  return { ...output, token: token.token, portalUrl: returnPortalUrl(request.publicUrl, token.token) };
}
