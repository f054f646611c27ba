import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error';
import { exactTimestamp, fetchPage, type KeysetOptions } from './pagination';

const cursorOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe('keyset pagination cursors', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db
      .insertInto('organizations')
      .values([
        { name: 'Cursor A', type: 'merchant' },
        { name: 'Cursor B', type: 'merchant' },
        { name: 'Cursor C', type: 'merchant' },
      ])
      .execute();
  });
  afterAll(() => database.drop());

  const list = (cursor?: string) =>
    fetchPage(
      database.db
        .selectFrom('organizations')
        .select(['id', 'name', exactTimestamp('organizations.created_at').as('created_cursor')]),
      { limit: 1, cursor },
      {
        orderBy: [
          ['organizations.created_at', 'timestamp'],
          ['organizations.id', 'uuid'],
        ],
        keyOf: (row) => [row.created_cursor, row.id],
      } satisfies KeysetOptions<{ id: string; created_cursor: string }>,
    );

  it('walks the list with the cursors it hands out', async () => {
    const first = await list();
    const second = await list(first.nextCursor ?? undefined);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
  });

  it.each([
    ['a timestamp that is not one', ['not-a-date', '00000000-0000-0000-0000-000000000000']],
    ['a day that does not exist', ['2026-02-30 10:00:00+00', '00000000-0000-0000-0000-000000000000']],
    ['an id that is not a uuid', ['2026-01-01T00:00:00.000Z', 'not-a-uuid']],
    ['a number where text is kept', [1e308, -1]],
    ['NUL', ['\u0000', '\u0000']],
    ['too many values', ['2026-01-01T00:00:00.000Z', '00000000-0000-0000-0000-000000000000', 'x']],
  ])(
    'refuses a forged cursor holding %s as a 400 on `cursor`, before PostgreSQL sees it',
    async (_, values) => {
      const refusal = await list(cursorOf(values)).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'cursor' })] });
    },
  );
});
