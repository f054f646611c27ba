import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { CountryCode } from '../orders/schemas';

export const SESSION_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'RELEASED',
  'DELIVERED',
  'EXPIRED',
  'CANCELLED',
  'REFUNDED',
] as const;
export const SessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const PARCEL_STATUSES = [
  'PICKED_UP',
  'IN_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'RETURNED_TO_SENDER',
] as const;
export const ParcelStatus = z.enum(PARCEL_STATUSES);
export type ParcelStatus = z.infer<typeof ParcelStatus>;

export const PSPS = ['stripe', 'multisafepay', 'simulate'] as const;
export const Psp = z.enum(PSPS);
export type Psp = z.infer<typeof Psp>;

/** Who took a session's money: a PSP, or the consumer's IPAY wallet (`POST /api/wallet/pay/{session_id}`). */
export const PAYMENT_PROVIDERS = [...PSPS, 'wallet'] as const;
export const PaymentProvider = z.enum(PAYMENT_PROVIDERS);
export type PaymentProvider = z.infer<typeof PaymentProvider>;

export const PaymentReference = z
  .string()
  .trim()
  .regex(/^[0-9]{18}$/, 'must be the 18-digit IPAY payment reference')
  .describe('18-digit IPAY payment reference (ISO 7064 MOD 97-10 check digits)');

export const PaymentSession = z
  .object({
    id: z.uuid(),
    order_id: z.uuid(),
    merchant_id: z.uuid(),
    ipay_reference_18: z.string(),
    status: SessionStatus,
    parcel_status: ParcelStatus.nullable(),
    parcel_status_reason: z.string().nullable(),
    amount_minor: z.number().int(),
    currency: z.string(),
    country: z.string(),
    carrier_code: z.string(),
    psp: PaymentProvider.nullable(),
    payment_method: z.string().nullable(),
    pay_url: z
      .string()
      .describe('Where the consumer pays: send it by e-mail, SMS or print it as the QR code'),
    otp_locked: z.boolean().describe('Too many wrong OTPs: an operator must unlock the session'),
    expires_at: Timestamp,
    paid_at: Timestamp.nullable(),
    released_at: Timestamp.nullable(),
    delivered_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'PaymentSession' });
export type PaymentSession = z.infer<typeof PaymentSession>;

export const CreatedPaymentSession = PaymentSession.extend({
  qr_png_data_url: z.string().describe('The pay URL as a QR code, a PNG data URL'),
  created: z.boolean().describe('False when the order already had a live session, which is returned'),
}).meta({ id: 'CreatedPaymentSession' });
export type CreatedPaymentSession = z.infer<typeof CreatedPaymentSession>;

export const SessionEvent = z.object({
  id: z.uuid(),
  type: z.string(),
  sequence: z.number().int(),
  occurred_at: Timestamp,
  data: z.record(z.string(), z.unknown()),
});

export const SessionPayment = z.object({
  id: z.uuid(),
  psp: z.string(),
  psp_payment_id: z.string(),
  status: z.enum(['succeeded', 'failed']),
  amount_minor: z.number().int(),
  currency: z.string(),
  payment_method: z.string().nullable(),
  failure_reason: z.string().nullable(),
  needs_refund: z.boolean(),
  refund_reason: z.string().nullable(),
  refunded_at: Timestamp.nullable(),
  created_at: Timestamp,
});

export const HandlingPartner = z
  .object({
    id: z.uuid().describe('The partner organization id'),
    name: z.string(),
    handled_at: Timestamp.describe('When its driver last released or moved the parcel'),
  })
  .describe(
    'The carrier partner whose driver last released or moved the parcel; null while no partner user has',
  );

export const PaymentSessionDetail = PaymentSession.extend({
  qr_png_data_url: z.string(),
  handled_by_partner: HandlingPartner.nullable(),
  events: z.array(SessionEvent).describe('Everything that happened to the session, in order'),
  payments: z.array(SessionPayment),
}).meta({ id: 'PaymentSessionDetail' });
export type PaymentSessionDetail = z.infer<typeof PaymentSessionDetail>;

export const ListPaymentSessionsInput = PageInput.extend({
  status: SessionStatus.optional(),
  country: CountryCode.optional(),
  carrier: z.string().trim().toUpperCase().max(32).optional().describe('Carrier code'),
  psp: PaymentProvider.optional(),
  payment_method: z.string().trim().max(50).optional(),
  created_from: z.iso.datetime({ offset: true }).optional(),
  created_to: z.iso.datetime({ offset: true }).optional(),
});
export type ListPaymentSessionsInput = z.infer<typeof ListPaymentSessionsInput>;
export const PaymentSessionPage = pageOf(PaymentSession);

export const SessionIdInput = z.object({ id: z.uuid().describe('Payment session id') });

export const RefundSessionInput = SessionIdInput.extend({
  reason: z.string().trim().min(1).max(500).optional(),
});

export const ParcelStatusInput = SessionIdInput.extend({
  status: ParcelStatus,
  reason: z.string().trim().min(1).max(500).optional().describe('Required for DELIVERY_FAILED'),
}).superRefine((value, ctx) => {
  if (value.status === 'DELIVERY_FAILED' && !value.reason) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required when delivery failed' });
  }
});
export type ParcelStatusInput = z.infer<typeof ParcelStatusInput>;

export const PayTokenInput = z.object({
  token: z.string().min(20).max(100).describe('The token of the pay link'),
});

export const CodeDestinations = z
  .object({
    email: z.string().describe("The order's e-mail address, masked: `j***@example.com`"),
    phone: z
      .string()
      .nullable()
      .describe("The order's phone, masked (`+31 **** 78`), when an SMS gateway is configured; else null"),
  })
  .meta({ id: 'CodeDestinations' });

export const PublicSession = z
  .object({
    merchant_name: z.string(),
    ipay_reference_18: z.string(),
    amount_minor: z.number().int(),
    amount_due_minor: z
      .number()
      .int()
      .describe('What is still to pay by card: `amount_minor` less the part held in the consumer’s wallet'),
    wallet_minor: z
      .number()
      .int()
      .describe('The part paid (or held) from the consumer’s IPAY wallet; 0 when none'),
    currency: z.string(),
    items: z.array(z.object({ name: z.string(), quantity: z.number().int() })),
    status: SessionStatus,
    parcel_status: ParcelStatus.nullable(),
    expires_at: Timestamp,
    delivered_at: Timestamp.nullable(),
    otp_4: z
      .string()
      .nullable()
      .describe(
        'The door code to show the driver, only while PAID and only to the browser that paid: the request must carry the `ipay_payer` cookie that the pay page (`/pay/{token}`) set when that browser pressed Pay, the last Pay before the payment. Null for everyone else: the code is sent to the consumer (`otp_sent_to`) instead.',
      ),
    otp_sent_to: CodeDestinations.nullable().describe(
      'While PAID: where the door code was sent (masked), for anyone holding the link',
    ),
    last_payment_failed: z
      .boolean()
      .describe(
        'The latest payment attempt failed at the PSP (nothing was charged); the consumer may try again',
      ),
    payment_options: z.array(Psp).describe('Ways to pay this session now'),
  })
  .meta({ id: 'PublicSession' });
export type PublicSession = z.infer<typeof PublicSession>;

export const StartPaymentInput = PayTokenInput.extend({
  psp: Psp.optional().describe(
    'Defaults to Stripe when configured, else MultiSafepay, else simulate (not in production)',
  ),
});
export type StartPaymentInput = z.infer<typeof StartPaymentInput>;

export const StartedPayment = z
  .object({
    psp: Psp,
    status: SessionStatus,
    redirect_url: z
      .string()
      .nullable()
      .describe("Send the consumer here (the PSP's payment page); null when simulated"),
  })
  .meta({ id: 'StartedPayment' });
export type StartedPayment = z.infer<typeof StartedPayment>;
