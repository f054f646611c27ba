import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { EmailDelivery } from '../notifications/schemas';
import { ServiceCode } from '../partners/schemas';

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export const CountryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as NL')
  .refine((code) => regionNames.of(code) !== code, 'is not an ISO 3166-1 country code')
  .describe('ISO 3166-1 alpha-2 country code');

export const OrderCurrency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => KNOWN_CURRENCIES.has(code), 'must be an ISO 4217 currency code such as EUR')
  .describe('ISO 4217 currency code');

const MinorAmount = z.number().int('must be a whole number of minor units').min(0).max(1e12);

export const ORDER_STATUSES = [
  'OPEN',
  'PAYMENT_PENDING',
  'PAID',
  'RELEASED',
  'DELIVERED',
  'CANCELLED',
  'RETURNED',
] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const Address = z.object({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).nullish(),
  postal_code: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(100),
  country: CountryCode,
});

export const Customer = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email('must be a valid e-mail address').max(254),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{6,24}$/, 'must be a phone number, e.g. +31 6 12345678')
    .nullish(),
  address: Address,
});

export const OrderItemInput = z.object({
  sku: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(300),
  quantity: z.number().int().min(1).max(100_000),
  unit_price_minor: MinorAmount.describe('Price of one unit in minor units (cents)'),
});

export const Dimensions = z.object({
  length: z.number().int().min(1).max(10_000),
  width: z.number().int().min(1).max(10_000),
  height: z.number().int().min(1).max(10_000),
});

export const CreateOrderInput = z.object({
  merchant_reference: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe("The merchant's own order number; unique per merchant, so retrying a create is harmless"),
  customer: Customer,
  items: z.array(OrderItemInput).min(1).max(500),
  currency: OrderCurrency,
  carrier_code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9_-]{2,32}$/, 'must be a carrier code such as POSTNL or DHL')
    .describe('Carrier that delivers the parcel'),
  ipay_flag: z.boolean().default(true).describe('Pay on delivery through IPAY'),
  shipping_minor: MinorAmount.default(0),
  discount_minor: MinorAmount.default(0).describe(
    'Discount on the whole order (vouchers, promotions) in minor units; at most the items plus shipping',
  ),
  total_minor: MinorAmount.optional().describe(
    'When sent, must equal the items total plus shipping minus the discount',
  ),
  weight_grams: z.number().int().min(1).max(1_000_000).optional(),
  dimensions_mm: Dimensions.optional(),
});
export type CreateOrderInput = z.infer<typeof CreateOrderInput>;

export const OrderItem = OrderItemInput.extend({ line_total_minor: z.number().int() });

export const Order = z
  .object({
    id: z.uuid(),
    merchant_id: z.uuid(),
    merchant_reference: z.string(),
    status: OrderStatus,
    customer: Customer,
    items: z.array(OrderItem),
    currency: z.string(),
    items_total_minor: z.number().int(),
    shipping_minor: z.number().int(),
    discount_minor: z.number().int(),
    total_minor: z.number().int().describe('What the consumer pays: items plus shipping minus discount'),
    carrier_code: z.string(),
    ipay_flag: z.boolean(),
    weight_grams: z.number().int().nullable(),
    dimensions_mm: Dimensions.nullable(),
    cancel_reason: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Order' });
export type Order = z.infer<typeof Order>;

export const ListOrdersInput = PageInput.extend({
  status: OrderStatus.optional(),
  created_from: z.iso.datetime({ offset: true }).optional().describe('Orders created at or after this time'),
  created_to: z.iso.datetime({ offset: true }).optional().describe('Orders created before this time'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Search merchant reference, customer e-mail or name'),
});
export type ListOrdersInput = z.infer<typeof ListOrdersInput>;
export const OrderPage = pageOf(Order);

export const OrderIdInput = z.object({ id: z.uuid().describe('Order id') });

export const OrderEmails = z
  .object({
    items: z
      .array(EmailDelivery)
      .describe('E-mails sent to the order’s consumer, oldest first, each with what Resend reported'),
  })
  .meta({ id: 'OrderEmails' });
export type OrderEmails = z.infer<typeof OrderEmails>;

export const CancelOrderInput = OrderIdInput.extend({
  reason: z.string().trim().min(1).max(500).optional(),
});
export type CancelOrderInput = z.infer<typeof CancelOrderInput>;

/**
 * A tracking number as carriers print it, compared without spaces and in upper case (`1z 999 aa1` is
 * `1Z999AA1`); carrier invoices are read with the same rule, so an invoice line finds its parcel with `=`.
 */
export function normalizeTrackingNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export const TrackingNumber = z
  .string()
  .transform(normalizeTrackingNumber)
  .pipe(z.string().regex(/^[A-Z0-9]{4,50}$/, 'must be 4 to 50 letters and digits, e.g. 1Z999AA10123456784'))
  .describe("The carrier's tracking number of one piece; spaces are ignored and letters upper-cased");

export const ShipDate = z.iso
  .date('must be a date such as 2026-12-01')
  .describe('The day the carrier picked the shipment up (YYYY-MM-DD)');

export const ParcelDimensionsCm = z
  .object({
    length: z.number().int().min(1).max(1_000),
    width: z.number().int().min(1).max(1_000),
    height: z.number().int().min(1).max(1_000),
  })
  .describe('Declared outside dimensions in whole centimetres');

export const ParcelInput = z.object({
  tracking_number: TrackingNumber,
  ship_date: ShipDate.optional().describe("This piece's ship date; defaults to the shipment's `ship_date`"),
  weight_grams: z.number().int().min(1).max(10_000_000).optional().describe('Declared weight in grams'),
  dimensions_cm: ParcelDimensionsCm.optional(),
});

export const ShipmentInput = z.object({
  ship_date: ShipDate.optional(),
  origin_country: CountryCode.optional().describe(
    'The country the shipment leaves from (ISO 3166 alpha-2): the carrier tariff it is priced by',
  ),
  service: ServiceCode.optional().describe(
    "The carrier's service it travels with, as in the carrier's tariff (e.g. PARCEL); without it reconciliation expects the cheapest service that carries it",
  ),
  parcels: z
    .array(ParcelInput)
    .max(100)
    .describe(
      'Every piece of the shipment, one per tracking number; replaces what the order had (an empty list clears it)',
    ),
});
export type ShipmentInput = z.infer<typeof ShipmentInput>;

export const SetShipmentInput = ShipmentInput.extend({ id: z.uuid().describe('Order id') });
export type SetShipmentInput = z.infer<typeof SetShipmentInput>;

export const SHIPMENT_SOURCES = ['merchant', 'operator', 'carrier', 'shop'] as const;
export const ShipmentSource = z
  .enum(SHIPMENT_SOURCES)
  .describe(
    'Who set the shipment facts: the merchant, an IPAY operator, the carrier at pickup, or a shop sync',
  );
export type ShipmentSource = z.infer<typeof ShipmentSource>;

export const OrderParcel = z
  .object({
    position: z.number().int().describe('Piece number within the shipment, from 1'),
    carrier_code: z.string(),
    tracking_number: z.string(),
    ship_date: z.string().nullable().describe('YYYY-MM-DD'),
    origin_country: z.string().nullable().describe('The country the shipment left from'),
    service: z.string().nullable().describe("The carrier's service"),
    weight_grams: z.number().int().nullable(),
    dimensions_cm: ParcelDimensionsCm.nullable(),
    source: ShipmentSource,
    set_at: Timestamp,
  })
  .meta({ id: 'OrderParcel' });
export type OrderParcel = z.infer<typeof OrderParcel>;

export const OrderShipment = z
  .object({
    order_id: z.uuid(),
    carrier_code: z.string(),
    parcels: z.array(OrderParcel),
    changed: z.boolean().describe('False when the facts sent were already the order’s (nothing was written)'),
  })
  .meta({ id: 'OrderShipment' });
export type OrderShipment = z.infer<typeof OrderShipment>;

export const OrderDetail = Order.extend({
  parcels: z
    .array(OrderParcel)
    .describe('The shipment’s pieces with their tracking numbers (empty until set)'),
}).meta({ id: 'OrderDetail' });
export type OrderDetail = z.infer<typeof OrderDetail>;
