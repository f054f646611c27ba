import type { CostBreakdown, NotApplicable, ZoneRates } from '../schemas';
import {
  normalisePostcode,
  type CompiledFuel,
  type CompiledTariff,
  type FuelInForce,
  type LoadedTariff,
  type PostcodeBounds,
} from './compiled-tariff';
import { applyRatio } from './rates';

export type { FuelInForce, LoadedTariff };

export interface ShipmentFacts {
  destination: { country: string; postcode: string };
  weightGrams: number;
  dimensionsCm: { length: number; width: number; height: number };
  residential: boolean;
}

export type CostResult = { ok: true; cost: CostBreakdown } | { ok: false; notApplicable: NotApplicable };

/**
 * A range matches on the postcode's first characters, as many as each bound has: "1011AB" is inside
 * 1000–1099 (its "1011"), and a bound "75" covers every Paris postcode 75xxx.
 */
export function inPostcodeRange(postcode: string, range: PostcodeBounds): boolean {
  if (!postcode) return false;
  return comparePrefix(postcode, range.low) >= 0 && comparePrefix(postcode, range.high) <= 0;
}

/** `postcode.slice(0, bound.length)` compared with `bound` as strings compare, without making the slice. */
function comparePrefix(postcode: string, bound: string): number {
  const length = Math.min(postcode.length, bound.length);
  for (let i = 0; i < length; i += 1) {
    const difference = postcode.charCodeAt(i) - bound.charCodeAt(i);
    if (difference) return difference;
  }
  return postcode.length < bound.length ? -1 : 0;
}

/** A postcode range of the country wins over the country's catch-all rule; the first matching range wins. */
export function findZone(tariff: CompiledTariff, country: string, postcode: string): string | null {
  const zones = tariff.zones.get(country);
  if (!zones) return null;
  for (const range of zones.ranges) if (inPostcodeRange(postcode, range)) return range.zone;
  return zones.countryWide;
}

/** `value / divisor` rounded up, exact for safe non-negative integers: `%` is exact, so is the division after. */
function divideUp(value: number, divisor: number): number {
  const rest = value % divisor;
  return (value - rest) / divisor + (rest ? 1 : 0);
}

/**
 * Volumetric grams: L × W × H in cm³ / divisor is kilograms, i.e. mm³ / divisor grams, rounded up. At most
 * 10,000 mm a side, the volume stays below 2^53.
 */
export function volumetricGrams(dimensionsCm: ShipmentFacts['dimensionsCm'], divisor: number): number {
  const { length, width, height } = dimensionsCm;
  const cubicMm = Math.round(length * 10) * Math.round(width * 10) * Math.round(height * 10);
  return divideUp(cubicMm, divisor);
}

export function chargeableGrams(actual: number, volumetric: number, step: number): number {
  return divideUp(Math.max(actual, volumetric), step) * step;
}

type WeightBreakUsed = CostBreakdown['weightBreak'];

/** The first break at or above the weight (upper-inclusive); above the last, its price plus started steps. */
export function priceWeight(
  rates: ZoneRates,
  grams: number,
): { weightBreak: WeightBreakUsed; baseMinor: number } | null {
  const additional = rates.additional;
  const additionalStepGrams = additional ? additional.stepGrams : null;
  const additionalStepPriceMinor = additional ? additional.priceMinor : null;
  for (const found of rates.breaks) {
    if (grams > found.upToGrams) continue;
    return {
      weightBreak: {
        upToGrams: found.upToGrams,
        priceMinor: found.priceMinor,
        additionalSteps: 0,
        additionalStepGrams,
        additionalStepPriceMinor,
      },
      baseMinor: found.priceMinor,
    };
  }
  const last = rates.breaks.at(-1);
  if (!last || !additional) return null;
  const steps = divideUp(grams - last.upToGrams, additional.stepGrams);
  return {
    weightBreak: {
      upToGrams: last.upToGrams,
      priceMinor: last.priceMinor,
      additionalSteps: steps,
      additionalStepGrams,
      additionalStepPriceMinor,
    },
    baseMinor: last.priceMinor + steps * additional.priceMinor,
  };
}

function inRemoteArea(tariff: CompiledTariff, country: string, postcode: string): boolean {
  for (const area of tariff.remoteAreas.get(country) ?? []) if (inPostcodeRange(postcode, area)) return true;
  return false;
}

function surchargeApplies(
  surcharge: CompiledTariff['surcharges'][number],
  tariff: CompiledTariff,
  shipment: ShipmentFacts,
  postcode: string,
) {
  switch (surcharge.condition) {
    case 'always':
      return true;
    case 'residential':
      return shipment.residential;
    case 'remote_postcode':
      return inRemoteArea(tariff, shipment.destination.country, postcode);
    case 'oversize': {
      const { length, width, height } = shipment.dimensionsCm;
      return surcharge.thresholdCm !== null && Math.max(length, width, height) > surcharge.thresholdCm;
    }
  }
}

const NO_FUEL = {
  surchargeId: null,
  publishedPercent: '0',
  discountPercent: '0',
  discountMode: null,
  effectivePercent: '0',
} as const;

function fuelOf(fuel: CompiledFuel | null, baseMinor: number): CostBreakdown['fuel'] {
  if (!fuel) return { ...NO_FUEL, baseMinor, publishedAmountMinor: 0, ipayDiscountMinor: 0, amountMinor: 0 };
  const publishedAmountMinor = applyRatio(baseMinor, fuel.published);
  const amountMinor = applyRatio(baseMinor, fuel.effective);
  return {
    surchargeId: fuel.output.surchargeId,
    baseMinor,
    publishedPercent: fuel.output.publishedPercent,
    discountPercent: fuel.output.discountPercent,
    discountMode: fuel.output.discountMode,
    effectivePercent: fuel.output.effectivePercent,
    publishedAmountMinor,
    ipayDiscountMinor: publishedAmountMinor - amountMinor,
    amountMinor,
  };
}

function notApplicable(tariff: CompiledTariff, reason: NotApplicable['reason'], detail: string): CostResult {
  const { carrier, service, versionId } = tariff.source;
  return { ok: false, notApplicable: { carrier, service, tariffVersionId: versionId, reason, detail } };
}

/**
 * What one shipment costs under one tariff version and the fuel surcharge in force: a pure function, so the
 * preview, the reconciliation and the tests share one arithmetic. Amounts are integer minor units; each
 * percentage amount is rounded half up once (see docs/domains/carrier-tariffs.md).
 */
export function computeCost(
  tariff: CompiledTariff,
  fuel: CompiledFuel | null,
  shipment: ShipmentFacts,
): CostResult {
  const source = tariff.source;
  const postcode = normalisePostcode(shipment.destination.postcode);
  const zone = findZone(tariff, shipment.destination.country, postcode);
  const rates = zone === null ? undefined : tariff.rates.get(zone);
  if (zone === null || !rates) {
    const where = `${shipment.destination.country}${postcode ? ` ${postcode}` : ''}`;
    return notApplicable(tariff, 'no_zone', `The tariff has no zone (with prices) for ${where}.`);
  }
  const volumetric = volumetricGrams(shipment.dimensionsCm, source.volumetricDivisor);
  const chargeable = chargeableGrams(shipment.weightGrams, volumetric, source.weightStepGrams);
  const priced = priceWeight(rates, chargeable);
  if (!priced) {
    const max = rates.breaks.at(-1)?.upToGrams ?? 0;
    const detail = `The chargeable weight ${chargeable} g is above zone ${zone}'s maximum of ${max} g.`;
    return notApplicable(tariff, 'over_max_weight', detail);
  }
  const baseMinor = priced.baseMinor;
  const surcharges: CostBreakdown['surcharges'] = [];
  let fuelBase = baseMinor;
  let surchargeTotal = 0;
  for (const surcharge of tariff.surcharges) {
    if (!surchargeApplies(surcharge, tariff, shipment, postcode)) continue;
    const amountMinor = surcharge.ratio ? applyRatio(baseMinor, surcharge.ratio) : surcharge.fixedMinor;
    surcharges.push({ ...surcharge.output, amountMinor });
    surchargeTotal += amountMinor;
    if (surcharge.output.fuelApplies) fuelBase += amountMinor;
  }
  const fuelPart = fuelOf(fuel, fuelBase);
  return {
    ok: true,
    cost: {
      carrier: source.carrier,
      service: source.service,
      tariffVersionId: source.versionId,
      effectiveFrom: source.effectiveFrom,
      currency: source.currency,
      weight: {
        actualGrams: shipment.weightGrams,
        volumetricGrams: volumetric,
        volumetricDivisor: source.volumetricDivisor,
        weightStepGrams: source.weightStepGrams,
        chargeableGrams: chargeable,
      },
      zone,
      weightBreak: priced.weightBreak,
      baseMinor,
      surcharges,
      fuel: fuelPart,
      totalMinor: baseMinor + surchargeTotal + fuelPart.amountMinor,
    },
  };
}

/** The order `localeCompare` gives, from one collator instead of one lookup per comparison. */
const codeOrder = new Intl.Collator().compare;

/** Cheapest total first; equal totals by carrier then service, so the order is stable. */
export function byTotal(a: CostBreakdown, b: CostBreakdown): number {
  return a.totalMinor - b.totalMinor || codeOrder(a.carrier, b.carrier) || codeOrder(a.service, b.service);
}
