import type { DbTransaction } from '@ipay/db';
import type { EventPayload } from '../../events/catalogue';
import { recordDomainEvent, type NewDomainEvent } from '../../events/service';
import type { PAYMENT_SESSION_EVENTS } from '../events';
import type { SessionRow } from '../repository';

type SessionEventType = keyof typeof PAYMENT_SESSION_EVENTS;
/** The fields recordSessionEvent fills in from the session itself. */
type SessionFields = 'sessionId' | 'orderId' | 'ipayReference' | 'status';

/** Every session event carries what a merchant needs to match it to their order without another call. */
export function recordSessionEvent<T extends SessionEventType>(
  trx: DbTransaction,
  session: Pick<SessionRow, 'id' | 'order_id' | 'merchant_id' | 'reference' | 'status'>,
  type: T,
  data: Omit<EventPayload<T>, SessionFields>,
  actorUserId: string | null = null,
) {
  const event = {
    type,
    resourceType: 'payment_session',
    resourceId: session.id,
    organizationId: session.merchant_id,
    actorUserId,
    data: {
      sessionId: session.id,
      orderId: session.order_id,
      ipayReference: session.reference,
      status: session.status,
      ...data,
    },
  };
  // The compiler cannot see that the session fields plus the rest make the payload of a generic `T`; the
  // parameter types above hold callers to it, and recordDomainEvent checks the result at run time.
  return recordDomainEvent(trx, event as NewDomainEvent<T>);
}
