import { sql, type SelectQueryBuilder } from 'kysely';
import { AppError } from '../errors/app-error';
import type { PageInput } from './pagination-schemas';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'string')) {
      return values;
    }
  } catch {
    // falls through to the validation error below
  }
  throw invalidCursor();
}

function invalidCursor(): AppError {
  return AppError.validation('cursor', 'is not a cursor returned by this list', 'invalid_cursor');
}

/** SQLSTATE class 22: a value in a hand-made cursor that its column's type cannot hold. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

export interface KeysetOptions {
  /** Columns that order the list, ending with a unique one (usually the id). */
  orderBy: string[];
  /** `desc` lists newest first (all columns descend together). */
  direction?: 'asc' | 'desc';
}

/**
 * Keyset pagination: stable under inserts, no OFFSET scans. Fetches one row more than asked to know
 * whether another page exists.
 *
 * The cursor holds each sort column as PostgreSQL prints it, read in the same query: a value that went
 * through JavaScript (a Date keeps milliseconds, the column microseconds) would skip or repeat the rows
 * that share a millisecond at a page edge. Compared back as untyped literals, each takes its column's type.
 */
export async function fetchPage<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  page: PageInput,
  options: KeysetOptions,
): Promise<Page<Row>> {
  const direction = options.direction ?? 'asc';
  const columns = sql.join(options.orderBy.map((column) => sql.ref(column)));
  let q = query
    .select(
      sql<string[]>`array[${sql.join(options.orderBy.map((column) => sql`${sql.ref(column)}::text`))}]`.as(
        'page_key',
      ),
    )
    .$castTo<Row & { page_key: string[] }>();
  if (page.cursor) {
    const after = decodeCursor(page.cursor, options.orderBy.length);
    const values = sql.join(after.map((value) => sql`${value}`));
    q = q.where(
      direction === 'asc'
        ? sql<boolean>`(${columns}) > (${values})`
        : sql<boolean>`(${columns}) < (${values})`,
    );
  }
  for (const column of options.orderBy) q = q.orderBy(sql.ref(column), direction);
  const rows = await q
    .limit(page.limit + 1)
    .execute()
    .catch((error: unknown) => {
      throw page.cursor && isDataException(error) ? invalidCursor() : error;
    });
  const pageRows = rows.slice(0, page.limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(({ page_key: _key, ...row }) => row as Row),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.page_key) : null,
  };
}
