import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { fetchPage } from '../../../platform/pagination';
import type { MyPoints, MyPointsInput, PointsEntry } from '../schemas';
import { platformRule } from './rules';

/** Points that can be spent now: active lots with some left whose expiry has not come (the job may be late). */
export async function availablePoints(db: DbExecutor, email: string): Promise<number> {
  const row = await db
    .selectFrom('points_lots')
    .select(sql<number>`coalesce(sum(remaining), 0)::bigint`.as('available'))
    .where('owner_email', '=', email)
    .where('state', '=', 'active')
    .where('remaining', '>', 0)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return Number(row.available);
}

async function nextExpiry(db: DbExecutor, email: string): Promise<MyPoints['nextExpiry']> {
  const row = await db
    .selectFrom('points_lots')
    .select(['expires_at', sql<number>`sum(remaining)::bigint`.as('points')])
    .where('owner_email', '=', email)
    .where('state', '=', 'active')
    .where('remaining', '>', 0)
    .where('expires_at', '>', sql<Date>`now()`)
    .groupBy('expires_at')
    .orderBy('expires_at')
    .limit(1)
    .executeTakeFirst();
  return row ? { points: Number(row.points), expiresAt: row.expires_at.toISOString() } : null;
}

/** A consumer's points: what is available, when the next of it expires, and the history, most recent first. */
export async function getMyPoints(
  db: DbExecutor,
  options: { email: string; page: MyPointsInput },
): Promise<MyPoints> {
  const email = options.email.toLowerCase();
  let query = db
    .selectFrom('points_entries as e')
    .leftJoin('points_lots as l', 'l.id', 'e.lot_id')
    .leftJoin('organizations as m', 'm.id', 'l.merchant_id')
    .select([
      'e.id',
      'e.kind',
      'e.points',
      'e.shortfall',
      'e.redemption_id',
      'e.note',
      'e.created_at',
      'l.order_id',
      'l.expires_at',
      'm.name as merchant_name',
    ])
    .where('e.owner_email', '=', email);
  if (options.page.kind) query = query.where('e.kind', '=', options.page.kind);
  const [available, expiry, rule, page] = await Promise.all([
    availablePoints(db, email),
    nextExpiry(db, email),
    platformRule(db),
    fetchPage(query, options.page, { orderBy: ['e.created_at', 'e.id'], direction: 'desc' }),
  ]);
  const items: PointsEntry[] = page.items.map((row) => ({
    id: row.id,
    kind: row.kind,
    points: row.points,
    shortfall: row.shortfall,
    orderId: row.order_id,
    merchantName: row.merchant_name,
    expiresAt: row.expires_at?.toISOString() ?? null,
    redemptionId: row.redemption_id,
    note: row.note,
    createdAt: row.created_at.toISOString(),
  }));
  return {
    email,
    availablePoints: available,
    nextExpiry: expiry,
    redemption: { currency: rule.redeemCurrency ?? 'EUR', minorPerPoint: rule.redeemMinorPerPoint ?? 1 },
    history: { items, nextCursor: page.nextCursor },
  };
}
