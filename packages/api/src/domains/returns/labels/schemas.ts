import { z } from 'zod';

export const LabelPaperSize = z
  .enum(['a6', 'a4'])
  .describe('`a6` for label printers, `a4` for office printers (the label in the top-left quarter)');

export const CreateLabelInput = z.object({
  returnId: z.uuid().describe('The APPROVED return case'),
  shippingOptionCode: z
    .string()
    .trim()
    .min(3)
    .max(100)
    .regex(/^[a-z0-9_-]+:[\w./-]+$/, 'a Sendcloud shipping option code such as `postnl:standard/return`')
    .describe(
      "Sendcloud's shipping option for the return (Shipping options API), e.g. `postnl:standard/return`",
    ),
  contract: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Your carrier contract id at Sendcloud, when you have several'),
  paperSize: LabelPaperSize.default('a6'),
  weightGrams: z
    .number()
    .int()
    .min(1)
    .max(70_000)
    .optional()
    .describe("The return parcel's weight; defaults to the outbound parcel's weight on the order"),
});
export type CreateLabelInput = z.infer<typeof CreateLabelInput>;

export const ReturnLabelOutput = z.object({
  returnId: z.uuid(),
  status: z.string().describe("The return case's state after the label (LABEL_CREATED, or further along)"),
  sendcloudReturnId: z.number().int().describe("Sendcloud's return id"),
  sendcloudParcelId: z.number().int().describe("Sendcloud's incoming parcel id (the webhook's `parcel.id`)"),
  trackingNumber: z.string().nullable(),
  carrierCode: z.string().nullable().describe('The carrier, from the shipping option code (`postnl`)'),
  paperSize: LabelPaperSize,
  sha256: z.string().describe('SHA-256 (hex) of the composite PDF'),
  sizeBytes: z.number().int(),
  labelPath: z
    .string()
    .describe('Where the consumer downloads it: `/api/returns/{token}/label` (the portal links it)'),
  createdAt: z.iso.datetime().describe('When the composite label was made'),
});
export type ReturnLabelOutput = z.infer<typeof ReturnLabelOutput>;

export const ReturnTokenPath = z.object({
  token: z.string().min(16).max(200).describe("The return case's portal token"),
});

export const SendcloudWebhookReceipt = z.object({
  received: z.literal(true),
  receipt: z
    .enum(['moved', 'recorded', 'duplicate', 'ignored'])
    .describe(
      '`moved`: the scan moved the return; `recorded`: kept, the case stays (older or neutral scan); `duplicate`: seen before; `ignored`: not a return parcel or not `parcel_status_changed`',
    ),
});
export type SendcloudWebhookReceipt = z.infer<typeof SendcloudWebhookReceipt>;
