import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { scopeFilter, type ScopedActor } from '../../../platform/data-scope';
import { fetchPage } from '../../../platform/pagination';
import type { DataScope } from '../../rbac/catalogue';
import { RETURNS_ERRORS } from '../errors';
import type { ListReturnsInput, ReturnCaseOutput, ReturnPage, ReturnSource } from '../schemas';
import type { ReturnCaseRow } from './load-case';
import { startReturnRefund } from './refunds';
import { getReturnSettings } from './settings';
import { transitionReturn } from './transitions';
import { caseRowToOutput, findCaseByToken } from './view';

export interface StaffRequest {
  actor: ScopedActor;
  scope: DataScope;
}

const SCOPE_COLUMNS = { organization: 'return_cases.organization_id' };

/** The merchant's (or, for operators, every) return cases, newest first, keyset-paginated. */
export async function listReturns(
  db: DbExecutor,
  request: StaffRequest & { input: ListReturnsInput },
): Promise<ReturnPage> {
  let query = db
    .selectFrom('return_cases')
    .selectAll()
    .where(scopeFilter(request.scope, request.actor, SCOPE_COLUMNS));
  if (request.input.status) query = query.where('status', '=', request.input.status);
  if (request.input.orderId) query = query.where('order_id', '=', request.input.orderId);
  const page = await fetchPage(query, request.input, {
    orderBy: ['return_cases.opened_at', 'return_cases.id'],
    direction: 'desc',
  });
  const items: ReturnCaseOutput[] = [];
  for (const row of page.items) items.push(await caseRowToOutput(db, row));
  return { items, nextCursor: page.nextCursor };
}

/** One case in the caller's scope; another merchant's case is the same 404 as none. */
async function scopedCase(db: DbExecutor, request: StaffRequest & { id: string }): Promise<ReturnCaseRow> {
  const row = await db
    .selectFrom('return_cases')
    .selectAll()
    .where('id', '=', request.id)
    .where(scopeFilter(request.scope, request.actor, SCOPE_COLUMNS))
    .executeTakeFirst();
  if (!row)
    throw domainError(RETURNS_ERRORS, 'return_not_found', `No return case ${request.id} in your scope.`);
  return row;
}

export async function getReturn(
  db: DbExecutor,
  request: StaffRequest & { id: string },
): Promise<ReturnCaseOutput> {
  return caseRowToOutput(db, await scopedCase(db, request));
}

function staffSource(scope: DataScope): ReturnSource {
  return scope === 'all' ? 'operator' : 'merchant';
}

/** A staff decision on a case in scope: approve or reject (with the reason the consumer sees). */
export async function decideReturn(
  trx: DbTransaction,
  request: StaffRequest & { id: string; decision: 'APPROVED' | 'REJECTED'; reason?: string },
): Promise<ReturnCaseOutput> {
  const row = await scopedCase(trx, request);
  const moved = await transitionReturn(trx, {
    returnId: row.id,
    to: request.decision,
    occurredAt: new Date(),
    source: staffSource(request.scope),
    actorId: request.actor.userId,
    reason: request.reason ?? null,
  });
  if (moved.status !== request.decision) {
    throw domainError(
      RETURNS_ERRORS,
      'return_transition_invalid',
      `The return is ${moved.status}: it can no longer be ${request.decision.toLowerCase()}.`,
    );
  }
  return caseRowToOutput(trx, moved);
}

/**
 * The merchant confirms the parcel is back: the case becomes RECEIVED if the carrier has not said so yet, and
 * the refund starts whatever the merchant's trigger (confirming is the trigger the merchant may have chosen).
 * Confirming again, or after the refund, changes nothing.
 */
export async function confirmReturnReceived(
  trx: DbTransaction,
  request: StaffRequest & { id: string },
): Promise<ReturnCaseOutput> {
  const row = await scopedCase(trx, request);
  if (!['APPROVED', 'LABEL_CREATED', 'IN_TRANSIT', 'EXPIRED', 'RECEIVED', 'REFUNDED'].includes(row.status)) {
    throw domainError(
      RETURNS_ERRORS,
      'return_refund_not_ready',
      `The return is ${row.status}: receipt can be confirmed once it is approved.`,
    );
  }
  const move = { returnId: row.id, occurredAt: new Date(), actorId: request.actor.userId };
  if (row.status !== 'RECEIVED') {
    const moved = await transitionReturn(trx, {
      ...move,
      to: 'RECEIVED',
      source: staffSource(request.scope),
    });
    return caseRowToOutput(trx, moved);
  }
  const confirmed = await trx
    .updateTable('return_cases')
    .set({
      refund_confirmed_at: sql<Date>`coalesce(refund_confirmed_at, now())`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const outcome = await startReturnRefund(trx, confirmed, await getReturnSettings(trx, row.organization_id));
  const after =
    outcome === 'DONE'
      ? await transitionReturn(trx, { ...move, to: 'REFUNDED', source: 'system' })
      : confirmed;
  return caseRowToOutput(trx, after);
}

/** The consumer cancels through the portal (the token is the credential) while the case is OPENED or APPROVED. */
export async function cancelReturnByToken(trx: DbTransaction, token: string): Promise<ReturnCaseRow> {
  const row = await findCaseByToken(trx, token);
  const moved = await transitionReturn(trx, {
    returnId: row.id,
    to: 'CANCELLED',
    occurredAt: new Date(),
    source: 'consumer',
  });
  if (moved.status !== 'CANCELLED') {
    throw domainError(RETURNS_ERRORS, 'return_transition_invalid', `The return is ${moved.status}.`);
  }
  return moved;
}

/**
 * Whose settings a staff request means: a merchant's own (naming another merchant is the same 404 as a
 * merchant that does not exist), or for operators the merchant they name.
 */
export async function settingsMerchant(
  db: DbExecutor,
  request: StaffRequest & { merchantId?: string },
): Promise<string> {
  const merchantId =
    request.merchantId ?? (request.scope === 'all' ? undefined : request.actor.organizationId);
  if (!merchantId) throw AppError.validation('merchantId', 'is required for operators', 'required');
  const merchant = await db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', merchantId)
    .where('type', '=', 'merchant')
    .executeTakeFirst();
  const visible = request.scope === 'all' || merchantId === request.actor.organizationId;
  if (!merchant || !visible) throw new AppError('not_found', `No merchant ${merchantId} in your scope.`);
  return merchant.id;
}
