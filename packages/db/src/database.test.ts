import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from './database';
import { createTestDatabase, type TestDatabase } from './testing';

describe('createDatabase().close()', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('ends a pool that only pool.query used, instead of leaving its connections to their idle timeout', async () => {
    const handle = createDatabase({ connectionString: database.connectionString, onError: () => undefined });
    await handle.pool.query('select 1');
    expect(handle.pool.totalCount).toBe(1);
    await handle.close();
    expect(handle.pool.ended).toBe(true);
    expect(handle.pool.totalCount).toBe(0);
  });

  it('closes a pool Kysely used as before', async () => {
    const handle = createDatabase({ connectionString: database.connectionString, onError: () => undefined });
    await handle.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    await handle.close();
    expect(handle.pool.ended).toBe(true);
    expect(handle.pool.totalCount).toBe(0);
  });
});
