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

/** What a keyset column holds, so a cursor value is checked before PostgreSQL has to cast it. */
export type CursorKind = 'timestamp' | 'uuid' | 'integer' | 'text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// An ISO 8601 or PostgreSQL text timestamp (what `exactTimestamp` and toISOString produce), years 1–9999.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$/;

// NUL and lone surrogates: text PostgreSQL cannot hold in UTF-8.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this rejects
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether PostgreSQL can compare `value` with a column of `kind`; a forged cursor must not reach it otherwise. */
function fitsColumn(value: CursorValue, kind: CursorKind): boolean {
  switch (kind) {
    case 'timestamp':
      return typeof value === 'string' && isTimestamp(value);
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'text':
      return typeof value === 'string' && !UNSTORABLE_TEXT.test(value);
  }
}

function decodeCursor(cursor: string, kinds: readonly CursorKind[]): CursorValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === kinds.length &&
      values.every(
        (v, index) =>
          (typeof v === 'string' || typeof v === 'number') && fitsColumn(v, kinds[index] as CursorKind),
      )
    ) {
      return values as CursorValue[];
    }
  } catch {
    // falls through to the validation error below
  }
  throw AppError.validation('cursor', 'is not a cursor returned by this list', 'invalid_cursor');
}

export interface KeysetOptions<Row> {
  /** Columns that order the list with what each holds, ending with a unique one (usually the id). */
  orderBy: Array<readonly [column: string, kind: CursorKind]>;
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
    const after = decodeCursor(
      page.cursor,
      options.orderBy.map(([, kind]) => kind),
    );
    const columns = sql.join(options.orderBy.map(([column]) => sql.ref(column)));
    const values = sql.join(after.map((value) => sql`${value}`));
    q = q.where(
      direction === 'asc'
        ? sql<boolean>`(${columns}) > (${values})`
        : sql<boolean>`(${columns}) < (${values})`,
    );
  }
  for (const [column] of options.orderBy) q = q.orderBy(sql.ref(column), direction);
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
