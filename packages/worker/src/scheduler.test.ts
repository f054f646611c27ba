import { enqueueSyncs, getProvider } from '@ipay/api';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  sendJson,
  startFakeServer,
  type FakeServer,
  type TestPlatform,
} from '@ipay/api/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';

const TOKEN = 'shpat_scheduler_test_token';

describe('the integration sync scheduler', () => {
  let platform: TestPlatform;
  let shop: FakeServer;
  let shopDown = false;
  let orders: unknown[] = [];
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    shop = await startFakeServer((request, response) => {
      if (shopDown) return sendJson(response, 503, { errors: 'Shopify is down for maintenance' });
      if (request.headers['x-shopify-access-token'] !== TOKEN)
        return sendJson(response, 401, { errors: 'Invalid API key' });
      if (request.path === '/admin/api/2024-10/shop.json')
        return sendJson(response, 200, { shop: { id: 1 } });
      if (request.path.startsWith('/admin/api/2024-10/orders.json'))
        return sendJson(response, 200, { orders });
      sendJson(response, 404, { errors: 'Not Found' });
    });
  });
  afterAll(async () => {
    await platform.close();
    await shop.close();
  });

  const runQueue = () =>
    runDueJobsOnce({
      db: platform.database.db,
      pool: platform.database.pool,
      logger,
      config: platform.config,
      encryptionKey: platform.deps.encryptionKey,
    });

  function shopifyOrder(id: number) {
    return { ...(getProvider('shopify').sampleOrder(String(id)) as object), id };
  }

  it('syncs every connected shop on a pass, backs a failing one off and lets it recover by itself', async () => {
    const merchant = await createTestMerchant(platform);
    const connected = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
      token: merchant.token,
      body: {
        credentials: {
          shop: 'sched-shop',
          access_token: TOKEN,
          api_secret: 'shpss_0123456789abcdef',
          base_url: shop.url,
        },
      },
    });
    expect(connected.status).toBe(200);
    orders = [shopifyOrder(7001), shopifyOrder(7002)];

    expect(await enqueueSyncs(platform.database.db, 'schedule')).toEqual({
      syncs_enqueued: 1,
      backing_off: 0,
    });
    await runQueue();
    const admin = await createTestPlatformAdmin(platform);
    const log = await http(
      platform.baseUrl,
      'GET',
      `/api/admin/scheduler/sync-log?merchant_id=${merchant.user.organization.id}`,
      { token: admin.token },
    );
    expect(log.body.items).toEqual([
      expect.objectContaining({
        provider: 'shopify',
        trigger: 'schedule',
        fetched: 2,
        created: 2,
        error: null,
      }),
    ]);

    shopDown = true;
    await enqueueSyncs(platform.database.db, 'schedule');
    await runQueue();
    const failing = await http(platform.baseUrl, 'GET', '/api/integrations/shopify', {
      token: merchant.token,
    });
    expect(failing.body).toMatchObject({ status: 'error' });
    expect(failing.body.last_error).toContain('Shopify is down for maintenance');
    expect(await enqueueSyncs(platform.database.db, 'schedule')).toEqual({
      syncs_enqueued: 0,
      backing_off: 1,
    });

    shopDown = false;
    orders = [shopifyOrder(7001), shopifyOrder(7003)];
    const runNow = await http(platform.baseUrl, 'POST', '/api/admin/scheduler/run-now', {
      token: admin.token,
    });
    expect(runNow.body).toEqual({ syncs_enqueued: 1, backing_off: 0 });
    await runQueue();
    const recovered = await http(platform.baseUrl, 'GET', '/api/integrations/shopify', {
      token: merchant.token,
    });
    expect(recovered.body).toMatchObject({ status: 'connected', last_error: null });

    const status = await http(platform.baseUrl, 'GET', '/api/admin/scheduler/status', { token: admin.token });
    expect(status.body).toMatchObject({
      schedule: '*/15 * * * *',
      running: true,
      last_run: { trigger: 'run_now', syncs_enqueued: 1, syncs_finished: 1, syncs_failed: 0 },
      integrations_in_error: 0,
    });
    const summary = await http(platform.baseUrl, 'GET', '/api/admin/scheduler/summary', {
      token: admin.token,
    });
    expect(summary.body.items).toEqual([
      expect.objectContaining({
        provider: 'shopify',
        runs: 3,
        failures: 1,
        orders_imported: 3,
        last_success_at: expect.any(String),
      }),
    ]);
    const merchantView = await http(platform.baseUrl, 'GET', '/api/admin/scheduler/status', {
      token: merchant.token,
    });
    expect(merchantView.status).toBe(403);
  });
});
