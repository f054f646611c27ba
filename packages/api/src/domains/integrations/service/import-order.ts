import type { DbTransaction } from '@ipay/db';
import { sql } from 'kysely';
import { AppError } from '../../../errors/app-error';
import type { Actor } from '../../auth/service';
import type { Order } from '../../orders/schemas';
import { reviseOrder } from '../../orders/service/revise-order';
import { cancelOrder, createOrder, getOrder } from '../../orders/service';
import type { MappedPlatformOrder, ProviderDefinition } from '../providers/types';

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

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
 * 409 the sync counts as rejected).
 */
export async function importPlatformOrder(
  trx: DbTransaction,
  request: { actor: Actor; provider: ProviderDefinition; mapped: MappedPlatformOrder },
): Promise<{ outcome: ImportOutcome; order: Order }> {
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
    return { outcome: 'created', order: await getOrder(trx, { actor, scope: 'all', id: order.id }) };
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
  if (!statusChanged && !revised) {
    return { outcome: 'unchanged', order: await getOrder(trx, { actor, scope: 'all', id: link.order_id }) };
  }
  await trx
    .updateTable('platform_orders')
    .set({ platform_status: mapped.platformStatus, updated_at: sql<Date>`now()` })
    .where('merchant_id', '=', key.merchant_id)
    .where('provider', '=', key.provider)
    .where('platform_order_id', '=', key.platform_order_id)
    .execute();
  return { outcome: 'updated', order: await getOrder(trx, { actor, scope: 'all', id: link.order_id }) };
}
