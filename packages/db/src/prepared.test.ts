import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from './database';
import { prepared } from './prepared';
import { createTestDatabase, type TestDatabase } from './testing';

describe('prepared statements', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = createDatabase({
      connectionString: database.connectionString,
      max: 1,
      onError: () => undefined,
    });
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  const statementsOfTheConnection = async () => {
    const { rows } = await sql<{ statement: string }>`
      select statement from pg_prepared_statements order by prepare_time`.execute(handle.db);
    return rows.map((row) => row.statement);
  };

  it('prepares a marked statement once per connection and runs it with each call’s values', async () => {
    const doubled = (n: number) =>
      sql<{ twice: number }>`${prepared}select ${n}::int * 2 as twice`.execute(handle.db);
    const answers = [];
    for (const n of [1, 2, 3]) answers.push((await doubled(n)).rows[0]?.twice);

    expect(answers).toEqual([2, 4, 6]);
    const statements = await statementsOfTheConnection();
    expect(statements.filter((text) => text.includes('as twice'))).toHaveLength(1);
  });

  it('leaves unmarked statements unnamed', async () => {
    await sql`select ${5}::int as unmarked`.execute(handle.db);
    expect((await statementsOfTheConnection()).some((text) => text.includes('unmarked'))).toBe(false);
  });
});
