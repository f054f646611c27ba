import type { ParsedTariff } from '../import/parsed-tariff';
import type { CostBreakdown, Surcharge, TariffBody, ZoneRates } from '../schemas';
import {
  decimalText,
  effectiveFuelUnits,
  exactRatio,
  FUEL_SCALE,
  percentRatio,
  percentUnits,
  type ExactRatio,
} from './rates';

/** One tariff version as stored: immutable, so it is compiled once and cached by id. */
export interface LoadedTariff extends Omit<ParsedTariff, 'carrierName' | 'serviceName'> {
  versionId: string;
}

export interface FuelInForce {
  id: string;
  publishedPercent: string;
  discountPercent: string;
  discountMode: 'of_surcharge' | 'points';
}

/** Postcodes compare without spaces or hyphens, in upper case: "1011 ab" is "1011AB". */
export function normalisePostcode(postcode: string): string {
  return postcode.toUpperCase().replace(/[\s-]/g, '');
}

/** A postcode range with its bounds normalised once. */
export interface PostcodeBounds {
  low: string;
  high: string;
}

interface CountryZones {
  /** The country's postcode ranges in the document's order: the first that matches wins. */
  ranges: Array<PostcodeBounds & { zone: string }>;
  /** The country's first catch-all rule. */
  countryWide: string | null;
}

export interface CompiledSurcharge {
  condition: Surcharge['condition'];
  thresholdCm: number | null;
  fixedMinor: number;
  /** `output.fuelApplies`, kept beside the numbers the engine reads per tariff: one object fewer per surcharge. */
  fuelApplies: boolean;
  /** Percent surcharges: the share of the base they take. */
  ratio: ExactRatio | null;
  /** The breakdown's fields, built once. */
  output: Omit<CostBreakdown['surcharges'][number], 'amountMinor'>;
}

/**
 * A zone's prices for the engine: its weight breaks as `[upToGrams, priceMinor]` pairs, in the document's order,
 * in one typed array. A preview prices hundreds of tariffs, each reading its zone's breaks; one contiguous block
 * per zone reads faster than an object per break spread over the heap.
 */
export interface CompiledRates {
  source: ZoneRates;
  breaks: Float64Array;
}

/**
 * A tariff version ready for the engine: zones and remote areas by destination country, prices by zone, the
 * surcharges' percentages as exact ratios. Built once per version (see `service/tariff-cache.ts`).
 */
export interface CompiledTariff {
  source: LoadedTariff;
  zones: ReadonlyMap<string, CountryZones>;
  rates: ReadonlyMap<string, CompiledRates>;
  surcharges: readonly CompiledSurcharge[];
  remoteAreas: ReadonlyMap<string, readonly PostcodeBounds[]>;
}

function bounds(from: string, to: string): PostcodeBounds {
  return { low: normalisePostcode(from), high: normalisePostcode(to) };
}

function compileZones(body: TariffBody): Map<string, CountryZones> {
  const zones = new Map<string, CountryZones>();
  for (const rule of body.zones) {
    let country = zones.get(rule.country);
    if (!country) zones.set(rule.country, (country = { ranges: [], countryWide: null }));
    if (rule.postcodeFrom === null || rule.postcodeTo === null) country.countryWide ??= rule.zone;
    else country.ranges.push({ ...bounds(rule.postcodeFrom, rule.postcodeTo), zone: rule.zone });
  }
  return zones;
}

function compileSurcharge(surcharge: Surcharge): CompiledSurcharge {
  const percent = surcharge.kind === 'percent' ? percentRatio(percentUnits(surcharge.percent ?? '0')) : null;
  return {
    condition: surcharge.condition,
    thresholdCm: surcharge.thresholdCm,
    fixedMinor: surcharge.amountMinor ?? 0,
    fuelApplies: surcharge.fuelApplies,
    ratio: percent,
    output: {
      code: surcharge.code,
      name: surcharge.name,
      kind: surcharge.kind,
      percent: surcharge.percent,
      fuelApplies: surcharge.fuelApplies,
    },
  };
}

function compileRates(rates: ZoneRates): CompiledRates {
  const breaks = new Float64Array(rates.breaks.length * 2);
  rates.breaks.forEach((found, i) => {
    breaks[i * 2] = found.upToGrams;
    breaks[i * 2 + 1] = found.priceMinor;
  });
  return { source: rates, breaks };
}

export function compileTariff(tariff: LoadedTariff): CompiledTariff {
  const rates = new Map<string, CompiledRates>();
  for (const zoneRates of tariff.body.rates)
    if (!rates.has(zoneRates.zone)) rates.set(zoneRates.zone, compileRates(zoneRates));
  const remoteAreas = new Map<string, PostcodeBounds[]>();
  for (const area of tariff.body.remoteAreas) {
    const list = remoteAreas.get(area.country) ?? [];
    list.push(bounds(area.postcodeFrom, area.postcodeTo));
    remoteAreas.set(area.country, list);
  }
  return {
    source: tariff,
    zones: compileZones(tariff.body),
    rates,
    surcharges: tariff.body.surcharges.map(compileSurcharge),
    remoteAreas,
  };
}

/** A fuel entry ready for the engine: its published and effective rates as exact ratios, its texts built once. */
export interface CompiledFuel {
  published: ExactRatio;
  effective: ExactRatio;
  /** The breakdown's fields that do not depend on the shipment. */
  output: Pick<
    CostBreakdown['fuel'],
    'surchargeId' | 'publishedPercent' | 'discountPercent' | 'discountMode' | 'effectivePercent'
  >;
}

export function compileFuel(fuel: FuelInForce): CompiledFuel {
  const published = percentUnits(fuel.publishedPercent);
  const discount = percentUnits(fuel.discountPercent);
  const effective = effectiveFuelUnits(published, discount, fuel.discountMode);
  return {
    published: percentRatio(published),
    effective: exactRatio(effective, 100n * 10n ** BigInt(FUEL_SCALE)),
    output: {
      surchargeId: fuel.id,
      publishedPercent: decimalText(published, 4),
      discountPercent: decimalText(discount, 4),
      discountMode: fuel.discountMode,
      effectivePercent: decimalText(effective, FUEL_SCALE),
    },
  };
}
