import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestLockerSecret,
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  lockerEventId,
  lockerIssuedBody,
  orderBody,
  payTokenOf,
  sendLockerCall,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';
import { expireDueLockerCodes, queueLockerReminders } from './service/codes';
import { nowSeconds } from './service/signature';

const uniqueTracking = () => `3S${randomBytes(6).toString('hex').toUpperCase()}`;

describe('locker codes', () => {
  let platform: TestPlatform;
  let operator: AuthSession;
  let merchant: AuthSession;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    platform = await createTestPlatform();
    operator = await createTestPlatformAdmin(platform);
    merchant = await createTestMerchant(platform);
    secrets.POSTNL = (await createTestLockerSecret(platform, operator.token, 'POSTNL')).secret;
    secrets.DPD = (await createTestLockerSecret(platform, operator.token, 'DPD')).secret;
  });
  afterAll(() => platform.close());

  /** An order of `carrier` for `email` with a shipment tracking number and a payment session. */
  async function parcel(options: { carrier?: string; email?: string; pay?: boolean } = {}) {
    const carrier = options.carrier ?? 'POSTNL';
    const base = orderBody({ carrier_code: carrier });
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: { ...base, customer: { ...base.customer, email: options.email ?? uniqueEmail('anna') } },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(200);
    const tracking = uniqueTracking();
    const shipment = await http(platform.baseUrl, 'PUT', `/api/orders/${order.body.id}/shipment`, {
      token: merchant.token,
      body: { parcels: [{ tracking_number: tracking }] },
    });
    expect(shipment.status, JSON.stringify(shipment.body)).toBe(200);
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    expect(session.status).toBe(200);
    const payToken = payTokenOf(session.body.pay_url);
    if (options.pay) {
      const paid = await http(platform.baseUrl, 'POST', `/api/session/${payToken}/start-payment`, {
        body: {},
      });
      expect(paid.body.status).toBe('PAID');
    }
    return {
      orderId: order.body.id as string,
      tracking,
      reference: session.body.ipay_reference_18 as string,
      payToken,
    };
  }

  async function stored() {
    const { db } = platform.database;
    const count = async (table: 'locker_codes' | 'locker_events' | 'locker_seen_signatures') =>
      Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const events = await db
      .selectFrom('domain_events')
      .select(db.fn.countAll().as('n'))
      .where('type', 'like', 'locker.%')
      .executeTakeFirstOrThrow();
    return {
      codes: await count('locker_codes'),
      events: await count('locker_events'),
      signatures: await count('locker_seen_signatures'),
      domainEvents: Number(events.n),
    };
  }

  describe('operator secrets', () => {
    it('shows a new secret once, stores it sealed, and refuses merchants', async () => {
      const created = await http(platform.baseUrl, 'POST', '/api/admin/lockers/carriers/ups/secrets', {
        token: operator.token,
        body: {},
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ carrier_code: 'UPS', active: true, retires_at: null });
      expect(created.body.secret).toMatch(/^lsk_[\w-]{43}$/);
      const row = await platform.database.db
        .selectFrom('locker_carrier_secrets')
        .select('secret_sealed')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(row.secret_sealed).toMatch(/^v1:/);
      expect(row.secret_sealed).not.toContain(created.body.secret);
      const listed = await http(platform.baseUrl, 'GET', '/api/admin/lockers/carriers/UPS/secrets', {
        token: operator.token,
      });
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
      expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, active: true })]);

      const asMerchant = await http(platform.baseUrl, 'POST', '/api/admin/lockers/carriers/UPS/secrets', {
        token: merchant.token,
        body: {},
      });
      expect(asMerchant.status).toBe(403);
      const second = await createTestLockerSecret(platform, operator.token, 'UPS');
      expect(second.secret).not.toBe(created.body.secret);
      const third = await http(platform.baseUrl, 'POST', '/api/admin/lockers/carriers/UPS/secrets', {
        token: operator.token,
        body: {},
      });
      expect(third.status).toBe(409);
      expect(third.body.code).toBe('locker_secret_limit');
    });
  });

  describe('signatures', () => {
    const path = '/api/lockers/POSTNL/issue-code';

    it('accepts a call signed with the carrier secret and stores the code sealed', async () => {
      const { tracking, orderId } = await parcel();
      const body = lockerIssuedBody({ tracking_number: tracking }, { pickupCode: '482913' });
      const accepted = await sendLockerCall(platform, path, body, { secret: secrets.POSTNL });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(accepted.body).toMatchObject({ receipt: 'accepted', carrier: 'POSTNL', status: 'ISSUED' });
      const row = await platform.database.db
        .selectFrom('locker_codes')
        .selectAll()
        .where('id', '=', accepted.body.locker_code_id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ order_id: orderId, tracking_number: tracking, compartment: 'B12' });
      expect(row.code_sealed).toMatch(/^v1:/);
      expect(row.code_sealed).not.toContain('482913');
    });

    it('refuses unsigned, malformed, wrongly signed, stale, future and altered calls, storing nothing', async () => {
      const { tracking } = await parcel();
      const body = lockerIssuedBody({ tracking_number: tracking });
      const before = await stored();
      const now = nowSeconds();
      const wrongSecret = `lsk_${randomBytes(32).toString('base64url')}`;
      const cases: Array<[string, Parameters<typeof sendLockerCall>[3], unknown?]> = [
        ['unsigned', { signature: null }],
        ['malformed', { signature: 'sha256=abc' }],
        ['no v1', { signature: `t=${now}` }],
        ['short v1', { signature: `t=${now},v1=abcd` }],
        ['wrong secret', { secret: wrongSecret }],
        ["another carrier's secret", { secret: secrets.DPD }],
        ['stale by 301 s', { secret: secrets.POSTNL, skewSeconds: -301 }],
        ['future by 301 s', { secret: secrets.POSTNL, skewSeconds: 301 }],
      ];
      for (const [name, signing] of cases) {
        const refused = await sendLockerCall(platform, path, body, signing);
        expect(refused.status, name).toBe(401);
        expect(refused.headers.get('content-type'), name).toContain('application/problem+json');
        expect(refused.body.code, name).toBe('locker_signature_invalid');
      }
      // Signed over one body, sent with another.
      const raw = JSON.stringify(body);
      const signedFor = (await import('./service/signature')).lockerSignatureHeader(
        secrets.POSTNL ?? '',
        raw,
      );
      const altered = await sendLockerCall(
        platform,
        path,
        { ...body, compartment: 'C01' },
        { signature: signedFor },
      );
      expect(altered.status).toBe(401);
      expect(await stored()).toEqual(before);

      // Hex is compared case-insensitively, and 4 minutes either way is inside the window.
      const upper = (await import('./service/signature'))
        .lockerSignatureHeader(secrets.POSTNL ?? '', raw, now - 240)
        .toUpperCase()
        .replace('T=', 't=')
        .replace('V1=', 'v1=');
      const accepted = await sendLockerCall(platform, path, raw, { signature: upper });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    });

    it('refuses the same signed call again as a replay, and answers a re-signed repeat of an event id as a no-op', async () => {
      const { tracking } = await parcel();
      const raw = JSON.stringify(lockerIssuedBody({ tracking_number: tracking }));
      const signature = (await import('./service/signature')).lockerSignatureHeader(
        secrets.POSTNL ?? '',
        raw,
      );
      const first = await sendLockerCall(platform, path, raw, { signature });
      expect(first.status).toBe(200);
      const afterFirst = await stored();
      const replay = await sendLockerCall(platform, path, raw, { signature });
      expect(replay.status).toBe(401);
      expect(replay.body.detail).toContain('replay');
      expect(await stored()).toEqual(afterFirst);

      const retry = await sendLockerCall(platform, path, raw, {
        secret: secrets.POSTNL,
        skewSeconds: -1,
      });
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ receipt: 'duplicate', locker_code_id: first.body.locker_code_id });
      const afterRetry = await stored();
      expect(afterRetry.codes).toBe(afterFirst.codes);
      expect(afterRetry.events).toBe(afterFirst.events);
      expect(afterRetry.domainEvents).toBe(afterFirst.domainEvents);
    });

    it('verifies with both secrets during a rotation, and only the new one after the old is retired', async () => {
      const carrier = `LK${randomBytes(3).toString('hex').toUpperCase()}`;
      const old = await createTestLockerSecret(platform, operator.token, carrier);
      const rotated = await http(
        platform.baseUrl,
        'POST',
        `/api/admin/lockers/carriers/${carrier}/secrets/rotate`,
        {
          token: operator.token,
          body: {},
        },
      );
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(old.secret);
      const listed = await http(platform.baseUrl, 'GET', `/api/admin/lockers/carriers/${carrier}/secrets`, {
        token: operator.token,
      });
      expect(listed.body.items.map((s: { active: boolean }) => s.active)).toEqual([true, true]);
      expect(listed.body.items[1].retires_at).not.toBeNull();

      const carrierPath = `/api/lockers/${carrier}/issue-code`;
      for (const secret of [old.secret, rotated.body.secret]) {
        const { tracking } = await parcel({ carrier });
        const call = await sendLockerCall(
          platform,
          carrierPath,
          lockerIssuedBody({ tracking_number: tracking }),
          {
            secret,
          },
        );
        expect(call.status, JSON.stringify(call.body)).toBe(200);
      }
      const retired = await http(
        platform.baseUrl,
        'POST',
        `/api/admin/lockers/carriers/${carrier}/secrets/${old.id}/retire`,
        { token: operator.token, body: {} },
      );
      expect(retired.status).toBe(200);
      expect(retired.body.active).toBe(false);
      const { tracking } = await parcel({ carrier });
      const body = lockerIssuedBody({ tracking_number: tracking });
      expect((await sendLockerCall(platform, carrierPath, body, { secret: old.secret })).status).toBe(401);
      expect(
        (await sendLockerCall(platform, carrierPath, body, { secret: rotated.body.secret })).status,
      ).toBe(200);

      // A rotation with an end in the past stops the previous secret at once.
      const again = await http(
        platform.baseUrl,
        'POST',
        `/api/admin/lockers/carriers/${carrier}/secrets/rotate`,
        {
          token: operator.token,
          body: { previous_valid_until: new Date(Date.now() - 1000).toISOString() },
        },
      );
      expect(again.status).toBe(200);
      const next = await parcel({ carrier });
      const nextBody = lockerIssuedBody({ tracking_number: next.tracking });
      expect(
        (await sendLockerCall(platform, carrierPath, nextBody, { secret: rotated.body.secret })).status,
      ).toBe(401);
      expect(
        (await sendLockerCall(platform, carrierPath, nextBody, { secret: again.body.secret })).status,
      ).toBe(200);
    });

    it('takes the carrier from the secret that verifies when the path names none', async () => {
      const dpd = await parcel({ carrier: 'DPD' });
      const call = await sendLockerCall(
        platform,
        '/api/lockers/issue-code',
        lockerIssuedBody({ tracking_number: dpd.tracking }),
        { secret: secrets.DPD },
      );
      expect(call.status, JSON.stringify(call.body)).toBe(200);
      expect(call.body.carrier).toBe('DPD');
      const postnl = await parcel();
      const byReference = await sendLockerCall(
        platform,
        '/api/lockers/issue-code',
        lockerIssuedBody({ ipay_reference: postnl.reference }),
        { secret: secrets.POSTNL },
      );
      expect(byReference.body).toMatchObject({ carrier: 'POSTNL', receipt: 'accepted' });
      const unknown = await sendLockerCall(
        platform,
        '/api/lockers/issue-code',
        lockerIssuedBody({ tracking_number: dpd.tracking }),
        { secret: `lsk_${randomBytes(32).toString('base64url')}` },
      );
      expect(unknown.status).toBe(401);
    });
  });

  describe('the parcel and the body', () => {
    it('answers 404 naming the field for a parcel IPAY does not know or another carrier delivers, storing nothing', async () => {
      const before = await stored();
      const unknownTracking = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: uniqueTracking() }),
        { secret: secrets.POSTNL },
      );
      expect(unknownTracking.status).toBe(404);
      expect(unknownTracking.body.code).toBe('locker_parcel_unknown');
      expect(unknownTracking.body.errors).toEqual([expect.objectContaining({ field: 'tracking_number' })]);
      const unknownReference = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ ipay_reference: '000000000000000097' }),
        { secret: secrets.POSTNL },
      );
      expect(unknownReference.status).toBe(404);
      expect(unknownReference.body.errors).toEqual([expect.objectContaining({ field: 'ipay_reference' })]);
      const dpdParcel = await parcel({ carrier: 'DPD' });
      const otherCarrier = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: dpdParcel.tracking }),
        { secret: secrets.POSTNL },
      );
      expect(otherCarrier.status).toBe(404);
      expect(await stored()).toEqual(before);
    });

    it('answers 400 naming the field for a signed body that is not a locker call (hostile input included)', async () => {
      const { tracking } = await parcel();
      const good = lockerIssuedBody({ tracking_number: tracking });
      const noCode: Record<string, unknown> = { ...good };
      delete noCode.pickup_code;
      const before = await stored();
      const cases: Array<[unknown, string]> = [
        [noCode, 'pickup_code'],
        [{ ...good, tracking_number: undefined }, 'tracking_number'],
        [{ ...good, expires_at: good.issued_at }, 'expires_at'],
        [{ ...good, event_type: 'teleported' }, 'event_type'],
        [{ ...good, pickup_code: 'x'.repeat(65) }, 'pickup_code'],
        [{ ...good, compartment: 'B\u000012' }, 'compartment'],
        [{ ...good, extra: { $where: '1' } }, 'body'],
        ['{"event_id": "a", ', 'body'],
        ['['.repeat(10_000), 'body'],
        ['', 'body'],
      ];
      for (const [body, field] of cases) {
        const refused = await sendLockerCall(platform, '/api/lockers/POSTNL/issue-code', body, {
          secret: secrets.POSTNL,
        });
        expect(refused.status, String(field)).toBe(400);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(JSON.stringify(refused.body.errors ?? []), String(field)).toContain(
          field === 'body' ? '"field"' : `"${field}"`,
        );
      }
      const huge = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        { ...good, compartment: 'x'.repeat(100_000) },
        { secret: secrets.POSTNL },
      );
      expect(huge.status).toBe(413);
      expect(await stored()).toEqual(before);
    });
  });

  describe('who sees the code', () => {
    it('shows the code to the consumer in their parcels once paid, never in the merchant’s order or events', async () => {
      const consumer = await signInTestConsumer(platform);
      const paid = await parcel({ email: consumer.email, pay: true });
      const unpaid = await parcel({ email: consumer.email });
      const issued = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ ipay_reference: paid.reference }, { pickupCode: '731904' }),
        { secret: secrets.POSTNL },
      );
      expect(issued.status).toBe(200);
      const waiting = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: unpaid.tracking }, { pickupCode: '555123' }),
        { secret: secrets.POSTNL },
      );
      expect(waiting.status).toBe(200);

      const parcels = await http(platform.baseUrl, 'GET', '/api/consumer/parcels', { token: consumer.token });
      expect(parcels.status).toBe(200);
      const byId = new Map(parcels.body.items.map((item: { id: string }) => [item.id, item]));
      expect(byId.get(paid.orderId)).toMatchObject({
        status: 'paid',
        locker: {
          carrier_code: 'POSTNL',
          locker_name: 'PostNL locker Albert Heijn Rokin',
          compartment: 'B12',
          pickup_code: '731904',
          status: 'ISSUED',
        },
      });
      expect(byId.get(unpaid.orderId)).toMatchObject({ status: 'pending', locker: { pickup_code: null } });

      const order = await http(platform.baseUrl, 'GET', `/api/orders/${paid.orderId}`, {
        token: merchant.token,
      });
      expect(order.status).toBe(200);
      const sessions = await http(platform.baseUrl, 'GET', `/api/payment-sessions?limit=100`, {
        token: merchant.token,
      });
      expect(sessions.status).toBe(200);
      const events = await platform.database.db
        .selectFrom('domain_events')
        .select(['type', 'organization_id', 'payload'])
        .where('resource_id', '=', issued.body.locker_code_id)
        .execute();
      expect(events).toEqual([
        expect.objectContaining({
          type: 'locker.code_issued',
          organization_id: merchant.user.organization.id,
          payload: expect.objectContaining({
            orderId: paid.orderId,
            lockerName: 'PostNL locker Albert Heijn Rokin',
          }),
        }),
      ]);
      for (const merchantView of [order.body, sessions.body, events]) {
        expect(JSON.stringify(merchantView)).not.toContain('731904');
      }
    });

    it('moves a code to COLLECTED once, announces it, and stops showing the code', async () => {
      const consumer = await signInTestConsumer(platform);
      const { tracking, orderId } = await parcel({ email: consumer.email, pay: true });
      const issued = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: tracking }),
        { secret: secrets.POSTNL },
      );
      const collectedAt = new Date().toISOString();
      const collect = {
        event_id: lockerEventId(),
        event_type: 'collected',
        tracking_number: tracking,
        occurred_at: collectedAt,
      };
      const collected = await sendLockerCall(platform, '/api/lockers/POSTNL/issue-code', collect, {
        secret: secrets.POSTNL,
      });
      expect(collected.body).toMatchObject({
        receipt: 'accepted',
        locker_code_id: issued.body.locker_code_id,
        status: 'COLLECTED',
      });
      const late = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        { ...collect, event_id: lockerEventId(), event_type: 'expired' },
        { secret: secrets.POSTNL },
      );
      expect(late.body.status).toBe('COLLECTED');
      const types = await platform.database.db
        .selectFrom('domain_events')
        .select('type')
        .where('resource_id', '=', issued.body.locker_code_id)
        .orderBy('sequence')
        .execute();
      expect(types.map((e) => e.type)).toEqual(['locker.code_issued', 'locker.collected']);
      const parcels = await http(platform.baseUrl, 'GET', '/api/consumer/parcels', { token: consumer.token });
      const mine = parcels.body.items.find((item: { id: string }) => item.id === orderId);
      expect(mine.locker).toMatchObject({
        status: 'COLLECTED',
        pickup_code: null,
        collected_at: collectedAt,
      });

      const noCode = await parcel();
      const unknown = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        { ...collect, event_id: lockerEventId(), tracking_number: noCode.tracking },
        { secret: secrets.POSTNL },
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('locker_code_unknown');
    });
  });
  describe('jobs', () => {
    it('expires codes at or after expires_at, once, announcing locker.expired', async () => {
      const { tracking } = await parcel({ pay: true });
      const past = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: tracking }, { expiresInHours: -1 }),
        { secret: secrets.POSTNL },
      );
      const future = await parcel({ pay: true });
      const later = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: future.tracking }, { expiresInHours: 1 }),
        { secret: secrets.POSTNL },
      );
      expect(await expireDueLockerCodes(platform.database.db)).toBeGreaterThanOrEqual(1);
      expect(await expireDueLockerCodes(platform.database.db)).toBe(0);
      const { db } = platform.database;
      const statuses = await db
        .selectFrom('locker_codes')
        .select(['id', 'status', 'expired_at'])
        .where('id', 'in', [past.body.locker_code_id, later.body.locker_code_id])
        .execute();
      const byId = new Map(statuses.map((row) => [row.id, row]));
      expect(byId.get(past.body.locker_code_id)?.status).toBe('EXPIRED');
      expect(byId.get(past.body.locker_code_id)?.expired_at).not.toBeNull();
      expect(byId.get(later.body.locker_code_id)?.status).toBe('ISSUED');
      const expiredEvents = await db
        .selectFrom('domain_events')
        .select('payload')
        .where('type', '=', 'locker.expired')
        .where('resource_id', '=', past.body.locker_code_id)
        .execute();
      expect(expiredEvents).toHaveLength(1);
    });

    it('queues one reminder per code to the order’s customer before expiry, without the code', async () => {
      const email = uniqueEmail('reminded');
      const soon = await parcel({ email, pay: true });
      const issued = await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: soon.tracking }, { expiresInHours: 2, pickupCode: '902211' }),
        { secret: secrets.POSTNL },
      );
      expect(issued.status).toBe(200);
      const farEmail = uniqueEmail('not-yet');
      const far = await parcel({ email: farEmail, pay: true });
      await sendLockerCall(
        platform,
        '/api/lockers/POSTNL/issue-code',
        lockerIssuedBody({ tracking_number: far.tracking }, { expiresInHours: 72 }),
        { secret: secrets.POSTNL },
      );
      const publicUrl = platform.config.publicUrl;
      expect(await queueLockerReminders(platform.database.db, { publicUrl })).toBeGreaterThanOrEqual(1);
      expect(await queueLockerReminders(platform.database.db, { publicUrl })).toBe(0);
      const { db } = platform.database;
      const mails = await db.selectFrom('email_outbox').selectAll().where('to', '=', email).execute();
      const reminders = mails.filter(
        (mail) => mail.idempotency_key === `locker-reminder:${issued.body.locker_code_id}`,
      );
      expect(reminders).toHaveLength(1);
      expect(reminders[0]?.text).toContain('PostNL locker Albert Heijn Rokin');
      expect(reminders[0]?.text).toContain(`${publicUrl}/consumer/parcels`);
      expect(reminders[0]?.text).not.toContain('902211');
      expect(await db.selectFrom('email_outbox').select('id').where('to', '=', farEmail).execute()).toEqual(
        [],
      );
    });
  });
});
