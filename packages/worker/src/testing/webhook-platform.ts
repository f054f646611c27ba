import type { Config } from '@ipay/api';
import { createTestMerchant, createTestPlatform, type TestPlatform } from '@ipay/api/testing';
import type { Db } from '@ipay/db';
import pino from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { runDueJobsOnce } from '../runner';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export interface WebhookTestPlatform {
  platform: () => TestPlatform;
  db: () => Db;
  logger: pino.Logger;
  /** Relays the events and runs every due job, as the worker would (with another config if given). */
  runQueue: (config?: Config) => Promise<void>;
  /** A receiver on a loopback port, closed after the test. */
  receiver: () => Promise<WebhookReceiver>;
  /** A new merchant with an endpoint pointing at a new receiver (every event type unless some are named). */
  merchantWithEndpoint: (eventTypes?: string[]) => Promise<MerchantWithEndpoint>;
}

type Api = ReturnType<TestPlatform['caller']>;

export interface MerchantWithEndpoint {
  merchant: Awaited<ReturnType<typeof createTestMerchant>>;
  hooks: WebhookReceiver;
  api: Api;
  endpoint: Awaited<ReturnType<Api['webhooks']['createEndpoint']>>;
  organizationId: string;
}

/**
 * A platform whose merchants may point endpoints at loopback receivers, for a describe block of webhook tests:
 * call it inside the block, and it starts the platform before the tests and closes it, and their receivers, after.
 */
export function useWebhookPlatform(): WebhookTestPlatform {
  let platform: TestPlatform | undefined;
  const receivers: WebhookReceiver[] = [];
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(() => platform?.close());

  const started = (): TestPlatform => {
    if (!platform) throw new Error('the webhook test platform is used before its beforeAll ran');
    return platform;
  };
  const receiver = async (): Promise<WebhookReceiver> => {
    const hooks = await startWebhookReceiver();
    receivers.push(hooks);
    return hooks;
  };

  return {
    platform: started,
    db: () => started().database.db,
    logger,
    runQueue: (config = started().config) =>
      runDueJobsOnce({
        db: started().database.db,
        pool: started().database.pool,
        logger,
        config,
        encryptionKey: started().deps.encryptionKey,
      }),
    receiver,
    merchantWithEndpoint: async (eventTypes = []) => {
      const merchant = await createTestMerchant(started());
      const hooks = await receiver();
      const api = started().caller({ token: merchant.token });
      const endpoint = await api.webhooks.createEndpoint({
        url: hooks.url(),
        eventTypes: eventTypes as never,
      });
      return { merchant, hooks, api, endpoint, organizationId: merchant.user.organization.id };
    },
  };
}
