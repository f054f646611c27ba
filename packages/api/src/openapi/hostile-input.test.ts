import { createHmac } from 'node:crypto';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPartner,
  createTestLockerSecret,
  createTestPaymentSession,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestReconciliations,
  createTestSponsor,
  createTestUser,
  http,
  startFakeExact,
  FAKE_SENDCLOUD_KEYS,
  startFakeSendcloud,
  startFakeStripe,
  type FakeServer,
  iqpayOrderBody,
  lockerIssuedBody,
  orderBody,
  payTokenOf,
  signInTestConsumer,
  TEST_PASSWORD,
  type TestPlatform,
  type TestSponsorSetup,
} from '../testing';
import { queueEmail } from '../domains/notifications/service';
import { lockerSignatureHeader } from '../domains/lockers/service/signature';
import type { HostileRequest } from '../testing/hostile-input/request';
import {
  baseRequest,
  deriveSeed,
  formatReport,
  listOperations,
  planCases,
  render,
  resolveSchema,
  seededRandom,
  sendRaw,
  verdict,
  type Fixtures,
  type HostileFailure,
  type Operation,
  type Role,
} from '../testing/hostile-input';

// Fixed so CI is reproducible; HOSTILE_SEED=<n> explores other cases, HOSTILE_ONLY=<operationId part> narrows.
const SEED = Number(process.env.HOSTILE_SEED ?? 20261129);
const ONLY = process.env.HOSTILE_ONLY;
const CASES_AS_USER = Number(process.env.HOSTILE_CASES ?? 10);
// HOSTILE_BASELINE=1 prints the status of each operation's valid request: how deep the cases get.
const BASELINE = process.env.HOSTILE_BASELINE === '1';
const CASES_ANONYMOUS_ON_SECURED = Math.ceil(CASES_AS_USER / 3);
const PUBLIC_URL = 'https://203.0.113.10/ipay/webhooks';

// Reads before writes, deletes last: a case that succeeds in deleting a fixture row should not hide the rest.
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const CONSUMER_PATHS = /^\/api\/(?:consumer\/|share-payment\/|wallet\/|deals\/feed$)/;
const SPONSOR_PATHS = /^\/(?:api\/benefit-cards|organization|identity|api\/cards)\//;

interface World {
  roles: { anonymous: Role; merchant: Role; operator: Role; sponsor: Role; consumer: Role };
  sponsor: TestSponsorSetup;
  merchantEmail: string;
  sampleCsv: string;
  roleId: string;
  /** A path parameter's value for routes matching the pattern; the parameter's name where a route has two. */
  paths: Array<[RegExp, string, string?]>;
  /** POSTNL's locker secret, and the IPAY reference of one of its parcels, so locker calls get past the signature. */
  locker: { secret: string; reference: string };
  /** The pay token of the merchant's session, so opening a return gets past validation to the service. */
  returnsPayToken: string;
}

const LOCKER_CALL = /^\/api\/lockers\/(\{carrier\}\/)?issue-code$/;

/**
 * A carrier's locker call is signed over the exact bytes sent, so each case is signed after it is built (cases
 * that set the signature header themselves keep theirs); unsigned, the cases would only ever meet the 401.
 */
function signedLockerCall(operation: Operation, request: HostileRequest, world: World): HostileRequest {
  if (!LOCKER_CALL.test(operation.path) || 'x-ipay-signature' in request.headers) return request;
  const signature = lockerSignatureHeader(world.locker.secret, request.body ?? '');
  return { ...request, headers: { ...request.headers, 'x-ipay-signature': signature } };
}

const SENDCLOUD_WEBHOOK = '/api/webhooks/sendcloud/returns';

/** Sendcloud's webhook is signed over the exact bytes too (Sendcloud-Signature, hex); signed, cases get past the 401. */
function signedSendcloudCall(operation: Operation, request: HostileRequest): HostileRequest {
  if (operation.path !== SENDCLOUD_WEBHOOK || 'sendcloud-signature' in request.headers) return request;
  const signature = createHmac('sha256', FAKE_SENDCLOUD_KEYS.secretKey)
    .update(request.body ?? '')
    .digest('hex');
  return { ...request, headers: { ...request.headers, 'sendcloud-signature': signature } };
}

const DEAL_STARTS = '2026-01-01T00:00:00Z';
const DEAL_ENDS = '2099-01-01T00:00:00Z';
function dealFixture() {
  return { title: 'Hostile deal', description: 'Plain text.', starts_at: DEAL_STARTS, ends_at: DEAL_ENDS };
}

async function idOf(promise: Promise<{ id: string | number } | undefined>, what: string): Promise<string> {
  const row = await promise;
  if (!row) throw new Error(`fixture missing: ${what}`);
  return String(row.id);
}

/** One of each row the routes address, owned by the merchant or the sponsor, created as a client would. */
async function buildWorld(platform: TestPlatform): Promise<World> {
  const { db } = platform.database;
  const base = platform.baseUrl;
  const merchant = await createTestMerchant(platform);
  const operator = await createTestPlatformAdmin(platform);
  const sponsor = await createTestSponsor(platform, { channel: 'sms' });
  const organizationId = merchant.user.organization.id;
  const member = await createTestUser(platform, organizationId, ['merchant_user']);
  const paid = await createTestPaymentSession(platform, merchant);
  const partner = await createTestPartner(platform, ['POSTNL']);
  // The address of the merchant's orders (orderBody's), so the consumer's parcels list is not empty.
  const consumer = await signInTestConsumer(platform, orderBody().customer.email);
  const endpoint = await http(base, 'POST', '/api/webhook-endpoints', {
    token: merchant.token,
    body: { url: PUBLIC_URL },
  });
  await http(base, 'POST', `/api/webhook-endpoints/${endpoint.body.id}/test`, { token: merchant.token });
  const role = await http(base, 'POST', '/api/rbac/roles', {
    token: merchant.token,
    body: { name: 'Hostile role' },
  });
  const sampleCsv = (await http<string>(base, 'GET', '/api/orders/sample.csv', { token: merchant.token }))
    .body;
  const card = await http(base, 'POST', '/organization/Sponsor/Order/CreateOrderWithMember', {
    token: sponsor.adminToken,
    body: iqpayOrderBody(sponsor),
  });
  if (card.status !== 200) throw new Error(`iQpay order: ${card.status} ${JSON.stringify(card.body)}`);
  const upload = new FormData();
  upload.append('file', new Blob([sampleCsv], { type: 'text/csv' }), 'orders.csv');
  await fetch(`${base}/api/orders/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchant.token}` },
    body: upload,
  });

  const benefitOrder = await db
    .selectFrom('benefit_orders')
    .select(['id', 'external_transaction_id'])
    .executeTakeFirstOrThrow();
  const benefitCard = await db
    .selectFrom('benefit_cards')
    .select(['id', 'activation_code'])
    .executeTakeFirstOrThrow();
  const sponsorUser = await idOf(
    db.selectFrom('users').select('id').where('username', '=', sponsor.userUsername).executeTakeFirst(),
    'sponsor user',
  );
  // A carrier's reconciled invoice with one line flagged: its statement exists for the statement routes.
  const invoice = await createTestReconciliations(db, {
    carrier: 'HSTL',
    lines: [{ status: 'MISMATCH', billedMinor: 1_500, expectedMinor: 1_000, causes: ['weight'] }],
  });
  const flagged = await platform
    .caller({ token: operator.token })
    .carrierStatements.requestCredit({ cc: 'HSTL', id: invoice.ids[0] ?? '', reason: 'Over-billed weight' });
  const emailId = await db.transaction().execute((trx) =>
    queueEmail(trx, {
      to: 'billing@carrier.example',
      subject: 'Credit statement',
      text: 'Attached.',
      attachments: [
        { filename: 'statement.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') },
      ],
    }),
  );
  const attachmentId = await idOf(
    db.selectFrom('email_attachments').select('id').where('email_id', '=', emailId).executeTakeFirst(),
    'e-mail attachment',
  );
  const deal = await platform.caller({ token: merchant.token }).deals.create(dealFixture());
  // Retired early (POSTs run before PUT and PATCH), so retire gets a deal of its own.
  const dealToRetire = await platform.caller({ token: merchant.token }).deals.create(dealFixture());
  const savedCard = await http(base, 'POST', '/api/wallet/loyalty-cards', {
    token: consumer.token,
    body: { storeName: 'Hostile Store', cardNumber: '4006381333931', barcodeFormat: 'ean13' },
  });
  const issuedCard = await http(base, 'POST', '/api/loyalty-cards', {
    token: merchant.token,
    body: { email: consumer.email },
  });
  const paths: Array<[RegExp, string]> = [
    [/^\/api\/deals\/\{id\}\/retire$/, dealToRetire.id],
    [/^\/api\/deals\/\{id\}/, deal.id],
    [/^\/api\/wallet\/loyalty-cards\/\{id\}/, String(savedCard.body.id)],
    [/^\/api\/loyalty-cards\/\{id\}/, String(issuedCard.body.card.id)],
    [/^\/api\/rbac\/roles\/\{id\}/, String(role.body.id)],
    [/^\/api\/rbac\/users\/\{id\}/, member.userId],
    [
      /^\/api\/orders\/uploads\/\{id\}/,
      await idOf(db.selectFrom('order_uploads').select('id').executeTakeFirst(), 'upload'),
    ],
    [/^\/api\/orders\/\{id\}/, String(paid.order.id)],
    [/^\/api\/payment-sessions\/\{id\}/, String(paid.session.id)],
    // The consumer's own session (orderBody's address): deeper than the 404 of a stranger's.
    [/^\/api\/share-payment\/\{session_id\}/, String(paid.session.id)],
    [/^\/api\/admin\/partners\/\{id\}/, partner.id],
    [/^\/api\/session\/\{token\}/, paid.token],
    // The consumer's own session (the order carries their address): the wallet's pay routes reach the service.
    [/^\/api\/wallet\/pay\/\{session_id\}/, String(paid.session.id)],
    [/^\/api\/webhook-endpoints\/\{id\}/, String(endpoint.body.id)],
    [
      /^\/api\/events\/\{eventId\}/,
      await idOf(
        db
          .selectFrom('domain_events')
          .select('id')
          .where('organization_id', '=', organizationId)
          .executeTakeFirst(),
        'event',
      ),
    ],
    [
      /^\/api\/webhook-deliveries\/\{id\}/,
      await idOf(db.selectFrom('webhook_deliveries').select('id').executeTakeFirst(), 'webhook delivery'),
    ],
    [/\{programId\}/, sponsor.programId],
    [/\{organizationId\}/, sponsor.organizationId],
    // The sponsor user, not the sponsor admin whose token plays the sponsor role: disabling it blinds no one.
    [/\{userId\}/, sponsorUser],
    [/\{externalTransactionId\}/, String(benefitOrder.external_transaction_id)],
    [/^\/api\/benefit-cards\/orders\/\{id\}/, String(benefitOrder.id)],
    [/\{cardId\}/, String(benefitCard.id)],
    [/\{code\}/, String(benefitCard.activation_code)],
    [/\{provider\}/, 'shopify'],
    [/\{cc\}/, 'HSTL'],
    [/\/reconciliations\/\{id\}/, invoice.ids[0] ?? ''],
    [/\{import_id\}/, invoice.importId],
    [/\{statement_id\}/, flagged.statement?.id ?? ''],
    [/^\/api\/admin\/email-outbox\/\{emailId\}/, emailId],
    [/^\/api\/admin\/email-outbox\/\{emailId\}\/attachments\/\{attachmentId\}/, attachmentId],
    // The admin cases rotate and retire secrets: on a carrier of their own, so POSTNL's keeps signing.
    [/^\/api\/admin\/lockers\/carriers\/\{carrier\}/, 'HSTL'],
    [/^\/api\/lockers\/\{carrier\}/, 'POSTNL'],
  ];
  return {
    roles: {
      anonymous: { name: 'anonymous' },
      merchant: { name: 'merchant', token: merchant.token },
      operator: { name: 'operator', token: operator.token },
      sponsor: { name: 'sponsor', token: sponsor.adminToken },
      consumer: { name: 'consumer', token: consumer.token },
    },
    sponsor,
    merchantEmail: merchant.user.email,
    sampleCsv,
    roleId: String(role.body.id),
    paths,
    locker: {
      secret: (await createTestLockerSecret(platform, operator.token, 'POSTNL')).secret,
      reference: String(paid.session.ipay_reference_18),
    },
    returnsPayToken: payTokenOf(String(paid.session.pay_url)),
  };
}

function fixturesOf(world: World): Fixtures {
  // By route, not operationId: a route is what a client calls, and it outlives a renamed operation.
  const bodies: Record<string, () => unknown> = {
    'POST /api/orders': () => orderBody(),
    'POST /organization/Sponsor/Order/CreateOrderWithMember': () => iqpayOrderBody(world.sponsor),
    'POST /identity/Auth/SignIn': () => ({ username: world.sponsor.userUsername, password: TEST_PASSWORD }),
    'POST /api/auth/login': () => ({ email: world.merchantEmail, password: 'not the password' }),
    'POST /api/consumer/magic-link/request': () => ({ email: 'hostile-consumer@example.test' }),
    'POST /api/consumer/magic-link/redeem': () => ({ token: 'A'.repeat(43) }),
    'POST /api/webhook-endpoints': () => ({ url: PUBLIC_URL }),
    'POST /api/lockers/issue-code': () => lockerIssuedBody({ ipay_reference: world.locker.reference }),
    'POST /api/lockers/{carrier}/issue-code': () =>
      lockerIssuedBody({ ipay_reference: world.locker.reference }),
    'POST /api/orders/upload': () => ({ file: world.sampleCsv, dry_run: 'true' }),
    'POST /api/rbac/roles': () => ({ name: 'Hostile role' }),
    'POST /api/deals': () => dealFixture(),
    'POST /api/deals/{id}/schedule': () => ({ starts_at: DEAL_STARTS, ends_at: DEAL_ENDS }),
    'PUT /api/deals/{id}/targeting': () => ({ countries: ['NL'] }),
    'PATCH /api/deals/{id}': () => ({ title: 'Hostile title' }),
    'POST /api/wallet/loyalty-cards': () => ({
      storeName: 'Hostile Store',
      cardNumber: 'HOSTILE-1',
      barcodeFormat: 'code39',
    }),
    'PATCH /api/wallet/loyalty-cards/{id}': () => ({ label: 'Renamed' }),
    'POST /api/loyalty-cards': () => ({ email: 'hostile-holder@example.test' }),
    'POST /api/returns/open': () => ({
      payToken: world.returnsPayToken,
      items: [{ position: 0, quantity: 1, reason: 'OTHER' }],
      refundMethod: 'WALLET_CREDIT',
    }),
    'POST /api/loyalty-cards/batch': () => ({ cards: [{ email: 'hostile-holder@example.test' }] }),
    'POST /api/admin/partners': () => ({
      name: 'Hostile Carrier',
      carrierCodes: ['POSTNL', 'DHL'],
      contact: { name: 'Hostile Contact', email: 'hostile-carrier@example.test', phone: '+31 88 1234567' },
    }),
    'PATCH /api/admin/partners/{id}': () => ({ carrierCodes: ['POSTNL', 'GLS'] }),
    'POST /api/rbac/users/{id}/assign-role': () => ({ roleId: world.roleId }),
    'POST /api/benefit-cards/sponsor-users': () => ({
      organizationId: world.sponsor.organizationId,
      username: 'hostile-user',
      password: TEST_PASSWORD,
      name: 'Hostile User',
      email: 'hostile-user@example.test',
      role: 'sponsor_user',
    }),
    'PATCH /api/benefit-cards/programs/{programId}': () => ({
      name: 'Renamed program',
      productCodes: world.sponsor.productCodes.slice(0, 2),
    }),
    'POST /api/benefit-cards/programs': () => ({
      organizationId: world.sponsor.organizationId,
      code: 'PRG-HOSTILE',
      name: 'Hostile program',
      productCodes: world.sponsor.productCodes,
      deliveryChannel: 'sms',
      currency: 'USD',
    }),
  };
  return {
    pathValue: (operation, name) =>
      // The pattern names the parameter it fills: a path with two ({cc} and {id}) takes one value for each.
      world.paths.find(
        ([pattern]) =>
          pattern.test(operation.path) &&
          operation.path.includes(`{${name}}`) &&
          pattern.source.includes(`\\{${name}\\}`),
      )?.[1],
    body: (operation) => bodies[`${operation.method} ${operation.path}`]?.(),
  };
}

function rolesFor(operation: Operation, world: World): Array<[Role, number]> {
  const { anonymous, merchant, operator, sponsor, consumer } = world.roles;
  if (!operation.secured) return [[anonymous, CASES_AS_USER]];
  // Consumer operations take the consumer's token; a staff token there is one more refusal to survive.
  if (CONSUMER_PATHS.test(operation.path)) {
    return [
      [anonymous, CASES_ANONYMOUS_ON_SECURED],
      [consumer, CASES_AS_USER],
      [merchant, CASES_ANONYMOUS_ON_SECURED],
    ];
  }
  const roles: Array<[Role, number]> = [
    [anonymous, CASES_ANONYMOUS_ON_SECURED],
    [merchant, CASES_AS_USER],
    [operator, CASES_AS_USER],
  ];
  if (SPONSOR_PATHS.test(operation.path)) roles.push([sponsor, CASES_AS_USER]);
  return roles;
}

describe('hostile input, generated from the OpenAPI document', () => {
  let platform: TestPlatform;
  let fakeStripe: FakeServer;
  let fakeExact: FakeServer;
  let fakeSendcloud: FakeServer;
  let world: World;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  beforeAll(async () => {
    fakeStripe = await startFakeStripe();
    fakeExact = await startFakeExact({
      clientId: 'hostile',
      clientSecret: 'hostile',
      division: 1,
      glAccounts: [],
    });
    fakeSendcloud = await startFakeSendcloud();
    // Payment providers configured, so their webhooks verify signatures instead of answering "not configured".
    platform = await createTestPlatform({
      env: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'false',
        STRIPE_SECRET_KEY: 'sk_test_hostile',
        STRIPE_WEBHOOK_SECRET: 'whsec_hostile',
        RESEND_WEBHOOK_SECRET: 'whsec_aG9zdGlsZS1yZXNlbmQtc2VjcmV0LWtleQ==',
        STRIPE_API_URL: fakeStripe.url,
        MULTISAFEPAY_API_KEY: 'hostile-msp-key',
        MULTISAFEPAY_API_URL: fakeStripe.url,
        // Exact configured too, so posting a batch answers by the batch's state instead of "not configured".
        EXACT_CLIENT_ID: 'hostile',
        EXACT_CLIENT_SECRET: 'hostile',
        EXACT_DIVISION: '1',
        EXACT_BASE_URL: fakeExact.url,
        SENDCLOUD_PUBLIC_KEY: FAKE_SENDCLOUD_KEYS.publicKey,
        SENDCLOUD_SECRET_KEY: FAKE_SENDCLOUD_KEYS.secretKey,
        SENDCLOUD_BASE_URL: fakeSendcloud.url,
      },
    });
    world = await buildWorld(platform);
  });
  afterAll(async () => {
    agent.destroy();
    await platform.close();
    await fakeStripe.close();
    await fakeExact.close();
    await fakeSendcloud.close();
  });

  it('answers every operation, as every role, without a 5xx, with problem details and without leaking internals', async () => {
    const document = (await http(platform.baseUrl, 'GET', '/api/openapi.json')).body;
    const resolve = (schema: unknown) => resolveSchema(document, schema);
    const operations = listOperations(document)
      .filter((operation) => !ONLY || operation.operationId.includes(ONLY))
      .sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
    expect(operations.length).toBeGreaterThan(ONLY ? 0 : 50);
    const fixtures = fixturesOf(world);
    const failures: HostileFailure[] = [];
    const baselines: string[] = [];
    let sent = 0;
    const millisByKind = new Map<string, number>();
    const attack = async (operation: Operation) => {
      for (const [role, count] of rolesFor(operation, world)) {
        const random = seededRandom(deriveSeed(SEED, `${operation.operationId}/${role.name}`));
        const base = baseRequest(operation, role, fixtures, resolve);
        if (BASELINE) {
          const { status } = await sendRaw(
            platform.baseUrl,
            agent,
            signedSendcloudCall(operation, signedLockerCall(operation, render(base), world)),
          );
          baselines.push(`${status} ${role.name} ${operation.operationId}`);
        }
        for (const hostile of planCases(operation, base, resolve, random, count)) {
          const request = signedSendcloudCall(operation, signedLockerCall(operation, hostile.build(), world));
          const started = performance.now();
          const response = await sendRaw(platform.baseUrl, agent, request);
          const kindTime = millisByKind.get(hostile.kind) ?? 0;
          millisByKind.set(hostile.kind, kindTime + performance.now() - started);
          sent++;
          const classes = verdict(response);
          if (classes.length === 0) continue;
          failures.push({
            classes,
            role: role.name,
            operationId: operation.operationId,
            route: `${operation.method} ${operation.path}`,
            kind: hostile.kind,
            target: hostile.target,
            request,
            response,
          });
        }
      }
    };
    // Reads change nothing, so they run side by side; writes run one at a time in a fixed order.
    const reads = operations.filter((operation) => operation.method === 'GET');
    const queue = [...reads];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await attack(next);
      }),
    );
    for (const operation of operations.filter((o) => o.method !== 'GET')) await attack(operation);
    if (BASELINE) console.info(baselines.sort().join('\n'));
    const slowest = [...millisByKind].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.info(
      `hostile input: ${sent} requests over ${operations.length} operations (HOSTILE_SEED=${SEED}); ` +
        `slowest kinds: ${slowest.map(([kind, ms]) => `${kind} ${Math.round(ms)} ms`).join(', ')}`,
    );
    expect(failures.length, formatReport(failures, SEED, sent)).toBe(0);
  }, 300_000);
});
