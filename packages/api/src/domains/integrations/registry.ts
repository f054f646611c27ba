import { domainError } from '../../errors/domain-codes';
import { INTEGRATION_ERRORS } from './errors';
import { bol } from './providers/bol';
import { amazonMarkets, sendcloud } from './providers/marketplaces';
import { flatMarketplaces } from './providers/more-marketplaces';
import { bigcommerce } from './providers/bigcommerce';
import { lightspeed } from './providers/lightspeed';
import { magento } from './providers/magento';
import { odoo } from './providers/odoo';
import { picqer } from './providers/picqer';
import { prestashop } from './providers/prestashop';
import { nopcommerce, opencart } from './providers/shop-platforms';
import { shopware } from './providers/shopware';
import { shopify } from './providers/shopify';
import type { ProviderDefinition } from './providers/types';
import { woocommerce } from './providers/woocommerce';

/** Every shop platform, marketplace and fulfilment tool merchants connect; adding one is adding an entry. */
export const PROVIDERS: readonly ProviderDefinition[] = [
  shopify,
  woocommerce,
  prestashop,
  magento,
  shopware,
  bigcommerce,
  lightspeed,
  bol,
  picqer,
  odoo,
  ...flatMarketplaces.slice(0, 2),
  ...amazonMarkets,
  ...flatMarketplaces.slice(2),
  opencart,
  nopcommerce,
  sendcloud,
];

const BY_ID = new Map(PROVIDERS.map((provider) => [provider.id, provider]));

export function findProvider(id: string): ProviderDefinition | undefined {
  return BY_ID.get(id);
}

export function getProvider(id: string): ProviderDefinition {
  const provider = BY_ID.get(id);
  if (!provider) {
    throw domainError(
      INTEGRATION_ERRORS,
      'unknown_provider',
      `Unknown provider ${id}. Valid providers: ${[...BY_ID.keys()].join(', ')}.`,
      {
        errors: [
          {
            field: 'provider',
            message: `must be one of ${[...BY_ID.keys()].join(', ')}`,
            code: 'unknown_provider',
          },
        ],
      },
    );
  }
  return provider;
}

export function capabilitiesOf(provider: ProviderDefinition) {
  return { live: Boolean(provider.client), webhook: Boolean(provider.webhookSecret), simulate: true };
}
