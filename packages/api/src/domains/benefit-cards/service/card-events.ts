import type { DbExecutor } from '@ipay/db';
import type { CARD_EVENT_TYPES } from '../schemas';

export type CardEventType = (typeof CARD_EVENT_TYPES)[number];

/** The card's audit trail: every issue, delivery outcome, activation, resend and deactivation. */
export async function recordCardEvent(
  db: DbExecutor,
  event: { cardId: string; type: CardEventType; detail?: string | null; actorUserId?: string | null },
): Promise<void> {
  await db
    .insertInto('benefit_card_events')
    .values({
      card_id: event.cardId,
      type: event.type,
      detail: event.detail ?? null,
      actor_user_id: event.actorUserId ?? null,
    })
    .execute();
}
