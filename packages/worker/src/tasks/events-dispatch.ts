import { dispatchDomainEvent, DOMAIN_EVENT_CONSUMERS } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const eventsDispatch: TaskHandler<'events.dispatch'> = async ({ eventId }, { db, logger }) => {
  const outcome = await dispatchDomainEvent(db, eventId, DOMAIN_EVENT_CONSUMERS);
  // A missing event means its transaction rolled back after enqueueing elsewhere: nothing to announce.
  if (outcome === 'missing') logger.warn(`event ${eventId} does not exist; nothing dispatched`);
};
