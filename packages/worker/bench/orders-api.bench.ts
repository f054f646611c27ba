/**
 * The authenticated request path: `POST /api/orders` and `GET /api/orders?limit=50` on the real server, each
 * beside a bare Fastify handler on the same database, and the login for the record.
 *
 * The real server runs as production runs it, with logs at `info` (written to a file). The ceilings are bare
 * Fastify handlers in the same process, without logging:
 * - create: verify the same JWT (no lookup), insert the order row and its items in one transaction;
 * - list: verify the same JWT, load the actor and their permissions with the two queries the platform used
 *   before it cached them (uncached, every request), then the same page (51 orders, newest first) and their
 *   items.
 * Load comes from a child process (`support/http-load.ts`): a fixed number of keep-alive connections, each
 * sending its next request when the last one is answered. Each pair runs back to back, three times.
 */
import { createSecretKey } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import jwt from 'jsonwebtoken';
import { sql } from 'kysely';
import { z } from 'zod';
import { startBenchPlatform, type BenchPlatform } from './support/bench-platform';
import { runLoad, type LoadResult, type LoadSpec } from './support/http-load';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import {
  formatGoals,
  median,
  ratioGoal,
  runBenchmark,
  runPairs,
  writeBenchResults,
  type GoalResult,
} from './support/report';

const Settings = z.object({
  BENCH_SECONDS: z.coerce.number().positive().max(600).default(10),
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(256).default(16),
  BENCH_LIST_ORDERS: z.coerce.number().int().min(100).max(1_000_000).default(3_000),
});
// Benchmarks are run by hand, outside the platform's config: their knobs are read here.
const settings = Settings.parse(process.env);
/** `BENCH_SERVER_<NAME>=value` sets the server's `<NAME>`, for before/after runs (e.g. ACTOR_CACHE_TTL_SECONDS=0). */
const serverOverrides = Object.fromEntries(
  Object.entries(process.env).flatMap(([name, value]) =>
    name.startsWith('BENCH_SERVER_') && value !== undefined
      ? [[name.slice('BENCH_SERVER_'.length), value]]
      : [],
  ),
);

const EMAIL = 'bench-orders@example.test';
const PASSWORD = 'a long benchmark password';
const RUNS = 3;

/** A realistic order of two lines; `{{n}}` makes each request's merchant reference unique. */
const ORDER_BODY = JSON.stringify({
  merchant_reference: 'BENCH-{{n}}',
  customer: {
    name: 'Anna de Vries',
    email: 'anna.devries@example.test',
    phone: '+31 6 12345678',
    address: { line1: 'Keizersgracht 123', postal_code: '1015 CJ', city: 'Amsterdam', country: 'NL' },
  },
  items: [
    { sku: 'TSHIRT-M-BLUE', name: 'T-shirt, blue, M', quantity: 2, unit_price_minor: 1995 },
    { sku: 'SOCKS-3PACK', name: 'Socks, 3 pairs', quantity: 1, unit_price_minor: 1250 },
  ],
  currency: 'EUR',
  carrier_code: 'POSTNL',
  shipping_minor: 495,
  weight_grams: 800,
});

const OrderBody = z.object({
  merchant_reference: z.string(),
  customer: z.object({
    name: z.string(),
    email: z.string(),
    phone: z.string().optional(),
    address: z.object({ line1: z.string(), postal_code: z.string(), city: z.string(), country: z.string() }),
  }),
  items: z.array(
    z.object({ sku: z.string(), name: z.string(), quantity: z.number(), unit_price_minor: z.number() }),
  ),
  currency: z.string(),
  carrier_code: z.string(),
  shipping_minor: z.number(),
  weight_grams: z.number(),
});

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

async function registerMerchant(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationName: 'Bench Shop BV',
      name: 'Bench Admin',
      email: EMAIL,
      password: PASSWORD,
    }),
  });
  return z.object({ token: z.string() }).parse(await json(response)).token;
}

interface Claims {
  userId: string;
  organizationId: string;
}

/** The same verification as the platform's (HS256, issuer, audience), without its lookups. */
function verifier(secret: string) {
  // A key object built once: given the string, jsonwebtoken would build one (the slow way) on every call.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return (request: FastifyRequest): Claims => {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const payload = jwt.verify(token, key, {
      algorithms: ['HS256'],
      audience: 'ipay:staff',
      issuer: 'ipay',
    });
    if (typeof payload === 'string' || !payload.sub) throw new Error('no subject');
    return { userId: payload.sub, organizationId: String(payload.org) };
  };
}

const ORDER_COLUMNS = [
  'id',
  'merchant_id',
  'merchant_reference',
  'status',
  'customer_name',
  'customer_email',
  'customer_phone',
  'address_line1',
  'address_line2',
  'postal_code',
  'city',
  'country',
  'currency',
  'items_total_minor',
  'shipping_minor',
  'discount_minor',
  'total_minor',
  'carrier_code',
  'ipay_flag',
  'weight_grams',
  'length_mm',
  'width_mm',
  'height_mm',
  'cancel_reason',
  'create_fingerprint',
  'created_at',
  'updated_at',
] as const;

/** The ceilings: bare handlers on the same database and pool, no logging, no framework above Fastify. */
async function startBareServer(
  database: BenchDatabase,
  secret: string,
): Promise<{ app: FastifyInstance; baseUrl: string }> {
  const { db } = database;
  const verify = verifier(secret);
  const app = Fastify({ logger: false });

  app.post('/bare/orders', async (request) => {
    const claims = verify(request);
    const body = OrderBody.parse(request.body);
    const lines = body.items.map((item) => item.quantity * item.unit_price_minor);
    const itemsTotal = lines.reduce((sum, line) => sum + line, 0);
    return db.transaction().execute(async (trx) => {
      const order = await trx
        .insertInto('orders')
        .values({
          merchant_id: claims.organizationId,
          merchant_reference: body.merchant_reference,
          customer_name: body.customer.name,
          customer_email: body.customer.email,
          customer_phone: body.customer.phone ?? null,
          address_line1: body.customer.address.line1,
          postal_code: body.customer.address.postal_code,
          city: body.customer.address.city,
          country: body.customer.address.country,
          currency: body.currency,
          items_total_minor: itemsTotal,
          shipping_minor: body.shipping_minor,
          total_minor: itemsTotal + body.shipping_minor,
          carrier_code: body.carrier_code,
          ipay_flag: true,
          weight_grams: body.weight_grams,
          create_fingerprint: body.merchant_reference,
          created_by: claims.userId,
        })
        .returning(ORDER_COLUMNS)
        .executeTakeFirstOrThrow();
      const items = body.items.map((item, position) => ({
        order_id: order.id,
        position,
        ...item,
        line_total_minor: lines[position] ?? 0,
      }));
      await trx.insertInto('order_items').values(items).execute();
      return { ...order, items };
    });
  });

  app.get('/bare/orders', async (request, reply) => {
    const claims = verify(request);
    const user = await db
      .selectFrom('users')
      .innerJoin('organizations', 'organizations.id', 'users.organization_id')
      .select([
        'users.id',
        'users.email',
        'users.organization_id',
        'users.tokens_valid_after',
        'organizations.type',
      ])
      .where('users.id', '=', claims.userId)
      .where('users.status', '=', 'active')
      .executeTakeFirst();
    const permissions = await db
      .selectFrom('user_roles')
      .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
      .select(['role_permissions.resource', 'role_permissions.action', 'role_permissions.scope'])
      .where('user_roles.user_id', '=', claims.userId)
      .execute();
    const canRead = permissions.some((p) => p.resource === 'orders' && p.action === 'read');
    if (!user || user.organization_id !== claims.organizationId || !canRead) return reply.code(403).send();
    const rows = await db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .select(sql<string[]>`array[created_at::text, id::text]`.as('page_key'))
      .where('merchant_id', '=', user.organization_id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(51)
      .execute();
    const page = rows.slice(0, 50);
    const items = await db
      .selectFrom('order_items')
      .select(['order_id', 'sku', 'name', 'quantity', 'unit_price_minor', 'line_total_minor'])
      .where(
        'order_id',
        'in',
        page.map((row) => row.id),
      )
      .orderBy('order_id')
      .orderBy('position')
      .execute();
    return {
      items: page.map((row) => ({ ...row, items: items.filter((item) => item.order_id === row.id) })),
    };
  });

  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl };
}

async function countOrders(database: BenchDatabase): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from orders`.execute(database.db);
  return Number(rows[0]?.n ?? 0);
}

function load(spec: Omit<LoadSpec, 'connections' | 'seconds'>): Promise<LoadResult> {
  return runLoad({ connections: settings.BENCH_CONNECTIONS, seconds: settings.BENCH_SECONDS, ...spec });
}

function checked(name: string, result: LoadResult): LoadResult {
  if (result.failures)
    throw new Error(`${name}: ${result.failures} requests failed, first: ${result.firstFailure}`);
  return result;
}

interface Row {
  name: string;
  results: LoadResult[];
}

function formatRows(rows: Row[]): string {
  const header = ['', 'req/s (median)', 'runs req/s', 'p50 ms', 'p99 ms'];
  const body = rows.map(({ name, results }) => [
    name,
    Math.round(median(results.map((r) => r.perSecond))).toLocaleString('en-US'),
    results.map((r) => Math.round(r.perSecond)).join(' / '),
    median(results.map((r) => r.p50Ms)).toFixed(1),
    median(results.map((r) => r.p99Ms)).toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const format = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(format)].join('\n');
}

async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'ipay-bench-orders-api-'));
  const logFile = path.join(folder, 'server.log');
  let database: BenchDatabase | undefined;
  let platform: BenchPlatform | undefined;
  let bare: FastifyInstance | undefined;
  try {
    const { BENCH_SECONDS: seconds, BENCH_CONNECTIONS: connections } = settings;
    process.stdout.write(
      `orders API benchmark: ${connections} connections, ${seconds} s per run, ${RUNS} runs per pair, logs at info` +
        `${Object.keys(serverOverrides).length ? `, server settings ${JSON.stringify(serverOverrides)}` : ''}\n`,
    );
    database = await startBenchDatabase();
    platform = await startBenchPlatform(
      database,
      { LOG_LEVEL: 'info', LOGIN_RATE_LIMIT: '100000000', ...serverOverrides },
      { logFile },
    );
    const token = await registerMerchant(platform.baseUrl);
    const ceiling = await startBareServer(database, platform.deps.keyring.signingKey.secret);
    bare = ceiling.app;
    const auth = { authorization: `Bearer ${token}` };

    const created: Row = { name: 'POST /api/orders', results: [] };
    const bareCreated: Row = { name: 'bare handler: order + items, one transaction', results: [] };
    const create = await runPairs(RUNS, async () => {
      const subject = checked(
        created.name,
        await load({
          url: `${platform?.baseUrl}/api/orders`,
          method: 'POST',
          headers: auth,
          body: ORDER_BODY,
          expectStatus: 200,
        }),
      );
      const bareRun = checked(
        bareCreated.name,
        await load({
          url: `${ceiling.baseUrl}/bare/orders`,
          method: 'POST',
          headers: auth,
          body: ORDER_BODY,
          expectStatus: 200,
        }),
      );
      created.results.push(subject);
      bareCreated.results.push(bareRun);
      return { subject: subject.perSecond, ceiling: bareRun.perSecond };
    });

    const missing = settings.BENCH_LIST_ORDERS - (await countOrders(database));
    if (missing > 0) {
      checked(
        'seeding orders',
        await runLoad({
          url: `${platform.baseUrl}/api/orders`,
          method: 'POST',
          headers: auth,
          body: ORDER_BODY,
          connections,
          requests: missing,
          expectStatus: 200,
        }),
      );
    }
    // Fresh statistics, as autovacuum would have them: planned on a table it still thinks empty, the page would
    // sort every order of the merchant instead of reading the index.
    await sql`analyze orders, order_items`.execute(database.db);
    const orders = await countOrders(database);

    const listed: Row = { name: 'GET /api/orders?limit=50', results: [] };
    const bareListed: Row = { name: 'bare handler: JWT + actor lookups + same SELECTs', results: [] };
    const list = await runPairs(RUNS, async () => {
      const subject = checked(
        listed.name,
        await load({
          url: `${platform?.baseUrl}/api/orders?limit=50`,
          method: 'GET',
          headers: auth,
          expectStatus: 200,
        }),
      );
      const bareRun = checked(
        bareListed.name,
        await load({
          url: `${ceiling.baseUrl}/bare/orders`,
          method: 'GET',
          headers: auth,
          expectStatus: 200,
        }),
      );
      listed.results.push(subject);
      bareListed.results.push(bareRun);
      return { subject: subject.perSecond, ceiling: bareRun.perSecond };
    });

    const login: Row = { name: 'POST /api/auth/login (scrypt)', results: [] };
    for (let run = 0; run < RUNS; run += 1) {
      login.results.push(
        checked(
          login.name,
          await load({
            url: `${platform.baseUrl}/api/auth/login`,
            method: 'POST',
            body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
            expectStatus: 200,
          }),
        ),
      );
    }

    const goals: GoalResult[] = [
      ratioGoal({
        goal: 'POST /api/orders vs bare order + items transaction',
        unit: 'req/s',
        ceilingName: 'bare handler',
        subject: create.subject,
        ceiling: create.ceiling,
        minPercent: 60,
      }),
      ratioGoal({
        goal: 'GET /api/orders?limit=50 vs bare SELECT, same auth',
        unit: 'req/s',
        ceilingName: 'bare handler',
        subject: list.subject,
        ceiling: list.ceiling,
        minPercent: 70,
      }),
    ];
    const { size: logBytes } = await stat(logFile);
    process.stdout.write(`orders in the database for the list: ${orders.toLocaleString('en-US')}\n`);
    process.stdout.write(`${formatRows([created, bareCreated, listed, bareListed, login])}\n`);
    process.stdout.write(`server log at info: ${(logBytes / 1_048_576).toFixed(1)} MiB written\n\n`);
    process.stdout.write(`${formatGoals(goals)}\n`);
    const file = await writeBenchResults('orders-api', {
      connections,
      secondsPerRun: seconds,
      runs: RUNS,
      ordersListed: orders,
      logLevel: 'info',
      serverOverrides,
      logBytes,
      measurements: Object.fromEntries(
        [created, bareCreated, listed, bareListed, login].map((row) => [row.name, row.results]),
      ),
      loginPerSecond: median(login.results.map((r) => r.perSecond)),
      goals,
    });
    process.stdout.write(`figures written to ${file}\n`);
  } finally {
    await bare?.close();
    await platform?.close();
    await database?.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

await runBenchmark(main);
