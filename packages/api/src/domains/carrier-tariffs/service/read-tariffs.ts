import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { DataScope } from '../../rbac/catalogue';
import { CARRIER_TARIFFS_ERRORS } from '../errors';
import { selectVersionSummaries, type VersionSummaryRow } from '../repository';
import {
  TariffBody,
  type ListCarriersInput,
  type ListVersionsInput,
  type TariffCarrier,
  type TariffService,
  type TariffVersion,
  type TariffVersionSummary,
} from '../schemas';

/**
 * Tariffs belong to no organization: a grant of carrier_tariffs on less than all organizations (a custom role
 * given to a merchant, say) reaches none of them.
 */
export function assertTariffReach(scope: DataScope): void {
  if (scope !== 'all') {
    throw new AppError(
      'forbidden',
      'Carrier tariffs are kept by IPAY operators (carrier_tariffs on all organizations).',
    );
  }
}

function carrierNotFound(code: string): AppError {
  return domainError(CARRIER_TARIFFS_ERRORS, 'carrier_not_found', `No tariff carrier has the code ${code}.`);
}

async function servicesOf(
  db: DbExecutor,
  carriers: readonly string[],
): Promise<Map<string, TariffService[]>> {
  const services = new Map<string, TariffService[]>(carriers.map((code) => [code, []]));
  if (!carriers.length) return services;
  const rows = await db
    .selectFrom('tariff_services')
    .select(['carrier_code', 'code', 'name', 'updated_at'])
    .where('carrier_code', 'in', carriers)
    .orderBy(sql`code collate "C"`)
    .execute();
  for (const row of rows) {
    services.get(row.carrier_code)?.push({
      carrier: row.carrier_code,
      code: row.code,
      name: row.name,
      updatedAt: toTimestamp(row.updated_at),
    });
  }
  return services;
}

/** Tariff carriers by code, each with its services. */
export async function listCarriers(db: DbExecutor, input: ListCarriersInput): Promise<Page<TariffCarrier>> {
  let query = db.selectFrom('tariff_carriers').select(['code', 'name', 'created_at', 'updated_at']);
  if (input.q) {
    const pattern = `%${input.q.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) => eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]));
  }
  const page = await fetchPage(query, input, { orderBy: ['code'] });
  const services = await servicesOf(
    db,
    page.items.map((row) => row.code),
  );
  return {
    items: page.items.map((row) => ({
      code: row.code,
      name: row.name,
      services: services.get(row.code) ?? [],
      createdAt: toTimestamp(row.created_at),
      updatedAt: toTimestamp(row.updated_at),
    })),
    nextCursor: page.nextCursor,
  };
}

export async function getCarrier(db: DbExecutor, code: string): Promise<TariffCarrier> {
  const row = await db
    .selectFrom('tariff_carriers')
    .select(['code', 'name', 'created_at', 'updated_at'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw carrierNotFound(code);
  const services = await servicesOf(db, [code]);
  return {
    code: row.code,
    name: row.name,
    services: services.get(code) ?? [],
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

export async function listServices(db: DbExecutor, carrier: string): Promise<TariffService[]> {
  return (await getCarrier(db, carrier)).services;
}

export async function getService(db: DbExecutor, carrier: string, service: string): Promise<TariffService> {
  const found = (await listServices(db, carrier)).find((s) => s.code === service);
  if (!found) throw new AppError('not_found', `The carrier ${carrier} has no service ${service}.`);
  return found;
}

function versionRowToSummary(row: VersionSummaryRow): TariffVersionSummary {
  return {
    id: row.id,
    carrier: row.carrier_code,
    service: row.service_code,
    origin: row.origin_country,
    effectiveFrom: row.effective_from,
    currency: row.currency,
    volumetricDivisor: row.volumetric_divisor,
    weightStepGrams: row.weight_step_grams,
    layout: row.layout,
    fileName: row.file_name,
    createdBy: row.created_by,
    createdAt: toTimestamp(row.created_at),
  };
}

/** A carrier's tariff versions, newest import first. */
export async function listVersions(
  db: DbExecutor,
  input: ListVersionsInput,
): Promise<Page<TariffVersionSummary>> {
  await getCarrier(db, input.carrier);
  let query = selectVersionSummaries(db).where('tariff_versions.carrier_code', '=', input.carrier);
  if (input.service) query = query.where('tariff_versions.service_code', '=', input.service);
  if (input.origin) query = query.where('tariff_versions.origin_country', '=', input.origin);
  const page = await fetchPage(query, input, {
    orderBy: ['tariff_versions.created_at', 'tariff_versions.id'],
    direction: 'desc',
  });
  return { items: page.items.map(versionRowToSummary), nextCursor: page.nextCursor };
}

/** One version with its whole tariff (zones, breaks, surcharges, remote areas). */
export async function getVersion(db: DbExecutor, carrier: string, id: string): Promise<TariffVersion> {
  const row = await selectVersionSummaries(db)
    .select('tariff_versions.body')
    .where('tariff_versions.id', '=', id)
    .where('tariff_versions.carrier_code', '=', carrier)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `The carrier ${carrier} has no tariff version ${id}.`);
  return { ...versionRowToSummary(row), tariff: TariffBody.parse(row.body) };
}
