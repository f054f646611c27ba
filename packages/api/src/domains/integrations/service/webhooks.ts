import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { INTEGRATION_ERRORS } from '../errors';
import { enqueueJob } from '../../../jobs/enqueue';
import { getActor } from '../../auth/service';
import type { ProviderDefinition } from '../providers/types';
import { getProvider } from '../registry';
import { ShopApiError, type ShopApiSettings } from '../shop-api';
import { openCredentials, selectIntegrations, type IntegrationRow } from './connection';
import { importPlatformOrder } from './import-order';
import {
  headerValue as header,
  hmacSha256,
  md5BodyThenSecretHex,
  sha256Hex,
  standardWebhooks,
  type SignatureVerifier,
  type WebhookHeaders,
} from './webhook-verifiers';

const fromHeader = (name: string) => (headers: WebhookHeaders) => header(headers, name);

// Shopware signs no timestamp header but puts one in the body; its retries resend the same signed body, so
// the window is long enough for them, and the event id dedupes inside it.
const SHOPWARE_MAX_AGE_S = 60 * 60;
// Every app webhook carries these; only business events such as checkout.order.placed carry the order.
const ShopwareEnvelope = z.object({
  timestamp: z.number(),
  source: z.object({ eventId: z.string().min(1).optional() }).optional(),
  data: z.object({ event: z.string() }).optional(),
});
const ShopwareOrderEvent = z.object({ data: z.object({ payload: z.object({ order: z.unknown() }) }) });
const PicqerEnvelope = z.object({ event: z.string(), data: z.unknown() });
// BigCommerce: `store/order/created`, `store/order/statusUpdated`, …
const BigCommerceEnvelope = z.object({ scope: z.string() });
const LightspeedEnvelope = z.object({ order: z.unknown() });

/** A stable id for platforms that send none: the same bytes are the same delivery (retries resend them). */
const bodyDigest = (raw: Buffer) => `sha256:${sha256Hex(raw)}`;

interface PushScheme {
  /** Checks the signature (and any timestamp) on the raw bytes; false stores nothing and answers 401. */
  verify: SignatureVerifier;
  /** The platform's id for this delivery, the same on each retry. */
  deliveryId(headers: WebhookHeaders, raw: Buffer): string | undefined;
  topic(headers: WebhookHeaders, payload: unknown): string | undefined;
  /** The order inside the pushed body, in the shape the provider's mapper reads; the body itself by default. */
  order?(payload: unknown): unknown;
}

/** How each push scheme is verified, deduplicated and unwrapped (spec/webhook-signatures.md). */
const SCHEMES: Partial<Record<ProviderDefinition['webhookSignature'], PushScheme>> = {
  'shopify-hmac-sha256-base64': {
    verify: hmacSha256('x-shopify-hmac-sha256', 'base64'),
    deliveryId: fromHeader('x-shopify-webhook-id'),
    topic: fromHeader('x-shopify-topic'),
  },
  'woocommerce-hmac-sha256-base64': {
    verify: hmacSha256('x-wc-webhook-signature', 'base64'),
    deliveryId: fromHeader('x-wc-webhook-delivery-id'),
    topic: fromHeader('x-wc-webhook-topic'),
  },
  'shopware-hmac-sha256-hex': {
    verify: (raw, headers, secret) => {
      if (!hmacSha256('shopware-shop-signature', 'hex')(raw, headers, secret)) return false;
      const envelope = ShopwareEnvelope.safeParse(parseJson(raw));
      return envelope.success && Math.abs(Date.now() / 1000 - envelope.data.timestamp) <= SHOPWARE_MAX_AGE_S;
    },
    // source.eventId exists since Shopware 6.4.11; older shops send none, so their body digest stands in.
    deliveryId: (_headers, raw) =>
      ShopwareEnvelope.safeParse(parseJson(raw)).data?.source?.eventId ?? bodyDigest(raw),
    topic: (_headers, payload) => ShopwareEnvelope.safeParse(payload).data?.data?.event,
    order: (payload) => ShopwareOrderEvent.parse(payload).data.payload.order,
  },
  'picqer-hmac-sha256-base64': {
    verify: hmacSha256('x-picqer-signature', 'base64'),
    // Picqer sends no delivery id; its body names the hook, the event and when it fired, so equal bytes are
    // the same delivery and a different event always differs.
    deliveryId: (_headers, raw) => bodyDigest(raw),
    topic: (_headers, payload) => PicqerEnvelope.safeParse(payload).data?.event,
    order: (payload) => PicqerEnvelope.parse(payload).data,
  },
  'standard-webhooks': {
    verify: standardWebhooks,
    deliveryId: fromHeader('webhook-id'),
    topic: (_headers, payload) => BigCommerceEnvelope.safeParse(payload).data?.scope,
  },
  'lightspeed-md5': {
    verify: md5BodyThenSecretHex('x-signature'),
    // Lightspeed sends no delivery id. A retry re-sends the same bytes, so their hash is stable across
    // retries, while a real change to the order changes the body (its updatedAt at least) and is imported again.
    deliveryId: (_headers, raw) => bodyDigest(raw),
    topic: (_headers, payload) => (LightspeedEnvelope.safeParse(payload).success ? 'orders' : undefined),
  },
};

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

export type WebhookReceipt = 'ping' | 'accepted' | 'duplicate';

/**
 * A shop's push: verified on the raw bytes with the connection's own secret (a bad signature stores nothing
 * and is a 401), deduplicated on the platform's delivery id within this connection (delivery ids and body
 * digests are only unique per shop, so another merchant's push with the same id is not a replay), and handed
 * to a job so the shop gets its answer at once.
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
    throw domainError(
      INTEGRATION_ERRORS,
      'provider_not_configured',
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
  const deliveryId = scheme.deliveryId(request.headers, request.raw);
  if (!deliveryId) throw AppError.validation('headers', 'carry no delivery id', 'required');
  const payload = parseJson(request.raw);
  if (payload === undefined) throw AppError.validation('body', 'is not JSON', 'invalid_json');
  return db.transaction().execute(async (trx) => {
    const stored = await trx
      .insertInto('integration_webhook_deliveries')
      .values({
        provider: provider.id,
        delivery_id: deliveryId,
        integration_id: integration.id,
        topic: scheme.topic(request.headers, payload) ?? 'unknown',
        payload: JSON.stringify(payload),
      })
      .onConflict((oc) => oc.columns(['integration_id', 'delivery_id']).doNothing())
      .returning('delivery_id')
      .executeTakeFirst();
    if (!stored) return 'duplicate';
    await enqueueJob(trx, 'integrations.process-webhook', {
      provider: provider.id,
      integrationId: integration.id,
      deliveryId,
    });
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
    throw domainError(
      INTEGRATION_ERRORS,
      'provider_has_no_client',
      `${provider.displayName} pushes need its live client to fetch the order.`,
    );
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
  request: {
    provider: string;
    /** Absent only in jobs queued before deliveries were keyed per connection. */
    integrationId?: string;
    deliveryId: string;
    settings: ShopApiSettings;
    encryptionKey: Buffer;
  },
): Promise<string> {
  let query = db
    .selectFrom('integration_webhook_deliveries')
    .selectAll()
    .where('provider', '=', request.provider)
    .where('delivery_id', '=', request.deliveryId);
  if (request.integrationId) query = query.where('integration_id', '=', request.integrationId);
  // Without an integration id the job's delivery is the oldest one under that id: when the job was queued,
  // (provider, delivery id) was still unique.
  const delivery = await query.orderBy('received_at').limit(1).executeTakeFirst();
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
      const pushed = SCHEMES[provider.webhookSignature]?.order?.(delivery.payload) ?? delivery.payload;
      const mapped = provider.mapOrder(await pushedOrder(provider, integration, pushed, request));
      const result = await db
        .transaction()
        .execute((trx) => importPlatformOrder(trx, { actor, provider, mapped }));
      outcome = `${result.outcome} order ${result.order.id}`;
      if (result.shipmentRefused) outcome += `; tracking not set: ${result.shipmentRefused}`;
    } catch (error) {
      if ((error instanceof AppError && error.status >= 500) || isTransient(error)) throw error;
      outcome = `rejected: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  await db
    .updateTable('integration_webhook_deliveries')
    .set({ processed_at: sql<Date>`now()`, outcome })
    .where('integration_id', '=', delivery.integration_id)
    .where('delivery_id', '=', delivery.delivery_id)
    .execute();
  return outcome;
}
