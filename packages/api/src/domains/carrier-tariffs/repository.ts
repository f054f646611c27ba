import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';

const effectiveFromText = sql<string>`to_char(tariff_versions.effective_from, 'YYYY-MM-DD')`;

export function selectVersionSummaries(db: DbExecutor) {
  return db
    .selectFrom('tariff_versions')
    .select([
      'tariff_versions.id',
      'tariff_versions.carrier_code',
      'tariff_versions.service_code',
      'tariff_versions.origin_country',
      effectiveFromText.as('effective_from'),
      'tariff_versions.currency',
      'tariff_versions.volumetric_divisor',
      'tariff_versions.weight_step_grams',
      'tariff_versions.layout',
      'tariff_versions.file_name',
      'tariff_versions.created_by',
      'tariff_versions.created_at',
    ]);
}
export type VersionSummaryRow = Awaited<
  ReturnType<ReturnType<typeof selectVersionSummaries>['executeTakeFirstOrThrow']>
>;

/** The versions with their documents, by id (the engine's cache misses). */
export function findVersionsByIds(db: DbExecutor, ids: readonly string[]) {
  return selectVersionSummaries(db)
    .select(['tariff_versions.body', 'tariff_versions.content_hash'])
    .where('tariff_versions.id', 'in', ids)
    .execute();
}

/** The tariff stamp: it changes with every statement that writes a tariff table (migration tariff_stamp). */
export async function readTariffStamp(db: DbExecutor): Promise<string> {
  const row = await db.selectFrom('tariff_stamp').select('stamp').executeTakeFirstOrThrow();
  return String(row.stamp);
}

/**
 * Every version of an origin, per carrier × service the one in force first (newest effective date, then the
 * newest import), carriers and services in the database's order. Ids only: the documents come from the cache
 * (`tariff-cache.ts`).
 */
export function findVersionHistory(db: DbExecutor, origin: string) {
  return db
    .selectFrom('tariff_versions')
    .select(['id', 'carrier_code', 'service_code', effectiveFromText.as('effective_from')])
    .where('origin_country', '=', origin)
    .orderBy('carrier_code')
    .orderBy('service_code')
    .orderBy('effective_from', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

export function selectFuel(db: DbExecutor) {
  return db
    .selectFrom('tariff_fuel_surcharges')
    .select([
      'id',
      'carrier_code',
      'published_percent',
      'discount_percent',
      'discount_mode',
      sql<string>`to_char(effective_from, 'YYYY-MM-DD')`.as('effective_from'),
      'reason',
      'created_by',
      'created_at',
    ]);
}
export type FuelRow = Awaited<ReturnType<ReturnType<typeof selectFuel>['executeTakeFirstOrThrow']>>;

/** Every fuel entry, per carrier newest effective date first, then the newest entry. */
export function findFuelHistory(db: DbExecutor) {
  return selectFuel(db)
    .orderBy('carrier_code')
    .orderBy('effective_from', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** The newest version per carrier × service × origin among `keys`: what an import is compared with. */
export function findLatestVersions(
  db: DbExecutor,
  keys: ReadonlyArray<{ carrier: string; service: string; origin: string }>,
) {
  if (!keys.length) return Promise.resolve([]);
  return selectVersionSummaries(db)
    .select(['tariff_versions.body', 'tariff_versions.content_hash'])
    .distinctOn(['carrier_code', 'service_code', 'origin_country'])
    .where((eb) =>
      eb.or(
        keys.map((key) =>
          eb.and([
            eb('carrier_code', '=', key.carrier),
            eb('service_code', '=', key.service),
            eb('origin_country', '=', key.origin),
          ]),
        ),
      ),
    )
    .orderBy('carrier_code')
    .orderBy('service_code')
    .orderBy('origin_country')
    .orderBy('tariff_versions.effective_from', 'desc')
    .orderBy('tariff_versions.created_at', 'desc')
    .execute();
}

export async function upsertCarrier(trx: DbTransaction, code: string, name: string): Promise<void> {
  await trx
    .insertInto('tariff_carriers')
    .values({ code, name })
    .onConflict((oc) =>
      oc
        .column('code')
        .doUpdateSet({ name, updated_at: sql`now()` })
        .where('tariff_carriers.name', '<>', name),
    )
    .execute();
}

export async function upsertService(trx: DbTransaction, carrier: string, code: string, name: string) {
  await trx
    .insertInto('tariff_services')
    .values({ carrier_code: carrier, code, name })
    .onConflict((oc) =>
      oc
        .columns(['carrier_code', 'code'])
        .doUpdateSet({ name, updated_at: sql`now()` })
        .where('tariff_services.name', '<>', name),
    )
    .execute();
}

export function existingCarriersAndServices(db: DbExecutor, carriers: readonly string[]) {
  if (!carriers.length) return Promise.resolve([]);
  return db
    .selectFrom('tariff_carriers')
    .leftJoin('tariff_services', 'tariff_services.carrier_code', 'tariff_carriers.code')
    .select(['tariff_carriers.code as carrier', 'tariff_services.code as service'])
    .where('tariff_carriers.code', 'in', carriers)
    .execute();
}
