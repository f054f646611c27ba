import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { PaidBy } from '../share-payment/schemas';
import { ConsumerLocker } from '../lockers/schemas';

export const ConsumerEmail = z
  .email('must be a valid e-mail address')
  .max(254)
  .transform((value) => value.toLowerCase())
  .describe('E-mail address; compared case-insensitively');

export const ConsumerLanguage = z.enum(['en', 'nl']).describe('Language of the e-mails and pages');
export type ConsumerLanguage = z.infer<typeof ConsumerLanguage>;

export const MagicLinkRequestInput = z.object({
  email: ConsumerEmail.describe('The address to sign in with; the answer is the same for every address'),
  language: ConsumerLanguage.optional().describe(
    "The e-mail's language when the address has not chosen one yet (default English)",
  ),
});
export type MagicLinkRequestInput = z.infer<typeof MagicLinkRequestInput>;

export const MagicLinkRequested = z
  .object({
    accepted: z.literal(true),
    detail: z.string().describe('Always the same text, whatever the address'),
  })
  .describe('The request was taken; a sign-in link is on its way to the address');
export type MagicLinkRequested = z.infer<typeof MagicLinkRequested>;

export const MagicLinkToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be the 43-character token from the link')
  .describe('The token at the end of the link in the e-mail');

export const MagicLinkRedeemInput = z.object({ token: MagicLinkToken });
export type MagicLinkRedeemInput = z.infer<typeof MagicLinkRedeemInput>;

export const Consumer = z
  .object({
    id: z.uuid(),
    email: z.string().describe('The verified address, lower-case'),
    language: ConsumerLanguage.nullable(),
    phone: z.string().nullable().describe('Not collected yet: a later SMS verification fills it in'),
    phone_verified_at: Timestamp.nullable(),
    verified_at: Timestamp.describe('When the address was first confirmed by a magic link'),
    created_at: Timestamp,
  })
  .describe('A consumer: one verified e-mail address');
export type Consumer = z.infer<typeof Consumer>;

export const ConsumerSession = z.object({
  token: z
    .string()
    .describe('Consumer JWT (audience `ipay:consumer`): send as `Authorization: Bearer <token>`'),
  expires_at: Timestamp.describe('30 days after sign-in, unless signed out before'),
  consumer: Consumer,
});
export type ConsumerSession = z.infer<typeof ConsumerSession>;

export const ConsumerSignedOut = z
  .object({ signed_out: z.literal(true) })
  .describe('This token is refused from now on; other sessions of the consumer stay signed in');
export type ConsumerSignedOut = z.infer<typeof ConsumerSignedOut>;

export const CONSUMER_PARCEL_STATUSES = [
  'pending',
  'paid',
  'in_delivery',
  'delivered',
  'returned',
  'refunded',
] as const;
export const ConsumerParcelStatus = z
  .enum(CONSUMER_PARCEL_STATUSES)
  .describe(
    'pending: payment due (or not yet asked); paid: paid, not yet with the driver; in_delivery: on its way or its code accepted at the door; delivered; returned: sent back to the merchant; refunded: the payment was paid back',
  );
export type ConsumerParcelStatus = z.infer<typeof ConsumerParcelStatus>;

export const ConsumerParcel = z.object({
  id: z.uuid().describe("The order's id"),
  merchant_name: z.string(),
  merchant_reference: z.string().describe("The merchant's own order number"),
  status: ConsumerParcelStatus,
  amount_minor: z.int().describe('Order total in minor units'),
  currency: z.string(),
  payment_reference: z.string().nullable().describe('The 18-digit payment reference, once a session exists'),
  pay_url: z.string().nullable().describe('The pay page, only while payment is due and the link still works'),
  session_id: z
    .uuid()
    .nullable()
    .describe(
      'The payment session shown (the live one, else the latest), once one exists: to pay it from the wallet (`POST /api/wallet/pay/{session_id}`) or share it (`POST /api/share-payment/{session_id}`)',
    ),
  amount_due_minor: z
    .int()
    .nullable()
    .describe('While payment is due: what is left to pay, the order total less a part held in the wallet'),
  carrier_code: z.string(),
  ordered_at: Timestamp,
  paid_at: Timestamp.nullable(),
  delivered_at: Timestamp.nullable(),
  paid_by: PaidBy.nullable(),
  locker: ConsumerLocker.nullable().describe(
    "The parcel's locker when the carrier put it in one; the pickup code once paid and while it can be used",
  ),
});
export type ConsumerParcel = z.infer<typeof ConsumerParcel>;

export const ConsumerParcelsInput = PageInput;
export const ConsumerParcelPage = pageOf(ConsumerParcel);
export type ConsumerParcelPage = z.infer<typeof ConsumerParcelPage>;
