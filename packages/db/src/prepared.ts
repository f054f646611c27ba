import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';

const MARK = '/* prepared */ ';

/**
 * The statement it starts is prepared once per connection and then only bound and executed: PostgreSQL parses,
 * analyses and plans it on its first run on a connection instead of on every run. For hot statements whose text
 * is the same on every call (values only as parameters), e.g. `sql\`${prepared}with inserted as (…)\``. Planning
 * alone was a third of the order create's statement time. A prepared statement lives as long as its connection:
 * a migration that changes a table it reads must run before the pool's connections prepare it (as it does, at
 * start-up), or those connections be reopened.
 */
export const prepared: RawBuilder<unknown> = sql.raw(MARK);

// Distinct marked texts this process prepares; past the bound (a marked statement whose text varies) the rest run
// unnamed, as unmarked ones do, rather than fill every connection with statements.
const MAX_STATEMENTS = 100;
const names = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_STATEMENTS) {
    name = `ipay_prepared_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

type QueryArguments = [config: unknown, values?: unknown, callback?: unknown];

/**
 * Runs the client's marked statements as named ones (pg parses a name once per connection). Installed on every
 * connection of a pool, so Kysely (which passes text and values) and `pool.query` both get it.
 */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: QueryArguments) => unknown;
  const named = (...[config, values, callback]: QueryArguments): unknown => {
    if (typeof config !== 'string' || !config.startsWith(MARK) || !Array.isArray(values)) {
      return query(config, values, callback);
    }
    const name = statementName(config);
    return name
      ? query({ name, text: config, values }, undefined, callback)
      : query(config, values, callback);
  };
  client.query = named as typeof client.query;
}
