import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { fetchPage } from '../../../platform/pagination';
import type { DataScope } from '../../rbac/catalogue';
import type { BillingCoverage, BillingCoverageInput } from '../schemas';
import { assertAllScope } from './scope';

/** Months of ship dates the periods cover, newest first. */
const PERIOD_MONTHS = 24;

/** A parcel counts as invoiced once a matched import of its carrier billed its tracking number. */
const invoiced = sql<boolean>`exists (select 1 from carrier_reconciliations r
  where r.carrier_code = order_parcels.carrier_code and r.tracking_number = order_parcels.tracking_number)`;

/**
 * GET …/{cc}/billing-coverage: the carrier's parcels shipped at least `days` ago that no invoice has billed yet
 * (oldest first, paginated), and per month of ship date how many parcels shipped and how many were invoiced.
 */
export async function billingCoverage(
  db: DbExecutor,
  request: { scope: DataScope; input: BillingCoverageInput; today: string },
): Promise<BillingCoverage> {
  assertAllScope(request.scope);
  const { input } = request;
  const cutoff = sql<string>`(${request.today}::date - ${input.days}::int)`;
  const query = db
    .selectFrom('order_parcels')
    .innerJoin('orders', 'orders.id', 'order_parcels.order_id')
    .select([
      'order_parcels.id',
      'order_parcels.order_id',
      'orders.merchant_reference',
      'order_parcels.tracking_number',
      sql<string>`to_char(order_parcels.ship_date, 'YYYY-MM-DD')`.as('ship_date'),
      sql<number>`(${request.today}::date - order_parcels.ship_date)::int`.as('days_since_ship'),
    ])
    .where('order_parcels.carrier_code', '=', input.cc)
    .where('order_parcels.ship_date', '<=', cutoff)
    .where(sql<boolean>`not ${invoiced}`);
  const [page, periods, shippedBy] = await Promise.all([
    fetchPage(query, input, { orderBy: ['order_parcels.ship_date', 'order_parcels.id'] }),
    db
      .selectFrom('order_parcels')
      .select([
        sql<string>`to_char(order_parcels.ship_date, 'YYYY-MM')`.as('month'),
        sql<number>`count(*)::int`.as('shipped'),
        sql<number>`(count(*) filter (where ${invoiced}))::int`.as('invoiced'),
      ])
      .where('order_parcels.carrier_code', '=', input.cc)
      .where('order_parcels.ship_date', 'is not', null)
      .where(
        'order_parcels.ship_date',
        '>=',
        sql<string>`(date_trunc('month', ${request.today}::date) - ${PERIOD_MONTHS - 1} * interval '1 month')::date`,
      )
      .groupBy('month')
      .orderBy('month', 'desc')
      .execute(),
    sql<{ date: string }>`select to_char(${cutoff}, 'YYYY-MM-DD') as date`.execute(db),
  ]);
  return {
    ...page,
    days: input.days,
    shipped_on_or_before: shippedBy.rows[0]?.date ?? request.today,
    periods: periods.map((p) => ({ ...p, not_invoiced: p.shipped - p.invoiced })),
  };
}
