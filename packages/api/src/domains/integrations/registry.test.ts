import { describe, expect, it } from 'vitest';
import { CreateOrderInput } from '../orders/schemas';
import { toMinor } from './providers/order-shape';
import { capabilitiesOf, getProvider, PROVIDERS } from './registry';

const SEED_PROVIDERS = [
  'shopify',
  'woocommerce',
  'prestashop',
  'magento',
  'shopware',
  'bigcommerce',
  'lightspeed',
  'bol',
  'picqer',
  'odoo',
  'lazada',
  'tiktok_shop',
  'amazon_nl',
  'amazon_de',
  'amazon_fr',
  'amazon_it',
  'amazon_es',
  'shopee',
  'temu',
  'aliexpress',
  'vinted',
  'cdiscount',
  'empik',
  'kaufland',
  'shein',
  'opencart',
  'nopcommerce',
  'sendcloud',
];

describe('provider registry', () => {
  it('declares exactly the providers the seed names', () => {
    expect(PROVIDERS.map((p) => p.id).sort()).toEqual([...SEED_PROVIDERS].sort());
  });

  it.each(SEED_PROVIDERS)('maps a sample %s order to a valid IPAY order', (id) => {
    const provider = getProvider(id);
    const mapped = provider.mapOrder(provider.sampleOrder('1001'));
    expect(mapped.platformOrderId).toBeTruthy();
    expect(mapped.cancelled).toBe(false);
    expect(() => CreateOrderInput.parse(mapped.order)).not.toThrow();
    expect(mapped.order.merchant_reference.startsWith(`${id}-`)).toBe(true);
  });

  it('marks Shopify and WooCommerce live with webhooks, the others simulate-only', () => {
    expect(capabilitiesOf(getProvider('shopify'))).toEqual({ live: true, webhook: true, simulate: true });
    expect(capabilitiesOf(getProvider('temu'))).toEqual({ live: false, webhook: false, simulate: true });
  });

  it('answers an unknown provider with a 404 listing the valid ones', () => {
    expect(() => getProvider('ebay')).toThrow(/Valid providers: shopify, woocommerce/);
  });

  it('reads decimal money without floating-point drift', () => {
    expect(toMinor('19.99')).toBe(1999);
    expect(toMinor(8.5)).toBe(850);
    expect(toMinor('6.050000')).toBe(605);
    expect(toMinor('0.07')).toBe(7);
  });
});
