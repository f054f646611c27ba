import type { CostBreakdown, NotApplicable, ZoneRates } from '../schemas';
import {
  normalisePostcode,
  type CompiledFuel,
  type CompiledRates,
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

/**
 * One shipment priced under one tariff, as plain numbers. `priceShipment` fills one in place, so the preview's
 * hot path (`preview-json.ts`) prices hundreds of tariffs without an object per tariff; `computeCost` turns it
 * into the breakdown. One arithmetic for both.
 */
export class PricedShipment {
  zone = '';
  zoneRates: ZoneRates | undefined = undefined;
  volumetricGrams = 0;
  chargeableGrams = 0;
  breakUpToGrams = 0;
  breakPriceMinor = 0;
  additionalSteps = 0;
  baseMinor = 0;
  fuelBaseMinor = 0;
  publishedFuelMinor = 0;
  fuelMinor = 0;
  totalMinor = 0;
  /** Per compiled surcharge of the tariff, in its order: the amount, or NaN when its condition does not hold. */
  readonly surchargeMinor: number[] = [];
}

export type PriceOutcome = 'priced' | NotApplicable['reason'];

/** The first break at or above the weight (upper-inclusive); above the last, its price plus started steps. */
function priceWeight(rates: CompiledRates, grams: number, out: PricedShipment): boolean {
  const breaks = rates.breaks;
  const pairs = breaks.length;
  for (let at = 0; at < pairs; at += 2) {
    const upToGrams = breaks[at] as number;
    if (grams > upToGrams) continue;
    const priceMinor = breaks[at + 1] as number;
    out.breakUpToGrams = upToGrams;
    out.breakPriceMinor = priceMinor;
    out.additionalSteps = 0;
    out.baseMinor = priceMinor;
    return true;
  }
  const additional = rates.source.additional;
  if (!pairs || !additional) return false;
  const lastUpTo = breaks[pairs - 2] as number;
  const lastPrice = breaks[pairs - 1] as number;
  const steps = divideUp(grams - lastUpTo, additional.stepGrams);
  out.breakUpToGrams = lastUpTo;
  out.breakPriceMinor = lastPrice;
  out.additionalSteps = steps;
  out.baseMinor = lastPrice + steps * additional.priceMinor;
  return true;
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

/**
 * What one shipment costs under one tariff version and the fuel surcharge in force, into `out`; `postcode` is
 * the destination's, normalised (`normalisePostcode`). Amounts are integer minor units; each percentage amount
 * is rounded half up once (see docs/domains/carrier-tariffs.md).
 */
export function priceShipment(
  tariff: CompiledTariff,
  fuel: CompiledFuel | null,
  shipment: ShipmentFacts,
  postcode: string,
  out: PricedShipment,
): PriceOutcome {
  const source = tariff.source;
  const zone = findZone(tariff, shipment.destination.country, postcode);
  const rates = zone === null ? undefined : tariff.rates.get(zone);
  out.zone = zone ?? '';
  out.zoneRates = rates?.source;
  if (zone === null || !rates) return 'no_zone';
  out.volumetricGrams = volumetricGrams(shipment.dimensionsCm, source.volumetricDivisor);
  out.chargeableGrams = chargeableGrams(shipment.weightGrams, out.volumetricGrams, source.weightStepGrams);
  if (!priceWeight(rates, out.chargeableGrams, out)) return 'over_max_weight';
  const baseMinor = out.baseMinor;
  const surcharges = tariff.surcharges;
  // Resized only when it changes: an array length store is not a plain field store, and this runs per tariff.
  if (out.surchargeMinor.length !== surcharges.length) out.surchargeMinor.length = surcharges.length;
  let fuelBase = baseMinor;
  let surchargeTotal = 0;
  for (let i = 0; i < surcharges.length; i += 1) {
    const surcharge = surcharges[i] as CompiledTariff['surcharges'][number];
    if (!surchargeApplies(surcharge, tariff, shipment, postcode)) {
      out.surchargeMinor[i] = Number.NaN;
      continue;
    }
    const amountMinor = surcharge.ratio ? applyRatio(baseMinor, surcharge.ratio) : surcharge.fixedMinor;
    out.surchargeMinor[i] = amountMinor;
    surchargeTotal += amountMinor;
    if (surcharge.fuelApplies) fuelBase += amountMinor;
  }
  out.fuelBaseMinor = fuelBase;
  out.publishedFuelMinor = fuel ? applyRatio(fuelBase, fuel.published) : 0;
  out.fuelMinor = fuel ? applyRatio(fuelBase, fuel.effective) : 0;
  out.totalMinor = baseMinor + surchargeTotal + out.fuelMinor;
  return 'priced';
}

const NO_FUEL = {
  surchargeId: null,
  publishedPercent: '0',
  discountPercent: '0',
  discountMode: null,
  effectivePercent: '0',
} as const;

function fuelOf(fuel: CompiledFuel | null, priced: PricedShipment): CostBreakdown['fuel'] {
  const baseMinor = priced.fuelBaseMinor;
  if (!fuel) return { ...NO_FUEL, baseMinor, publishedAmountMinor: 0, ipayDiscountMinor: 0, amountMinor: 0 };
  return {
    surchargeId: fuel.output.surchargeId,
    baseMinor,
    publishedPercent: fuel.output.publishedPercent,
    discountPercent: fuel.output.discountPercent,
    discountMode: fuel.output.discountMode,
    effectivePercent: fuel.output.effectivePercent,
    publishedAmountMinor: priced.publishedFuelMinor,
    ipayDiscountMinor: priced.publishedFuelMinor - priced.fuelMinor,
    amountMinor: priced.fuelMinor,
  };
}

/** Why a tariff cannot carry the shipment, from what `priceShipment` left in `priced`. */
export function notApplicableOf(
  tariff: CompiledTariff,
  reason: NotApplicable['reason'],
  shipment: ShipmentFacts,
  postcode: string,
  priced: PricedShipment,
): NotApplicable {
  const { carrier, service, versionId } = tariff.source;
  const base = { carrier, service, tariffVersionId: versionId, reason };
  if (reason === 'no_zone') {
    const where = `${shipment.destination.country}${postcode ? ` ${postcode}` : ''}`;
    return { ...base, detail: `The tariff has no zone (with prices) for ${where}.` };
  }
  const max = priced.zoneRates?.breaks.at(-1)?.upToGrams ?? 0;
  const detail = `The chargeable weight ${priced.chargeableGrams} g is above zone ${priced.zone}'s maximum of ${max} g.`;
  return { ...base, detail };
}

/** The breakdown of a priced shipment (`priceShipment` returned 'priced'). */
function breakdownOf(
  tariff: CompiledTariff,
  fuel: CompiledFuel | null,
  shipment: ShipmentFacts,
  priced: PricedShipment,
): CostBreakdown {
  const source = tariff.source;
  const additional = priced.zoneRates?.additional ?? null;
  const surcharges: CostBreakdown['surcharges'] = [];
  tariff.surcharges.forEach((surcharge, i) => {
    const amountMinor = priced.surchargeMinor[i] ?? Number.NaN;
    if (!Number.isNaN(amountMinor)) surcharges.push({ ...surcharge.output, amountMinor });
  });
  return {
    carrier: source.carrier,
    service: source.service,
    tariffVersionId: source.versionId,
    effectiveFrom: source.effectiveFrom,
    currency: source.currency,
    weight: {
      actualGrams: shipment.weightGrams,
      volumetricGrams: priced.volumetricGrams,
      volumetricDivisor: source.volumetricDivisor,
      weightStepGrams: source.weightStepGrams,
      chargeableGrams: priced.chargeableGrams,
    },
    zone: priced.zone,
    weightBreak: {
      upToGrams: priced.breakUpToGrams,
      priceMinor: priced.breakPriceMinor,
      additionalSteps: priced.additionalSteps,
      additionalStepGrams: additional ? additional.stepGrams : null,
      additionalStepPriceMinor: additional ? additional.priceMinor : null,
    },
    baseMinor: priced.baseMinor,
    surcharges,
    fuel: fuelOf(fuel, priced),
    totalMinor: priced.totalMinor,
  };
}

/**
 * What one shipment costs under one tariff version and the fuel surcharge in force, as its breakdown: a pure
 * function, so the preview, the reconciliation and the tests share one arithmetic.
 */
export function computeCost(
  tariff: CompiledTariff,
  fuel: CompiledFuel | null,
  shipment: ShipmentFacts,
): CostResult {
  const postcode = normalisePostcode(shipment.destination.postcode);
  const priced = new PricedShipment();
  const outcome = priceShipment(tariff, fuel, shipment, postcode, priced);
  if (outcome !== 'priced') {
    return { ok: false, notApplicable: notApplicableOf(tariff, outcome, shipment, postcode, priced) };
  }
  return { ok: true, cost: breakdownOf(tariff, fuel, shipment, priced) };
}

/** The order `localeCompare` gives, from one collator instead of one lookup per comparison. */
export const compareCodes = new Intl.Collator().compare;

/** Cheapest total first; equal totals by carrier then service, so the order is stable. */
export function byTotal(a: CostBreakdown, b: CostBreakdown): number {
  return (
    a.totalMinor - b.totalMinor || compareCodes(a.carrier, b.carrier) || compareCodes(a.service, b.service)
  );
}
