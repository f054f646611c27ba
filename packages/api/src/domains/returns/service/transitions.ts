import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { toTimestamp } from '../../../platform/time';
import { recordDomainEvent } from '../../events/service';
import { RETURNS_ERRORS } from '../errors';
import type { ReturnSource, ReturnStatus } from '../schemas';
import { lockReturnCase, type ReturnCaseRow } from './load-case';
import { startReturnRefund } from './refunds';
import { getReturnSettings } from './settings';

export interface ReturnTransition {
  returnId: string;
  to: ReturnStatus;
  /** When it happened: the carrier's scan time for carrier moves, now for the others. */
  occurredAt: Date;
  source: ReturnSource;
  actorId?: string | null;
  /** The merchant's reason, for REJECTED. */
  reason?: string | null;
}

/** The main line; a case only moves forward on it. */
const MAIN_LINE: readonly ReturnStatus[] = [
  'OPENED',
  'APPROVED',
  'LABEL_CREATED',
  'IN_TRANSIT',
  'RECEIVED',
  'REFUNDED',
];

/**
 * From where, and by whom, each state may be reached. A parcel scanned after its case EXPIRED was handed in
 * late but is real, so carrier scans revive an expired case; a REJECTED or CANCELLED case ignores them.
 */
const RULES: Record<Exclude<ReturnStatus, 'OPENED'>, { from: ReturnStatus[]; by: ReturnSource[] }> = {
  APPROVED: { from: ['OPENED'], by: ['merchant', 'operator', 'system'] },
  LABEL_CREATED: { from: ['APPROVED'], by: ['merchant', 'operator', 'system', 'carrier'] },
  IN_TRANSIT: { from: ['LABEL_CREATED', 'EXPIRED'], by: ['carrier', 'operator', 'system'] },
  RECEIVED: {
    from: ['APPROVED', 'LABEL_CREATED', 'IN_TRANSIT', 'EXPIRED'],
    by: ['carrier', 'merchant', 'operator', 'system'],
  },
  REFUNDED: { from: ['RECEIVED'], by: ['system'] },
  REJECTED: { from: ['OPENED'], by: ['merchant', 'operator'] },
  CANCELLED: { from: ['OPENED', 'APPROVED'], by: ['consumer', 'operator'] },
  EXPIRED: { from: ['APPROVED', 'LABEL_CREATED'], by: ['system', 'operator'] },
};

const EVENT_TYPES = {
  APPROVED: 'return.approved',
  LABEL_CREATED: 'return.label_created',
  IN_TRANSIT: 'return.in_transit',
  RECEIVED: 'return.received',
  CANCELLED: 'return.cancelled',
  EXPIRED: 'return.expired',
} as const;

/** Already there, or further along the main line: the move is a no-op. */
function alreadyAtOrPast(from: ReturnStatus, to: ReturnStatus): boolean {
  if (from === to) return true;
  const [fromRank, toRank] = [MAIN_LINE.indexOf(from), MAIN_LINE.indexOf(to)];
  return fromRank >= 0 && toRank >= 0 && fromRank >= toRank;
}

function ignoredScan(from: ReturnStatus, source: ReturnSource): boolean {
  return source === 'carrier' && (from === 'REJECTED' || from === 'CANCELLED');
}

/** What the move writes besides the status. */
function stampsFor(row: ReturnCaseRow, move: ReturnTransition, expiryDays: number) {
  const at = move.occurredAt;
  const carrier = move.source === 'carrier';
  const confirms = move.to === 'RECEIVED' && (move.source === 'merchant' || move.source === 'operator');
  return {
    ...(move.to === 'APPROVED'
      ? { approved_at: at, expires_at: new Date(at.getTime() + expiryDays * 86_400_000) }
      : {}),
    ...(move.to === 'LABEL_CREATED' ? { label_created_at: row.label_created_at ?? at } : {}),
    ...(move.to === 'IN_TRANSIT' ? { in_transit_at: at } : {}),
    ...(move.to === 'RECEIVED' ? { received_at: at } : {}),
    ...(confirms ? { refund_confirmed_at: at } : {}),
    ...(move.to === 'REFUNDED' ? { refunded_at: at } : {}),
    ...(move.to === 'REJECTED' ? { reject_reason: move.reason ?? null } : {}),
    ...(['REJECTED', 'CANCELLED', 'EXPIRED'].includes(move.to) ? { closed_at: at } : {}),
    ...(move.to === 'IN_TRANSIT' || move.to === 'RECEIVED' ? { closed_at: null } : {}),
    ...(carrier
      ? {
          last_carrier_status_at:
            row.last_carrier_status_at && row.last_carrier_status_at > at ? row.last_carrier_status_at : at,
        }
      : {}),
  };
}

async function recordMove(trx: DbTransaction, row: ReturnCaseRow, move: ReturnTransition): Promise<void> {
  const base = {
    resourceType: 'return',
    resourceId: row.id,
    organizationId: row.organization_id,
    actorUserId: move.actorId ?? null,
  };
  const data = {
    returnId: row.id,
    orderId: row.order_id,
    sessionId: row.session_id,
    merchantReference: row.merchant_reference,
    status: row.status,
    source: move.source,
    occurredAt: toTimestamp(move.occurredAt),
  };
  if (move.to === 'REJECTED') {
    await recordDomainEvent(trx, {
      ...base,
      type: 'return.rejected',
      data: { ...data, reason: move.reason ?? '' },
    });
    return;
  }
  if (move.to === 'REFUNDED') {
    const refund = await trx
      .selectFrom('return_refunds')
      .select(['method', 'amount_minor', 'shipping_minor', 'bonus_minor', 'currency'])
      .where('return_id', '=', row.id)
      .executeTakeFirstOrThrow();
    await recordDomainEvent(trx, {
      ...base,
      type: 'return.refunded',
      data: {
        ...data,
        refundMethod: refund.method,
        amountMinor: refund.amount_minor,
        shippingMinor: refund.shipping_minor,
        bonusMinor: refund.bonus_minor,
        currency: refund.currency,
      },
    });
    return;
  }
  if (move.to === 'OPENED') return;
  await recordDomainEvent(trx, { ...base, type: EVENT_TYPES[move.to], data });
}

async function refundIsDone(trx: DbTransaction, returnId: string): Promise<boolean> {
  const refund = await trx
    .selectFrom('return_refunds')
    .select('status')
    .where('return_id', '=', returnId)
    .executeTakeFirst();
  return refund?.status === 'DONE';
}

/**
 * Moves a return case along its state machine, in the caller's transaction, with the case row locked. Never
 * backwards: a move to where the case already is, or to a state it has passed, returns the case unchanged
 * (late or repeated carrier scans). A move the machine does not allow is a conflict. Each real move records
 * its `return.*` event. On RECEIVED the refund starts when the merchant's trigger says so (or the merchant
 * itself confirmed receipt); a wallet credit completes at once and moves the case on to REFUNDED.
 */
export async function transitionReturn(trx: DbTransaction, move: ReturnTransition): Promise<ReturnCaseRow> {
  const row = await lockReturnCase(trx, move.returnId);
  if (!row) throw domainError(RETURNS_ERRORS, 'return_not_found', `No return case ${move.returnId}.`);
  if (alreadyAtOrPast(row.status, move.to) || ignoredScan(row.status, move.source)) return row;
  if (move.to === 'OPENED') return row;
  const rule = RULES[move.to];
  if (!rule.from.includes(row.status) || !rule.by.includes(move.source)) {
    throw domainError(
      RETURNS_ERRORS,
      'return_transition_invalid',
      `A ${row.status} return cannot become ${move.to} (by ${move.source}).`,
    );
  }
  if (move.to === 'REFUNDED' && !(await refundIsDone(trx, row.id))) {
    throw domainError(RETURNS_ERRORS, 'return_transition_invalid', 'The refund has not gone out yet.');
  }
  const settings = await getReturnSettings(trx, row.organization_id);
  const moved = await trx
    .updateTable('return_cases')
    .set({ status: move.to, updated_at: sql<Date>`now()`, ...stampsFor(row, move, settings.expiryDays) })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordMove(trx, moved, move);
  if (move.to !== 'RECEIVED') return moved;
  const refundNow = settings.refundTrigger === 'RECEIVED' || moved.refund_confirmed_at !== null;
  if (!refundNow) return moved;
  const outcome = await startReturnRefund(trx, moved, settings);
  if (outcome !== 'DONE') return moved;
  return transitionReturn(trx, {
    returnId: row.id,
    to: 'REFUNDED',
    occurredAt: new Date(),
    source: 'system',
  });
}
