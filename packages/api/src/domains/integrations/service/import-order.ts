import type { DbTransaction } from '@ipay/db';
import { sql } from 'kysely';
import { AppError } from '../../../errors/app-error';
import type { Actor } from '../../auth/service';
import type { Order } from '../../orders/schemas';
import { reviseOrder } from '../../orders/service/revise-order';
import { cancelOrder, createOrder, getOrder } from '../../orders/service';
import { setShipmentFromShop } from '../../orders/service/shipment';
import type { MappedPlatformOrder, ProviderDefinition } from '../providers/types';

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

export interface ImportResult {
  outcome: ImportOutcome;
  order: Order;
  /** Why the shop's tracking was not set on the order (the order itself was imported). */
  shipmentRefused?: string;
}

/** The shop's tracking onto the order (see setShipmentFromShop for who wins); true when it changed the order. */
async function followShipment(
  trx: DbTransaction,
  actor: Actor,
  orderId: string,
  mapped: MappedPlatformOrder,
): Promise<{ changed: boolean; refused?: string }> {
  if (!mapped.shipment) return { changed: false };
  const result = await setShipmentFromShop(trx, {
    actor,
    scope: 'organization',
    input: { ...mapped.shipment, id: orderId },
  });
  if (result.outcome === 'refused') return { changed: false, refused: result.reason };
  return { changed: result.outcome === 'set' };
}

/** The shop cancelled it: cancel ours too, unless it is already paid (then the merchant refunds by hand). */
async function followCancellation(
  trx: DbTransaction,
  actor: Actor,
  orderId: string,
  provider: ProviderDefinition,
) {
  try {
    await cancelOrder(trx, {
      actor,
      scope: 'organization',
      input: { id: orderId, reason: `Cancelled in ${provider.displayName}` },
    });
  } catch (error) {
    if (!(error instanceof AppError && error.kind === 'conflict')) throw error;
  }
}

/**
 * Upserts one platform order by (merchant, provider, platform order id): new orders go through the same
 * creation as POST /api/orders; a known order follows what changed on the platform: a cancellation, or its
 * customer, address, lines and amounts while it may still change (see reviseOrder; a refused change is a
 * 409 the sync counts as rejected), and its fulfilment tracking as shipment facts (a tracking number that cannot
 * be taken is reported in `shipmentRefused`; the order is imported all the same).
 */
export async function importPlatformOrder(
  trx: DbTransaction,
  request: { actor: Actor; provider: ProviderDefinition; mapped: MappedPlatformOrder },
): Promise<ImportResult> {
  const { actor, provider, mapped } = request;
  const key = {
    merchant_id: actor.organizationId,
    provider: provider.id,
    platform_order_id: mapped.platformOrderId,
  };
  const link = await trx
    .selectFrom('platform_orders')
    .select(['order_id', 'platform_status'])
    .where('merchant_id', '=', key.merchant_id)
    .where('provider', '=', key.provider)
    .where('platform_order_id', '=', key.platform_order_id)
    .forUpdate()
    .executeTakeFirst();

  if (!link) {
    // Idempotent on the merchant reference too, so a concurrent import of the same order finds the same one.
    const { order } = await createOrder(trx, { actor, scope: 'organization', input: mapped.order });
    await trx
      .insertInto('platform_orders')
      .values({ ...key, order_id: order.id, platform_status: mapped.platformStatus })
      .onConflict((oc) => oc.columns(['merchant_id', 'provider', 'platform_order_id']).doNothing())
      .execute();
    if (mapped.cancelled) await followCancellation(trx, actor, order.id, provider);
    const shipment = await followShipment(trx, actor, order.id, mapped);
    return {
      outcome: 'created',
      order: await getOrder(trx, { actor, scope: 'all', id: order.id }),
      shipmentRefused: shipment.refused,
    };
  }

  const statusChanged = link.platform_status !== mapped.platformStatus;
  let revised = false;
  if (mapped.cancelled) {
    if (statusChanged) await followCancellation(trx, actor, link.order_id, provider);
  } else {
    const { changed } = await reviseOrder(trx, {
      actor,
      scope: 'organization',
      id: link.order_id,
      input: mapped.order,
    });
    revised = changed.length > 0;
  }
  const shipment = await followShipment(trx, actor, link.order_id, mapped);
  const read = () => getOrder(trx, { actor, scope: 'all', id: link.order_id });
  if (!statusChanged && !revised && !shipment.changed) {
    return { outcome: 'unchanged', order: await read(), shipmentRefused: shipment.refused };
  }
  await trx
    .updateTable('platform_orders')
    .set({ platform_status: mapped.platformStatus, updated_at: sql<Date>`now()` })
    .where('merchant_id', '=', key.merchant_id)
    .where('provider', '=', key.provider)
    .where('platform_order_id', '=', key.platform_order_id)
    .execute();
  return { outcome: 'updated', order: await read(), shipmentRefused: shipment.refused };
}
