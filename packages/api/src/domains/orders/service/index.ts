import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { prepared, type DbExecutor, type DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { ORDER_ERRORS } from '../errors';
import type { FieldError } from '../../../errors/problem';
import { requestFingerprint } from '../../../platform/idempotency';
import { fetchPage, type Page } from '../../../platform/pagination';
import { scopeFilter } from '../../../platform/data-scope';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import { domainEventCtes, recordDomainEvent, recordDomainEvents } from '../../events/service';
import { cancelPendingSession } from '../../payment-sessions/service/cancel-session';
import type { DataScope } from '../../rbac/catalogue';
import type { CancelOrderInput, CreateOrderInput, ListOrdersInput, Order, OrderStatus } from '../schemas';

export interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

const MAX_AMOUNT_MINOR = 1e12;

const orderColumns = [
  'orders.id',
  'orders.merchant_id',
  'orders.merchant_reference',
  'orders.status',
  'orders.customer_name',
  'orders.customer_email',
  'orders.customer_phone',
  'orders.address_line1',
  'orders.address_line2',
  'orders.postal_code',
  'orders.city',
  'orders.country',
  'orders.currency',
  'orders.items_total_minor',
  'orders.shipping_minor',
  'orders.discount_minor',
  'orders.total_minor',
  'orders.carrier_code',
  'orders.ipay_flag',
  'orders.weight_grams',
  'orders.length_mm',
  'orders.width_mm',
  'orders.height_mm',
  'orders.cancel_reason',
  'orders.create_fingerprint',
  'orders.created_at',
  'orders.updated_at',
] as const;

function selectOrders(db: DbExecutor) {
  return db.selectFrom('orders').select(orderColumns);
}
type OrderRow = Awaited<ReturnType<ReturnType<typeof selectOrders>['executeTakeFirstOrThrow']>>;

async function itemsOf(db: DbExecutor, orderIds: string[]) {
  const byOrder = new Map<string, Order['items']>(orderIds.map((id) => [id, []]));
  if (!orderIds.length) return byOrder;
  const rows = await db
    .selectFrom('order_items')
    .select(['order_id', 'sku', 'name', 'quantity', 'unit_price_minor', 'line_total_minor'])
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('position')
    .execute();
  for (const { order_id, ...item } of rows) byOrder.get(order_id)?.push(item);
  return byOrder;
}

function orderRowToOrder(row: OrderRow, items: Order['items']): Order {
  return {
    id: row.id,
    merchant_id: row.merchant_id,
    merchant_reference: row.merchant_reference,
    status: row.status,
    customer: {
      name: row.customer_name,
      email: row.customer_email,
      phone: row.customer_phone,
      address: {
        line1: row.address_line1,
        line2: row.address_line2,
        postal_code: row.postal_code,
        city: row.city,
        country: row.country,
      },
    },
    items,
    currency: row.currency,
    items_total_minor: row.items_total_minor,
    shipping_minor: row.shipping_minor,
    discount_minor: row.discount_minor,
    total_minor: row.total_minor,
    carrier_code: row.carrier_code,
    ipay_flag: row.ipay_flag,
    weight_grams: row.weight_grams,
    dimensions_mm:
      row.length_mm && row.width_mm && row.height_mm
        ? { length: row.length_mm, width: row.width_mm, height: row.height_mm }
        : null,
    cancel_reason: row.cancel_reason,
    created_at: toTimestamp(row.created_at),
    updated_at: toTimestamp(row.updated_at),
  };
}

/** Line totals and the order total, or field errors for amounts that are inconsistent or too large. */
function computeTotals(input: CreateOrderInput) {
  const errors: FieldError[] = [];
  const lines = input.items.map((item, index) => {
    const lineTotal = item.quantity * item.unit_price_minor;
    if (lineTotal > MAX_AMOUNT_MINOR) {
      errors.push({
        field: `items.${index}.unit_price_minor`,
        message: 'quantity × unit price is too large',
        code: 'too_big',
      });
    }
    return lineTotal;
  });
  const itemsTotal = lines.reduce((sum, line) => sum + line, 0);
  const beforeDiscount = itemsTotal + input.shipping_minor;
  const total = beforeDiscount - input.discount_minor;
  if (input.discount_minor > beforeDiscount) {
    errors.push({
      field: 'discount_minor',
      message: `is ${input.discount_minor}, more than the items (${itemsTotal}) plus shipping (${input.shipping_minor})`,
      code: 'too_big',
    });
  } else if (input.total_minor !== undefined && input.total_minor !== total) {
    const discount = input.discount_minor ? ` minus the discount (${input.discount_minor})` : '';
    errors.push({
      field: 'total_minor',
      message: `is ${input.total_minor} but the items (${itemsTotal}) plus shipping (${input.shipping_minor})${discount} make ${total}`,
      code: 'inconsistent_total',
    });
  }
  if (errors.length) {
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
      errors,
    });
  }
  return { lines, itemsTotal, total };
}

function assertMerchant(actor: Actor): void {
  if (actor.organizationType !== 'merchant') {
    throw new AppError('forbidden', 'Orders are created by merchant users, for their own organization.');
  }
}

export async function getOrder(db: DbExecutor, request: ScopedRequest & { id: string }): Promise<Order> {
  const row = await selectOrders(db)
    .where('orders.id', '=', request.id)
    .where(
      scopeFilter(request.scope, request.actor, {
        organization: 'orders.merchant_id',
        owner: 'orders.created_by',
      }),
    )
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Order ${request.id} does not exist.`);
  return orderRowToOrder(row, (await itemsOf(db, [row.id])).get(row.id) ?? []);
}

/** What became of one input of createOrders: its order (created now or already there), or why it was refused. */
export type CreateOrderOutcome =
  { ok: true; order: Order; created: boolean } | { ok: false; error: AppError };

/** Orders per createOrders call: a bounded statement and transaction for the caller. */
const MAX_ORDERS_PER_BATCH = 1_000;

export interface PreparedOrder {
  index: number;
  input: CreateOrderInput;
  items: Order['items'];
  itemsTotal: number;
  total: number;
  fingerprint: string;
}

/** An order input with its lines and totals computed and checked; a field error throws. */
export function prepareOrder(input: CreateOrderInput, index = 0): PreparedOrder {
  const { lines, itemsTotal, total } = computeTotals(input);
  const items = input.items.map((item, position) => ({
    sku: item.sku,
    name: item.name,
    quantity: item.quantity,
    unit_price_minor: item.unit_price_minor,
    line_total_minor: lines[position] ?? 0,
  }));
  const fingerprint = requestFingerprint('orders.create', input);
  return { index, input, items, itemsTotal, total, fingerprint };
}

function referenceTaken(reference: string): AppError {
  return domainError(
    ORDER_ERRORS,
    'reference_taken',
    `Merchant reference ${reference} is already used by another order.`,
    {
      errors: [
        {
          field: 'merchant_reference',
          message: 'is already used by a different order',
          code: 'already_exists',
        },
      ],
    },
  );
}

/** The order row an entry becomes under `actor`, but for what the database assigns (id, status, timestamps). */
function orderValues(actor: Actor, entry: PreparedOrder) {
  return {
    merchant_id: actor.organizationId,
    merchant_reference: entry.input.merchant_reference,
    ...orderContent(entry),
    carrier_code: entry.input.carrier_code,
    ipay_flag: entry.input.ipay_flag,
    weight_grams: entry.input.weight_grams ?? null,
    length_mm: entry.input.dimensions_mm?.length ?? null,
    width_mm: entry.input.dimensions_mm?.width ?? null,
    height_mm: entry.input.dimensions_mm?.height ?? null,
    cancel_reason: null,
  };
}

interface InsertedOrder {
  id: string;
  merchant_reference: string;
  status: OrderRow['status'];
  created_at: Date;
  updated_at: Date;
}

/**
 * Inserts the orders whose reference is free and the items of exactly those, in one statement: the batch travels
 * as one JSON parameter (a multi-row VALUES of a thousand orders would be twenty thousand parameters for the
 * server to parse and plan). Returns what the database assigned to each order it inserted.
 */
async function insertOrdersWithItems(
  trx: DbTransaction,
  actor: Actor,
  entries: PreparedOrder[],
): Promise<InsertedOrder[]> {
  const batch = JSON.stringify(
    entries.map((entry, ordinal) => ({
      ordinal,
      ...orderValues(actor, entry),
      items: entry.items.map((item, position) => ({ position, ...item })),
    })),
  );
  const { rows } = await sql<InsertedOrder>`
    with input as (
      select * from jsonb_to_recordset(${batch}::jsonb) as input(
        merchant_reference text, customer_name text, customer_email text, customer_phone text,
        address_line1 text, address_line2 text, postal_code text, city text, country text, currency text,
        items_total_minor bigint, shipping_minor bigint, discount_minor bigint, total_minor bigint,
        create_fingerprint text, carrier_code text, ipay_flag boolean, weight_grams integer, length_mm integer,
        width_mm integer, height_mm integer, items jsonb, ordinal integer
      )
    ),
    inserted as (
      insert into orders (
        merchant_id, merchant_reference, customer_name, customer_email, customer_phone, address_line1,
        address_line2, postal_code, city, country, currency, items_total_minor, shipping_minor, discount_minor,
        total_minor, create_fingerprint, carrier_code, ipay_flag, weight_grams, length_mm, width_mm, height_mm,
        created_by
      )
      select
        ${actor.organizationId}::uuid, merchant_reference, customer_name, customer_email, customer_phone,
        address_line1, address_line2, postal_code, city, country, currency, items_total_minor, shipping_minor,
        discount_minor, total_minor, create_fingerprint, carrier_code, ipay_flag, weight_grams, length_mm,
        width_mm, height_mm, ${actor.userId}::uuid
      from input
      order by ordinal
      on conflict (merchant_id, merchant_reference) do nothing
      returning id, merchant_reference, status, created_at, updated_at
    ),
    items as (
      insert into order_items (order_id, position, sku, name, quantity, unit_price_minor, line_total_minor)
      select inserted.id, item.position, item.sku, item.name, item.quantity, item.unit_price_minor,
        item.line_total_minor
      from inserted
      join input using (merchant_reference)
      cross join lateral jsonb_to_recordset(input.items) as item(
        position integer, sku text, name text, quantity integer, unit_price_minor bigint, line_total_minor bigint
      )
    )
    select id, merchant_reference, status, created_at, updated_at from inserted`.execute(trx);
  return rows;
}

/**
 * Creates orders with server-computed totals and announces each one created (order.created), in the caller's
 * transaction: one statement for the orders and their items, one lookup when some references were used already,
 * and the events. The merchant reference makes creation idempotent: the same order sent again comes back as
 * existing; a different order under a used reference is refused (409). Refusals are outcomes, not throws, and
 * are decided before any statement that could fail, so the transaction stays usable for the rest of the batch;
 * only faults (SQL, a broken invariant) throw.
 */
export async function createOrders(
  trx: DbTransaction,
  request: ScopedRequest & { inputs: readonly CreateOrderInput[] },
): Promise<CreateOrderOutcome[]> {
  const { actor, inputs } = request;
  assertMerchant(actor);
  if (inputs.length > MAX_ORDERS_PER_BATCH) {
    throw new Error(`createOrders takes at most ${MAX_ORDERS_PER_BATCH} orders, got ${inputs.length}`);
  }
  const outcomes = new Map<number, CreateOrderOutcome>();
  // A reference twice in one batch is inserted for its first input only; the later one then finds it existing,
  // as it would have one call later.
  const first = new Map<string, PreparedOrder>();
  const repeated: PreparedOrder[] = [];
  inputs.forEach((input, index) => {
    try {
      const entry = prepareOrder(input, index);
      if (first.has(input.merchant_reference)) repeated.push(entry);
      else first.set(input.merchant_reference, entry);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.set(index, { ok: false, error });
    }
  });
  if (first.size) {
    const inserted = await insertOrdersWithItems(trx, actor, [...first.values()]);
    // RETURNING promises no order: rows are matched by reference, and events follow the inputs' order.
    const assigned = new Map(inserted.map((row) => [row.merchant_reference, row]));
    const created: Array<{ entry: PreparedOrder; row: OrderRow }> = [];
    const existing = repeated;
    for (const entry of first.values()) {
      const row = assigned.get(entry.input.merchant_reference);
      if (row) created.push({ entry, row: { ...orderValues(actor, entry), ...row } });
      else existing.push(entry);
    }
    for (const { entry, row } of created) {
      outcomes.set(entry.index, { ok: true, order: orderRowToOrder(row, entry.items), created: true });
    }
    for (const [index, outcome] of await existingOutcomes(trx, actor, existing)) outcomes.set(index, outcome);
    await recordDomainEvents(
      trx,
      created.map(({ row }) => orderCreated(actor, row)),
    );
  }
  return inputs.map((input, index) => {
    const outcome = outcomes.get(index);
    if (!outcome) throw new Error(`order ${input.merchant_reference} of the batch has no outcome`);
    return outcome;
  });
}

/** The columns an order's content sets: customer, address, amounts, and the fingerprint of that content. */
export function orderContent({ input, itemsTotal, total, fingerprint }: PreparedOrder) {
  return {
    customer_name: input.customer.name,
    customer_email: input.customer.email.toLowerCase(),
    customer_phone: input.customer.phone ?? null,
    address_line1: input.customer.address.line1,
    address_line2: input.customer.address.line2 ?? null,
    postal_code: input.customer.address.postal_code,
    city: input.customer.address.city,
    country: input.customer.address.country,
    currency: input.currency,
    items_total_minor: itemsTotal,
    shipping_minor: input.shipping_minor,
    discount_minor: input.discount_minor,
    total_minor: total,
    create_fingerprint: fingerprint,
  };
}

export async function insertOrderItems(
  trx: DbTransaction,
  orders: Array<{ orderId: string; items: Order['items'] }>,
): Promise<void> {
  if (!orders.length) return;
  await trx
    .insertInto('order_items')
    .values(
      orders.flatMap(({ orderId, items }) =>
        items.map((item, position) => ({ order_id: orderId, position, ...item })),
      ),
    )
    .execute();
}

/** The orders already under the references of `entries`: the same order again, or a conflict. */
async function existingOutcomes(
  trx: DbExecutor,
  actor: Actor,
  entries: PreparedOrder[],
): Promise<Map<number, CreateOrderOutcome>> {
  const outcomes = new Map<number, CreateOrderOutcome>();
  if (!entries.length) return outcomes;
  const rows = await selectOrders(trx)
    .where('merchant_id', '=', actor.organizationId)
    .where(
      'merchant_reference',
      'in',
      entries.map((e) => e.input.merchant_reference),
    )
    .execute();
  const byReference = new Map(rows.map((row) => [row.merchant_reference, row]));
  const items = await itemsOf(
    trx,
    rows.map((row) => row.id),
  );
  for (const entry of entries) {
    const row = byReference.get(entry.input.merchant_reference);
    if (!row) throw new Error(`order ${entry.input.merchant_reference} was neither inserted nor found`);
    outcomes.set(
      entry.index,
      row.create_fingerprint === entry.fingerprint
        ? { ok: true, order: orderRowToOrder(row, items.get(row.id) ?? []), created: false }
        : { ok: false, error: referenceTaken(entry.input.merchant_reference) },
    );
  }
  return outcomes;
}

/** order.created for an order row as it was inserted. */
function orderCreated(
  actor: Actor,
  row: Pick<
    OrderRow,
    'id' | 'merchant_id' | 'merchant_reference' | 'total_minor' | 'currency' | 'carrier_code' | 'ipay_flag'
  >,
) {
  return {
    type: 'order.created' as const,
    resourceType: 'order',
    resourceId: row.id,
    organizationId: row.merchant_id,
    actorUserId: actor.userId,
    data: {
      orderId: row.id,
      merchantReference: row.merchant_reference,
      totalMinor: row.total_minor,
      currency: row.currency,
      carrierCode: row.carrier_code,
      ipayFlag: row.ipay_flag,
    },
  };
}

/**
 * The order, its items and its order.created event in one statement, or nothing when the merchant reference is
 * taken. The id is drawn here so that the event is complete (and its payload checked) before the statement is
 * sent; the events are recorded only for the order the statement inserted.
 */
async function insertOrder(
  db: DbExecutor,
  actor: Actor,
  entry: PreparedOrder,
): Promise<OrderRow | undefined> {
  const order = { id: randomUUID(), ...orderValues(actor, entry) };
  const values = { ...order, created_by: actor.userId };
  const items = JSON.stringify(entry.items.map((item, position) => ({ position, ...item })));
  const { rows } = await sql<InsertedOrder>`${prepared}
    with inserted as (
      insert into orders (${sql.join(Object.keys(values).map((column) => sql.ref(column)))})
      values (${sql.join(Object.values(values))})
      on conflict (merchant_id, merchant_reference) do nothing
      returning id, merchant_reference, status, created_at, updated_at
    ), items as (
      insert into order_items (order_id, position, sku, name, quantity, unit_price_minor, line_total_minor)
      select inserted.id, item.position, item.sku, item.name, item.quantity, item.unit_price_minor,
        item.line_total_minor
      from inserted
      cross join jsonb_to_recordset(${items}::jsonb) as item(
        position integer, sku text, name text, quantity integer, unit_price_minor bigint, line_total_minor bigint
      )
    ), ${domainEventCtes([orderCreated(actor, order)], sql`select id::text from inserted`)}
    select id, merchant_reference, status, created_at, updated_at from inserted`.execute(db);
  const [row] = rows;
  return row && { ...order, ...row };
}

/**
 * Creates one order (a request, a shop's order) as createOrders would, in one statement: given the pool rather
 * than a transaction, that statement is the transaction, and the order, its items and order.created commit
 * together in one round trip. A refusal is thrown.
 */
export async function createOrder(
  db: DbExecutor,
  request: ScopedRequest & { input: CreateOrderInput },
): Promise<{ order: Order; created: boolean }> {
  const { actor, input } = request;
  assertMerchant(actor);
  const entry = prepareOrder(input);
  const row = await insertOrder(db, actor, entry);
  if (row) return { order: orderRowToOrder(row, entry.items), created: true };
  const outcome = (await existingOutcomes(db, actor, [entry])).get(entry.index);
  if (!outcome) throw new Error(`order ${input.merchant_reference} has no outcome`);
  if (!outcome.ok) throw outcome.error;
  return { order: outcome.order, created: outcome.created };
}

export async function listOrders(
  db: DbExecutor,
  request: ScopedRequest & { input: ListOrdersInput },
): Promise<Page<Order>> {
  const { input } = request;
  let query = selectOrders(db).where(
    scopeFilter(request.scope, request.actor, {
      organization: 'orders.merchant_id',
      owner: 'orders.created_by',
    }),
  );
  if (input.status) query = query.where('orders.status', '=', input.status);
  if (input.created_from) query = query.where('orders.created_at', '>=', new Date(input.created_from));
  if (input.created_to) query = query.where('orders.created_at', '<', new Date(input.created_to));
  if (input.q) {
    const pattern = `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('orders.merchant_reference', 'ilike', pattern),
        eb('orders.customer_email', 'ilike', pattern),
        eb('orders.customer_name', 'ilike', pattern),
      ]),
    );
  }
  const page = await fetchPage(query, input, {
    orderBy: ['orders.created_at', 'orders.id'],
    direction: 'desc',
  });
  const items = await itemsOf(
    db,
    page.items.map((row) => row.id),
  );
  return { ...page, items: page.items.map((row) => orderRowToOrder(row, items.get(row.id) ?? [])) };
}

/** Moves an order's status as its payment session moves; called inside the session's transaction. */
export async function setOrderStatus(
  trx: DbTransaction,
  orderId: string,
  status: OrderStatus,
): Promise<void> {
  await trx
    .updateTable('orders')
    .set({ status, updated_at: sql<Date>`now()` })
    .where('id', '=', orderId)
    .execute();
}

const CANCELLABLE: OrderStatus[] = ['OPEN', 'PAYMENT_PENDING'];

/** Cancels an order that is not paid yet, together with its session still waiting for payment. */
export async function cancelOrder(
  trx: DbTransaction,
  request: ScopedRequest & { input: CancelOrderInput },
): Promise<Order> {
  const { actor, scope, input } = request;
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'merchant_id', 'merchant_reference', 'status'])
    .where('id', '=', input.id)
    .where(scopeFilter(scope, actor, { organization: 'orders.merchant_id', owner: 'orders.created_by' }))
    .forUpdate()
    .executeTakeFirst();
  if (!order) throw new AppError('not_found', `Order ${input.id} does not exist.`);
  if (order.status === 'CANCELLED') return getOrder(trx, { ...request, id: order.id });
  if (!CANCELLABLE.includes(order.status)) {
    throw domainError(
      ORDER_ERRORS,
      'order_not_cancellable',
      `Order ${order.id} is ${order.status}; only orders not paid yet can be cancelled.`,
    );
  }
  await trx
    .updateTable('orders')
    .set({ status: 'CANCELLED', cancel_reason: input.reason ?? null, updated_at: sql<Date>`now()` })
    .where('id', '=', order.id)
    .execute();
  await cancelPendingSession(trx, order.id, actor.userId);
  await recordDomainEvent(trx, {
    type: 'order.cancelled',
    resourceType: 'order',
    resourceId: order.id,
    organizationId: order.merchant_id,
    actorUserId: actor.userId,
    data: { orderId: order.id, merchantReference: order.merchant_reference, reason: input.reason ?? null },
  });
  return getOrder(trx, { ...request, id: order.id });
}
