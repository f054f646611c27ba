import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import type { FieldError } from '../../../errors/problem';
import { scopeFilter } from '../../../platform/data-scope';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import { recordDomainEvent } from '../../events/service';
import { ORDER_ERRORS } from '../errors';
import {
  SetShipmentInput,
  type OrderDetail,
  type OrderParcel,
  type OrderShipment,
  type ShipmentSource,
} from '../schemas';
import { getOrder, type ScopedRequest } from './index';

function selectParcels(db: DbExecutor) {
  return db.selectFrom('order_parcels').select([
    'order_id',
    'position',
    'carrier_code',
    'tracking_number',
    // A `date` would come back as a Date at local midnight; the calendar day is what is meant.
    sql<string | null>`to_char(ship_date, 'YYYY-MM-DD')`.as('ship_date'),
    'origin_country',
    'service_code',
    'weight_grams',
    'length_cm',
    'width_cm',
    'height_cm',
    'source',
    'created_at',
  ]);
}
type ParcelRow = Awaited<ReturnType<ReturnType<typeof selectParcels>['executeTakeFirstOrThrow']>>;

function parcelRowToParcel(row: ParcelRow): OrderParcel {
  return {
    position: row.position,
    carrier_code: row.carrier_code,
    tracking_number: row.tracking_number,
    ship_date: row.ship_date,
    origin_country: row.origin_country,
    service: row.service_code,
    weight_grams: row.weight_grams,
    dimensions_cm:
      row.length_cm && row.width_cm && row.height_cm
        ? { length: row.length_cm, width: row.width_cm, height: row.height_cm }
        : null,
    source: row.source,
    set_at: toTimestamp(row.created_at),
  };
}

/** The pieces of each order, in piece order; an order without shipment facts has none. */
export async function parcelsOf(db: DbExecutor, orderIds: string[]): Promise<Map<string, OrderParcel[]>> {
  const byOrder = new Map<string, OrderParcel[]>(orderIds.map((id) => [id, []]));
  if (!orderIds.length) return byOrder;
  const rows = await selectParcels(db)
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('position')
    .execute();
  for (const row of rows) byOrder.get(row.order_id)?.push(parcelRowToParcel(row));
  return byOrder;
}

/** One order with its shipment's pieces: the order's read. */
export async function getOrderDetail(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<OrderDetail> {
  const order = await getOrder(db, request);
  return { ...order, parcels: (await parcelsOf(db, [order.id])).get(order.id) ?? [] };
}

/** Who the facts come from, by the kind of organization acting: a partner is the carrier at pickup. */
function sourceOf(actor: Actor): ShipmentSource {
  if (actor.organizationType === 'operator') return 'operator';
  if (actor.organizationType === 'partner') return 'carrier';
  return 'merchant';
}

/** The facts as they are compared and stored: every piece's own ship date, falling back on the shipment's. */
function wantedParcels(input: SetShipmentInput) {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const parcels = input.parcels.map((parcel, index) => {
    const earlier = seen.get(parcel.tracking_number);
    if (earlier !== undefined) {
      errors.push({
        field: `parcels.${index}.tracking_number`,
        message: `is listed twice (also parcels.${earlier}): every piece has its own tracking number`,
        code: 'duplicate',
      });
    }
    seen.set(parcel.tracking_number, index);
    return {
      position: index + 1,
      tracking_number: parcel.tracking_number,
      ship_date: parcel.ship_date ?? input.ship_date ?? null,
      origin_country: input.origin_country ?? null,
      service_code: input.service ?? null,
      weight_grams: parcel.weight_grams ?? null,
      length_cm: parcel.dimensions_cm?.length ?? null,
      width_cm: parcel.dimensions_cm?.width ?? null,
      height_cm: parcel.dimensions_cm?.height ?? null,
    };
  });
  if (errors.length) {
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
      errors,
    });
  }
  return parcels;
}
type WantedParcel = ReturnType<typeof wantedParcels>[number];

const factsKey = (parcel: WantedParcel) =>
  [
    parcel.position,
    parcel.tracking_number,
    parcel.ship_date,
    parcel.origin_country,
    parcel.service_code,
    parcel.weight_grams,
    parcel.length_cm,
    parcel.width_cm,
    parcel.height_cm,
  ].join('\u0000');

/**
 * Sets an order's shipment facts: every piece with its tracking number, ship date, declared weight and dimensions,
 * replacing what the order had (a PUT: sending the same facts again changes nothing and announces nothing). The
 * merchant reaches its own orders, operators every order, a carrier partner's users the orders of their carrier
 * codes (the `carrier` scope, on the order's carrier code). A tracking number is unique per carrier: one that is
 * already another order's piece is a 409 naming the piece, and nothing is written. A change is announced as
 * `order.shipment_updated`.
 */
export async function setShipment(
  trx: DbTransaction,
  request: ScopedRequest & { input: SetShipmentInput; source?: ShipmentSource },
): Promise<OrderShipment> {
  const { actor, scope, input } = request;
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'merchant_id', 'merchant_reference', 'carrier_code'])
    .where('id', '=', input.id)
    .where(
      scopeFilter(scope, actor, {
        organization: 'orders.merchant_id',
        owner: 'orders.created_by',
        carrier: 'orders.carrier_code',
      }),
    )
    .forUpdate()
    .executeTakeFirst();
  if (!order) throw new AppError('not_found', `Order ${input.id} does not exist.`);
  const wanted = wantedParcels(input);

  const current = await selectParcels(trx).where('order_id', '=', order.id).orderBy('position').execute();
  const unchanged =
    current.length === wanted.length &&
    current.every((row, index) => {
      const other = wanted[index];
      return other !== undefined && factsKey(row) === factsKey(other);
    });
  if (unchanged) {
    return {
      order_id: order.id,
      carrier_code: order.carrier_code,
      parcels: current.map(parcelRowToParcel),
      changed: false,
    };
  }

  const source = request.source ?? sourceOf(actor);
  await trx.deleteFrom('order_parcels').where('order_id', '=', order.id).execute();
  if (wanted.length) {
    // Another order's piece keeps its number: skipped here (waiting for a concurrent writer to commit), then
    // named in the refusal, which rolls the whole change back.
    const inserted = await trx
      .insertInto('order_parcels')
      .values(
        wanted.map((parcel) => ({
          ...parcel,
          order_id: order.id,
          carrier_code: order.carrier_code,
          source,
          set_by_user_id: actor.userId,
        })),
      )
      .onConflict((oc) => oc.columns(['carrier_code', 'tracking_number']).doNothing())
      .returning('tracking_number')
      .execute();
    if (inserted.length < wanted.length)
      throw trackingTaken(wanted, new Set(inserted.map((r) => r.tracking_number)));
  }

  await recordDomainEvent(trx, {
    type: 'order.shipment_updated',
    resourceType: 'order',
    resourceId: order.id,
    organizationId: order.merchant_id,
    actorUserId: actor.userId,
    data: {
      orderId: order.id,
      merchantReference: order.merchant_reference,
      carrierCode: order.carrier_code,
      trackingNumbers: wanted.map((parcel) => parcel.tracking_number),
      source,
    },
  });
  const parcels = (await parcelsOf(trx, [order.id])).get(order.id) ?? [];
  return { order_id: order.id, carrier_code: order.carrier_code, parcels, changed: true };
}

/** What a shop sync's facts did to the order: `kept` names who set the facts it left alone. */
export type ShopShipmentOutcome =
  | { outcome: 'set' | 'unchanged' }
  | { outcome: 'kept'; source: ShipmentSource }
  | { outcome: 'refused'; reason: string };

const reasonOf = (error: AppError) =>
  error.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') || error.message;

/**
 * Shipment facts read from the merchant's shop, stored with source `shop`. A sync never replaces facts the
 * merchant, an operator or the carrier set: those were entered on purpose (or scanned at pickup) and are newer
 * knowledge than the shop's copy, so an order that has any of them keeps them all. Facts an earlier sync set
 * follow the shop. Facts that cannot be taken (a tracking number that is not one, or is already another order's
 * piece) are answered as `refused`, with nothing of them written, so the rest of the order's import stands.
 */
export async function setShipmentFromShop(
  trx: DbTransaction,
  request: ScopedRequest & { input: SetShipmentInput },
): Promise<ShopShipmentOutcome> {
  const parsed = SetShipmentInput.safeParse(request.input);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    return { outcome: 'refused', reason };
  }
  // Locked first so a merchant's PUT of the same order waits, and the precedence read below stays true.
  await trx.selectFrom('orders').select('id').where('id', '=', parsed.data.id).forUpdate().execute();
  const kept = await trx
    .selectFrom('order_parcels')
    .select('source')
    .where('order_id', '=', parsed.data.id)
    .where('source', '!=', 'shop')
    .executeTakeFirst();
  if (kept) return { outcome: 'kept', source: kept.source };

  // A refusal may come after rows were replaced: the savepoint takes them back without undoing the import.
  await sql`savepoint shop_shipment`.execute(trx);
  try {
    const { changed } = await setShipment(trx, { ...request, input: parsed.data, source: 'shop' });
    await sql`release savepoint shop_shipment`.execute(trx);
    return { outcome: changed ? 'set' : 'unchanged' };
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    await sql`rollback to savepoint shop_shipment`.execute(trx);
    return { outcome: 'refused', reason: reasonOf(error) };
  }
}

function trackingTaken(wanted: WantedParcel[], inserted: Set<string>): AppError {
  // Which order holds the number is not said: it may be another merchant's.
  const errors: FieldError[] = wanted
    .filter((parcel) => !inserted.has(parcel.tracking_number))
    .map((parcel) => ({
      field: `parcels.${parcel.position - 1}.tracking_number`,
      message: `${parcel.tracking_number} is already a parcel of another order of this carrier`,
      code: 'already_exists',
    }));
  return domainError(
    ORDER_ERRORS,
    'tracking_number_taken',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    { errors },
  );
}
