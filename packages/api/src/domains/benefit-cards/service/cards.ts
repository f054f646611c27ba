import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { BENEFIT_CARD_ERRORS } from '../errors';
import { scopeFilter } from '../../../platform/data-scope';
import { toTimestamp } from '../../../platform/time';
import type { ActivatedCard } from '../schemas';
import { generateActivationCode } from './activation-code';
import { recordCardEvent } from './card-events';
import type { ScopedRequest } from './context';
import { startCardDelivery } from './process-order';

async function lockVisibleCard(trx: DbTransaction, request: ScopedRequest & { cardId: string }) {
  const card = await trx
    .selectFrom('benefit_cards')
    .innerJoin('benefit_orders', 'benefit_orders.id', 'benefit_cards.order_id')
    .innerJoin('benefit_programs', 'benefit_programs.id', 'benefit_orders.program_id')
    .select([
      'benefit_cards.id',
      'benefit_cards.order_id',
      'benefit_cards.status',
      'benefit_cards.organization_id',
      'benefit_cards.member_id',
      'benefit_cards.product_id',
      'benefit_cards.face_value_minor',
      'benefit_cards.currency',
      'benefit_cards.expires_at',
      'benefit_orders.status as order_status',
      'benefit_programs.delivery_channel',
    ])
    .where('benefit_cards.id', '=', request.cardId)
    .where(scopeFilter(request.scope, request.actor, { organization: 'benefit_cards.organization_id' }))
    .forUpdate('benefit_cards')
    .executeTakeFirst();
  if (!card) throw new AppError('not_found', `Card ${request.cardId} does not exist.`);
  return card;
}

/** Sends the same card to the same member again over the program's channel; audited as `resent`. */
export async function resendCard(
  trx: DbTransaction,
  request: ScopedRequest & { cardId: string },
): Promise<{ orderId: number }> {
  const card = await lockVisibleCard(trx, request);
  if (card.order_status !== 'processed') {
    throw new AppError(
      'conflict',
      `Card ${card.id} has not been sent yet: its order is ${card.order_status}.`,
    );
  }
  if (card.status === 'deactivated' || card.status === 'replaced') {
    throw new AppError('conflict', `Card ${card.id} is ${card.status}; it cannot be sent again.`);
  }
  const deliveryId = await startCardDelivery(trx, { id: card.id, channel: card.delivery_channel });
  await recordCardEvent(trx, {
    cardId: card.id,
    type: 'resent',
    detail: `delivery ${deliveryId}`,
    actorUserId: request.actor.userId,
  });
  return { orderId: Number(card.order_id) };
}

/**
 * Replaces a card the member has not activated yet (its link was lost or went to the wrong person): the old
 * card becomes `replaced` and can no longer be activated; a new card of the same product and value, with a new
 * code, goes to the same member over the program's channel. The budget does not move: the value passes from
 * one card to the other. An activated card is not replaced (its value may be in use): deactivate it instead.
 */
export async function replaceCard(
  trx: DbTransaction,
  request: ScopedRequest & { cardId: string; reason?: string },
): Promise<{ orderId: number; replacementId: string }> {
  const card = await lockVisibleCard(trx, request);
  if (card.order_status !== 'processed') {
    throw new AppError(
      'conflict',
      `Card ${card.id} has not been sent yet: its order is ${card.order_status}.`,
    );
  }
  if (card.status !== 'pending_activation') {
    const instead = card.status === 'active' ? ' An activated card can only be deactivated.' : '';
    throw new AppError('conflict', `Card ${card.id} is ${card.status}; it cannot be replaced.${instead}`);
  }
  const replacement = await trx
    .insertInto('benefit_cards')
    .values({
      order_id: card.order_id,
      organization_id: card.organization_id,
      member_id: card.member_id,
      product_id: card.product_id,
      activation_code: generateActivationCode(),
      status: 'pending_activation',
      face_value_minor: card.face_value_minor,
      currency: card.currency,
      // A replacement carries on the card it replaces, expiry included.
      expires_at: card.expires_at,
      replaces_card_id: card.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('benefit_cards')
    .set({ status: 'replaced', updated_at: sql<Date>`now()` })
    .where('id', '=', card.id)
    .execute();
  const actorUserId = request.actor.userId;
  const why = request.reason ? `: ${request.reason}` : '';
  await recordCardEvent(trx, {
    cardId: card.id,
    type: 'replaced',
    detail: `by card ${replacement.id}${why}`,
    actorUserId,
  });
  await recordCardEvent(trx, {
    cardId: replacement.id,
    type: 'issued',
    detail: `replaces card ${card.id}`,
    actorUserId,
  });
  await startCardDelivery(trx, { id: replacement.id, channel: card.delivery_channel });
  return { orderId: Number(card.order_id), replacementId: replacement.id };
}

/** Deactivates a card for good; deactivating again is a no-op. */
export async function deactivateCard(
  trx: DbTransaction,
  request: ScopedRequest & { cardId: string; reason?: string },
): Promise<{ orderId: number }> {
  const card = await lockVisibleCard(trx, request);
  if (card.status === 'deactivated') return { orderId: Number(card.order_id) };
  await trx
    .updateTable('benefit_cards')
    .set({ status: 'deactivated', updated_at: sql<Date>`now()` })
    .where('id', '=', card.id)
    .execute();
  await recordCardEvent(trx, {
    cardId: card.id,
    type: 'deactivated',
    detail: request.reason ?? null,
    actorUserId: request.actor.userId,
  });
  return { orderId: Number(card.order_id) };
}

/**
 * The member's tap on the activation link: a card delivered and pending activation becomes active, once.
 * An unknown code is a 404; a used, deactivated or not yet delivered card is a 409 saying which.
 */
export async function activateCard(trx: DbTransaction, code: string): Promise<ActivatedCard> {
  const card = await trx
    .selectFrom('benefit_cards')
    .innerJoin('benefit_orders', 'benefit_orders.id', 'benefit_cards.order_id')
    .innerJoin('benefit_products', 'benefit_products.id', 'benefit_cards.product_id')
    .select([
      'benefit_cards.id',
      'benefit_cards.status',
      'benefit_cards.face_value_minor',
      'benefit_cards.currency',
      'benefit_orders.status as order_status',
      'benefit_products.code as product_code',
      sql<boolean>`coalesce(benefit_cards.expires_at <= now(), false)`.as('expired'),
    ])
    .where('benefit_cards.activation_code', '=', code)
    .forUpdate('benefit_cards')
    .executeTakeFirst();
  if (!card) throw new AppError('not_found', 'No card has this activation code.');
  if (card.status === 'active') throw new AppError('conflict', 'This card has already been activated.');
  if (card.status !== 'pending_activation') {
    throw new AppError('conflict', `This card is ${card.status} and cannot be activated.`);
  }
  if (card.order_status !== 'processed') {
    throw new AppError('conflict', 'This card has not been issued to you yet.');
  }
  if (card.expired) throw domainError(BENEFIT_CARD_ERRORS, 'card_expired', 'This card has expired.');
  const activated = await trx
    .updateTable('benefit_cards')
    .set({ status: 'active', activated_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', card.id)
    .returning('activated_at')
    .executeTakeFirstOrThrow();
  await recordCardEvent(trx, { cardId: card.id, type: 'activated' });
  return {
    status: 'active',
    productCode: card.product_code,
    faceValueMinor: Number(card.face_value_minor),
    currency: card.currency,
    activatedAt: toTimestamp(activated.activated_at ?? new Date()),
  };
}
