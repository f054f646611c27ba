import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  http,
  type TestPlatform,
  sampleEvent,
} from '../../testing';
import { DOMAIN_EVENT_CONSUMERS } from '../events/consumers';
import { drainDomainEvents } from '../events/relay';
import { recordDomainEvent } from '../events/service';

// Documentation and public addresses: accepted without DNS, never contacted (no worker runs here).
const PUBLIC_URL = 'https://203.0.113.10/ipay/webhooks';

describe('webhook endpoints API', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    // The production rule: private and loopback URLs are refused.
    platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'false' } });
  });
  afterAll(() => platform.close());

  const call = (
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => http(platform.baseUrl, method, path, { token, body, headers });

  async function createEndpoint(token: string, body: Record<string, unknown> = {}) {
    const res = await call('POST', '/api/webhook-endpoints', token, { url: PUBLIC_URL, ...body });
    expect(res.status).toBe(200);
    return res.body as { id: string; secret: string; [key: string]: unknown };
  }

  async function eventWithDeliveries(organizationId: string) {
    const event = await platform.database.db.transaction().execute((trx) =>
      recordDomainEvent(trx, {
        ...sampleEvent('session.paid', { organizationId }),
        resourceType: 'payment_session',
      }),
    );
    await drainDomainEvents(platform.database.db, { consumers: DOMAIN_EVENT_CONSUMERS });
    return event;
  }

  it('creates an endpoint and shows its whsec_ secret once, storing it only sealed', async () => {
    const merchant = await createTestMerchant(platform);
    const created = await createEndpoint(merchant.token, {
      description: 'Order system',
      eventTypes: ['session.paid', 'parcel.delivered'],
    });
    expect(created).toMatchObject({
      url: PUBLIC_URL,
      description: 'Order system',
      eventTypes: ['session.paid', 'parcel.delivered'],
      status: 'active',
      organizationId: merchant.user.organization.id,
      disabledReason: null,
      failingSince: null,
      previousSecretExpiresAt: null,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const fetched = await call('GET', `/api/webhook-endpoints/${created.id}`, merchant.token);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty('secret');
    expect(JSON.stringify(fetched.body)).not.toContain(created.secret);
    const listed = await call('GET', '/api/webhook-endpoints', merchant.token);
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);

    const row = await platform.database.db
      .selectFrom('webhook_endpoints')
      .select('secret_encrypted')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).toMatch(/^v1:/);
    expect(row.secret_encrypted).not.toContain(created.secret.slice(6));
  });

  it('replays a create under the same Idempotency-Key without keeping the secret readable at rest', async () => {
    const merchant = await createTestMerchant(platform);
    const headers = { 'idempotency-key': `create-endpoint-${randomUUID()}` };
    const body = { url: PUBLIC_URL, eventTypes: ['order.created'] };
    const first = await call('POST', '/api/webhook-endpoints', merchant.token, body, headers);
    const again = await call('POST', '/api/webhook-endpoints', merchant.token, body, headers);
    expect(again.body).toEqual(first.body);
    const listed = await call('GET', '/api/webhook-endpoints', merchant.token);
    expect(listed.body.items).toHaveLength(1);
    const stored = await platform.database.db
      .selectFrom('idempotency_keys')
      .select('response_body')
      .where('key', '=', headers['idempotency-key'])
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.response_body)).not.toContain(first.body.secret.slice(6));
  });

  it('validates the URL and event types field by field', async () => {
    const merchant = await createTestMerchant(platform);
    const res = await call('POST', '/api/webhook-endpoints', merchant.token, {
      url: 'ftp://files.example/drop',
      eventTypes: ['session.paid', 'session.paid', 'pizza.ordered'],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['url', 'eventTypes.2']));
    for (const url of ['not a url', '']) {
      const unparseable = await call('POST', '/api/webhook-endpoints', merchant.token, { url });
      expect(unparseable.status).toBe(400);
      expect(unparseable.body.errors).toEqual([
        expect.objectContaining({ field: 'url', message: 'must be an http or https URL' }),
      ]);
    }
    const credentials = await call('POST', '/api/webhook-endpoints', merchant.token, {
      url: 'https://user:pw@203.0.113.10/hook',
    });
    expect(credentials.status).toBe(400);
    expect(credentials.body.errors[0]).toMatchObject({ field: 'url' });
  });

  it.each([
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://localhost/hook', 'loopback'],
    ['https://10.0.0.5/hook', 'private'],
    ['http://192.168.1.20/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'metadata'],
    ['http://100.64.1.1/hook', 'carrier-grade NAT'],
    ['http://[fd00::1]/hook', 'unique-local'],
    ['http://[::]/hook', 'unspecified'],
    ['http://[::127.0.0.1]/hook', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['http://[64:ff9b::7f00:1]/hook', 'loopback'],
    ['http://[2002:a9fe:a9fe::1]/hook', 'metadata'],
    ['http://0x7f.1/hook', 'loopback'],
    ['http://2130706433/hook', 'loopback'],
    ['https://does-not-exist.invalid/hook', 'does not resolve'],
  ])('refuses %s with a 400 naming url (%s)', async (url, reason) => {
    const merchant = await createTestMerchant(platform);
    const res = await call('POST', '/api/webhook-endpoints', merchant.token, { url });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'url' })]);
    expect(res.body.errors[0].message).toContain(reason);
  });

  it('applies the same rule when a URL is changed', async () => {
    const merchant = await createTestMerchant(platform);
    const endpoint = await createEndpoint(merchant.token);
    const res = await call('PATCH', `/api/webhook-endpoints/${endpoint.id}`, merchant.token, {
      url: 'http://10.1.1.1/hook',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'url', code: 'private_address' });
  });

  it('updates, pauses, re-enables and deletes an endpoint', async () => {
    const merchant = await createTestMerchant(platform);
    const endpoint = await createEndpoint(merchant.token);
    const updated = await call('PATCH', `/api/webhook-endpoints/${endpoint.id}`, merchant.token, {
      url: 'https://203.0.113.11/v2',
      description: 'new receiver',
      eventTypes: ['order.created'],
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      url: 'https://203.0.113.11/v2',
      description: 'new receiver',
      eventTypes: ['order.created'],
    });
    const paused = await call('PATCH', `/api/webhook-endpoints/${endpoint.id}`, merchant.token, {
      status: 'disabled',
    });
    expect(paused.body).toMatchObject({ status: 'disabled', disabledReason: 'Disabled by a user.' });
    const disabledOnly = await call('GET', '/api/webhook-endpoints?status=disabled', merchant.token);
    expect(disabledOnly.body.items.map((e: { id: string }) => e.id)).toEqual([endpoint.id]);
    const test = await call('POST', `/api/webhook-endpoints/${endpoint.id}/test`, merchant.token, {});
    expect(test.status).toBe(409);
    const resumed = await call('PATCH', `/api/webhook-endpoints/${endpoint.id}`, merchant.token, {
      status: 'active',
    });
    expect(resumed.body).toMatchObject({ status: 'active', disabledReason: null });

    const deleted = await call('DELETE', `/api/webhook-endpoints/${endpoint.id}`, merchant.token);
    expect(deleted.body).toEqual({ id: endpoint.id, deleted: true });
    expect((await call('GET', `/api/webhook-endpoints/${endpoint.id}`, merchant.token)).status).toBe(404);
  });

  it('rotates the secret, showing the new one once and keeping the old one signing for 24 hours', async () => {
    const merchant = await createTestMerchant(platform);
    const endpoint = await createEndpoint(merchant.token);
    const rotated = await call(
      'POST',
      `/api/webhook-endpoints/${endpoint.id}/rotate-secret`,
      merchant.token,
      {},
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const hours = (new Date(rotated.body.previousSecretExpiresAt).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const fetched = await call('GET', `/api/webhook-endpoints/${endpoint.id}`, merchant.token);
    expect(fetched.body).not.toHaveProperty('secret');
  });

  it('pages through endpoints with a cursor', async () => {
    const merchant = await createTestMerchant(platform);
    const ids = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await createEndpoint(merchant.token, { description: `#${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await call(
        'GET',
        `/api/webhook-endpoints?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        merchant.token,
      );
      seen.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it("keeps merchants apart: another merchant's endpoints, deliveries and event deliveries are 404s", async () => {
    const a = await createTestMerchant(platform);
    const b = await createTestMerchant(platform);
    const endpoint = await createEndpoint(a.token);
    const event = await eventWithDeliveries(a.user.organization.id);
    const deliveries = await call('GET', `/api/events/${event.id}/deliveries`, a.token);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: 'session.paid',
        status: 'pending',
      }),
    ]);
    const deliveryId = deliveries.body.items[0].id as string;

    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/webhook-endpoints/${endpoint.id}`],
      ['PATCH', `/api/webhook-endpoints/${endpoint.id}`, { description: 'mine now' }],
      ['DELETE', `/api/webhook-endpoints/${endpoint.id}`],
      ['POST', `/api/webhook-endpoints/${endpoint.id}/rotate-secret`, {}],
      ['POST', `/api/webhook-endpoints/${endpoint.id}/test`, {}],
      ['GET', `/api/webhook-endpoints/${endpoint.id}/deliveries`],
      ['GET', `/api/events/${event.id}/deliveries`],
      ['GET', `/api/webhook-deliveries/${deliveryId}`],
      ['POST', `/api/webhook-deliveries/${deliveryId}/redeliver`, {}],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, b.token, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const listed = await call('GET', '/api/webhook-endpoints', b.token);
    expect(listed.body.items).toEqual([]);
    expect((await call('GET', `/api/webhook-endpoints/${endpoint.id}`, a.token)).body.description).toBe('');
  });

  it('lets an operator see every organization’s endpoints and create one for a merchant', async () => {
    const merchant = await createTestMerchant(platform);
    const admin = await createTestPlatformAdmin(platform);
    const endpoint = await createEndpoint(merchant.token);
    expect((await call('GET', `/api/webhook-endpoints/${endpoint.id}`, admin.token)).status).toBe(200);
    const forMerchant = await createEndpoint(admin.token, { organizationId: merchant.user.organization.id });
    expect(forMerchant.organizationId).toBe(merchant.user.organization.id);
    const forged = await call('POST', '/api/webhook-endpoints', merchant.token, {
      url: PUBLIC_URL,
      organizationId: admin.user.organization.id,
    });
    expect(forged.status).toBe(403);
    expect(forged.body.errors[0].field).toBe('organizationId');
  });

  it('lets merchant users read deliveries but not manage endpoints', async () => {
    const merchant = await createTestMerchant(platform);
    const clerk = await createTestUser(platform, merchant.user.organization.id, ['merchant_user']);
    const endpoint = await createEndpoint(merchant.token);
    expect((await call('GET', `/api/webhook-endpoints/${endpoint.id}`, clerk.token)).status).toBe(200);
    expect((await call('POST', '/api/webhook-endpoints', clerk.token, { url: PUBLIC_URL })).status).toBe(403);
    expect((await call('DELETE', `/api/webhook-endpoints/${endpoint.id}`, clerk.token)).status).toBe(403);
  });

  it('lists an endpoint’s deliveries by status, shows attempts, and queues a redelivery now', async () => {
    const merchant = await createTestMerchant(platform);
    const endpoint = await createEndpoint(merchant.token);
    const event = await eventWithDeliveries(merchant.user.organization.id);
    const pending = await call(
      'GET',
      `/api/webhook-endpoints/${endpoint.id}/deliveries?status=pending`,
      merchant.token,
    );
    expect(pending.body.items.map((d: { eventId: string }) => d.eventId)).toEqual([event.id]);
    const none = await call(
      'GET',
      `/api/webhook-endpoints/${endpoint.id}/deliveries?status=failed`,
      merchant.token,
    );
    expect(none.body.items).toEqual([]);
    const deliveryId = pending.body.items[0].id as string;

    const detail = await call('GET', `/api/webhook-deliveries/${deliveryId}`, merchant.token);
    expect(detail.body).toMatchObject({ id: deliveryId, attempts: 0, attemptHistory: [] });
    await platform.database.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', next_attempt_at: null })
      .where('id', '=', deliveryId)
      .execute();
    const redelivered = await call(
      'POST',
      `/api/webhook-deliveries/${deliveryId}/redeliver`,
      merchant.token,
      {},
    );
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ id: deliveryId, status: 'pending' });
    expect(Math.abs(new Date(redelivered.body.nextAttemptAt).getTime() - Date.now())).toBeLessThan(5000);
  });

  it('records a webhook.test event for one endpoint and queues its delivery', async () => {
    const merchant = await createTestMerchant(platform);
    const endpoint = await createEndpoint(merchant.token, { eventTypes: ['parcel.delivered'] });
    const other = await createEndpoint(merchant.token);
    const sent = await call('POST', `/api/webhook-endpoints/${endpoint.id}/test`, merchant.token, {});
    expect(sent.status).toBe(200);
    expect(sent.body.delivery).toMatchObject({ endpointId: endpoint.id, eventType: 'webhook.test' });
    await drainDomainEvents(platform.database.db, { consumers: DOMAIN_EVENT_CONSUMERS });
    const deliveries = await call('GET', `/api/events/${sent.body.eventId}/deliveries`, merchant.token);
    expect(deliveries.body.items.map((d: { endpointId: string }) => d.endpointId)).toEqual([endpoint.id]);
    expect(deliveries.body.items[0].endpointId).not.toBe(other.id);
  });
});
