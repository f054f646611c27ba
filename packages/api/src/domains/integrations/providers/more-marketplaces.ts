import { z } from 'zod';
import { toMinor } from './order-shape';
import { apiKeyCredentials, clientCredentials, Money, simulateOnlyProvider } from './simple-provider';

const digits = (seed: string) => seed.replace(/\D/g, '').slice(0, 12) || '1';
const appCredentials = z.object({
  app_key: z.string().trim().min(4),
  app_secret: z.string().trim().min(8),
  access_token: z.string().trim().min(8),
});

/** Marketplaces whose order JSON is flat enough to share one description: field names differ, meaning does not. */
interface FlatMarketplace {
  id: string;
  displayName: string;
  credentials: z.ZodType<Record<string, unknown>>;
  where: string;
  scopes: string[];
  docsUrl: string;
  webhookSignature?: 'lazada-hmac-sha256-hex' | 'tiktok-hmac-sha256-hex';
  currency: string;
  country: string;
  cancelledStatuses: string[];
  sampleStatus: string;
}

const FlatOrder = z.object({
  order_id: z.coerce.string(),
  order_status: z.string(),
  currency: z.string(),
  buyer_email: z.string(),
  shipping_fee: Money,
  recipient_address: z.object({
    name: z.string(),
    phone: z.string().nullish(),
    address_line1: z.string(),
    address_line2: z.string().nullish(),
    postal_code: z.string(),
    city: z.string(),
    region_code: z.string(),
  }),
  item_list: z.array(
    z.object({
      seller_sku: z.string(),
      product_name: z.string(),
      quantity: z.number().int(),
      sale_price: Money,
    }),
  ),
});

function flatMarketplace(m: FlatMarketplace) {
  return simulateOnlyProvider({
    id: m.id,
    displayName: m.displayName,
    credentials: m.credentials,
    setup: { where: m.where, scopes: m.scopes, docsUrl: m.docsUrl },
    webhookSignature: m.webhookSignature,
    shape: FlatOrder,
    toPlain: (o) => {
      const a = o.recipient_address;
      return {
        id: o.order_id,
        status: o.order_status,
        cancelled: m.cancelledStatuses.includes(o.order_status),
        reference: o.order_id,
        name: a.name,
        email: o.buyer_email,
        phone: a.phone,
        line1: a.address_line1,
        line2: a.address_line2,
        postalCode: a.postal_code,
        city: a.city,
        country: a.region_code,
        currency: o.currency,
        shippingMinor: toMinor(o.shipping_fee),
        items: o.item_list.map((i) => ({
          sku: i.seller_sku,
          name: i.product_name,
          quantity: i.quantity,
          unitPriceMinor: toMinor(i.sale_price),
        })),
      };
    },
    sample: (seed) => ({
      order_id: `${digits(seed)}`,
      order_status: m.sampleStatus,
      currency: m.currency,
      buyer_email: `buyer-${digits(seed)}@relay.example.com`,
      shipping_fee: '3.99',
      recipient_address: {
        name: 'Lina Hoekstra',
        phone: '+31612345678',
        address_line1: 'Nieuwestad 20',
        address_line2: null,
        postal_code: '8911 CW',
        city: 'Leeuwarden',
        region_code: m.country,
      },
      item_list: [
        {
          seller_sku: `${m.id.toUpperCase()}-HOODIE-L`,
          product_name: 'Hoodie L',
          quantity: 1,
          sale_price: '29.99',
        },
      ],
    }),
  });
}

export const flatMarketplaces = [
  flatMarketplace({
    id: 'lazada',
    displayName: 'Lazada',
    credentials: appCredentials,
    where:
      'Lazada Open Platform → App Console → your app (App Key, App Secret), then seller authorization for the access token',
    scopes: ['Order'],
    docsUrl: 'https://open.lazada.com/apps/doc/api?path=%2Forders%2Fget',
    webhookSignature: 'lazada-hmac-sha256-hex',
    currency: 'EUR',
    country: 'NL',
    cancelledStatuses: ['canceled'],
    sampleStatus: 'pending',
  }),
  flatMarketplace({
    id: 'tiktok_shop',
    displayName: 'TikTok Shop',
    credentials: appCredentials,
    where:
      'TikTok Shop Partner Center → App & Service → your app (App key, App secret); authorize the shop for the access token',
    scopes: ['Order Information'],
    docsUrl: 'https://partner.tiktokshop.com/docv2/page/650aa8094a0bb702c06df242',
    webhookSignature: 'tiktok-hmac-sha256-hex',
    currency: 'EUR',
    country: 'NL',
    cancelledStatuses: ['CANCELLED'],
    sampleStatus: 'AWAITING_SHIPMENT',
  }),
  flatMarketplace({
    id: 'shopee',
    displayName: 'Shopee',
    credentials: z.object({
      partner_id: z.string().trim().regex(/^\d+$/),
      partner_key: z.string().trim().min(8),
      shop_id: z.string().trim().regex(/^\d+$/),
      access_token: z.string().trim().min(8),
    }),
    where: 'Shopee Open Platform → Console → App List (Partner ID and Key), then shop authorization',
    scopes: ['order.get_order_detail'],
    docsUrl: 'https://open.shopee.com/documents/v2/v2.order.get_order_detail',
    currency: 'EUR',
    country: 'NL',
    cancelledStatuses: ['CANCELLED'],
    sampleStatus: 'READY_TO_SHIP',
  }),
  flatMarketplace({
    id: 'temu',
    displayName: 'Temu',
    credentials: appCredentials,
    where: 'Temu Seller Center → Partner Platform → your app (App key, App secret, access token)',
    scopes: ['bg.order.list.get'],
    docsUrl: 'https://partner.temu.com/documentation',
    currency: 'EUR',
    country: 'NL',
    cancelledStatuses: ['CANCELLED'],
    sampleStatus: 'UN_SHIPPING',
  }),
  flatMarketplace({
    id: 'aliexpress',
    displayName: 'AliExpress',
    credentials: appCredentials,
    where:
      'AliExpress Open Platform → App Console → your app (App Key, App Secret), then seller authorization',
    scopes: ['aliexpress.trade.seller.orderlist.get'],
    docsUrl: 'https://openservice.aliexpress.com/doc/api.htm',
    currency: 'EUR',
    country: 'NL',
    cancelledStatuses: ['IN_CANCEL', 'FINISH_CANCEL'],
    sampleStatus: 'WAIT_SELLER_SEND_GOODS',
  }),
  flatMarketplace({
    id: 'shein',
    displayName: 'SHEIN',
    credentials: z.object({ open_key_id: z.string().trim().min(4), secret_key: z.string().trim().min(8) }),
    where: 'SHEIN Seller Center → Open Platform → authorize the app (openKeyId and secretKey)',
    scopes: ['order'],
    docsUrl: 'https://open.sheincorp.com/documents/system/',
    currency: 'EUR',
    country: 'NL',
    cancelledStatuses: ['cancelled'],
    sampleStatus: 'to_be_shipped',
  }),
  flatMarketplace({
    id: 'vinted',
    displayName: 'Vinted Pro',
    credentials: apiKeyCredentials('Vinted Pro integrations API key'),
    where: 'Vinted Pro → Settings → Integrations → generate an API key',
    scopes: ['orders:read'],
    docsUrl: 'https://pro-docs.svc.vinted.com/',
    currency: 'EUR',
    country: 'NL',
    cancelledStatuses: ['cancelled'],
    sampleStatus: 'paid',
  }),
  flatMarketplace({
    id: 'cdiscount',
    displayName: 'Cdiscount (Octopia)',
    credentials: clientCredentials('Octopia seller API'),
    where: 'Octopia seller portal → Settings → API → create client credentials',
    scopes: ['orders'],
    docsUrl: 'https://developer.octopia-io.net/api-catalog/',
    currency: 'EUR',
    country: 'FR',
    cancelledStatuses: ['Cancelled'],
    sampleStatus: 'WaitingForShipmentAcceptation',
  }),
  flatMarketplace({
    id: 'empik',
    displayName: 'Empik Marketplace',
    credentials: apiKeyCredentials('Mirakl shop API key'),
    where: 'Empik Marketplace (Mirakl) back office → My user settings → API key',
    scopes: ['OR11 list orders'],
    docsUrl: 'https://developer.mirakl.com/content/product/mmp/rest/seller/openapi3',
    currency: 'PLN',
    country: 'PL',
    cancelledStatuses: ['CANCELED', 'REFUSED'],
    sampleStatus: 'SHIPPING',
  }),
  flatMarketplace({
    id: 'kaufland',
    displayName: 'Kaufland Global Marketplace',
    credentials: z.object({ client_key: z.string().trim().min(8), secret_key: z.string().trim().min(8) }),
    where: 'Kaufland Seller Portal → Settings → API → client key and secret key',
    scopes: ['order-units'],
    docsUrl: 'https://sellerapi.kaufland.com/',
    currency: 'EUR',
    country: 'DE',
    cancelledStatuses: ['cancelled'],
    sampleStatus: 'need_to_be_sent',
  }),
];
