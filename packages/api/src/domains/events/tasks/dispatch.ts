import { DOMAIN_EVENT_CONSUMERS } from '../consumers';
import { dispatchDomainEvent } from '../service';
import type { TaskHandler } from '../../../jobs/task';

export const eventsDispatch: TaskHandler<'events.dispatch'> = async ({ eventId }, { db, logger }) => {
  const outcome = await dispatchDomainEvent(db, eventId, DOMAIN_EVENT_CONSUMERS);
  // A missing event means its transaction rolled back after enqueueing elsewhere: nothing to announce.
  if (outcome === 'missing') logger.warn(`event ${eventId} does not exist; nothing dispatched`);
};
