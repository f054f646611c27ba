import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';

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

export const CancelOrderInput = OrderIdInput.extend({
  reason: z.string().trim().min(1).max(500).optional(),
});
export type CancelOrderInput = z.infer<typeof CancelOrderInput>;
