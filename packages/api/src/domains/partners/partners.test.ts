import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appErrorOf,
  createTestMerchant,
  createTestPartner,
  createTestPartnerUser,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  type TestPlatform,
} from '../../testing';
import type { CreatePartnerInput } from './schemas';

const tag = () => randomBytes(3).toString('hex');

function partnerInput(overrides: Partial<CreatePartnerInput> = {}): CreatePartnerInput {
  return {
    name: `PostNL ${tag()}`,
    carrierCodes: ['POSTNL'],
    contact: { name: 'Petra Partner', email: 'petra@postnl.example', phone: '+31 88 868 6161' },
    ...overrides,
  };
}

describe('carrier partners: operators create, list, read and change them', () => {
  let platform: TestPlatform;
  let operatorToken: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    operatorToken = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => platform.close());

  const operator = () => platform.caller({ token: operatorToken });

  it('creates a partner organization with its carrier codes (normalised like orders’) and contact', async () => {
    const name = `DHL Parcel ${tag()}`;
    const created = await operator().partners.create({
      name,
      carrierCodes: [' dhl ', 'dhl_express'],
      contact: { name: 'Dirk de Vries', email: 'Dirk@DHL.example' },
    });
    expect(created).toEqual({
      id: expect.any(String),
      name,
      carrierCodes: ['DHL', 'DHL_EXPRESS'],
      contact: { name: 'Dirk de Vries', email: 'dirk@dhl.example', phone: null },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const organization = await platform.database.db
      .selectFrom('organizations')
      .select(['name', 'type'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(organization).toEqual({ name, type: 'partner' });
    const events = await platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'payload'])
      .where('resource_id', '=', created.id)
      .execute();
    expect(events).toEqual([
      {
        type: 'partner.created',
        payload: { partnerId: created.id, name, carrierCodes: ['DHL', 'DHL_EXPRESS'] },
      },
    ]);
    expect(await operator().partners.get({ id: created.id })).toEqual(created);
  });

  it('lets a carrier code belong to several partners, and refuses a second partner of the same name', async () => {
    const first = await operator().partners.create(partnerInput({ carrierCodes: ['GLS'] }));
    const subcontractor = await operator().partners.create(partnerInput({ carrierCodes: ['GLS', 'BPOST'] }));
    expect(subcontractor.carrierCodes).toEqual(['BPOST', 'GLS']);
    const listed = await operator().partners.list({ limit: 200, carrier: 'gls' });
    expect(listed.items.map((p) => p.id).sort()).toEqual([first.id, subcontractor.id].sort());

    const taken = await appErrorOf(
      operator().partners.create(partnerInput({ name: first.name.toUpperCase() })),
    );
    expect(taken).toMatchObject({
      kind: 'conflict',
      code: 'partner_name_taken',
      errors: [{ field: 'name', message: 'is the name of another partner', code: 'already_exists' }],
    });
  });

  it('lists partners by name, searching part of the name', async () => {
    const word = `Koerier${tag()}`;
    const names = [`Zuid ${word}`, `Alpha ${word}`, `Midden ${word}`];
    for (const name of names) await operator().partners.create(partnerInput({ name }));
    const first = await operator().partners.list({ limit: 2, q: word.toLowerCase() });
    expect(first.items.map((p) => p.name)).toEqual([`Alpha ${word}`, `Midden ${word}`]);
    const second = await operator().partners.list({ limit: 2, q: word, cursor: first.nextCursor! });
    expect(second.items.map((p) => p.name)).toEqual([`Zuid ${word}`]);
    expect(second.nextCursor).toBeNull();
  });

  it('changes carrier codes (the whole list) and contact fields sent, and records what changed', async () => {
    const partner = await operator().partners.create(partnerInput({ carrierCodes: ['DPD'] }));
    const updated = await operator().partners.update({
      id: partner.id,
      carrierCodes: ['ups', 'DPD'],
      contact: { phone: null, email: 'Planning@Carrier.example' },
    });
    expect(updated).toMatchObject({
      carrierCodes: ['DPD', 'UPS'],
      contact: { name: 'Petra Partner', email: 'planning@carrier.example', phone: null },
    });
    const unchanged = await operator().partners.update({ id: partner.id, carrierCodes: ['UPS', 'DPD'] });
    expect(unchanged).toEqual(updated);
    const events = await platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'payload'])
      .where('resource_id', '=', partner.id)
      .where('type', '=', 'partner.updated')
      .execute();
    expect(events).toEqual([
      {
        type: 'partner.updated',
        payload: {
          partnerId: partner.id,
          changed: ['contact.email', 'contact.phone', 'carrierCodes'],
          carrierCodes: ['DPD', 'UPS'],
        },
      },
    ]);
  });

  it('keeps partners to operators: a merchant cannot create or see them, a partner’s users read only their own', async () => {
    const partner = await createTestPartner(platform, ['POSTNL']);
    const other = await createTestPartner(platform, ['DHL']);
    const merchant = await createTestMerchant(platform);
    const asMerchant = platform.caller({ token: merchant.token });
    expect((await appErrorOf(asMerchant.partners.create(partnerInput()))).kind).toBe('forbidden');
    expect((await appErrorOf(asMerchant.partners.get({ id: partner.id }))).kind).toBe('not_found');
    expect(
      (await appErrorOf(asMerchant.partners.update({ id: partner.id, carrierCodes: ['DHL'] }))).kind,
    ).toBe('not_found');
    expect((await asMerchant.partners.list({ limit: 200 })).items).toEqual([]);

    const admin = await createTestPartnerUser(platform, partner.id, 'partner_admin');
    const asPartnerAdmin = platform.caller({ token: admin.token });
    expect((await asPartnerAdmin.partners.list({ limit: 200 })).items.map((p) => p.id)).toEqual([partner.id]);
    expect((await asPartnerAdmin.partners.get({ id: partner.id })).carrierCodes).toEqual(['POSTNL']);
    expect((await appErrorOf(asPartnerAdmin.partners.get({ id: other.id }))).kind).toBe('not_found');
    // Its carrier codes decide which parcels its drivers reach: only IPAY changes them.
    const widen = await appErrorOf(asPartnerAdmin.partners.update({ id: partner.id, carrierCodes: ['DHL'] }));
    expect(widen.kind).toBe('forbidden');
    expect((await appErrorOf(asPartnerAdmin.partners.create(partnerInput()))).kind).toBe('forbidden');

    const driver = await createTestPartnerUser(platform, partner.id, 'driver');
    expect(
      (await appErrorOf(platform.caller({ token: driver.token }).partners.list({ limit: 1 }))).kind,
    ).toBe('forbidden');
  });

  describe('over REST', () => {
    it('creates, lists, reads and changes a partner at /api/admin/partners', async () => {
      const name = `bpost ${tag()}`;
      const created = await http(platform.baseUrl, 'POST', '/api/admin/partners', {
        token: operatorToken,
        body: {
          name,
          carrierCodes: ['BPOST'],
          contact: { name: 'Bart', email: 'bart@bpost.example', phone: '+32 2 201 23 45' },
        },
      });
      expect(created.status).toBe(200);
      const id = created.body.id as string;
      const listed = await http(
        platform.baseUrl,
        'GET',
        `/api/admin/partners?q=${encodeURIComponent(name)}`,
        {
          token: operatorToken,
        },
      );
      expect(listed.body).toEqual({ items: [created.body], nextCursor: null });
      expect(
        (await http(platform.baseUrl, 'GET', `/api/admin/partners/${id}`, { token: operatorToken })).body,
      ).toEqual(created.body);
      const patched = await http(platform.baseUrl, 'PATCH', `/api/admin/partners/${id}`, {
        token: operatorToken,
        body: { carrierCodes: ['BPOST', 'BPOST_EXPRESS'] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.carrierCodes).toEqual(['BPOST', 'BPOST_EXPRESS']);
      const taken = await http(platform.baseUrl, 'POST', '/api/admin/partners', {
        token: operatorToken,
        body: { name, carrierCodes: ['BPOST'], contact: { name: 'B', email: 'b@bpost.example' } },
      });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ code: 'partner_name_taken', errors: [{ field: 'name' }] });
      const missing = await http(
        platform.baseUrl,
        'GET',
        '/api/admin/partners/00000000-0000-4000-8000-000000000000',
        { token: operatorToken },
      );
      expect(missing.status).toBe(404);
    });

    it('names every field it refuses', async () => {
      const refused = await http(platform.baseUrl, 'POST', '/api/admin/partners', {
        token: operatorToken,
        body: {
          name: '',
          carrierCodes: ['POSTNL', 'post nl', 'postnl'],
          contact: { name: 'Petra', email: 'not-an-address', phone: 'call me' },
        },
      });
      expect(refused.status).toBe(400);
      const fields = (refused.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
      expect(fields).toEqual(['carrierCodes.1', 'carrierCodes.2', 'contact.email', 'contact.phone', 'name']);

      const noCodes = await http(platform.baseUrl, 'POST', '/api/admin/partners', {
        token: operatorToken,
        body: { name: `X ${tag()}`, carrierCodes: [], contact: { name: 'X', email: 'x@example.test' } },
      });
      expect(noCodes.status).toBe(400);
      expect(noCodes.body.errors.map((e: { field: string }) => e.field)).toEqual(['carrierCodes']);

      const partner = await createTestPartner(platform, ['POSTNL']);
      const rename = await http(platform.baseUrl, 'PATCH', `/api/admin/partners/${partner.id}`, {
        token: operatorToken,
        body: { name: 'Another name' },
      });
      expect(rename.status).toBe(400);
      expect(rename.body.errors.map((e: { field: string }) => e.field)).toContain('name');
      const nothing = await http(platform.baseUrl, 'PATCH', `/api/admin/partners/${partner.id}`, {
        token: operatorToken,
        body: {},
      });
      expect(nothing.status).toBe(400);
    });
  });
});
