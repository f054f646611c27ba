import type { z } from 'zod';
import type { CreateOrderInput, ShipmentInput } from '../../orders/schemas';
import type { ShopApiSettings } from '../shop-api';

/**
 * A shop's order as IPAY sees it: the platform's id, whether the shop cancelled it, the order to create, and the
 * tracking of what the shop already shipped.
 */
export interface MappedPlatformOrder {
  platformOrderId: string;
  platformStatus: string;
  cancelled: boolean;
  order: CreateOrderInput;
  /** The shop's fulfilment tracking, when the shop has any: set on the order with source `shop`. */
  shipment?: ShipmentInput;
}

/** The API of a platform with a live client: one call to check credentials, one to list recent orders. */
export interface LiveClient {
  verify(): Promise<void>;
  recentOrders(limit: number): Promise<unknown[]>;
  /** One order, complete for `mapOrder`: for pushes that only name the order. */
  orderById?(id: string): Promise<unknown>;
}

export type WebhookSignatureScheme =
  | 'shopify-hmac-sha256-base64'
  | 'woocommerce-hmac-sha256-base64'
  | 'shopware-hmac-sha256-hex'
  | 'standard-webhooks'
  | 'lightspeed-md5'
  | 'picqer-hmac-sha256-base64'
  | 'sendcloud-hmac-sha256-hex'
  | 'lazada-hmac-sha256-hex'
  | 'tiktok-hmac-sha256-hex'
  | 'none';

export interface SetupInfo {
  /** Where in the platform's admin the merchant creates or finds the credentials. */
  where: string;
  /** API scopes or permissions the credentials need. */
  scopes: string[];
  docsUrl: string;
}

export interface ProviderDefinition<
  C extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>,
> {
  id: string;
  displayName: string;
  credentials: C;
  setup: SetupInfo;
  webhookSignature: WebhookSignatureScheme;
  /** Maps one order in the platform's own JSON shape; throws a ZodError naming the field it cannot read. */
  mapOrder(raw: unknown): MappedPlatformOrder;
  /** A realistic order in the platform's shape, for `simulate`; `seed` makes its id unique. */
  sampleOrder(seed: string): unknown;
  /** Present for platforms with a live API client: `connect` and `sync` need it. */
  client?: (credentials: z.infer<C>, settings: ShopApiSettings) => LiveClient;
  /** Present for platforms that push orders: the secret in the credentials that signs their webhooks. */
  webhookSecret?: (credentials: z.infer<C>) => string;
  /**
   * Present for platforms whose push is not a complete order (an id, or an order without its lines): the id
   * to fetch through `client.orderById` before mapping. Throws when the payload names no order of this shop.
   */
  pushedOrderId?: (payload: unknown, credentials: z.infer<C>) => string;
}

/** Declares a provider with its credential type carried through to its client. */
export function defineProvider<C extends z.ZodType<Record<string, unknown>>>(
  definition: ProviderDefinition<C>,
): ProviderDefinition {
  return definition;
}
