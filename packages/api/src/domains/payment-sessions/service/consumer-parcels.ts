import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { fetchPage } from '../../../platform/pagination';
import type { PageInput } from '../../../platform/pagination-schemas';
import { toTimestamp } from '../../../platform/time';
import type { ConsumerParcel, ConsumerParcelStatus } from '../../consumer/schemas';
import { payUrl } from '../repository';
import type { ParcelStatus, SessionStatus } from '../schemas';

type OrderStatus = 'OPEN' | 'PAYMENT_PENDING' | 'PAID' | 'RELEASED' | 'DELIVERED' | 'CANCELLED' | 'RETURNED';

/** A parcel as this domain knows it; who paid through a share link is the share-payment domain's to add. */
export type ParcelOfSession = Omit<ConsumerParcel, 'paid_by' | 'locker'>;

const ON_ITS_WAY: ReadonlySet<ParcelStatus> = new Set(['PICKED_UP', 'IN_DELIVERY', 'DELIVERY_FAILED']);

/**
 * What the consumer is told about an order, from the order's status and its session's (the live one, else the
 * latest). A parcel on its way but not yet paid is `pending`: pay on delivery means payment is what is due.
 */
export function consumerParcelStatus(
  order: OrderStatus,
  session: { status: SessionStatus; parcel_status: ParcelStatus | null } | null,
): ConsumerParcelStatus {
  const parcel = session?.parcel_status ?? null;
  if (order === 'RETURNED' || parcel === 'RETURNED_TO_SENDER') return 'returned';
  if (session?.status === 'REFUNDED') return 'refunded';
  if (order === 'DELIVERED' || session?.status === 'DELIVERED' || parcel === 'DELIVERED') return 'delivered';
  const paid =
    order === 'PAID' || order === 'RELEASED' || session?.status === 'PAID' || session?.status === 'RELEASED';
  if (!paid) return 'pending';
  if (session?.status === 'RELEASED' || order === 'RELEASED' || (parcel && ON_ITS_WAY.has(parcel))) {
    return 'in_delivery';
  }
  return 'paid';
}

/**
 * The parcels of every merchant whose orders carry this address (compared case-insensitively), newest first:
 * what a signed-in consumer sees. Cancelled orders are left out; the pay link is given only while the session
 * can still be paid.
 */
export async function listParcelsForEmail(
  db: DbExecutor,
  request: { email: string; publicUrl: string; page: PageInput },
): Promise<{ items: ParcelOfSession[]; nextCursor: string | null }> {
  const query = db
    .selectFrom('orders')
    .innerJoin('organizations', 'organizations.id', 'orders.merchant_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('payment_sessions')
          .select([
            'payment_sessions.id',
            'payment_sessions.amount_minor',
            'payment_sessions.wallet_held_minor',
            'payment_sessions.status',
            'payment_sessions.parcel_status',
            'payment_sessions.reference',
            'payment_sessions.pay_token',
            'payment_sessions.paid_at',
            'payment_sessions.delivered_at',
            sql<boolean>`payment_sessions.status = 'PENDING_PAYMENT' and payment_sessions.expires_at > now()`.as(
              'payable',
            ),
          ])
          .whereRef('payment_sessions.order_id', '=', 'orders.id')
          .orderBy(sql`payment_sessions.status in ('EXPIRED', 'CANCELLED')`)
          .orderBy('payment_sessions.created_at', 'desc')
          .limit(1)
          .as('session'),
      (join) => join.onTrue(),
    )
    .select([
      'orders.id',
      'orders.status as order_status',
      'orders.merchant_reference',
      'orders.total_minor',
      'orders.currency',
      'orders.carrier_code',
      'orders.created_at',
      'organizations.name as merchant_name',
      'session.id as session_id',
      'session.amount_minor as session_amount_minor',
      'session.wallet_held_minor',
      'session.status as session_status',
      'session.parcel_status',
      'session.reference',
      'session.pay_token',
      'session.paid_at',
      'session.delivered_at',
      'session.payable',
    ])
    .where(sql<string>`lower(orders.customer_email)`, '=', request.email.toLowerCase())
    .where('orders.status', '!=', 'CANCELLED');
  const page = await fetchPage(query, request.page, {
    orderBy: ['orders.created_at', 'orders.id'],
    direction: 'desc',
  });
  return {
    items: page.items.map((row): ParcelOfSession => {
      const status = consumerParcelStatus(
        row.order_status,
        row.session_status ? { status: row.session_status, parcel_status: row.parcel_status } : null,
      );
      // A parcel sent back unpaid keeps its session open, but nothing is due any more.
      const payToken = status === 'pending' && row.payable ? row.pay_token : null;
      return {
        id: row.id,
        merchant_name: row.merchant_name,
        merchant_reference: row.merchant_reference,
        status,
        amount_minor: Number(row.total_minor),
        currency: row.currency,
        payment_reference: row.reference,
        pay_url: payToken ? payUrl(request.publicUrl, payToken) : null,
        session_id: row.session_id,
        amount_due_minor:
          payToken && row.session_amount_minor !== null
            ? Number(row.session_amount_minor) - Number(row.wallet_held_minor)
            : null,
        carrier_code: row.carrier_code,
        ordered_at: toTimestamp(row.created_at),
        paid_at: row.paid_at ? toTimestamp(row.paid_at) : null,
        delivered_at: row.delivered_at ? toTimestamp(row.delivered_at) : null,
      };
    }),
    nextCursor: page.nextCursor,
  };
}
