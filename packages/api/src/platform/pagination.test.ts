import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchInvoiceImport } from '../domains/carrier-reconciliation/service/matching';
import { storeTariff, type ParsedTariff } from '../domains/carrier-tariffs/service/import-tariffs';
import { buildOpenApiDocument } from '../openapi/document';
import {
  createTestMerchant,
  createTestParcel,
  createTestPartner,
  createTestPartnerUser,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestSponsor,
  createTestUser,
  http,
  iqpayOrderBody,
  orderBody,
  payTestOrder,
  relayTestEvents,
  signInTestConsumer,
  TEST_PASSWORD,
  upsInvoiceCsv,
  upsTrackingNumber,
  type TestPlatform,
  type TestSponsorSetup,
} from '../testing';

/** Rows per list: more than the smallest pages, fewer than one page of 200 (the reference listing). */
const ROWS = 13;
const PAGE_SIZES = [1, 4, 6, 13, 50];

interface Listed {
  items: Array<{ id: string | number }>;
  nextCursor: string | null;
}

interface SeededList {
  /** The list's path with its parameters filled in. */
  path: string;
  token: string;
  /** The table whose `created_at` orders the list; absent for lists ordered by name or code. */
  table?: string;
  /** Where the page sits in the answer when it is not the answer itself (the wallet's `transfers`). */
  pageField?: string;
}

const pageIn = (answer: unknown, list: SeededList): Listed =>
  (list.pageField ? (answer as Record<string, Listed>)[list.pageField] : answer) as Listed;

/** Every GET in the document that answers a page: a new list fails this test until it has a seeder. */
function paginatedOperations(): string[] {
  const document = JSON.stringify(buildOpenApiDocument('http://localhost'));
  const paths = (JSON.parse(document) as { paths: Record<string, { get?: unknown }> }).paths;
  return Object.entries(paths)
    .filter(([, item]) => JSON.stringify(item.get ?? {}).includes('"limit"'))
    .filter(([, item]) => JSON.stringify(item.get ?? {}).includes('"cursor"'))
    .map(([path]) => path)
    .sort();
}

describe('cursor pagination over every list', () => {
  let platform: TestPlatform;
  let sponsor: TestSponsorSetup;
  let merchantToken: string;
  const seeded = new Map<string, SeededList>();

  const call = async <T = unknown>(method: string, path: string, token: string, body?: unknown) => {
    const res = await http<T>(platform.baseUrl, method, path, { token, body });
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** One after another: rows created concurrently would hide nothing, but the order of ids would vary. */
  async function times<T>(count: number, make: (index: number) => Promise<T>): Promise<T[]> {
    const made: T[] = [];
    for (const index of indices(count)) made.push(await make(index));
    return made;
  }

  async function seedCommerce(): Promise<void> {
    const merchant = await createTestMerchant(platform);
    merchantToken = merchant.token;
    const token = merchant.token;
    await times(ROWS, (i) => call('POST', '/api/rbac/roles', token, { name: `Role ${i}` }));
    const orders = await times(ROWS, () => call<{ id: string }>('POST', '/api/orders', token, orderBody()));
    for (const order of orders) await call('POST', `/api/orders/${order.id}/create-session`, token);
    const endpoints = await times(ROWS, () =>
      call<{ id: string }>('POST', '/api/webhook-endpoints', token, { url: 'https://203.0.113.10/hooks' }),
    );
    const events = await platform.database.db
      .selectFrom('domain_events')
      .select('id')
      .where('organization_id', '=', merchant.user.organization.id)
      .limit(ROWS)
      .execute();
    await platform.database.db
      .insertInto('webhook_deliveries')
      .values(
        endpoints.flatMap((endpoint) =>
          events.map((event) => ({ endpoint_id: endpoint.id, event_id: event.id })),
        ),
      )
      .execute();
    await platform.database.db
      .insertInto('email_outbox')
      .values(indices(ROWS).map((i) => ({ to: `person${i}@example.test`, subject: 'Hello', text: 'Hi' })))
      .execute();
    const memberRole = await platform.database.db
      .selectFrom('roles')
      .select('id')
      .where('system_key', '=', 'merchant_user')
      .executeTakeFirstOrThrow();
    await times(ROWS, () => createTestUser(platform, merchant.user.organization.id, ['merchant_user']));
    await times(ROWS, (i) =>
      call('POST', '/api/members/invitations', token, {
        email: `invitee-${i}-${randomBytes(3).toString('hex')}@example.test`,
        roleIds: [memberRole.id],
      }),
    );
    seeded.set('/api/members', { path: '/api/members', token, table: 'users' });
    seeded.set('/api/members/invitations', {
      path: '/api/members/invitations',
      token,
      table: 'user_invitations',
    });
    seeded.set('/api/rbac/roles', { path: '/api/rbac/roles', token, table: 'roles' });
    seeded.set('/api/orders', { path: '/api/orders', token, table: 'orders' });
    // The orders above carry orderBody's address: its consumer sees them all.
    const consumer = await signInTestConsumer(platform, orderBody().customer.email);
    seeded.set('/api/consumer/parcels', {
      path: '/api/consumer/parcels',
      token: consumer.token,
      table: 'orders',
    });
    await seedWallet(consumer.token, consumer.email);
    seeded.set('/api/payment-sessions', { path: '/api/payment-sessions', token, table: 'payment_sessions' });
    seeded.set('/api/webhook-endpoints', {
      path: '/api/webhook-endpoints',
      token,
      table: 'webhook_endpoints',
    });
    seeded.set('/api/webhook-endpoints/{id}/deliveries', {
      path: `/api/webhook-endpoints/${endpoints[0]?.id}/deliveries`,
      token,
      table: 'webhook_deliveries',
    });
    seeded.set('/api/events/{eventId}/deliveries', {
      path: `/api/events/${events[0]?.id}/deliveries`,
      token,
      table: 'webhook_deliveries',
    });
  }

  /** Credits to one consumer's wallet; transfers are immutable, so their times are left as written. */
  async function seedWallet(consumerToken: string, email: string): Promise<void> {
    const operator = (await createTestPlatformAdmin(platform)).token;
    const tag = randomBytes(3).toString('hex');
    await times(ROWS, async (i) => {
      const res = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
        token: operator,
        headers: { 'idempotency-key': `page-${tag}-${i}` },
        body: { email, amountMinor: 100 + i, currency: 'EUR', reason: `Goodwill ${i}` },
      });
      if (res.status !== 200) throw new Error(`credit ${i}: ${res.status} ${JSON.stringify(res.body)}`);
    });
    seeded.set('/api/wallet/balance', {
      path: '/api/wallet/balance',
      token: consumerToken,
      pageField: 'transfers',
    });
    seeded.set('/api/admin/wallet/balance', {
      path: `/api/admin/wallet/balance?email=${encodeURIComponent(email)}`,
      token: operator,
      pageField: 'transfers',
    });
  }

  /** The consumer side's lists: points history, deals (managed and the feed), loyalty cards (issued and kept). */
  async function seedConsumerSide(): Promise<void> {
    const merchant = await createTestMerchant(platform);
    const email = `pages-${randomBytes(4).toString('hex')}@example.com`;
    await times(ROWS, () => payTestOrder(platform, { email, merchant }));
    await relayTestEvents(platform);
    const consumer = await signInTestConsumer(platform, email);
    seeded.set('/api/points/me', {
      path: '/api/points/me',
      token: consumer.token,
      table: 'points_entries',
      pageField: 'history',
    });
    const window = { starts_at: '2026-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z' };
    await times(ROWS, (i) =>
      call('POST', '/api/deals', merchant.token, {
        title: `Deal ${i}`,
        description: 'Page test.',
        ...window,
      }),
    );
    seeded.set('/api/deals', { path: '/api/deals', token: merchant.token, table: 'deals' });
    seeded.set('/api/deals/feed', { path: '/api/deals/feed', token: consumer.token });
    const tag = randomBytes(3).toString('hex');
    await times(ROWS, (i) =>
      call('POST', '/api/loyalty-cards', merchant.token, { email: `card-${tag}-${i}@example.com` }),
    );
    await times(ROWS, (i) =>
      call('POST', '/api/wallet/loyalty-cards', consumer.token, {
        storeName: `Store ${i}`,
        cardNumber: `PAGE-${tag}-${i}`,
        barcodeFormat: 'code128',
      }),
    );
    seeded.set('/api/loyalty-cards', {
      path: '/api/loyalty-cards',
      token: merchant.token,
      table: 'loyalty_cards',
    });
    seeded.set('/api/wallet/loyalty-cards', {
      path: '/api/wallet/loyalty-cards',
      token: consumer.token,
      table: 'loyalty_cards',
    });
    const sessions = await platform.database.db
      .selectFrom('payment_sessions')
      .select('pay_token')
      .where('merchant_id', '=', merchant.user.organization.id)
      .orderBy('created_at')
      .execute();
    await times(ROWS, (i) =>
      call('POST', '/api/returns/open', '', {
        payToken: sessions[i]?.pay_token,
        items: [{ position: 0, quantity: 1, reason: 'DOES_NOT_FIT' }],
        refundMethod: 'WALLET_CREDIT',
      }),
    );
    seeded.set('/api/returns', { path: '/api/returns', token: merchant.token });
  }

  async function seedBenefitCards(): Promise<void> {
    sponsor = await createTestSponsor(platform, { channel: 'sms' });
    const operator = sponsor.operatorToken;
    const tag = randomBytes(3).toString('hex');
    await times(ROWS, (i) =>
      call('POST', '/api/benefit-cards/sponsors', operator, { name: `Sponsor ${tag} ${i}` }),
    );
    await times(ROWS, (i) =>
      call('POST', '/api/benefit-cards/sponsor-users', operator, {
        organizationId: sponsor.organizationId,
        username: `member-${tag}-${i}`,
        password: TEST_PASSWORD,
        name: `Member ${i}`,
        email: `member-${tag}-${i}@example.test`,
        role: 'sponsor_user',
      }),
    );
    await times(ROWS, (i) =>
      call('POST', '/api/benefit-cards/products', operator, {
        code: `P${i}-${tag}`,
        name: `Card ${i}`,
        category: 'food',
        cardProvider: 'Prepaid Co',
        faceValueMinor: 500,
        currency: 'USD',
      }),
    );
    await times(ROWS, (i) =>
      call('POST', '/api/benefit-cards/programs', operator, {
        organizationId: sponsor.organizationId,
        code: `PRG${i}-${tag}`,
        name: `Program ${i}`,
        productCodes: sponsor.productCodes,
        deliveryChannel: 'email',
        currency: 'USD',
      }),
    );
    await times(ROWS, () =>
      call('POST', `/api/benefit-cards/programs/${sponsor.programId}/budget/top-ups`, operator, {
        amountMinor: 100,
      }),
    );
    await times(ROWS, (i) =>
      call('POST', '/organization/Sponsor/Order/CreateOrderWithMember', sponsor.adminToken, {
        ...iqpayOrderBody(sponsor),
        email: `member${i}@example.com`,
      }),
    );
    await platform.database.db
      .insertInto('sms_outbox')
      .values(indices(ROWS).map((i) => ({ to: `+3161234567${i % 10}`, text: 'Your card' })))
      .execute();
    const lists: Array<[string, string, string | undefined]> = [
      ['/api/benefit-cards/sponsors', '/api/benefit-cards/sponsors', undefined],
      ['/api/benefit-cards/sponsor-users', '/api/benefit-cards/sponsor-users', 'users'],
      ['/api/benefit-cards/products', '/api/benefit-cards/products', undefined],
      ['/api/benefit-cards/programs', '/api/benefit-cards/programs', 'benefit_programs'],
      [
        '/api/benefit-cards/programs/{programId}/budget/transactions',
        `/api/benefit-cards/programs/${sponsor.programId}/budget/transactions`,
        'benefit_budget_transactions',
      ],
      ['/api/benefit-cards/sms-outbox', '/api/benefit-cards/sms-outbox', 'sms_outbox'],
      ['/api/benefit-cards/orders', '/api/benefit-cards/orders', 'benefit_orders'],
      ['/api/admin/email-outbox', '/api/admin/email-outbox', 'email_outbox'],
    ];
    for (const [operation, path, table] of lists) seeded.set(operation, { path, token: operator, table });
  }

  async function seedCarriers(): Promise<void> {
    const operator = (await createTestPlatformAdmin(platform)).token;
    const tag = randomBytes(3).toString('hex').toUpperCase();
    await times(ROWS, (i) =>
      call('POST', '/api/admin/partners', operator, {
        name: `Carrier ${tag} ${i}`,
        carrierCodes: [`C${i}-${tag}`],
        contact: { name: `Contact ${i}`, email: `carrier${i}@example.test` },
      }),
    );
    seeded.set('/api/admin/partners', { path: '/api/admin/partners', token: operator });
    const carrierCode = `PARCELS-${tag}`;
    const partner = await createTestPartner(platform, [carrierCode]);
    const driver = await createTestPartnerUser(platform, partner.id, 'driver');
    const merchant = await createTestMerchant(platform);
    await times(ROWS, () => createTestParcel(platform, { merchant, carrierCode }));
    seeded.set('/api/driver/parcels', {
      path: '/api/driver/parcels',
      token: driver.token,
      table: 'payment_sessions',
    });
  }

  /** A small tariff: one zone, one break; only the listing is under test here. */
  function tariff(carrier: string, effectiveFrom: string): ParsedTariff {
    return {
      carrier,
      carrierName: `Carrier ${carrier}`,
      service: 'STANDARD',
      serviceName: 'Standard',
      origin: 'NL',
      effectiveFrom,
      currency: 'EUR',
      volumetricDivisor: 5000,
      weightStepGrams: 100,
      body: {
        zones: [{ country: 'NL', postcodeFrom: null, postcodeTo: null, zone: '1' }],
        rates: [{ zone: '1', breaks: [{ upToGrams: 10_000, priceMinor: 695 }], additional: null }],
        surcharges: [],
        remoteAreas: [],
      },
    };
  }

  /** Batches of a few days with several revisions each: the list is ordered by day, then revision, then id. */
  async function seedFinanceBatches(): Promise<void> {
    const operator = (await createTestPlatformAdmin(platform)).token;
    const totals = JSON.stringify({ totals: [], unmapped_accounts: [] });
    await platform.database.db
      .insertInto('finance_batches')
      .values(
        indices(ROWS).map((i) => ({
          day: `2026-10-0${1 + (i % 4)}`,
          revision: 1 + Math.floor(i / 4),
          status: i % 3 ? ('superseded' as const) : ('pending' as const),
          content_hash: `hash-${i}`,
          totals,
        })),
      )
      .execute();
    seeded.set('/api/finance/batches', { path: '/api/finance/batches', token: operator });
  }

  async function seedCarrierTariffs(): Promise<void> {
    const operator = (await createTestPlatformAdmin(platform)).token;
    const tag = randomBytes(3).toString('hex').toUpperCase();
    const carrier = `T${tag}`;
    const { db } = platform.database;
    await times(ROWS, (i) =>
      db.transaction().execute((trx) => storeTariff(trx, tariff(`T${tag}${i}`, '2026-01-01'))),
    );
    await times(ROWS, (i) =>
      db
        .transaction()
        .execute((trx) => storeTariff(trx, tariff(carrier, `2026-02-${String(i + 1).padStart(2, '0')}`))),
    );
    await times(ROWS, (i) =>
      call('PUT', `/api/admin/carrier-tariffs/${carrier}/fuel`, operator, {
        publishedPercent: `${10 + i}`,
        discountPercent: '0',
        discountMode: 'points',
        effectiveFrom: `2026-03-${String(i + 1).padStart(2, '0')}`,
        reason: `index ${i}`,
      }),
    );
    await times(ROWS, async (i) => {
      const form = new FormData();
      const invoice = upsInvoiceCsv({
        invoiceNumber: `INV-${tag}-${i}`,
        shipments: [
          {
            shipDate: '2026-11-20',
            pieces: [
              {
                trackingNumber: upsTrackingNumber(i),
                billedWeight: '1.0',
                zone: '2',
                freight: '5.10',
                fuel: '0.80',
              },
            ],
          },
        ],
      });
      form.append('file', new Blob([invoice]), `invoice-${i}.csv`);
      const response = await fetch(`${platform.baseUrl}/api/admin/carrier-tariffs/UPS/invoice-upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operator}` },
        body: form,
      });
      if (response.status !== 200)
        throw new Error(`invoice upload: ${response.status} ${await response.text()}`);
    });
    // One import billing ROWS pieces, matched: its reconciliations are a list of their own.
    const form = new FormData();
    const pieces = Array.from({ length: ROWS }, (_, i) => ({
      trackingNumber: upsTrackingNumber(500 + i),
      billedWeight: '1.0',
      zone: '2',
      freight: '5.10',
      fuel: '0.80',
    }));
    form.append(
      'file',
      new Blob([
        upsInvoiceCsv({ invoiceNumber: `INV-${tag}-M`, shipments: [{ shipDate: '2026-11-20', pieces }] }),
      ]),
      'matched.csv',
    );
    const uploaded = await fetch(`${platform.baseUrl}/api/admin/carrier-tariffs/UPS/invoice-upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
      body: form,
    });
    const matchedImport = ((await uploaded.json()) as { import: { id: string } }).import.id;
    await matchInvoiceImport(platform.database.db, matchedImport);
    // ROWS pieces of one order shipped 60 days ago that no invoice billed.
    const order = await call<{ id: string }>(
      'POST',
      '/api/orders',
      merchantToken,
      orderBody({ carrier_code: 'UPS' }),
    );
    const shipDate = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    await call('PUT', `/api/orders/${order.id}/shipment`, merchantToken, {
      ship_date: shipDate,
      parcels: Array.from({ length: ROWS }, (_, i) => ({
        tracking_number: `COVER${tag}${i}`,
        weight_grams: 900,
      })),
    });
    const lists: Array<[string, string, string?]> = [
      [
        '/api/admin/carrier-tariffs/{cc}/invoices/{import_id}/reconciliations',
        `/api/admin/carrier-tariffs/UPS/invoices/${matchedImport}/reconciliations`,
      ],
      ['/api/admin/carrier-tariffs/{cc}/billing-coverage', '/api/admin/carrier-tariffs/UPS/billing-coverage'],
      ['/api/admin/carrier-tariffs', '/api/admin/carrier-tariffs'],
      // Versions refuse every update, so their created_at stays as written (no ties made below).
      ['/api/admin/carrier-tariffs/{carrier}/versions', `/api/admin/carrier-tariffs/${carrier}/versions`],
      [
        '/api/admin/carrier-tariffs/{carrier}/fuel',
        `/api/admin/carrier-tariffs/${carrier}/fuel`,
        'tariff_fuel_surcharges',
      ],
      [
        '/api/admin/carrier-tariffs/{cc}/invoices',
        '/api/admin/carrier-tariffs/UPS/invoices',
        'carrier_invoice_imports',
      ],
    ];
    for (const [operation, path, table] of lists) seeded.set(operation, { path, token: operator, table });
  }

  beforeAll(async () => {
    platform = await createTestPlatform();
    await seedCommerce();
    await seedCarriers();
    await seedConsumerSide();
    await seedBenefitCards();
    await seedCarrierTariffs();
    await seedFinanceBatches();
    // Rows written in one transaction share `now()`; a batch spans microseconds of one millisecond. Both at
    // once: every list's rows tie in groups and differ below the millisecond.
    for (const table of new Set([...seeded.values()].flatMap((list) => (list.table ? [list.table] : [])))) {
      await sql`update ${sql.table(table)} set created_at = timestamptz '2026-11-29 10:00:00.123000+00'
        + (abs(hashtext(id::text)) % 3) * interval '1 microsecond'`.execute(platform.database.db);
    }
  }, 240_000);
  afterAll(() => platform.close());

  it('has a seeded list for every paginated operation in the document', () => {
    expect([...seeded.keys()].sort()).toEqual(paginatedOperations());
    expect(merchantToken).toBeTruthy();
  });

  it('walks every list by its own nextCursor without losing or repeating a row, at several page sizes', async () => {
    for (const [operation, list] of seeded) {
      const join = list.path.includes('?') ? '&' : '?';
      const all = pageIn(await call('GET', `${list.path}${join}limit=200`, list.token), list);
      expect(all.nextCursor, operation).toBeNull();
      expect(all.items.length, operation).toBeGreaterThanOrEqual(ROWS);
      for (const limit of PAGE_SIZES) {
        const walked: Array<string | number> = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const page: Listed = pageIn(
            await call('GET', `${list.path}${join}limit=${limit}${query}`, list.token),
            list,
          );
          expect(page.items.length, operation).toBeLessThanOrEqual(limit);
          walked.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(walked, `${operation} with limit=${limit}`).toEqual(all.items.map((item) => item.id));
      }
    }
  });

  it('refuses a hand-made cursor whose values its columns cannot hold with a 400 naming the cursor', async () => {
    for (const values of [
      ['not a time', 'x'],
      ['2026-11-29 10:00:00+00', 'not-a-uuid'],
      ['\u0000', 'x'],
    ]) {
      const cursor = Buffer.from(JSON.stringify(values)).toString('base64url');
      const res = await http(platform.baseUrl, 'GET', `/api/orders?cursor=${cursor}`, {
        token: merchantToken,
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errors: [{ field: 'cursor' }] });
    }
  });
});

function indices(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
