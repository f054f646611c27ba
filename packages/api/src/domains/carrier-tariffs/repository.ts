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

export interface InForceFilter {
  origin: string;
  shipDate: string;
  carriers?: readonly string[];
  services?: readonly string[];
}

/**
 * The version in force per carrier × service for an origin on a date: the newest effective date on or before
 * it, then the newest import. Ids only: the documents come from the cache (`tariff-cache.ts`).
 */
export function findVersionIdsInForce(db: DbExecutor, filter: InForceFilter) {
  let query = db
    .selectFrom('tariff_versions')
    .distinctOn(['carrier_code', 'service_code'])
    .select(['id', 'carrier_code', 'service_code'])
    .where('origin_country', '=', filter.origin)
    .where('effective_from', '<=', filter.shipDate);
  if (filter.carriers) query = query.where('carrier_code', 'in', filter.carriers);
  if (filter.services) query = query.where('service_code', 'in', filter.services);
  return query
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

/** Each carrier's fuel surcharge in force on the date (newest effective date, then newest entry). */
export function findFuelInForce(db: DbExecutor, carriers: readonly string[], shipDate: string) {
  if (!carriers.length) return Promise.resolve([]);
  return selectFuel(db)
    .distinctOn('carrier_code')
    .where('carrier_code', 'in', carriers)
    .where('effective_from', '<=', shipDate)
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
