import { randomUUID } from 'node:crypto';
import type { EventPayload, EventType } from '../domains/events/catalogue';
import type { NewDomainEvent } from '../domains/events/service';

/** Valid payloads of the types tests record by hand (recordDomainEvent refuses a payload off its schema). */
const SAMPLE_DATA = {
  'order.created': () => ({
    orderId: randomUUID(),
    merchantReference: `REF-${randomUUID().slice(0, 8)}`,
    totalMinor: 1999,
    currency: 'EUR',
    carrierCode: 'DHL',
    ipayFlag: true,
  }),
  'order.updated': () => ({
    orderId: randomUUID(),
    merchantReference: `REF-${randomUUID().slice(0, 8)}`,
    changed: ['items'],
    totalMinor: 2999,
    currency: 'EUR',
  }),
  'order.cancelled': () => ({
    orderId: randomUUID(),
    merchantReference: `REF-${randomUUID().slice(0, 8)}`,
    reason: null,
  }),
  'session.paid': () => ({
    sessionId: randomUUID(),
    orderId: randomUUID(),
    ipayReference: '123456789012345678',
    status: 'PAID',
    psp: 'stripe',
    pspPaymentId: `pi_${randomUUID().slice(0, 8)}`,
    amountMinor: 1999,
    currency: 'EUR',
    paymentMethod: 'card',
  }),
  'role.created': () => ({ name: 'Packers', permissions: ['orders:read:organization'] }),
} satisfies { [T in EventType]?: () => EventPayload<T> };
export type SampledEventType = keyof typeof SAMPLE_DATA;

/**
 * An event of a catalogued type with a valid made-up payload, about a new resource unless one is given, for
 * tests of the event machinery itself (flows record their own events).
 */
export function sampleEvent<T extends SampledEventType>(
  type: T,
  target: { organizationId: string | null; resourceId?: string; actorUserId?: string | null },
): NewDomainEvent<T> {
  return {
    type,
    resourceType: type.split('.')[0] ?? type,
    resourceId: target.resourceId ?? randomUUID(),
    organizationId: target.organizationId,
    actorUserId: target.actorUserId ?? null,
    // Each entry's return type is checked against its own type's payload above.
    data: SAMPLE_DATA[type]() as EventPayload<T>,
  };
}
