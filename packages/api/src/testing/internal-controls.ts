import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor } from '@ipay/db';

/**
 * Copies one row `count` times with some columns replaced by SQL expressions evaluated per copy (`g` is the copy's
 * number, 1…count): bulk offending rows for the controls' RED thresholds without each table's factory.
 */
export async function cloneTestRows(
  db: DbExecutor,
  request: { table: string; id: string; count: number; set: Record<string, RawBuilder<unknown>> },
): Promise<string[]> {
  const pairs = Object.entries(request.set).flatMap(([column, value]) => [sql.lit(column), value]);
  const { rows } = await sql<{ id: string }>`
    insert into ${sql.table(request.table)}
    select (jsonb_populate_record(
      null::${sql.table(request.table)},
      to_jsonb(source) || jsonb_build_object('id', gen_random_uuid(), ${sql.join(pairs)})
    )).*
    from ${sql.table(request.table)} source cross join generate_series(1, ${request.count}) as g
    where source.id = ${request.id}
    returning id::text as id`.execute(db);
  return rows.map((row) => row.id);
}

/** A unique 18-digit payment reference per copy, for cloned sessions. */
export const CLONED_REFERENCE = sql`lpad(floor(random() * 1e15)::bigint::text, 15, '0') || lpad(g::text, 3, '0')`;

/**
 * Copies a payment session (with a copy of its order each, since an order has one live session) `count` times,
 * with the session columns in `set` replaced. Returns the new sessions' ids.
 */
export async function cloneTestSessions(
  db: DbExecutor,
  request: { sessionId: string; count: number; set: Record<string, RawBuilder<unknown>> },
): Promise<string[]> {
  const source = await sql<{ order_id: string }>`
    select order_id::text from payment_sessions where id = ${request.sessionId}`.execute(db);
  const orderId = source.rows[0]?.order_id ?? '';
  const ids: string[] = [];
  for (let copy = 0; copy < request.count; copy += 1) {
    const [order] = await cloneTestRows(db, {
      table: 'orders',
      id: orderId,
      count: 1,
      set: { merchant_reference: sql`'clone-' || gen_random_uuid()` },
    });
    const [session] = await cloneTestRows(db, {
      table: 'payment_sessions',
      id: request.sessionId,
      count: 1,
      set: {
        order_id: sql`${order}::text`,
        reference: CLONED_REFERENCE,
        pay_token: sql`'clone-' || gen_random_uuid()`,
        ...request.set,
      },
    });
    if (session) ids.push(session);
  }
  return ids;
}
