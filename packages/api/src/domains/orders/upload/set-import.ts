import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import type { Actor } from '../../auth/service';
import { recordDomainEventsFromQuery, type StreamNumbering } from '../../events/service';
import { CountryCode, OrderCurrency } from '../schemas';
import type { MappedColumn, OrderColumn } from './column-mapping';
import { FLAG_WORDS } from './row-groups';

/**
 * The set-based half of the import: the orders of a range of merchant references created from the parked rows
 * with a few INSERT … SELECT statements, their items and their order.created events beside them, without the
 * rows travelling through this process.
 *
 * It only ever takes the plain case, and is conservative about it: an order whose every cell is what the
 * validator certainly accepts (ASCII digits for numbers, codes of letters, every line agreeing exactly on the
 * order's fields, nothing unreadable or outside the Basic Multilingual Plane, whose length JavaScript counts
 * differently) is created here with the values validateGroup would produce, down to the fingerprint of the
 * CreateOrderInput it would parse. Every other order (invalid, or merely unusual: "2.0" as a quantity, lines
 * that agree only ignoring case, a reference used by a different order) is handed back by reference, and the
 * caller takes it through validateGroup and createOrders, which word its row errors. So a row error is always
 * written by the one validator, and this SQL can only be too strict, never too lenient.
 */

/** What JavaScript's String.prototype.trim removes (WhiteSpace and LineTerminator): the validator's trim. */
export const JS_TRIM_CHARACTERS =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** Cells left to the validator: unreadable ones (U+FFFD), and characters JavaScript counts as two. */
const UNUSUAL_CELL = '[\\uFFFD\\U00010000-\\U0010FFFF]';

/** zod's own e-mail pattern (z.email(), zod 4), which PostgreSQL's regular expressions read alike. */
const EMAIL_PATTERN =
  "^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$";

let codeLists: { countries: string[]; currencies: string[] } | undefined;

/** The country and currency codes the order schema accepts, asked of the schema itself (Intl's data). */
function acceptedCodes() {
  if (codeLists) return codeLists;
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const pairs = [...letters].flatMap((a) => [...letters].map((b) => a + b));
  codeLists = {
    countries: pairs.filter((code) => CountryCode.safeParse(code).success),
    currencies: Intl.supportedValuesOf('currency').filter((code) => OrderCurrency.safeParse(code).success),
  };
  return codeLists;
}

/** A field of a parked row as valuesOf reads it: the last non-empty cell of its columns, trimmed; or null. */
function fieldOf(mapping: MappedColumn[], field: OrderColumn): RawBuilder<string | null> {
  const columns = mapping.flatMap((m, index) => (m.field === field ? [index] : [])).reverse();
  if (!columns.length) return sql<null>`null::text`;
  const cells = columns.map(
    (index) => sql`nullif(btrim(r.cells ->> ${sql.lit(index)}, ${JS_TRIM_CHARACTERS}), '')`,
  );
  return sql<string | null>`coalesce(${sql.join(cells)})`;
}

/** A whole number of at most `digits` ASCII digits, else null (never a cast error). */
function wholeNumber(column: string, digits: number): RawBuilder<number | null> {
  const pattern = `^[0-9]{1,${digits}}$`;
  return sql`case when ${sql.ref(column)} ~ ${pattern} then ${sql.ref(column)}::bigint end`;
}

export interface ReferenceRange {
  /** Exclusive lower bound; undefined: from the first reference. */
  after?: string;
  /** Inclusive upper bound; undefined: to the last reference. */
  upTo?: string;
}

export interface SetImportOutcome {
  /** Parked rows in the range (all of its orders' rows). */
  rows: number;
  created: number;
  existing: number;
  /** Orders of the range this import left to the validator and createOrders, in reference order. */
  leftOver: string[];
}

const ORDER_FIELDS_AGREEING = [
  'customer_name',
  'customer_email',
  'customer_phone',
  'address_line1',
  'address_line2',
  'postal_code',
  'city',
  'country',
  'currency',
  'carrier_code',
  'ipay_flag',
  'shipping_minor',
  'weight_grams',
  'length_mm',
  'width_mm',
  'height_mm',
] as const satisfies readonly OrderColumn[];

/** The range's parked rows with their fields read and each order line checked (upload_lines, this transaction). */
async function stageLines(
  trx: DbTransaction,
  uploadId: string,
  mapping: MappedColumn[],
  range: ReferenceRange,
) {
  const fields = (
    [...ORDER_FIELDS_AGREEING, 'sku', 'item_name', 'quantity', 'unit_price_minor'] as const
  ).map((field) => sql`${fieldOf(mapping, field)} as ${sql.ref(field)}`);
  await sql`drop table if exists pg_temp.upload_lines, pg_temp.upload_groups`.execute(trx);
  await sql`
    create temp table upload_lines on commit drop as
    with parked as (
      select r.merchant_reference as reference, r.row_number, r.cells::text ~ ${UNUSUAL_CELL} as unusual,
        ${sql.join(fields)}
      from order_upload_rows r
      where r.upload_id = ${uploadId} and r.merchant_reference is not null
        ${range.after === undefined ? sql`` : sql`and r.merchant_reference > ${range.after}`}
        ${range.upTo === undefined ? sql`` : sql`and r.merchant_reference <= ${range.upTo}`}
    ), numbered as (
      select parked.*, ${wholeNumber('quantity', 6)} as quantity_n, ${wholeNumber('unit_price_minor', 13)} as price_n,
        (row_number() over (partition by reference order by row_number) - 1)::int as position
      from parked
    )
    select numbered.*,
      not unusual and sku is not null and char_length(sku) <= 100
        and item_name is not null and char_length(item_name) <= 300
        and quantity_n between 1 and 100000 and price_n <= 1000000000000
        and quantity_n::numeric * price_n <= 1000000000000 as line_ok
    from numbered`.execute(trx);
}

/**
 * One row per order of the range (upload_groups): its values as the validator would produce them, whether this
 * import takes it (`plain`), and the fingerprint of its CreateOrderInput as requestFingerprint computes it (the
 * canonical JSON, keys sorted, absent fields left out, strings escaped by to_json as JSON.stringify does).
 */
async function stageGroups(trx: DbTransaction) {
  const { countries, currencies } = acceptedCodes();
  const flagWords = [...FLAG_WORDS.true, ...FLAG_WORDS.false];
  // Every line that fills the field fills it alike (min and max skip the lines that leave it empty).
  const agreeing = ORDER_FIELDS_AGREEING.map(
    (field) => sql`coalesce(min(${sql.ref(field)} collate "C") = max(${sql.ref(field)} collate "C"), true)`,
  );
  const merged = ORDER_FIELDS_AGREEING.map(
    (field) => sql`min(${sql.ref(field)} collate "C") as ${sql.ref(field)}`,
  );
  await sql`
    create temp table upload_groups on commit drop as
    with grouped as (
      select reference, count(*)::int as lines, bool_and(line_ok) and ${sql.join(agreeing, sql` and `)} as lines_ok,
        string_agg(
          '{"name":' || to_json(item_name)::text || ',"quantity":' || quantity_n::text || ',"sku":'
            || to_json(sku)::text || ',"unit_price_minor":' || price_n::text || '}',
          ',' order by row_number) as items_json,
        sum(case when line_ok then quantity_n * price_n end)::bigint as items_total,
        ${sql.join(merged)}
      from upload_lines
      group by reference
    ), valued as (
      select grouped.*,
        upper(country) as country_code, upper(currency) as currency_code, upper(carrier_code) as carrier,
        case when ipay_flag is null then true when lower(ipay_flag) = any(${FLAG_WORDS.true}::text[]) then true
          when lower(ipay_flag) = any(${FLAG_WORDS.false}::text[]) then false end as flag,
        case when shipping_minor is null then 0 else ${wholeNumber('shipping_minor', 13)} end as shipping,
        ${wholeNumber('weight_grams', 7)} as weight,
        ${wholeNumber('length_mm', 5)} as length, ${wholeNumber('width_mm', 5)} as width,
        ${wholeNumber('height_mm', 5)} as height
      from grouped
    ), checked as (
      select valued.*, coalesce(
        lines_ok and lines <= 500 and char_length(reference) <= 100
        and customer_name is not null and char_length(customer_name) <= 200
        and customer_email is not null and char_length(customer_email) <= 254
        and customer_email ~ ${EMAIL_PATTERN}
        and (customer_phone is null or customer_phone ~ '^\\+?[0-9 ()-]{6,24}$')
        and address_line1 is not null and char_length(address_line1) <= 200
        and (address_line2 is null or char_length(address_line2) <= 200)
        and postal_code is not null and char_length(postal_code) <= 20
        and city is not null and char_length(city) <= 100
        and country ~ '^[A-Za-z]{2}$' and upper(country) = any(${countries}::text[])
        and currency ~ '^[A-Za-z]{3}$' and upper(currency) = any(${currencies}::text[])
        and carrier_code ~ '^[A-Za-z0-9_-]{2,32}$'
        and (ipay_flag is null or (ipay_flag ~ '^[A-Za-z0-9]{1,5}$' and lower(ipay_flag) = any(${flagWords}::text[])))
        and shipping <= 1000000000000
        and (weight_grams is null or weight between 1 and 1000000)
        and ((length_mm is null and width_mm is null and height_mm is null)
          or (length between 1 and 10000 and width between 1 and 10000 and height between 1 and 10000)),
        false) as plain
      from valued
    )
    select checked.*, null::uuid as order_id,
      case when plain then encode(sha256(convert_to('orders.create', 'UTF8') || decode('00', 'hex') || convert_to(
        '{"carrier_code":' || to_json(carrier)::text
        || ',"currency":' || to_json(currency_code)::text
        || ',"customer":{"address":{"city":' || to_json(city)::text
        || ',"country":' || to_json(country_code)::text
        || ',"line1":' || to_json(address_line1)::text
        || coalesce(',"line2":' || to_json(address_line2)::text, '')
        || ',"postal_code":' || to_json(postal_code)::text
        || '},"email":' || to_json(customer_email)::text
        || ',"name":' || to_json(customer_name)::text
        || coalesce(',"phone":' || to_json(customer_phone)::text, '') || '}'
        || coalesce(',"dimensions_mm":{"height":' || height::text || ',"length":' || length::text
          || ',"width":' || width::text || '}', '')
        || ',"discount_minor":0,"ipay_flag":' || flag::text
        || ',"items":[' || items_json || ']'
        || ',"merchant_reference":' || to_json(reference)::text
        || ',"shipping_minor":' || shipping::text
        || coalesce(',"weight_grams":' || weight::text, '') || '}',
        'UTF8')), 'hex') end as fingerprint
    from checked`.execute(trx);
}

/** Inserts the plain orders whose reference is free, with their items, noting each one's id in upload_groups. */
async function insertPlainOrders(trx: DbTransaction, actor: Actor) {
  await sql`
    with inserted as (
      insert into orders (
        merchant_id, merchant_reference, customer_name, customer_email, customer_phone, address_line1,
        address_line2, postal_code, city, country, currency, items_total_minor, shipping_minor, discount_minor,
        total_minor, create_fingerprint, carrier_code, ipay_flag, weight_grams, length_mm, width_mm, height_mm,
        created_by
      )
      select ${actor.organizationId}::uuid, reference, customer_name, lower(customer_email), customer_phone,
        address_line1, address_line2, postal_code, city, country_code, currency_code, items_total, shipping, 0,
        items_total + shipping, fingerprint, carrier, flag, weight, length, width, height, ${actor.userId}::uuid
      from upload_groups
      where plain
      order by reference
      on conflict (merchant_id, merchant_reference) do nothing
      returning id, merchant_reference
    ), items as (
      insert into order_items (order_id, position, sku, name, quantity, unit_price_minor, line_total_minor)
      select inserted.id, l.position, l.sku, l.item_name, l.quantity_n, l.price_n, l.quantity_n * l.price_n
      from inserted join upload_lines l on l.reference = inserted.merchant_reference
    )
    update upload_groups g set order_id = inserted.id
    from inserted where g.reference = inserted.merchant_reference`.execute(trx);
}

/**
 * order.created for every order importPlainOrders inserted in this range, in reference order, as createOrders
 * announces them; in the same transaction, before the next range is staged. `numbering` as
 * recordDomainEventsFromQuery's: `now` only when nothing slow follows before the commit (it holds the stream
 * lock from here on).
 */
export function announcePlainOrders(
  trx: DbTransaction,
  actor: Actor,
  numbering: StreamNumbering,
): Promise<number> {
  return recordDomainEventsFromQuery(
    trx,
    sql`
      select row_number() over (order by reference) as ord, 'order.created'::text as type,
        'order'::text as resource_type, order_id::text as resource_id,
        ${actor.organizationId}::uuid as organization_id, ${actor.userId}::uuid as actor_user_id,
        jsonb_build_object('orderId', order_id::text, 'merchantReference', reference,
          'totalMinor', items_total + shipping, 'currency', currency_code, 'carrierCode', carrier,
          'ipayFlag', flag) as payload
      from upload_groups
      where order_id is not null`,
    numbering,
  );
}

/**
 * Creates the plain orders of one range of references, in the caller's transaction: orders and items in one
 * statement; their events are announcePlainOrders', once the range's other orders are created. An order already there under the same fingerprint is existing, as
 * createOrders reports it; everything else comes back in `leftOver`.
 */
export async function importPlainOrders(
  trx: DbTransaction,
  request: { uploadId: string; actor: Actor; mapping: MappedColumn[]; range: ReferenceRange },
): Promise<SetImportOutcome> {
  await stageLines(trx, request.uploadId, request.mapping, request.range);
  await stageGroups(trx);
  await insertPlainOrders(trx, request.actor);
  const { rows } = await sql<{ rows: string; created: string; existing: string; left_over: string[] | null }>`
    select (select count(*) from upload_lines) as rows,
      count(*) filter (where g.order_id is not null) as created,
      count(*) filter (
        where g.order_id is null and coalesce(o.create_fingerprint = g.fingerprint, false)) as existing,
      array_agg(g.reference order by g.reference) filter (
        where g.order_id is null and not coalesce(o.create_fingerprint = g.fingerprint, false)) as left_over
    from upload_groups g
    left join orders o on g.order_id is null and g.plain
      and o.merchant_id = ${request.actor.organizationId} and o.merchant_reference = g.reference`.execute(
    trx,
  );
  const outcome = rows[0];
  return {
    rows: Number(outcome?.rows ?? 0),
    created: Number(outcome?.created ?? 0),
    existing: Number(outcome?.existing ?? 0),
    leftOver: outcome?.left_over ?? [],
  };
}

/**
 * The upper bounds of ranges of `size` references each over an upload's parked rows, in reference order; the
 * last range runs past the last bound to the end.
 */
export async function referenceBounds(db: DbExecutor, uploadId: string, size: number): Promise<string[]> {
  const { rows } = await sql<{ reference: string }>`
    select reference from (
      select reference, row_number() over (order by reference) as n
      from (select distinct merchant_reference as reference from order_upload_rows
            where upload_id = ${uploadId} and merchant_reference is not null) refs
    ) numbered
    where n % ${size} = 0
    order by reference`.execute(db);
  return rows.map((row) => row.reference);
}
