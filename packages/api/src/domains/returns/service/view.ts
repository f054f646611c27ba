import type { DbExecutor } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { toTimestamp } from '../../../platform/time';
import { RETURNS_ERRORS } from '../errors';
import type { PortalReturnOutput, ReturnCaseOutput } from '../schemas';
import { findReturnItems, itemsValue, type ReturnCaseRow } from './load-case';
import { returnLabelUrl, returnTokenHash } from './token';

async function refundOf(db: DbExecutor, returnId: string): Promise<ReturnCaseOutput['refund']> {
  const refund = await db
    .selectFrom('return_refunds')
    .selectAll()
    .where('return_id', '=', returnId)
    .executeTakeFirst();
  if (!refund) return null;
  return {
    method: refund.method,
    status: refund.status,
    amountMinor: refund.amount_minor,
    shippingMinor: refund.shipping_minor,
    bonusMinor: refund.bonus_minor,
    currency: refund.currency,
    completedAt: refund.completed_at ? toTimestamp(refund.completed_at) : null,
  };
}

export async function caseRowToOutput(db: DbExecutor, row: ReturnCaseRow): Promise<ReturnCaseOutput> {
  const [items, refund] = [await findReturnItems(db, row.id), await refundOf(db, row.id)];
  return {
    id: row.id,
    merchantId: row.organization_id,
    orderId: row.order_id,
    sessionId: row.session_id,
    merchantReference: row.merchant_reference,
    status: row.status,
    refundMethod: row.refund_method,
    currency: row.currency,
    itemsValueMinor: itemsValue(items),
    note: row.note,
    rejectReason: row.reject_reason,
    items,
    trackingNumber: row.tracking_number,
    carrierCode: row.carrier_code,
    refund,
    openedAt: toTimestamp(row.opened_at),
    expiresAt: toTimestamp(row.expires_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

export async function returnCaseOutput(db: DbExecutor, returnId: string): Promise<ReturnCaseOutput> {
  const row = await db
    .selectFrom('return_cases')
    .selectAll()
    .where('id', '=', returnId)
    .executeTakeFirstOrThrow();
  return caseRowToOutput(db, row);
}

/** The case a portal token opens; a not-found problem for any other string. */
export async function findCaseByToken(db: DbExecutor, token: string): Promise<ReturnCaseRow> {
  const row = await db
    .selectFrom('return_cases')
    .selectAll()
    .where('token_hash', '=', returnTokenHash(token))
    .executeTakeFirst();
  if (!row) throw domainError(RETURNS_ERRORS, 'return_not_found', 'No return case has this link.');
  return row;
}

function nextAction(row: ReturnCaseRow): PortalReturnOutput['nextAction'] {
  switch (row.status) {
    case 'OPENED':
      return 'WAIT_FOR_APPROVAL';
    case 'APPROVED':
      return 'WAIT_FOR_LABEL';
    case 'LABEL_CREATED':
      return 'DOWNLOAD_LABEL';
    case 'IN_TRANSIT':
      return 'WAIT_FOR_RECEIPT';
    case 'RECEIVED':
      return 'WAIT_FOR_REFUND';
    default:
      return 'NONE';
  }
}

/** What the consumer's portal shows: no ids, no addresses, only the case and what to do next. */
export async function portalView(
  db: DbExecutor,
  request: { token: string; publicUrl: string },
): Promise<PortalReturnOutput> {
  const row = await findCaseByToken(db, request.token);
  const output = await caseRowToOutput(db, row);
  const merchant = await db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', row.organization_id)
    .executeTakeFirstOrThrow();
  const labelReady = row.label_created_at !== null && ['LABEL_CREATED', 'IN_TRANSIT'].includes(row.status);
  return {
    status: row.status,
    merchantName: merchant.name,
    merchantReference: row.merchant_reference,
    refundMethod: row.refund_method,
    currency: row.currency,
    itemsValueMinor: output.itemsValueMinor,
    items: output.items.map(({ position: _position, ...item }) => item),
    rejectReason: row.reject_reason,
    labelUrl: labelReady ? returnLabelUrl(request.publicUrl, request.token) : null,
    trackingNumber: row.tracking_number,
    nextAction: nextAction(row),
    canCancel: row.status === 'OPENED' || row.status === 'APPROVED',
    refund: output.refund,
    openedAt: output.openedAt,
    expiresAt: output.expiresAt,
  };
}
