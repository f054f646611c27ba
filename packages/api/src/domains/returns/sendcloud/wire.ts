import { z } from 'zod';

/**
 * The slice of Sendcloud's v3 wire format IPAY speaks (https://sendcloud.dev/api/v3/returns and
 * /api/v3/parcel-documents): field names exactly as Sendcloud spells them.
 */

export const SendcloudAddress = z.object({
  name: z.string().min(1),
  company_name: z.string().optional(),
  address_line_1: z.string().min(1),
  address_line_2: z.string().optional(),
  house_number: z.string().optional(),
  postal_code: z.string().min(1),
  city: z.string().min(1),
  country_code: z.string().length(2),
  state_province_code: z.string().optional(),
  phone_number: z.string().optional(),
  email: z.string().optional(),
});
export type SendcloudAddress = z.infer<typeof SendcloudAddress>;

const Weight = z.object({ value: z.number().positive(), unit: z.enum(['kg', 'g', 'lbs', 'oz']) });
const Price = z.object({ value: z.number().nonnegative(), currency: z.string().length(3) });

export const SendcloudParcelItem = z.object({
  description: z.string().min(1),
  quantity: z.number().int().min(1),
  weight: Weight,
  value: Price,
  hs_code: z.string().optional(),
  origin_country: z.string().length(2).optional(),
  sku: z.string().optional(),
  product_id: z.string().optional(),
  return_reason_id: z.number().int().optional(),
});
export type SendcloudParcelItem = z.infer<typeof SendcloudParcelItem>;

/** The body of POST /returns, /returns/validate and /returns/announce-synchronously (all three take the same). */
export const SendcloudReturnRequest = z.object({
  from_address: SendcloudAddress,
  to_address: SendcloudAddress,
  ship_with: z.object({
    type: z.literal('shipping_option_code'),
    shipping_option_code: z.string().min(1),
    contract: z.number().int().optional(),
  }),
  dimensions: z
    .object({
      length: z.number().nonnegative(),
      width: z.number().nonnegative(),
      height: z.number().nonnegative(),
      unit: z.enum(['cm', 'mm', 'm', 'in']),
    })
    .optional(),
  weight: Weight,
  collo_count: z.number().int().min(1).optional(),
  parcel_items: z.array(SendcloudParcelItem).optional(),
  send_tracking_emails: z.boolean().optional(),
  order_number: z.string().optional(),
  external_reference: z.string().optional(),
  total_order_value: Price.optional(),
  customs_invoice_nr: z.string().nullable().optional(),
  delivery_option: z.enum(['drop_off_point', 'drop_off_labelless', 'in_store', 'pickup']).optional(),
});
export type SendcloudReturnRequest = z.infer<typeof SendcloudReturnRequest>;

/** 201 of POST /returns/announce-synchronously. */
export const SendcloudAnnounced = z.object({
  return_id: z.number().int().min(1),
  parcel_id: z.number().int().min(1),
  multi_collo_ids: z.array(z.number().int()),
});
export type SendcloudAnnounced = z.infer<typeof SendcloudAnnounced>;

/** 200 of GET /returns/{id}: only what IPAY keeps (tracking number, the carrier from the option code). */
export const SendcloudReturn = z.object({
  tracking_number: z.string().nullable().optional(),
  tracking_url: z.string().nullable().optional(),
  shipping_option: z.object({ code: z.string().nullable().optional() }).nullable().optional(),
  shipping_product: z.object({ code: z.string().nullable().optional() }).nullable().optional(),
});
export type SendcloudReturn = z.infer<typeof SendcloudReturn>;

/**
 * Sendcloud's error bodies come in three shapes: `{ errors: [{ field, message, code }] }` (validation),
 * `{ errors: [{ code, status, detail }] }` (documents) and `{ error: { code, message, request } }` (announce).
 */
export const SendcloudErrorBody = z.object({
  errors: z
    .array(
      z.object({
        field: z.string().optional(),
        message: z.string().optional(),
        detail: z.string().optional(),
        code: z.string().optional(),
      }),
    )
    .optional(),
  error: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
});
export type SendcloudErrorBody = z.infer<typeof SendcloudErrorBody>;

/** The `parcel_status_changed` webhook (https://sendcloud.dev/api/v3/webhooks), the fields IPAY reads. */
export const SendcloudParcelStatusChanged = z.object({
  action: z.literal('parcel_status_changed'),
  timestamp: z.number(),
  carrier_status_change_timestamp: z.number().nullable().optional(),
  parcel: z.object({
    id: z.number().int(),
    tracking_number: z.string().nullable().optional(),
    status: z.object({ id: z.number().int(), message: z.string() }),
  }),
});
export type SendcloudParcelStatusChanged = z.infer<typeof SendcloudParcelStatusChanged>;
