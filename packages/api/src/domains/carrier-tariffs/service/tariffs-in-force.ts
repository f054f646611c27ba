import type { DbExecutor } from '@ipay/db';
import { compileFuel, type CompiledFuel, type CompiledTariff } from '../engine/compiled-tariff';
import { findFuelHistory, findVersionHistory, readTariffStamp } from '../repository';
import { loadTariffs } from './tariff-cache';

interface Dated<T> {
  effectiveFrom: string;
  value: T;
}

/** A carrier × service's versions of one origin, the one in force first for any date (`findVersionHistory`). */
interface VersionGroup {
  carrier: string;
  service: string;
  versions: Array<Dated<string>>;
}

/**
 * What this process knows of the tariffs as of one tariff stamp: each origin's version history and every
 * carrier's fuel history (small: ids, dates and rates, never the documents). A request reads the stamp (one
 * single-row query), or a cost preview takes the one its API process holds (`tariff-stamp.ts`), and resolves its
 * ship date here. Any tariff write changes the stamp, so the histories are loaded again by the next request that
 * sees the new stamp. Loads are shared by concurrent requests.
 */
interface Histories {
  stamp: string;
  origins: Map<string, Promise<VersionGroup[]>>;
  fuel: Promise<Map<string, Array<Dated<CompiledFuel>>>> | undefined;
  /** What is in force for an origin on a date, every carrier and service (the preview without filters). */
  resolved: Map<string, Promise<TariffsInForce>>;
}

/** Shared by the requests of a stamp: read, never changed. */
export interface TariffsInForce {
  tariffs: readonly CompiledTariff[];
  fuel: ReadonlyMap<string, CompiledFuel>;
}

/** Origin × ship date answers kept per stamp: a year of dates for a few origins; the oldest go first. */
const MAX_RESOLVED = 1_000;

function emptyHistories(stamp: string): Histories {
  return { stamp, origins: new Map(), fuel: undefined, resolved: new Map() };
}

let current: Histories = emptyHistories('');

async function loadVersionGroups(db: DbExecutor, origin: string): Promise<VersionGroup[]> {
  const groups: VersionGroup[] = [];
  let group: VersionGroup | undefined;
  for (const row of await findVersionHistory(db, origin)) {
    if (group?.carrier !== row.carrier_code || group.service !== row.service_code) {
      group = { carrier: row.carrier_code, service: row.service_code, versions: [] };
      groups.push(group);
    }
    group.versions.push({ effectiveFrom: row.effective_from, value: row.id });
  }
  return groups;
}

async function loadFuelHistories(db: DbExecutor): Promise<Map<string, Array<Dated<CompiledFuel>>>> {
  const fuel = new Map<string, Array<Dated<CompiledFuel>>>();
  for (const row of await findFuelHistory(db)) {
    const history = fuel.get(row.carrier_code) ?? [];
    const entry = {
      id: row.id,
      publishedPercent: row.published_percent,
      discountPercent: row.discount_percent,
      discountMode: row.discount_mode,
    };
    history.push({ effectiveFrom: row.effective_from, value: compileFuel(entry) });
    fuel.set(row.carrier_code, history);
  }
  return fuel;
}

/** A load shared until it fails: a failed one is dropped so the next request tries again. */
function shared<T>(load: Promise<T>, forget: () => void): Promise<T> {
  load.catch(forget);
  return load;
}

async function histories(db: DbExecutor, origin: string, heldStamp: string | undefined) {
  const stamp = heldStamp ?? (await readTariffStamp(db));
  if (current.stamp !== stamp) current = emptyHistories(stamp);
  const held = current;
  let groups = held.origins.get(origin);
  if (!groups) {
    groups = shared(loadVersionGroups(db, origin), () => held.origins.delete(origin));
    held.origins.set(origin, groups);
  }
  held.fuel ??= shared(loadFuelHistories(db), () => (held.fuel = undefined));
  return { held, groups: await groups, fuel: await held.fuel };
}

/** The first entry in force on the date: the histories are newest first. */
function inForce<T>(history: ReadonlyArray<Dated<T>> | undefined, date: string): T | undefined {
  for (const entry of history ?? []) if (entry.effectiveFrom <= date) return entry.value;
  return undefined;
}

export interface InForceFilter {
  /** The tariff stamp the caller holds (`heldTariffStamp`); read from the database when absent. */
  stamp?: string;
  origin: string;
  shipDate: string;
  carriers?: readonly string[];
  services?: readonly string[];
}

/**
 * The tariffs in force for an origin on a date (compiled), with each carrier's fuel surcharge then in force.
 * Without a carrier or service filter the answer is kept with the stamp's histories: the same origin and date
 * resolve to the same versions until a tariff write changes the stamp.
 */
export async function loadTariffsInForce(db: DbExecutor, filter: InForceFilter): Promise<TariffsInForce> {
  const { held, groups, fuel } = await histories(db, filter.origin, filter.stamp);
  if (filter.carriers || filter.services) return resolve(db, groups, fuel, filter);
  const key = `${filter.origin} ${filter.shipDate}`;
  let resolved = held.resolved.get(key);
  if (!resolved) {
    resolved = shared(resolve(db, groups, fuel, filter), () => held.resolved.delete(key));
    held.resolved.set(key, resolved);
    if (held.resolved.size > MAX_RESOLVED) held.resolved.delete(held.resolved.keys().next().value ?? key);
  }
  return resolved;
}

async function resolve(
  db: DbExecutor,
  groups: readonly VersionGroup[],
  fuelHistories: ReadonlyMap<string, Array<Dated<CompiledFuel>>>,
  filter: InForceFilter,
): Promise<TariffsInForce> {
  const carriers = filter.carriers && new Set(filter.carriers);
  const services = filter.services && new Set(filter.services);
  const ids: string[] = [];
  const fuel = new Map<string, CompiledFuel>();
  for (const group of groups) {
    if (carriers?.has(group.carrier) === false || services?.has(group.service) === false) continue;
    const id = inForce(group.versions, filter.shipDate);
    if (id === undefined) continue;
    ids.push(id);
    const entry = inForce(fuelHistories.get(group.carrier), filter.shipDate);
    if (entry) fuel.set(group.carrier, entry);
  }
  return { tariffs: await loadTariffs(db, ids), fuel };
}
