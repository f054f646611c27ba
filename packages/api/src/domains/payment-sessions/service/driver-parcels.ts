import { sql, type SqlBool } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import { sessionScope } from '../repository';
import type { DataScope } from '../../rbac/catalogue';
import type { DriverParcel, ListDriverParcelsInput } from '../../driver/schemas';

/**
 * Awaiting delivery: paid or released at the door, or already with the carrier before the consumer paid (the
 * pay link works at the door too), and neither delivered nor returned. Expired, cancelled and refunded
 * sessions are not delivered.
 */
const AWAITING_DELIVERY = sql<SqlBool>`(
  (payment_sessions.status in ('PAID', 'RELEASED')
    or (payment_sessions.status = 'PENDING_PAYMENT'
      and payment_sessions.parcel_status in ('PICKED_UP', 'IN_DELIVERY', 'DELIVERY_FAILED')))
  and payment_sessions.parcel_status is distinct from 'DELIVERED'
  and payment_sessions.parcel_status is distinct from 'RETURNED_TO_SENDER')`;

function selectParcels(db: DbExecutor) {
  return db
    .selectFrom('payment_sessions')
    .innerJoin('orders', 'orders.id', 'payment_sessions.order_id')
    .innerJoin('organizations as merchant', 'merchant.id', 'payment_sessions.merchant_id')
    .leftJoin('organizations as partner', 'partner.id', 'payment_sessions.handled_by_partner_id')
    .leftJoin('users as driver', 'driver.id', 'payment_sessions.handled_by_user_id')
    .select((eb) => [
      'payment_sessions.id',
      'payment_sessions.reference',
      'payment_sessions.status',
      'payment_sessions.parcel_status',
      'payment_sessions.parcel_status_reason',
      'payment_sessions.order_id',
      'payment_sessions.amount_minor',
      'payment_sessions.currency',
      'payment_sessions.carrier_code',
      'payment_sessions.handled_by_user_id',
      'payment_sessions.handled_by_partner_id',
      'payment_sessions.handled_at',
      'payment_sessions.created_at',
      'payment_sessions.updated_at',
      'orders.merchant_reference',
      'orders.customer_name',
      'orders.address_line1',
      'orders.address_line2',
      'orders.postal_code',
      'orders.city',
      'orders.country',
      'merchant.id as merchant_id',
      'merchant.name as merchant_name',
      'partner.name as partner_name',
      'driver.name as driver_name',
      eb
        .selectFrom('order_items')
        .select(sql<string>`coalesce(sum(order_items.quantity), 0)::text`.as('units'))
        .whereRef('order_items.order_id', '=', 'payment_sessions.order_id')
        .as('item_count'),
    ]);
}
type ParcelRow = Awaited<ReturnType<ReturnType<typeof selectParcels>['executeTakeFirstOrThrow']>>;

function parcelRowToParcel(row: ParcelRow, request: { actor: Actor; scope: DataScope }): DriverParcel {
  // The driver's own name and id stay with their partner (and IPAY); the merchant sees the partner.
  const seesDriver = request.scope === 'all' || row.handled_by_partner_id === request.actor.organizationId;
  return {
    id: row.id,
    ipay_reference_18: row.reference,
    status: row.status,
    parcel_status: row.parcel_status,
    parcel_status_reason: row.parcel_status_reason,
    order_id: row.order_id,
    order_external_id: row.merchant_reference,
    merchant: { id: row.merchant_id, name: row.merchant_name },
    consumer_name: row.customer_name,
    delivery_address: {
      line1: row.address_line1,
      line2: row.address_line2,
      postal_code: row.postal_code,
      city: row.city,
      country: row.country,
    },
    carrier_code: row.carrier_code,
    item_count: Number(row.item_count ?? 0),
    amount_minor: row.amount_minor,
    currency: row.currency,
    handled_by:
      row.handled_by_partner_id && row.handled_at
        ? {
            partner_id: row.handled_by_partner_id,
            partner_name: row.partner_name ?? '',
            user_id: seesDriver ? row.handled_by_user_id : null,
            user_name: seesDriver ? (row.driver_name ?? null) : null,
            handled_at: toTimestamp(row.handled_at),
          }
        : null,
    created_at: toTimestamp(row.created_at),
    updated_at: toTimestamp(row.updated_at),
  };
}

/**
 * What a driver needs on the road, newest first: the parcels of their partner's carrier codes (the `carrier`
 * scope; a merchant sees its own, IPAY all), by default those awaiting delivery. Never the OTP, the pay link or
 * the consumer's payment details.
 */
export async function listDriverParcels(
  db: DbExecutor,
  request: { actor: Actor; scope: DataScope; input: ListDriverParcelsInput },
): Promise<Page<DriverParcel>> {
  const { input } = request;
  let query = selectParcels(db).where(sessionScope(request.scope, request.actor));
  if (input.view === 'open') query = query.where(AWAITING_DELIVERY);
  if (input.status) query = query.where('payment_sessions.status', '=', input.status);
  if (input.parcel_status) query = query.where('payment_sessions.parcel_status', '=', input.parcel_status);
  if (input.postcode) {
    // The postcode is letters, digits and dashes only (the schema's rule), so it needs no LIKE escaping.
    query = query.where(
      sql<string>`upper(regexp_replace(orders.postal_code, '\\s', '', 'g'))`,
      'like',
      `${input.postcode}%`,
    );
  }
  const page = await fetchPage(query, input, {
    orderBy: ['payment_sessions.created_at', 'payment_sessions.id'],
    direction: 'desc',
  });
  return { ...page, items: page.items.map((row) => parcelRowToParcel(row, request)) };
}
