import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { enqueueJob } from '../../../jobs/enqueue';
import { getActor } from '../../auth/service';
import type { ProviderDefinition } from '../providers/types';
import { getProvider } from '../registry';
import { openCredentials, selectIntegrations } from './connection';
import { importPlatformOrder } from './import-order';

type Headers = Record<string, string | string[] | undefined>;

/** Where each push scheme carries its signature, delivery id and topic (spec/webhook-signatures.md). */
const SCHEMES: Partial<
  Record<ProviderDefinition['webhookSignature'], { signature: string; deliveryId: string; topic: string }>
> = {
  'shopify-hmac-sha256-base64': {
    signature: 'x-shopify-hmac-sha256',
    deliveryId: 'x-shopify-webhook-id',
    topic: 'x-shopify-topic',
  },
  'woocommerce-hmac-sha256-base64': {
    signature: 'x-wc-webhook-signature',
    deliveryId: 'x-wc-webhook-delivery-id',
    topic: 'x-wc-webhook-topic',
  },
};

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function signatureMatches(raw: Buffer, given: string | undefined, secret: string): boolean {
  if (!given || !secret) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const actual = Buffer.from(given, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

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
    headers: Headers;
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
    !header(request.headers, scheme.signature) &&
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
  if (!integration || !signatureMatches(request.raw, header(request.headers, scheme.signature), secret)) {
    throw new AppError('unauthenticated', `The ${provider.displayName} webhook signature does not match.`);
  }
  const deliveryId = header(request.headers, scheme.deliveryId);
  if (!deliveryId) throw AppError.validation(scheme.deliveryId, 'header is missing', 'required');
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
        topic: header(request.headers, scheme.topic) ?? 'unknown',
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

/** The job: the pushed order goes through the same mapper and import as a sync. */
export async function processPlatformWebhook(
  db: Db,
  request: { provider: string; deliveryId: string },
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
  if (!actor) {
    outcome = 'skipped: the user who connected the shop is no longer active';
  } else {
    try {
      const mapped = provider.mapOrder(delivery.payload);
      const result = await db
        .transaction()
        .execute((trx) => importPlatformOrder(trx, { actor, provider, mapped }));
      outcome = `${result.outcome} order ${result.order.id}`;
    } catch (error) {
      if (error instanceof AppError && error.status >= 500) throw error;
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
