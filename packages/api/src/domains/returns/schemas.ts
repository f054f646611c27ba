import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';

// Schemas only: the SDK, the portal page and tests import them.

export const RETURN_STATUSES = [
  'OPENED',
  'APPROVED',
  'LABEL_CREATED',
  'IN_TRANSIT',
  'RECEIVED',
  'REFUNDED',
  'REJECTED',
  'CANCELLED',
  'EXPIRED',
] as const;
export const ReturnStatus = z.enum(RETURN_STATUSES).describe("The return case's state");
export type ReturnStatus = z.infer<typeof ReturnStatus>;

export const RETURN_SOURCES = ['consumer', 'merchant', 'operator', 'carrier', 'system'] as const;
export type ReturnSource = (typeof RETURN_SOURCES)[number];

export const RefundMethod = z
  .enum(['ORIGINAL_PAYMENT', 'WALLET_CREDIT'])
  .describe('Back to the card (or method) that paid, or as credit in the IPAY wallet');
export type RefundMethod = z.infer<typeof RefundMethod>;

export const RETURN_REASONS = [
  'DAMAGED',
  'DEFECTIVE',
  'WRONG_ITEM',
  'NOT_AS_DESCRIBED',
  'DOES_NOT_FIT',
  'NO_LONGER_NEEDED',
  'ARRIVED_LATE',
  'OTHER',
] as const;
export const ReturnReason = z.enum(RETURN_REASONS).describe('Why this item goes back');
export type ReturnReason = z.infer<typeof ReturnReason>;

export const RefundTrigger = z
  .enum(['RECEIVED', 'MERCHANT_CONFIRMATION'])
  .describe('Refund when the parcel is scanned as received, or only when the merchant confirms receipt');

export const ReturnAddress = z.object({
  name: z.string().trim().min(1).max(100).describe('Company or person receiving returns'),
  addressLine1: z.string().trim().min(1).max(200),
  addressLine2: z.string().trim().max(200).nullable().optional(),
  postalCode: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(100),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .describe('ISO 3166-1 alpha-2'),
  email: z.email().max(254).nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
});
export type ReturnAddress = z.infer<typeof ReturnAddress>;

export const ReturnSettings = z.object({
  windowDays: z.int().min(0).max(365).describe('Days after delivery in which a return may be opened'),
  approvalRequired: z.boolean().describe('Whether the merchant approves each case before a label is made'),
  refundTrigger: RefundTrigger,
  refundShipping: z.boolean().describe("Whether the order's shipping cost is refunded too (once per order)"),
  walletBonusPercent: z
    .int()
    .min(0)
    .max(100)
    .describe(
      'Extra wallet credit, in percent of the refund, funded by the merchant, for choosing wallet credit',
    ),
  expiryDays: z.int().min(1).max(365).describe('Days to hand the parcel in before an unshipped case expires'),
  returnAddress: ReturnAddress.nullable().describe("Where returned parcels go (the label's to-address)"),
});
export type ReturnSettings = z.infer<typeof ReturnSettings>;

export const MerchantIdInput = z.object({
  merchantId: z.uuid().optional().describe("The merchant (operators only; a merchant's own by default)"),
});

export const SetReturnSettingsInput = ReturnSettings.partial().extend(MerchantIdInput.shape);
export type SetReturnSettingsInput = z.infer<typeof SetReturnSettingsInput>;

export const ReturnSettingsOutput = ReturnSettings.extend({
  merchantId: z.uuid(),
  updatedAt: z.string().nullable().describe('Null while the merchant has the defaults'),
});
export type ReturnSettingsOutput = z.infer<typeof ReturnSettingsOutput>;

export const OpenReturnItem = z.object({
  position: z.int().min(1).max(10_000).describe("The order line's position (from the order's items)"),
  quantity: z.int().min(1).max(10_000).describe('How many of this line go back'),
  reason: ReturnReason,
  reasonText: z.string().trim().max(500).optional().describe('In the consumer’s own words'),
});

export const OpenReturnInput = z.object({
  payToken: z
    .string()
    .min(10)
    .max(200)
    .optional()
    .describe('The pay token of the paid or delivered session (without a consumer token)'),
  sessionId: z.uuid().optional().describe('The payment session of one of my parcels (with a consumer token)'),
  items: z.array(OpenReturnItem).min(1).max(100),
  refundMethod: RefundMethod,
  note: z.string().trim().max(1000).optional().describe('Anything else the merchant should know'),
});
export type OpenReturnInput = z.infer<typeof OpenReturnInput>;

export const ReturnItemOutput = z.object({
  position: z.int(),
  sku: z.string(),
  description: z.string(),
  quantity: z.int(),
  unitPriceMinor: z.int(),
  currency: z.string(),
  reason: ReturnReason,
  reasonText: z.string().nullable(),
});
export type ReturnItemOutput = z.infer<typeof ReturnItemOutput>;

export const ReturnRefundOutput = z.object({
  method: RefundMethod,
  status: z.enum(['PENDING', 'DONE']),
  amountMinor: z.int().describe('Items (and shipping, per the merchant) refunded'),
  shippingMinor: z.int(),
  bonusMinor: z.int().describe('Merchant-funded wallet bonus on top'),
  currency: z.string(),
  completedAt: z.string().nullable(),
});

export const ReturnCaseOutput = z.object({
  id: z.uuid(),
  merchantId: z.uuid(),
  orderId: z.uuid(),
  sessionId: z.uuid(),
  merchantReference: z.string(),
  status: ReturnStatus,
  refundMethod: RefundMethod,
  currency: z.string(),
  itemsValueMinor: z.int().describe('Quantity × unit price over the returned items'),
  note: z.string().nullable(),
  rejectReason: z.string().nullable(),
  items: z.array(ReturnItemOutput),
  trackingNumber: z.string().nullable(),
  carrierCode: z.string().nullable(),
  refund: ReturnRefundOutput.nullable(),
  openedAt: z.string(),
  expiresAt: z.string().describe('Hand the parcel in before this, or the case expires'),
  updatedAt: z.string(),
});
export type ReturnCaseOutput = z.infer<typeof ReturnCaseOutput>;

export const OpenedReturnOutput = ReturnCaseOutput.extend({
  portalUrl: z.string().describe('The return portal: keep it, it is the only way back to this case'),
  token: z.string().describe('The portal token (GET /api/returns/{token})'),
});
export type OpenedReturnOutput = z.infer<typeof OpenedReturnOutput>;

export const NextAction = z
  .enum([
    'WAIT_FOR_APPROVAL',
    'WAIT_FOR_LABEL',
    'DOWNLOAD_LABEL',
    'WAIT_FOR_RECEIPT',
    'WAIT_FOR_REFUND',
    'NONE',
  ])
  .describe('What the consumer does (or waits for) next');

export const PortalReturnOutput = z.object({
  status: ReturnStatus,
  merchantName: z.string(),
  merchantReference: z.string(),
  refundMethod: RefundMethod,
  currency: z.string(),
  itemsValueMinor: z.int(),
  items: z.array(ReturnItemOutput.omit({ position: true })),
  rejectReason: z.string().nullable(),
  labelUrl: z.string().nullable().describe('The return label (PDF) once it is made'),
  trackingNumber: z.string().nullable(),
  nextAction: NextAction,
  canCancel: z.boolean(),
  refund: ReturnRefundOutput.nullable(),
  openedAt: z.string(),
  expiresAt: z.string(),
});
export type PortalReturnOutput = z.infer<typeof PortalReturnOutput>;

export const ReturnTokenInput = z.object({
  token: z.string().min(10).max(200).describe('The portal token of the return'),
});

export const ReturnIdInput = z.object({ id: z.uuid().describe('The return case') });

export const RejectReturnInput = ReturnIdInput.extend({
  reason: z.string().trim().min(1).max(500).describe('Shown to the consumer'),
});

export const ListReturnsInput = PageInput.extend({
  status: ReturnStatus.optional().describe('Only cases in this state'),
  orderId: z.uuid().optional().describe('Only returns of this order'),
});
export type ListReturnsInput = z.infer<typeof ListReturnsInput>;

export const ReturnPage = pageOf(ReturnCaseOutput);
export type ReturnPage = z.infer<typeof ReturnPage>;
