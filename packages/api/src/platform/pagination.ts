import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors/app-error';

export const PageInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size, 1 to 200'),
  cursor: z.string().max(500).optional().describe('`nextCursor` of the previous page'),
});
export type PageInput = z.infer<typeof PageInput>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type CursorValue = string | number;

function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): CursorValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return values;
    }
  } catch {
    // falls through to the validation error below
  }
  throw AppError.validation('cursor', 'is not a cursor returned by this list', 'invalid_cursor');
}

export interface KeysetOptions<Row> {
  /** Columns that order the list, ending with a unique one (usually the id). */
  orderBy: string[];
  /** `desc` lists newest first (all columns descend together). */
  direction?: 'asc' | 'desc';
  /** The values of `orderBy` for a row, to build the next cursor. */
  keyOf: (row: Row) => CursorValue[];
}

/**
 * Keyset pagination: stable under inserts, no OFFSET scans. Fetches one row more than asked to know
 * whether another page exists.
 */
export async function fetchPage<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  page: PageInput,
  options: KeysetOptions<Row>,
): Promise<Page<Row>> {
  const direction = options.direction ?? 'asc';
  let q = query;
  if (page.cursor) {
    const after = decodeCursor(page.cursor, options.orderBy.length);
    const columns = sql.join(options.orderBy.map((column) => sql.ref(column)));
    const values = sql.join(after.map((value) => sql`${value}`));
    q = q.where(
      direction === 'asc'
        ? sql<boolean>`(${columns}) > (${values})`
        : sql<boolean>`(${columns}) < (${values})`,
    );
  }
  for (const column of options.orderBy) q = q.orderBy(sql.ref(column), direction);
  const rows = await q.limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > page.limit && last ? encodeCursor(options.keyOf(last)) : null,
  };
}

/**
 * A timestamp column's exact value as text, for cursors that order by time: a JS Date keeps milliseconds
 * while PostgreSQL keeps microseconds, so a cursor built from the Date would repeat the page's last row.
 */
export function exactTimestamp(column: string): RawBuilder<string> {
  return sql<string>`${sql.ref(column)}::text`;
}
