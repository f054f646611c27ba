import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { fetchPage } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import { merchantNames } from '../../auth/service/merchant-names';
import { recordDomainEvent } from '../../events/service';
import { scopeFilter } from '../../../platform/data-scope';
import type { DataScope } from '../../rbac/catalogue';
import { DEALS_ERRORS } from '../errors';
import { DEAL_SCOPE_COLUMNS, dealRowToDeal, findDeal, lockDeal, type DealRow } from '../repository';
import type {
  CreateDealInput,
  Deal,
  DealPage,
  DealStatus,
  DealTargetingInput,
  ListDealsInput,
  ScheduleDealInput,
  TargetDealInput,
  UpdateDealInput,
} from '../schemas';

/** Who is acting, with the widest scope they hold on `deals` for this action, and the clock to judge by. */
export interface DealRequest {
  actor: Pick<Actor, 'userId' | 'organizationId' | 'organizationType'>;
  scope: DataScope;
  now: Date;
}

/** The publisher a caller publishes as: their merchant, or the platform (null) for operators. */
function publisherOf(actor: DealRequest['actor']): string | null {
  if (actor.organizationType === 'merchant') return actor.organizationId;
  if (actor.organizationType === 'operator') return null;
  throw domainError(
    DEALS_ERRORS,
    'publisher_required',
    'Deals are published by merchants and operators; this organization publishes none.',
  );
}

function assertPublisher(row: DealRow, actor: DealRequest['actor']): void {
  if (publisherOf(actor) === row.merchant_id) return;
  throw domainError(
    DEALS_ERRORS,
    'not_publisher',
    row.merchant_id
      ? 'This deal is its merchant’s: only the merchant changes it (operators may retire it).'
      : 'This is a platform deal: only operators change it.',
  );
}

function assertChangeable(row: DealRow, actor: DealRequest['actor']): void {
  assertPublisher(row, actor);
  if (row.retired_at) {
    throw domainError(DEALS_ERRORS, 'deal_retired', `Deal ${row.id} is retired and cannot be changed.`);
  }
}

function assertEndsInFuture(endsAt: string, now: Date): void {
  if (Date.parse(endsAt) <= now.getTime()) {
    throw AppError.validation('ends_at', 'must be in the future', 'in_the_past');
  }
}

/** The stored targeting: sorted, without duplicates; merchants only for platform deals, and only real ones. */
async function checkedTargeting(
  db: DbExecutor,
  targeting: DealTargetingInput | undefined,
  publisher: string | null,
  field: string,
): Promise<{ target_countries: string[]; target_merchant_ids: string[] }> {
  const countries = [...new Set(targeting?.countries ?? [])].sort();
  const merchantIds = [...new Set((targeting?.merchant_ids ?? []).map((id) => id.toLowerCase()))].sort();
  if (merchantIds.length > 0 && publisher !== null) {
    throw AppError.validation(
      field,
      'only platform deals target merchants; a merchant’s deal is shown to its own customers by the feed’s ordering',
      'platform_only',
    );
  }
  const known = await merchantNames(db, merchantIds);
  const unknown = merchantIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw AppError.validation(field, `not merchants: ${unknown.join(', ')}`, 'unknown_merchant');
  }
  return { target_countries: countries, target_merchant_ids: merchantIds };
}

function dealEventData(row: DealRow) {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    title: row.title,
    startsAt: toTimestamp(row.starts_at),
    endsAt: toTimestamp(row.ends_at),
  };
}

/** Publishes a deal: the caller's merchant's own, or a platform deal for an operator. Records `deal.published`. */
export async function createDeal(
  trx: DbTransaction,
  request: DealRequest & { input: CreateDealInput },
): Promise<Deal> {
  const { input, actor, now } = request;
  const publisher = publisherOf(actor);
  assertEndsInFuture(input.ends_at, now);
  const targeting = await checkedTargeting(trx, input.targeting, publisher, 'targeting.merchant_ids');
  const row = await trx
    .insertInto('deals')
    .values({
      merchant_id: publisher,
      title: input.title,
      description: input.description,
      image_url: input.image_url ?? null,
      link_url: input.link_url ?? null,
      code: input.code ?? null,
      starts_at: input.starts_at,
      ends_at: input.ends_at,
      ...targeting,
      created_by: actor.userId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordDomainEvent(trx, {
    type: 'deal.published',
    resourceType: 'deal',
    resourceId: row.id,
    organizationId: row.merchant_id,
    actorUserId: actor.userId,
    data: dealEventData(row),
  });
  return dealRowToDeal(row, now);
}

export async function getDeal(db: DbExecutor, request: DealRequest & { id: string }): Promise<Deal> {
  return dealRowToDeal(await findDeal(db, request), request.now);
}

function statusFilter(status: DealStatus, now: Date) {
  switch (status) {
    case 'retired':
      return sql<boolean>`deals.retired_at is not null`;
    case 'scheduled':
      return sql<boolean>`deals.retired_at is null and deals.starts_at > ${now}`;
    case 'live':
      return sql<boolean>`deals.retired_at is null and deals.starts_at <= ${now} and deals.ends_at > ${now}`;
    case 'ended':
      return sql<boolean>`deals.retired_at is null and deals.ends_at <= ${now}`;
  }
}

/** The deals the caller's scope reaches (a merchant's own, every deal for operators), newest first. */
export async function listDeals(
  db: DbExecutor,
  request: DealRequest & { input: ListDealsInput },
): Promise<DealPage> {
  let query = db
    .selectFrom('deals')
    .selectAll()
    .where(scopeFilter(request.scope, request.actor, DEAL_SCOPE_COLUMNS));
  if (request.input.status) query = query.where(statusFilter(request.input.status, request.now));
  const page = await fetchPage(query, request.input, {
    orderBy: ['deals.created_at', 'deals.id'],
    direction: 'desc',
  });
  return { items: page.items.map((row) => dealRowToDeal(row, request.now)), nextCursor: page.nextCursor };
}

async function changeDeal(
  trx: DbTransaction,
  request: DealRequest & { id: string },
  change: (row: DealRow) => Promise<Partial<Omit<DealRow, 'id'>>> | Partial<Omit<DealRow, 'id'>>,
): Promise<Deal> {
  const row = await lockDeal(trx, request);
  assertChangeable(row, request.actor);
  const updated = await trx
    .updateTable('deals')
    .set({ ...(await change(row)), updated_at: sql`now()` })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return dealRowToDeal(updated, request.now);
}

/** Changes the text, image, link or code of the caller's own deal (a platform deal for operators). */
export function updateDeal(
  trx: DbTransaction,
  request: DealRequest & { input: UpdateDealInput },
): Promise<Deal> {
  const { id, ...fields } = request.input;
  return changeDeal(trx, { ...request, id }, () => fields);
}

/** Moves a deal's window; it must still end in the future. A live deal may be shortened or extended. */
export function scheduleDeal(
  trx: DbTransaction,
  request: DealRequest & { input: ScheduleDealInput },
): Promise<Deal> {
  const { id, starts_at, ends_at } = request.input;
  assertEndsInFuture(ends_at, request.now);
  return changeDeal(trx, { ...request, id }, () => ({
    starts_at: new Date(starts_at),
    ends_at: new Date(ends_at),
  }));
}

/** Replaces a deal's targeting (absent lists are empty: everyone). */
export function targetDeal(
  trx: DbTransaction,
  request: DealRequest & { input: TargetDealInput },
): Promise<Deal> {
  const { id, ...targeting } = request.input;
  return changeDeal(trx, { ...request, id }, (row) =>
    checkedTargeting(trx, targeting, row.merchant_id, 'merchant_ids'),
  );
}

/**
 * Retires a deal: it leaves every feed at once and can no longer change. Idempotent: retiring a retired deal
 * returns it as it is and records nothing. Publishers retire their own deals; operators retire any deal.
 */
export async function retireDeal(trx: DbTransaction, request: DealRequest & { id: string }): Promise<Deal> {
  const row = await lockDeal(trx, request);
  if (row.retired_at) return dealRowToDeal(row, request.now);
  if (request.actor.organizationType !== 'operator') assertPublisher(row, request.actor);
  const retired = await trx
    .updateTable('deals')
    .set({ retired_at: request.now, updated_at: sql`now()` })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordDomainEvent(trx, {
    type: 'deal.retired',
    resourceType: 'deal',
    resourceId: retired.id,
    organizationId: retired.merchant_id,
    actorUserId: request.actor.userId,
    data: { ...dealEventData(retired), retiredAt: toTimestamp(request.now) },
  });
  return dealRowToDeal(retired, request.now);
}
