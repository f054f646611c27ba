import { z } from 'zod';
import { Timestamp } from '../../platform/time';
import { TrackingNumber } from '../orders/schemas';
import { CarrierCode } from '../partners/schemas';
import { PaymentReference } from '../payment-sessions/schemas';

export { CarrierCode };

export const LOCKER_CODE_STATUSES = ['ISSUED', 'COLLECTED', 'EXPIRED'] as const;
export const LockerCodeStatus = z
  .enum(LOCKER_CODE_STATUSES)
  .describe('ISSUED: waiting in the locker; COLLECTED: picked up; EXPIRED: not picked up in time');
export type LockerCodeStatus = z.infer<typeof LockerCodeStatus>;

const Text = (max: number) => z.string().trim().min(1).max(max);

/** The parcel a carrier reports on: its tracking number or the IPAY reference, at least one. */
const ParcelKey = {
  tracking_number: TrackingNumber.optional().describe(
    "The carrier's tracking number of the parcel, as the order's shipment carries it",
  ),
  ipay_reference: PaymentReference.optional().describe("The order's 18-digit IPAY payment reference"),
};

const EventId = Text(200).describe(
  "The carrier's own id of this event; the same id again is answered as already processed",
);

export const LockerCodeIssuedCall = z
  .object({
    event_id: EventId,
    event_type: z.literal('code_issued'),
    ...ParcelKey,
    locker: z.object({
      id: Text(100).describe("The carrier's locker id"),
      name: Text(200).describe(
        'The locker as the consumer finds it, e.g. "PostNL locker Albert Heijn Rokin"',
      ),
    }),
    compartment: Text(50).describe('The compartment the parcel is in'),
    pickup_code: Text(64).describe(
      'The code that opens the compartment; stored encrypted, shown only to the consumer',
    ),
    issued_at: Timestamp.describe('When the parcel was put in the locker'),
    expires_at: Timestamp.describe('When the carrier takes it back if not collected'),
  })
  .strict();

export const LockerCodeOutcomeCall = z
  .object({
    event_id: EventId,
    event_type: z.enum(['collected', 'expired']),
    ...ParcelKey,
    occurred_at: Timestamp.describe('When the parcel was collected, or taken out uncollected'),
  })
  .strict();

export const LockerCall = z
  .discriminatedUnion('event_type', [LockerCodeIssuedCall, LockerCodeOutcomeCall])
  .refine((call) => call.tracking_number !== undefined || call.ipay_reference !== undefined, {
    message: 'give tracking_number or ipay_reference',
    path: ['tracking_number'],
  })
  .describe(
    'A carrier reports a parcel in a locker (code_issued), picked up (collected) or taken back (expired). Sign the exact body bytes: header X-IPAY-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> with the carrier\'s secret.',
  );
export type LockerCall = z.infer<typeof LockerCall>;

export const LockerCallReceipt = z.object({
  received: z.literal(true),
  receipt: z
    .enum(['accepted', 'duplicate'])
    .describe('duplicate: this event id was processed before; nothing changed'),
  carrier: z.string().describe('The carrier whose secret verified the call'),
  locker_code_id: z.uuid().nullable().describe('The locker code the event is about'),
  status: LockerCodeStatus.nullable().describe("The code's state after the event"),
});
export type LockerCallReceipt = z.infer<typeof LockerCallReceipt>;

/** What the consumer sees of a parcel's locker: the code included (only ever on consumer-facing outputs). */
export const ConsumerLocker = z
  .object({
    carrier_code: z.string(),
    locker_id: z.string(),
    locker_name: z.string(),
    compartment: z.string(),
    pickup_code: z
      .string()
      .nullable()
      .describe('The code that opens the compartment; null once collected or expired'),
    status: LockerCodeStatus,
    issued_at: Timestamp,
    expires_at: Timestamp,
    collected_at: Timestamp.nullable(),
  })
  .describe("The parcel's locker, when the carrier put it in one");
export type ConsumerLocker = z.infer<typeof ConsumerLocker>;

export const CarrierParam = z.object({ carrier: CarrierCode });

export const LockerSecret = z.object({
  id: z.uuid(),
  carrier_code: z.string(),
  created_at: Timestamp,
  retires_at: Timestamp.nullable().describe('When it stops verifying (a rotation sets it on the old secret)'),
  retired_at: Timestamp.nullable(),
  active: z.boolean().describe('Whether it verifies calls now'),
});
export type LockerSecret = z.infer<typeof LockerSecret>;

export const CreatedLockerSecret = LockerSecret.extend({
  secret: z.string().describe('The signing secret: shown once, never again; give it to the carrier'),
});
export type CreatedLockerSecret = z.infer<typeof CreatedLockerSecret>;

export const CreateLockerSecretInput = CarrierParam;

export const RotateLockerSecretInput = CarrierParam.extend({
  previous_valid_until: Timestamp.optional().describe(
    'When the secrets active now stop verifying; default 24 hours from now. The new one verifies at once',
  ),
});

export const RetireLockerSecretInput = CarrierParam.extend({ id: z.uuid() });

export const LockerSecretList = z.object({ items: z.array(LockerSecret) });
