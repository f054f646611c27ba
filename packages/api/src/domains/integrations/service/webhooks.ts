import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { enqueueJob } from '../../../jobs/enqueue';
import { getActor } from '../../auth/service';
import type { ProviderDefinition } from '../providers/types';
import { getProvider } from '../registry';
import { ShopApiError, type ShopApiSettings } from '../shop-api';
import { openCredentials, selectIntegrations, type IntegrationRow } from './connection';
import { importPlatformOrder } from './import-order';
import {
  headerValue as header,
  hmacSha256Base64,
  md5BodyThenSecretHex,
  sha256Hex,
  standardWebhooks,
  type SignatureVerifier,
  type WebhookHeaders,
} from './webhook-verifiers';

interface PushScheme {
  verify: SignatureVerifier;
  /** The provider's delivery id, the same on each of its retries: a header, or derived from the body. */
  deliveryId: string | ((raw: Buffer) => string);
  /** The event's topic: a header, or read from the payload. */
  topic: string | ((payload: unknown) => string | undefined);
}

const payloadField = (payload: unknown, name: string): unknown =>
  typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[name] : undefined;

/** Each push scheme: its own signature check, and where its delivery id and topic are (spec/webhook-signatures.md). */
const SCHEMES: Partial<Record<ProviderDefinition['webhookSignature'], PushScheme>> = {
  'shopify-hmac-sha256-base64': {
    verify: hmacSha256Base64('x-shopify-hmac-sha256'),
    deliveryId: 'x-shopify-webhook-id',
    topic: 'x-shopify-topic',
  },
  'woocommerce-hmac-sha256-base64': {
    verify: hmacSha256Base64('x-wc-webhook-signature'),
    deliveryId: 'x-wc-webhook-delivery-id',
    topic: 'x-wc-webhook-topic',
  },
  'standard-webhooks': {
    verify: standardWebhooks,
    deliveryId: 'webhook-id',
    // BigCommerce: `store/order/created`, `store/order/statusUpdated`, …
    topic: (payload) => {
      const scope = payloadField(payload, 'scope');
      return typeof scope === 'string' ? scope : undefined;
    },
  },
  'lightspeed-md5': {
    verify: md5BodyThenSecretHex('x-signature'),
    // Lightspeed sends no delivery id. A retry re-sends the same bytes, so their hash is stable across retries,
    // while a real change to the order changes the body (its updatedAt at least) and is imported again.
    deliveryId: sha256Hex,
    topic: (payload) => (payloadField(payload, 'order') ? 'orders' : undefined),
  },
};

export type WebhookReceipt = 'ping' | 'accepted' | 'duplicate';

/**
 * A shop's push: verified on the raw bytes with the connection's own secret (a bad signature stores nothing
 * and is a 401), deduplicated on the platform's delivery id, and handed to a job so the shop gets its answer
 * at once.
 */
export async function receivePlatformWebhook(
  db: Db,
  request: {
    provider: string;
    integrationId: string | undefined;
    raw: Buffer;
    headers: WebhookHeaders;
    encryptionKey: Buffer;
  },
): Promise<WebhookReceipt> {
  const provider = getProvider(request.provider);
  const scheme = SCHEMES[provider.webhookSignature];
  if (!scheme || !provider.webhookSecret) {
    throw new AppError(
      'conflict',
      `${provider.displayName} orders arrive by sync or simulate here, not by webhook.`,
    );
  }
  // WooCommerce checks a new hook with an unsigned form post; it only activates the hook after a 200.
  if (
    provider.id === 'woocommerce' &&
    !header(request.headers, 'x-wc-webhook-signature') &&
    /^webhook_id=\d+$/.test(request.raw.toString('utf8').trim())
  ) {
    return 'ping';
  }
  const integration = request.integrationId
    ? await selectIntegrations(db)
        .where('id', '=', request.integrationId)
        .where('provider', '=', provider.id)
        .executeTakeFirst()
    : undefined;
  const secret = integration?.credentials_sealed
    ? provider.webhookSecret(openCredentials(provider, integration, request.encryptionKey))
    : '';
  if (!integration || !scheme.verify(request.raw, request.headers, secret)) {
    throw new AppError('unauthenticated', `The ${provider.displayName} webhook signature does not match.`);
  }
  const deliveryId =
    typeof scheme.deliveryId === 'string'
      ? header(request.headers, scheme.deliveryId)
      : scheme.deliveryId(request.raw);
  if (!deliveryId) throw AppError.validation(String(scheme.deliveryId), 'header is missing', 'required');
  let payload: unknown;
  try {
    payload = JSON.parse(request.raw.toString('utf8'));
  } catch {
    throw AppError.validation('body', 'is not JSON', 'invalid_json');
  }
  return db.transaction().execute(async (trx) => {
    const stored = await trx
      .insertInto('integration_webhook_deliveries')
      .values({
        provider: provider.id,
        delivery_id: deliveryId,
        integration_id: integration.id,
        topic:
          (typeof scheme.topic === 'string'
            ? header(request.headers, scheme.topic)
            : scheme.topic(payload)) ?? 'unknown',
        payload: JSON.stringify(payload),
      })
      .onConflict((oc) => oc.columns(['provider', 'delivery_id']).doNothing())
      .returning('delivery_id')
      .executeTakeFirst();
    if (!stored) return 'duplicate';
    await enqueueJob(trx, 'integrations.process-webhook', { provider: provider.id, deliveryId });
    return 'accepted';
  });
}

/** The pushed order, or for platforms that push only its id, the order fetched through the live client. */
async function pushedOrder(
  provider: ProviderDefinition,
  integration: IntegrationRow,
  payload: unknown,
  request: { settings: ShopApiSettings; encryptionKey: Buffer },
): Promise<unknown> {
  if (!provider.pushedOrderId) return payload;
  const credentials = openCredentials(provider, integration, request.encryptionKey);
  const client = provider.client?.(credentials, request.settings);
  if (!client?.orderById) {
    throw new AppError('conflict', `${provider.displayName} pushes need its live client to fetch the order.`);
  }
  return client.orderById(provider.pushedOrderId(payload, credentials));
}

/** The shop did not answer or was busy: worth the job's retry, unlike a refusal. */
const isTransient = (error: unknown) =>
  error instanceof ShopApiError &&
  (error.statusCode === null || error.statusCode === 429 || error.statusCode >= 500);

/** The job: the pushed order goes through the same mapper and import as a sync. */
export async function processPlatformWebhook(
  db: Db,
  request: { provider: string; deliveryId: string; settings: ShopApiSettings; encryptionKey: Buffer },
): Promise<string> {
  const delivery = await db
    .selectFrom('integration_webhook_deliveries')
    .selectAll()
    .where('provider', '=', request.provider)
    .where('delivery_id', '=', request.deliveryId)
    .executeTakeFirst();
  if (!delivery || delivery.processed_at) return 'already processed';
  const provider = getProvider(delivery.provider);
  const integration = await selectIntegrations(db)
    .where('id', '=', delivery.integration_id)
    .executeTakeFirst();
  const actor = integration?.connected_by
    ? await getActor(db, { userId: integration.connected_by, organizationId: integration.merchant_id })
    : undefined;
  let outcome: string;
  if (!integration || !actor) {
    outcome = 'skipped: the user who connected the shop is no longer active';
  } else {
    try {
      const mapped = provider.mapOrder(await pushedOrder(provider, integration, delivery.payload, request));
      const result = await db
        .transaction()
        .execute((trx) => importPlatformOrder(trx, { actor, provider, mapped }));
      outcome = `${result.outcome} order ${result.order.id}`;
    } catch (error) {
      if ((error instanceof AppError && error.status >= 500) || isTransient(error)) throw error;
      outcome = `rejected: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  await db
    .updateTable('integration_webhook_deliveries')
    .set({ processed_at: sql<Date>`now()`, outcome })
    .where('provider', '=', delivery.provider)
    .where('delivery_id', '=', delivery.delivery_id)
    .execute();
  return outcome;
}
