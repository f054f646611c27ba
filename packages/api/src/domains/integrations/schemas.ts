import { z } from 'zod';
import { Order } from '../orders/schemas';
import { Timestamp } from '../../platform/time';

export const INTEGRATION_STATUSES = ['not_connected', 'connected', 'error'] as const;
export const IntegrationStatus = z.enum(INTEGRATION_STATUSES);

export const ProviderInput = z.object({
  provider: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .describe('Provider id, e.g. shopify (GET /api/integrations/status lists them)'),
});

export const ConnectInput = ProviderInput.extend({
  credentials: z
    .record(z.string(), z.unknown())
    .describe(
      "The provider's credentials; GET …/setup-info shows the fields. Stored encrypted, never returned",
    ),
});

export const Capabilities = z.object({
  live: z.boolean().describe('Orders can be pulled from the platform API (connect, sync)'),
  webhook: z.boolean().describe('The platform can push orders to POST …/webhook'),
  simulate: z.boolean().describe('A sample order can be fired through the mapping with POST …/simulate'),
});

export const IntegrationState = z
  .object({
    provider: z.string(),
    display_name: z.string(),
    status: IntegrationStatus,
    capabilities: Capabilities,
    webhook_signature: z.string().describe('Signature scheme of its webhooks (spec/webhook-signatures.md)'),
    last_error: z.string().nullable().describe("The provider's message when the last sync failed"),
    last_sync_at: Timestamp.nullable(),
    connected_at: Timestamp.nullable(),
    failure_count: z.number().int().describe('Failed syncs in a row'),
    next_sync_after: Timestamp.nullable().describe('After failures the scheduler waits until then'),
    webhook_path: z
      .string()
      .nullable()
      .describe(
        'Where the shop pushes orders (append to PUBLIC_URL), once connected, for platforms that push',
      ),
  })
  .meta({ id: 'IntegrationState' });
export type IntegrationState = z.infer<typeof IntegrationState>;

export const IntegrationStateList = z.object({ items: z.array(IntegrationState) });

export const SetupInfo = z.object({
  provider: z.string(),
  display_name: z.string(),
  where: z.string().describe('Where in the platform the merchant creates or finds the credentials'),
  scopes: z.array(z.string()).describe('API scopes or permissions the credentials need'),
  docs_url: z.string(),
  credentials_schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the credentials object'),
  capabilities: Capabilities,
  webhook_signature: z.string(),
});

export const SyncRejection = z.object({
  platform_order_id: z.string().nullable().describe("The platform's order id, when it could be read"),
  reason: z.string().describe('The field that could not be mapped, or the change IPAY refused'),
});
export type SyncRejection = z.infer<typeof SyncRejection>;

export const SyncResult = z.object({
  provider: z.string(),
  fetched: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z
    .number()
    .int()
    .describe(
      'Platform orders not imported: not a valid IPAY order, or a change to an order that may no longer change',
    ),
  rejections: z.array(SyncRejection).describe('Why each rejected order was not imported'),
  shipment_refusals: z
    .array(SyncRejection)
    .describe(
      "Orders imported without the shop's tracking: a tracking number that is not one, or is already another order's parcel",
    ),
});
export type SyncResult = z.infer<typeof SyncResult>;

export const SimulateResult = z.object({
  provider: z.string(),
  platform_order_id: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged']),
  order: Order,
});
