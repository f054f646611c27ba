import { sql } from 'kysely';
import type { BenefitCardDeliveriesTable, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { enqueueJob } from '../../../jobs/enqueue';
import { scopeFilter } from '../../../platform/data-scope';
import { moveBudget } from './budget';
import { recordCardEvent } from './card-events';
import type { ScopedRequest } from './context';

/** Starts one delivery of a card over its program's channel; the job makes the attempts. */
export async function startCardDelivery(
  trx: DbTransaction,
  card: { id: string; channel: BenefitCardDeliveriesTable['channel'] },
): Promise<string> {
  const delivery = await trx
    .insertInto('benefit_card_deliveries')
    .values({ card_id: card.id, channel: card.channel })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('benefit_cards')
    .set({ delivery_status: 'pending', updated_at: sql<Date>`now()` })
    .where('id', '=', card.id)
    .execute();
  await enqueueJob(
    trx,
    'benefit-cards.deliver-card',
    { deliveryId: delivery.id },
    { jobKey: `card-delivery:${delivery.id}` },
  );
  return delivery.id;
}

export type ProcessOutcome = 'processed' | 'not-scheduled' | 'missing';

/** Processes a held order once: its cards go out. Cancelled or already processed orders are left alone. */
export async function processOrder(trx: DbTransaction, orderId: number): Promise<ProcessOutcome> {
  const order = await trx
    .selectFrom('benefit_orders')
    .innerJoin('benefit_programs', 'benefit_programs.id', 'benefit_orders.program_id')
    .select(['benefit_orders.id', 'benefit_orders.status', 'benefit_programs.delivery_channel'])
    .where('benefit_orders.id', '=', orderId)
    .forUpdate('benefit_orders')
    .executeTakeFirst();
  if (!order) return 'missing';
  if (order.status !== 'scheduled') return 'not-scheduled';
  await trx
    .updateTable('benefit_orders')
    .set({ status: 'processed', processed_at: sql<Date>`now()` })
    .where('id', '=', orderId)
    .execute();
  // A card's validity runs from its issue, now; a product without one issues cards that do not expire (null).
  await trx
    .updateTable('benefit_cards')
    .set({
      expires_at: sql<Date | null>`now() + make_interval(days => (
        select card_validity_days from benefit_products where benefit_products.id = benefit_cards.product_id))`,
    })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending_activation')
    .execute();
  const cards = await trx
    .selectFrom('benefit_cards')
    .select('id')
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending_activation')
    .orderBy('created_at')
    .execute();
  for (const card of cards) await startCardDelivery(trx, { id: card.id, channel: order.delivery_channel });
  return 'processed';
}

/**
 * Cancels an order still held for its processingDate: its cards are deactivated before anyone received
 * them and their value goes back to the program budget. Cancelling twice is a no-op.
 */
export async function cancelScheduledOrder(
  trx: DbTransaction,
  request: ScopedRequest & { orderId: number },
): Promise<void> {
  const { actor, scope, orderId } = request;
  const order = await trx
    .selectFrom('benefit_orders')
    .select(['id', 'status', 'program_id'])
    .where('id', '=', orderId)
    .where(scopeFilter(scope, actor, { organization: 'benefit_orders.organization_id' }))
    .forUpdate()
    .executeTakeFirst();
  if (!order) throw new AppError('not_found', `Order ${orderId} does not exist.`);
  if (order.status === 'cancelled') return;
  if (order.status !== 'scheduled') {
    throw new AppError('conflict', `Order ${orderId} was already processed; deactivate its cards instead.`);
  }
  await trx
    .updateTable('benefit_orders')
    .set({ status: 'cancelled', cancelled_at: sql<Date>`now()` })
    .where('id', '=', orderId)
    .execute();
  const cards = await trx
    .updateTable('benefit_cards')
    .set({ status: 'deactivated', updated_at: sql<Date>`now()` })
    .where('order_id', '=', orderId)
    .returning(['id', 'face_value_minor'])
    .execute();
  for (const card of cards) {
    await moveBudget(trx, {
      programId: order.program_id,
      kind: 'refund',
      amountMinor: Number(card.face_value_minor),
      orderId,
      cardId: card.id,
      note: 'order cancelled before processing',
      actorUserId: actor.userId,
    });
    await recordCardEvent(trx, { cardId: card.id, type: 'cancelled', actorUserId: actor.userId });
  }
  // The held job would find the order cancelled anyway; removing it keeps the queue clean.
  await sql`select graphile_worker.remove_job(${`benefit-order:${orderId}`})`.execute(trx);
}
