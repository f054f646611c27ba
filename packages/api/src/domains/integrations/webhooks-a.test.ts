import { createHash, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestMerchant, createTestPlatform, http, type TestPlatform } from '../../testing';
import { getProvider } from './registry';
import { processPlatformWebhook } from './service/webhooks';
import {
  startFakeBigCommerce,
  startFakeLightspeed,
  type BigCommerceOrderJson,
  type LightspeedData,
} from './testing/fake-shops-a';

const BC_HASH = 'hookstore1';
const BC_TOKEN = 'bc_hook_token_0123456789';
const BC_CLIENT_SECRET = 'bc_client_secret_0123456789';
const LS_KEY = 'ls_hook_key_0123';
const LS_SECRET = 'ls_hook_secret_0123';

let platform: TestPlatform;
let bigcommerce: Awaited<ReturnType<typeof startFakeBigCommerce>>;
let lightspeed: Awaited<ReturnType<typeof startFakeLightspeed>>;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  bigcommerce = await startFakeBigCommerce(BC_HASH, BC_TOKEN);
  lightspeed = await startFakeLightspeed(LS_KEY, LS_SECRET);
});

afterAll(async () => {
  await bigcommerce.close();
  await lightspeed.close();
  await platform.close();
});

/** What the worker's task does, run once here. */
const runJob = (provider: string, deliveryId: string) =>
  processPlatformWebhook(platform.database.db, {
    provider,
    deliveryId,
    settings: { allowPrivateUrls: true },
    encryptionKey: platform.deps.encryptionKey,
  });

async function connect(provider: string, credentials: Record<string, unknown>) {
  const merchant = await createTestMerchant(platform);
  const connected = await http(platform.baseUrl, 'POST', `/api/integrations/${provider}/connect`, {
    token: merchant.token,
    body: { credentials },
  });
  expect(connected.status, JSON.stringify(connected.body)).toBe(200);
  return { merchant, path: connected.body.webhook_path as string };
}

function push(path: string, body: string, headers: Record<string, string>) {
  return http(platform.baseUrl, 'POST', path, {
    rawBody: body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const deliveries = (provider: string) =>
  platform.database.db
    .selectFrom('integration_webhook_deliveries')
    .select(['delivery_id', 'topic', 'processed_at', 'outcome'])
    .where('provider', '=', provider)
    .execute();

const ordersOf = async (token: string) =>
  (await http(platform.baseUrl, 'GET', '/api/orders', { token })).body.items as Array<
    Record<string, unknown>
  >;

describe('BigCommerce pushes (Standard Webhooks)', () => {
  const signer = new Webhook(Buffer.from(BC_CLIENT_SECRET, 'utf8'), { format: 'raw' });
  const credentials = () => ({
    store_hash: BC_HASH,
    access_token: BC_TOKEN,
    client_secret: BC_CLIENT_SECRET,
    base_url: bigcommerce.url,
  });
  /** BigCommerce's payload names the order only. */
  const hookBody = (orderId: number, producer = `stores/${BC_HASH}`) =>
    JSON.stringify({
      created_at: 1764000000,
      store_id: '1001234567',
      producer,
      scope: 'store/order/created',
      hash: 'f1e2d3c4b5a697887766554433221100aabbccdd',
      data: { type: 'order', id: orderId },
    });
  /** Signed by the standardwebhooks library itself, as BigCommerce signs. */
  const signed = (body: string, id = `msg_${randomUUID()}`, at = new Date()) => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(id, at, body),
  });

  it('accepts a genuinely signed push once, and the job fetches the order by id and imports it', async () => {
    const { merchant, path } = await connect('bigcommerce', credentials());
    bigcommerce.orders = [
      { ...(getProvider('bigcommerce').sampleOrder('4001') as BigCommerceOrderJson), id: 4001 },
    ];
    const body = hookBody(4001);
    const headers = signed(body, 'msg_bc_4001');
    expect((await push(path, body, headers)).body).toEqual({ received: true, receipt: 'accepted' });
    expect((await push(path, body, headers)).body).toEqual({ received: true, receipt: 'duplicate' });
    // BigCommerce retries with a new timestamp and signature but the same webhook-id.
    const retry = signed(body, 'msg_bc_4001', new Date(Date.now() - 60_000));
    expect((await push(path, body, retry)).body.receipt).toBe('duplicate');
    expect(await deliveries('bigcommerce')).toEqual([
      expect.objectContaining({ delivery_id: 'msg_bc_4001', topic: 'store/order/created' }),
    ]);

    expect(await runJob('bigcommerce', 'msg_bc_4001')).toMatch(/^created order /);
    expect(await runJob('bigcommerce', 'msg_bc_4001')).toBe('already processed');
    const orders = await ordersOf(merchant.token);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ merchant_reference: 'bigcommerce-4001', items_total_minor: 10900 });
    expect(bigcommerce.requests.at(-1)?.path).toMatch(new RegExp(`^/stores/${BC_HASH}/v2/orders/4001\\?`));
  });

  it('answers a bad signature with 401 and stores nothing', async () => {
    const { path } = await connect('bigcommerce', credentials());
    const body = hookBody(4002);
    const forged = new Webhook(Buffer.from('someone-elses-secret', 'utf8'), { format: 'raw' });
    const at = new Date();
    const response = await push(path, body, {
      'webhook-id': 'msg_bc_forged',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': forged.sign('msg_bc_forged', at, body),
    });
    expect(response.status).toBe(401);
    const unsigned = await push(path, body, { 'webhook-id': 'msg_bc_unsigned' });
    expect(unsigned.status).toBe(401);
    const ids = (await deliveries('bigcommerce')).map((d) => d.delivery_id);
    expect(ids).not.toContain('msg_bc_forged');
    expect(ids).not.toContain('msg_bc_unsigned');
  });

  it('refuses a genuine signature older than five minutes (a replay)', async () => {
    const { path } = await connect('bigcommerce', credentials());
    const body = hookBody(4003);
    const stale = signed(body, 'msg_bc_stale', new Date(Date.now() - 6 * 60_000));
    expect((await push(path, body, stale)).status).toBe(401);
    expect((await deliveries('bigcommerce')).map((d) => d.delivery_id)).not.toContain('msg_bc_stale');
  });

  it("does not import another store's order id into this connection", async () => {
    const { merchant, path } = await connect('bigcommerce', credentials());
    const body = hookBody(4001, 'stores/otherstore');
    expect((await push(path, body, signed(body, 'msg_bc_other'))).body.receipt).toBe('accepted');
    expect(await runJob('bigcommerce', 'msg_bc_other')).toMatch(
      /^rejected: the push is from stores\/otherstore/,
    );
    expect(await ordersOf(merchant.token)).toEqual([]);
  });
});

describe('Lightspeed eCom pushes (X-Signature MD5)', () => {
  const credentials = () => ({
    cluster: 'eu1',
    api_key: LS_KEY,
    api_secret: LS_SECRET,
    base_url: lightspeed.url,
  });
  const signature = (body: string, secret = LS_SECRET) =>
    createHash('md5')
      .update(body + secret)
      .digest('hex');
  const record = (id: number) => getProvider('lightspeed').sampleOrder(String(id)) as LightspeedData;

  it('accepts a genuinely signed push once and imports the order with its lines fetched from Lightspeed', async () => {
    const { merchant, path } = await connect('lightspeed', credentials());
    const order = record(5001);
    lightspeed.orders = [order];
    // Lightspeed pushes the order resource; its lines are only a link to a sub-resource.
    const body = JSON.stringify({ order: order.order });
    // Hex is compared case-insensitively.
    const headers = { 'x-signature': signature(body).toUpperCase() };
    expect((await push(path, body, headers)).body).toEqual({ received: true, receipt: 'accepted' });
    expect((await push(path, body, headers)).body).toEqual({ received: true, receipt: 'duplicate' });

    const stored = await deliveries('lightspeed');
    const deliveryId = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect(stored).toEqual([expect.objectContaining({ delivery_id: deliveryId, topic: 'orders' })]);
    expect(await runJob('lightspeed', deliveryId)).toMatch(/^created order /);
    const orders = await ordersOf(merchant.token);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      merchant_reference: 'lightspeed-ORD5001',
      items_total_minor: 4990,
      shipping_minor: 595,
    });
  });

  it('answers a bad signature with 401 and stores nothing', async () => {
    const { path } = await connect('lightspeed', credentials());
    const body = JSON.stringify({ order: record(5002).order });
    const before = (await deliveries('lightspeed')).length;
    const forged = await push(path, body, { 'x-signature': signature(body, 'not-the-app-secret') });
    expect(forged.status).toBe(401);
    const missing = await push(path, body, {});
    expect(missing.status).toBe(401);
    expect(await deliveries('lightspeed')).toHaveLength(before);
  });
});
