import { z } from 'zod';
import { toMinor } from './order-shape';
import { clientCredentials, Money, simulateOnlyProvider } from './simple-provider';

const numericSeed = (seed: string) => seed.replace(/\D/g, '').slice(0, 12) || '1';

export const sendcloud = simulateOnlyProvider({
  id: 'sendcloud',
  displayName: 'Sendcloud',
  credentials: z.object({ public_key: z.string().trim().min(8), secret_key: z.string().trim().min(8) }),
  setup: {
    where: 'Sendcloud panel → Settings → Integrations → Sendcloud API → Connect (public and secret key)',
    scopes: ['orders'],
    docsUrl: 'https://api.sendcloud.dev/docs/sendcloud-public-api/orders',
  },
  webhookSignature: 'sendcloud-hmac-sha256-hex',
  shape: z.object({
    id: z.coerce.string(),
    order_number: z.string(),
    order_status: z.object({ code: z.string() }),
    currency: z.string(),
    shipping_address: z.object({
      name: z.string(),
      address_line_1: z.string(),
      house_number: z.string().nullish(),
      postal_code: z.string(),
      city: z.string(),
      country_code: z.string(),
      email: z.string(),
      phone_number: z.string().nullish(),
    }),
    shipping_price: z.object({ value: Money }),
    order_items: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        unit_price: z.object({ value: Money }),
      }),
    ),
  }),
  toPlain: (o) => {
    const a = o.shipping_address;
    return {
      id: o.id,
      status: o.order_status.code,
      cancelled: o.order_status.code === 'cancelled',
      reference: o.order_number,
      name: a.name,
      email: a.email,
      phone: a.phone_number,
      line1: [a.address_line_1, a.house_number].filter(Boolean).join(' '),
      postalCode: a.postal_code,
      city: a.city,
      country: a.country_code,
      currency: o.currency,
      shippingMinor: toMinor(o.shipping_price.value),
      items: o.order_items.map((i) => ({
        sku: i.sku,
        name: i.name,
        quantity: i.quantity,
        unitPriceMinor: toMinor(i.unit_price.value),
      })),
    };
  },
  sample: (seed) => ({
    id: numericSeed(seed),
    order_number: `SC-${seed}`,
    order_status: { code: 'fulfilled_by_merchant' },
    currency: 'EUR',
    shipping_address: {
      name: 'Milan Vos',
      address_line_1: 'Hoogstraat',
      house_number: '21',
      postal_code: '5611 JR',
      city: 'Eindhoven',
      country_code: 'NL',
      email: 'milan.vos@example.nl',
      phone_number: '+31401234567',
    },
    shipping_price: { value: '5.50' },
    order_items: [{ sku: 'SC-BOOK-1', name: 'Cookbook', quantity: 1, unit_price: { value: '27.50' } }],
  }),
});

const AmazonOrder = z.object({
  AmazonOrderId: z.string(),
  OrderStatus: z.string(),
  BuyerInfo: z.object({ BuyerEmail: z.string() }),
  ShippingAddress: z.object({
    Name: z.string(),
    AddressLine1: z.string(),
    AddressLine2: z.string().nullish(),
    PostalCode: z.string(),
    City: z.string(),
    CountryCode: z.string(),
    Phone: z.string().nullish(),
  }),
  OrderTotal: z.object({ CurrencyCode: z.string() }),
  // GET /orders/v0/orders/{id}/orderItems, fetched with the order.
  OrderItems: z.array(
    z.object({
      SellerSKU: z.string(),
      Title: z.string(),
      QuantityOrdered: z.number().int(),
      ItemPrice: z.object({ Amount: Money }),
      ShippingPrice: z.object({ Amount: Money }).nullish(),
      // Promotions on the item and on its shipping, VAT included in the EU like ItemPrice.
      PromotionDiscount: z.object({ Amount: Money }).nullish(),
      ShippingDiscount: z.object({ Amount: Money }).nullish(),
    }),
  ),
});

const AMAZON_MARKETS = [
  {
    id: 'amazon_nl',
    country: 'NL',
    host: 'amazon.nl',
    marketplaceId: 'A1805IZSGTT6HS',
    city: ['Den Haag', '2511 CV', 'Lange Voorhout 9'],
  },
  {
    id: 'amazon_de',
    country: 'DE',
    host: 'amazon.de',
    marketplaceId: 'A1PA6795UKMFR9',
    city: ['München', '80331', 'Marienplatz 8'],
  },
  {
    id: 'amazon_fr',
    country: 'FR',
    host: 'amazon.fr',
    marketplaceId: 'A13V1IB3VIYZZH',
    city: ['Paris', '75004', '1 Rue de Rivoli'],
  },
  {
    id: 'amazon_it',
    country: 'IT',
    host: 'amazon.it',
    marketplaceId: 'APJ6JRA9NG5V4',
    city: ['Milano', '20121', 'Via Dante 7'],
  },
  {
    id: 'amazon_es',
    country: 'ES',
    host: 'amazon.es',
    marketplaceId: 'A1RKKUPIHCS9HS',
    city: ['Madrid', '28013', 'Calle Mayor 1'],
  },
] as const;

export const amazonMarkets = AMAZON_MARKETS.map((market) =>
  simulateOnlyProvider({
    id: market.id,
    displayName: `Amazon ${market.country}`,
    credentials: z.object({
      ...clientCredentials('Login with Amazon (LWA)').shape,
      refresh_token: z.string().trim().startsWith('Atzr|'),
      seller_id: z.string().trim().min(6),
    }),
    setup: {
      where: `Seller Central (${market.host}) → Apps and Services → Develop Apps → add an SP-API app and authorize it (marketplace ${market.marketplaceId})`,
      scopes: ['Orders API', 'Direct-to-Consumer Delivery (PII for the shipping address)'],
      docsUrl: 'https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference',
    },
    shape: AmazonOrder,
    toPlain: (o) => {
      const a = o.ShippingAddress;
      return {
        id: o.AmazonOrderId,
        status: o.OrderStatus,
        cancelled: o.OrderStatus === 'Canceled',
        reference: o.AmazonOrderId,
        name: a.Name,
        email: o.BuyerInfo.BuyerEmail,
        phone: a.Phone,
        line1: a.AddressLine1,
        line2: a.AddressLine2,
        postalCode: a.PostalCode,
        city: a.City,
        country: a.CountryCode,
        currency: o.OrderTotal.CurrencyCode,
        shippingMinor: o.OrderItems.reduce((sum, i) => sum + toMinor(i.ShippingPrice?.Amount ?? 0), 0),
        // Not checked against OrderTotal: unit prices are line totals divided by the quantity.
        discountMinor: o.OrderItems.reduce(
          (sum, i) =>
            sum + toMinor(i.PromotionDiscount?.Amount ?? 0) + toMinor(i.ShippingDiscount?.Amount ?? 0),
          0,
        ),
        // Amazon's ItemPrice is the line total, not the unit price.
        items: o.OrderItems.map((i) => ({
          sku: i.SellerSKU,
          name: i.Title,
          quantity: i.QuantityOrdered,
          unitPriceMinor: Math.round(toMinor(i.ItemPrice.Amount) / i.QuantityOrdered),
        })),
      };
    },
    sample: (seed) => ({
      AmazonOrderId: `402-${numericSeed(seed).padStart(7, '0').slice(0, 7)}-${numericSeed(seed).padStart(7, '0').slice(-7)}`,
      OrderStatus: 'Unshipped',
      BuyerInfo: { BuyerEmail: 'x7k2m9p4q1@marketplace.amazon.de' },
      ShippingAddress: {
        Name: 'Alex Weber',
        AddressLine1: market.city[2],
        AddressLine2: null,
        PostalCode: market.city[1],
        City: market.city[0],
        CountryCode: market.country,
        Phone: null,
      },
      OrderTotal: { CurrencyCode: 'EUR', Amount: '53.98' },
      OrderItems: [
        {
          SellerSKU: 'AMZ-KETTLE-1',
          Title: 'Electric kettle 1.7 l',
          QuantityOrdered: 2,
          ItemPrice: { Amount: '59.98' },
          ShippingPrice: { Amount: '0.00' },
          PromotionDiscount: { Amount: '6.00' },
          ShippingDiscount: { Amount: '0.00' },
        },
      ],
    }),
  }),
);
