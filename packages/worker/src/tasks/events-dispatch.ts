import { dispatchDomainEvent } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const eventsDispatch: TaskHandler<'events.dispatch'> = async ({ eventId }, { db, logger }) => {
  const outcome = await dispatchDomainEvent(db, eventId);
  // A missing event means its transaction rolled back after enqueueing elsewhere: nothing to announce.
  if (outcome === 'missing') logger.warn(`event ${eventId} does not exist; nothing dispatched`);
};
