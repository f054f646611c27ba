import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../testing';
import { readTariffStamp } from './repository';
import { heldTariffStamp, tariffStampListenerPid } from './service/tariff-stamp';

/** A new stamp without the notice a tariff write sends: what a lost notice would look like. */
async function bumpQuietly(platform: TestPlatform): Promise<string> {
  await sql`update tariff_stamp set stamp = nextval('tariff_stamp_seq')`.execute(platform.database.db);
  return readTariffStamp(platform.database.db);
}

describe('the tariff stamp an API process holds', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('is read once and kept until the database announces a tariff change', async () => {
    const db = platform.deps.db;
    const first = await heldTariffStamp(db);
    expect(first).toBe(await readTariffStamp(db));
    const unannounced = await bumpQuietly(platform);
    expect(await heldTariffStamp(db)).toBe(first);
    await sql`select pg_notify('ipay_tariff_changes', '')`.execute(db);
    await expect.poll(() => heldTariffStamp(db), { timeout: 5_000 }).toBe(unannounced);
  });

  it('follows a tariff write committed elsewhere, and ignores one rolled back', async () => {
    const db = platform.deps.db;
    const before = await heldTariffStamp(db);
    const rolledBack = new Error('rolled back');
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('tariff_carriers').values({ code: 'STAMPRB', name: 'Rolled back' }).execute();
        throw rolledBack;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rolledBack);
    expect(await heldTariffStamp(db)).toBe(before);
    await db.insertInto('tariff_carriers').values({ code: 'STAMPOK', name: 'Committed' }).execute();
    const committed = await readTariffStamp(db);
    expect(committed).not.toBe(before);
    await expect.poll(() => heldTariffStamp(db), { timeout: 5_000 }).toBe(committed);
  });

  it('is read from the database on every call while the listening connection is down', async () => {
    const db = platform.deps.db;
    await heldTariffStamp(db);
    const pid = tariffStampListenerPid(db);
    expect(pid).toBeTypeOf('number');
    await sql`select pg_terminate_backend(${pid})`.execute(platform.database.db);
    await expect.poll(() => tariffStampListenerPid(db) !== pid, { timeout: 5_000 }).toBe(true);
    const unannounced = await bumpQuietly(platform);
    expect(await heldTariffStamp(db)).toBe(unannounced);
    // Back, it starts afresh and holds again.
    await expect.poll(() => tariffStampListenerPid(db), { timeout: 15_000 }).toBeTypeOf('number');
    const again = await heldTariffStamp(db);
    await bumpQuietly(platform);
    expect(await heldTariffStamp(db)).toBe(again);
  });
});
