import type { Selectable } from 'kysely';
import type { DbExecutor, DbTransaction, DealsTable } from '@ipay/db';
import { scopeFilter, type ScopedActor } from '../../platform/data-scope';
import { domainError } from '../../errors/domain-codes';
import { toTimestamp } from '../../platform/time';
import type { DataScope } from '../rbac/catalogue';
import { DEALS_ERRORS } from './errors';
import type { Deal, DealStatus } from './schemas';

export type DealRow = Selectable<DealsTable>;

/** Whose deals a scope reaches: the publishing merchant's (`organization`), the creator's (`own`), or all. */
export const DEAL_SCOPE_COLUMNS = { organization: 'deals.merchant_id', owner: 'deals.created_by' };

export function dealStatus(
  row: Pick<DealRow, 'retired_at' | 'starts_at' | 'ends_at'>,
  now: Date,
): DealStatus {
  if (row.retired_at) return 'retired';
  if (now < row.starts_at) return 'scheduled';
  if (now < row.ends_at) return 'live';
  return 'ended';
}

export function dealRowToDeal(row: DealRow, now: Date): Deal {
  return {
    id: row.id,
    publisher: row.merchant_id ? 'merchant' : 'platform',
    merchant_id: row.merchant_id,
    title: row.title,
    description: row.description,
    image_url: row.image_url,
    link_url: row.link_url,
    code: row.code,
    starts_at: toTimestamp(row.starts_at),
    ends_at: toTimestamp(row.ends_at),
    targeting: { countries: row.target_countries, merchant_ids: row.target_merchant_ids },
    status: dealStatus(row, now),
    retired_at: row.retired_at ? toTimestamp(row.retired_at) : null,
    created_at: toTimestamp(row.created_at),
    updated_at: toTimestamp(row.updated_at),
  };
}

function notFound(id: string) {
  return domainError(DEALS_ERRORS, 'deal_not_found', `No deal ${id} is visible to you.`);
}

/** A deal within the caller's scope, or deal_not_found (another merchant's deal is not found, not forbidden). */
export async function findDeal(
  db: DbExecutor,
  request: { id: string; actor: ScopedActor; scope: DataScope },
): Promise<DealRow> {
  const row = await db
    .selectFrom('deals')
    .selectAll()
    .where('id', '=', request.id)
    .where(scopeFilter(request.scope, request.actor, DEAL_SCOPE_COLUMNS))
    .executeTakeFirst();
  if (!row) throw notFound(request.id);
  return row;
}

/** findDeal with the row locked until the transaction ends, for a change that first checks its state. */
export async function lockDeal(
  trx: DbTransaction,
  request: { id: string; actor: ScopedActor; scope: DataScope },
): Promise<DealRow> {
  const row = await trx
    .selectFrom('deals')
    .selectAll()
    .where('id', '=', request.id)
    .where(scopeFilter(request.scope, request.actor, DEAL_SCOPE_COLUMNS))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound(request.id);
  return row;
}
