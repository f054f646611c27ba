import type { DbExecutor } from '@ipay/db';
import { compileTariff, type CompiledTariff, type LoadedTariff } from '../engine/compiled-tariff';
import { findVersionsByIds, type VersionSummaryRow } from '../repository';
import { TariffBody } from '../schemas';

/**
 * Tariff versions by id, parsed and compiled once per process. A version is never edited (a trigger refuses updates), so a
 * cached one is never stale and every API process can hold its own copy without invalidation. Bounded: past
 * the limit the oldest-loaded versions are dropped first (the versions in force are loaded again on use).
 */
const MAX_CACHED_VERSIONS = 20_000;
const cache = new Map<string, CompiledTariff>();

export function toLoadedTariff(row: VersionSummaryRow & { body: unknown }): LoadedTariff {
  return {
    versionId: row.id,
    carrier: row.carrier_code,
    service: row.service_code,
    origin: row.origin_country,
    effectiveFrom: row.effective_from,
    currency: row.currency,
    volumetricDivisor: row.volumetric_divisor,
    weightStepGrams: row.weight_step_grams,
    body: TariffBody.parse(row.body),
  };
}

export async function loadTariffs(db: DbExecutor, ids: readonly string[]): Promise<CompiledTariff[]> {
  const missing = ids.filter((id) => !cache.has(id));
  if (missing.length) {
    for (const row of await findVersionsByIds(db, missing)) {
      cache.set(row.id, compileTariff(toLoadedTariff(row)));
      if (cache.size > MAX_CACHED_VERSIONS) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
    }
  }
  return ids.flatMap((id) => cache.get(id) ?? []);
}
