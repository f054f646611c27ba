import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMigrationStatus } from './migrate';
import { renderSchemaTypes } from './schema-types';
import { createTestDatabase, type TestDatabase } from './testing';

describe('database schema', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('has every migration applied in the template', async () => {
    await expect(getMigrationStatus(database.db)).resolves.toEqual({ current: true, pending: [] });
  });

  it('matches the checked-in Database interface (run `pnpm --filter @ipay/db db:types` after a migration)', async () => {
    await expect(await renderSchemaTypes(database.db)).toMatchFileSnapshot('./schema.generated.ts');
  });

  it('types a column checked by `in (...)` as the union of its values, and leaves other checks alone', async () => {
    const rendered = await renderSchemaTypes(database.db);
    expect(rendered).toContain("status: Generated<'active' | 'disabled'>;");
    expect(rendered).toContain(
      "parcel_status: 'PICKED_UP' | 'IN_DELIVERY' | 'DELIVERED' | 'DELIVERY_FAILED' | 'RETURNED_TO_SENDER' | null;",
    );
    expect(rendered).toContain('  country: string;');
  });

  it('has the job queue schema installed', async () => {
    const { rows } = await database.pool.query<{ exists: boolean }>(
      "select exists (select 1 from pg_namespace where nspname = 'graphile_worker') as exists",
    );
    expect(rows[0]?.exists).toBe(true);
  });
});

describe('migration list', () => {
  it('names every migration file in the folder, in order', async () => {
    const { readdir } = await import('node:fs/promises');
    const { migrations } = await import('../migrations');
    const files = (await readdir(new URL('../migrations', import.meta.url)))
      .filter((file) => file !== 'index.ts')
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(migrations)).toEqual(files);
  });
});
