import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

/** What every session event carries, so a merchant can match it to their order without another call. */
const Session = z.object({
  sessionId: z.string(),
  orderId: z.string(),
  ipayReference: z.string(),
  status: z.string().describe("The session's status after the event"),
});

const PaymentDetails = Session.extend({
  psp: z.string(),
  pspPaymentId: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
});

const Refund = Session.extend({
  paymentId: z.string(),
  psp: z.string(),
  refundId: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  reason: z.string().nullable(),
});

/**
 * The carrier partner whose user (a driver) acted, so the merchant sees who has the parcel. Null when IPAY staff
 * or the merchant acted; absent on events recorded before partners existed.
 */
const ActingPartner = {
  partnerId: z.string().nullable().optional().describe("The acting driver's partner organization id"),
  partnerName: z.string().nullable().optional().describe("The acting driver's partner organization name"),
};

const ParcelChange = Session.extend({
  parcelStatus: z.string(),
  previousParcelStatus: z.string().nullable(),
  reason: z.string().nullable(),
  ...ActingPartner,
});

const OtpAttempts = Session.extend({ attempts: z.number().int(), ...ActingPartner });

/**
 * Payment-session events, whoever records them (payments, the driver app, the carrier): they are about the
 * session resource. Schemas only (zod): the SDK and browser code import them.
 */
export const PAYMENT_SESSION_EVENTS = {
  'session.created': {
    description: 'A payment session (QR code and pay link) was opened for an order',
    subscribable: true,
    payload: Session.extend({ amountMinor: z.number().int(), currency: z.string(), expiresAt: z.string() }),
  },
  'session.payment_started': {
    description: 'The consumer started paying with a PSP',
    subscribable: true,
    payload: Session.extend({ psp: z.string(), checkoutId: z.string().nullable() }),
  },
  'session.paid': {
    description: 'The session was paid',
    subscribable: true,
    payload: PaymentDetails.extend({ paymentMethod: z.string().nullable() }),
  },
  'session.payment_failed': {
    description: 'A payment attempt failed; the session still waits for payment',
    subscribable: true,
    payload: PaymentDetails.extend({ reason: z.string().nullable() }),
  },
  'session.payment_needs_refund': {
    description: 'A payment arrived that cannot be kept (late, duplicate, wrong amount) and must be refunded',
    subscribable: true,
    payload: PaymentDetails.extend({ reason: z.string() }),
  },
  'session.otp_verified': {
    description: "The driver entered the consumer's OTP: the parcel may be handed over",
    subscribable: true,
    payload: Session.extend(ActingPartner),
  },
  'session.otp_locked': {
    description: 'Too many wrong OTPs: the session is locked until an operator unlocks it',
    subscribable: true,
    payload: OtpAttempts,
  },
  'session.expired': {
    description: 'The session expired unpaid; the order can be offered again',
    subscribable: true,
    payload: Session.extend({ expiresAt: z.string() }),
  },
  'session.cancelled': {
    description: 'The session was cancelled with its order',
    subscribable: true,
    payload: Session.extend({ reason: z.string() }),
  },
  'session.refunded': {
    description: 'The sale was refunded: the session is REFUNDED and its order cancelled',
    subscribable: true,
    payload: Refund,
  },
  'session.payment_refunded': {
    description: 'A payment that could not be kept was refunded; the session is unchanged',
    subscribable: true,
    payload: Refund,
  },
  'parcel.status_changed': {
    description: 'The carrier reported a new parcel status',
    subscribable: true,
    payload: ParcelChange,
  },
  'parcel.delivered': {
    description: 'The parcel was delivered (also announced as parcel.status_changed)',
    subscribable: true,
    payload: ParcelChange,
  },
  'session.otp_failed': {
    description: 'A wrong OTP was entered',
    subscribable: false,
    payload: OtpAttempts,
  },
  'session.otp_unlocked': {
    description: 'An operator unlocked OTP entry',
    subscribable: false,
    payload: Session,
  },
} satisfies EventDefinitions;
