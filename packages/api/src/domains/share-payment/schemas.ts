import { z } from 'zod';
import { Timestamp } from '../../platform/time';

/** A share code: 12 random bytes in base64url, 16 characters of `A–Z a–z 0–9 - _`. */
export const SHARE_CODE_PATTERN = /^[A-Za-z0-9_-]{16}$/;
export const ShareCode = z.string().regex(SHARE_CODE_PATTERN);

export const SharePaymentInput = z.object({
  session_id: z.uuid().describe('The payment session of one of my parcels (`session_id` on my parcels)'),
});
export type SharePaymentInput = z.infer<typeof SharePaymentInput>;

export const PAYER_NAME_MAX = 80;

/**
 * The name a payer may give on the share page: plain text for one line, shown to the owner as given. Control
 * and format characters (line breaks, bidi overrides, zero-width joiners) are refused: they would let a name
 * pretend to be something else in the owner's app.
 */
export const PayerName = z
  .string()
  .trim()
  .min(1)
  .max(PAYER_NAME_MAX)
  .regex(/^[^\p{C}]+$/u, 'must be plain text on one line');

export const PaidBy = z
  .object({
    name: z.string().nullable().describe('The name the payer gave on the share page, if any'),
    label: z.string().describe('What to show: the name, else "someone you shared the link with"'),
  })
  .describe('Who paid, when the session was paid through my share link');
export type PaidBy = z.infer<typeof PaidBy>;

export const SHARE_STATUSES = ['active', 'paid', 'ended'] as const;

export const SharedPayment = z.object({
  session_id: z.uuid(),
  share_url: z
    .string()
    .describe('`<PUBLIC_URL>/s/<code>`: whoever opens it can see the pay page of this session and pay'),
  status: z
    .enum(SHARE_STATUSES)
    .describe(
      'active: the session can be paid through the link; paid: the session was paid (through the link or not); ended: it expired or was cancelled, and the link with it',
    ),
  expires_at: Timestamp.describe('When the session, and so the link, stops taking payments'),
  paid_by: PaidBy.nullable().describe('Set once the session is paid through this link'),
  created_at: Timestamp,
});
export type SharedPayment = z.infer<typeof SharedPayment>;
