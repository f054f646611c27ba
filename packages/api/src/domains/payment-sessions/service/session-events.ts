import type { DbTransaction, JsonValue } from '@ipay/db';
import { recordDomainEvent } from '../../events/service';
import type { SessionRow } from '../repository';

/** Every session event carries what a merchant needs to match it to their order without another call. */
export function recordSessionEvent(
  trx: DbTransaction,
  session: Pick<SessionRow, 'id' | 'order_id' | 'merchant_id' | 'reference' | 'status'>,
  type: string,
  data: Record<string, JsonValue> = {},
  actorUserId: string | null = null,
) {
  return recordDomainEvent(trx, {
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
  });
}
