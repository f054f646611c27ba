import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';

/**
 * Expires every active lot whose expiry has come (as of `asOf`, default now): what was left of it becomes an
 * `expired` history entry, one per lot. Set-based, one statement; a lot being spent or reversed meanwhile is
 * locked, and the statement waits for it and sees what is left. Returns how many lots expired.
 */
export async function expireDuePoints(db: DbExecutor, options: { asOf?: Date } = {}): Promise<number> {
  const asOf = options.asOf ? sql<Date>`${options.asOf.toISOString()}::timestamptz` : sql<Date>`now()`;
  const { rows } = await sql<{ id: string }>`
    with due as (
      select id, remaining from points_lots
       where state = 'active' and remaining > 0 and expires_at <= ${asOf}
       order by id
         for update),
    expired as (
      update points_lots l set state = 'expired', remaining = 0, closed_at = now()
        from due d where l.id = d.id and l.state = 'active'
      returning l.id, l.owner_email, d.remaining)
    insert into points_entries (owner_email, kind, points, lot_id, note)
    select owner_email, 'expired', remaining, id, 'validity ended' from expired
    returning lot_id as id`.execute(db);
  return rows.length;
}
