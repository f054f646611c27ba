import type {
  CostBreakdown,
  NotApplicable,
  PostcodeRange,
  Surcharge,
  TariffBody,
  ZoneRates,
  ZoneRule,
} from '../schemas';
import { decimalText, divideHalfUp, divideUp, percentOf, percentUnits } from './rates';

/** One tariff version as the engine reads it: immutable, so it is cached by id. */
export interface LoadedTariff {
  versionId: string;
  carrier: string;
  service: string;
  origin: string;
  effectiveFrom: string;
  currency: string;
  volumetricDivisor: number;
  weightStepGrams: number;
  body: TariffBody;
}

export interface FuelInForce {
  id: string;
  publishedPercent: string;
  discountPercent: string;
  discountMode: 'of_surcharge' | 'points';
}

export interface ShipmentFacts {
  destination: { country: string; postcode: string };
  weightGrams: number;
  dimensionsCm: { length: number; width: number; height: number };
  residential: boolean;
}

export type CostResult = { ok: true; cost: CostBreakdown } | { ok: false; notApplicable: NotApplicable };

/** Postcodes compare without spaces or hyphens, in upper case: "1011 ab" is "1011AB". */
export function normalisePostcode(postcode: string): string {
  return postcode.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * A range matches on the postcode's first characters, as many as each bound has: "1011AB" is inside
 * 1000–1099 (its "1011"), and a bound "75" covers every Paris postcode 75xxx.
 */
export function inPostcodeRange(postcode: string, from: string, to: string): boolean {
  if (!postcode) return false;
  const low = normalisePostcode(from);
  const high = normalisePostcode(to);
  return postcode.slice(0, low.length) >= low && postcode.slice(0, high.length) <= high;
}

/** A postcode range of the country wins over the country's catch-all rule; the first matching range wins. */
export function findZone(zones: readonly ZoneRule[], country: string, postcode: string): string | null {
  let countryWide: string | null = null;
  for (const rule of zones) {
    if (rule.country !== country) continue;
    if (rule.postcodeFrom === null || rule.postcodeTo === null) {
      countryWide ??= rule.zone;
    } else if (inPostcodeRange(postcode, rule.postcodeFrom, rule.postcodeTo)) {
      return rule.zone;
    }
  }
  return countryWide;
}

/** Volumetric grams: L × W × H in cm³ / divisor is kilograms, i.e. mm³ / divisor grams, rounded up. */
export function volumetricGrams(dimensionsCm: ShipmentFacts['dimensionsCm'], divisor: number): number {
  const mm = (cm: number) => BigInt(Math.round(cm * 10));
  const cubicMm = mm(dimensionsCm.length) * mm(dimensionsCm.width) * mm(dimensionsCm.height);
  return Number(divideUp(cubicMm, BigInt(divisor)));
}

export function chargeableGrams(actual: number, volumetric: number, step: number): number {
  return Math.ceil(Math.max(actual, volumetric) / step) * step;
}

interface PricedWeight {
  upToGrams: number;
  priceMinor: number;
  additionalSteps: number;
  additionalStepGrams: number | null;
  additionalStepPriceMinor: number | null;
  baseMinor: number;
}

/** The first break at or above the weight (upper-inclusive); above the last, its price plus started steps. */
export function priceWeight(rates: ZoneRates, grams: number): PricedWeight | null {
  const additional = rates.additional;
  const stepFields = {
    additionalStepGrams: additional?.stepGrams ?? null,
    additionalStepPriceMinor: additional?.priceMinor ?? null,
  };
  const found = rates.breaks.find((b) => grams <= b.upToGrams);
  if (found) return { ...found, additionalSteps: 0, ...stepFields, baseMinor: found.priceMinor };
  const last = rates.breaks.at(-1);
  if (!last || !additional) return null;
  const steps = Math.ceil((grams - last.upToGrams) / additional.stepGrams);
  return {
    ...last,
    additionalSteps: steps,
    ...stepFields,
    baseMinor: last.priceMinor + steps * additional.priceMinor,
  };
}

function inRemoteArea(areas: readonly PostcodeRange[], country: string, postcode: string): boolean {
  return areas.some(
    (area) => area.country === country && inPostcodeRange(postcode, area.postcodeFrom, area.postcodeTo),
  );
}

function surchargeApplies(
  surcharge: Surcharge,
  tariff: LoadedTariff,
  shipment: ShipmentFacts,
  postcode: string,
) {
  switch (surcharge.condition) {
    case 'always':
      return true;
    case 'residential':
      return shipment.residential;
    case 'remote_postcode':
      return inRemoteArea(tariff.body.remoteAreas, shipment.destination.country, postcode);
    case 'oversize': {
      const { length, width, height } = shipment.dimensionsCm;
      return surcharge.thresholdCm !== null && Math.max(length, width, height) > surcharge.thresholdCm;
    }
  }
}

/** Fuel's effective rate in 1/10^10 of a percent, exact: both modes are integer arithmetic on 1/10^4 %. */
function effectiveFuelUnits(fuel: FuelInForce): bigint {
  const published = percentUnits(fuel.publishedPercent);
  const discount = percentUnits(fuel.discountPercent);
  if (fuel.discountMode === 'points') {
    const points = published - discount;
    return (points > 0n ? points : 0n) * 1_000_000n;
  }
  return published * (1_000_000n - discount);
}

function fuelOf(fuel: FuelInForce | null, baseMinor: number): CostBreakdown['fuel'] {
  if (!fuel) {
    return {
      surchargeId: null,
      baseMinor,
      publishedPercent: '0',
      discountPercent: '0',
      discountMode: null,
      effectivePercent: '0',
      publishedAmountMinor: 0,
      ipayDiscountMinor: 0,
      amountMinor: 0,
    };
  }
  const effective = effectiveFuelUnits(fuel);
  const publishedAmountMinor = percentOf(baseMinor, percentUnits(fuel.publishedPercent));
  const amountMinor = Number(divideHalfUp(BigInt(baseMinor) * effective, 100n * 10n ** 10n));
  return {
    surchargeId: fuel.id,
    baseMinor,
    publishedPercent: decimalText(percentUnits(fuel.publishedPercent), 4),
    discountPercent: decimalText(percentUnits(fuel.discountPercent), 4),
    discountMode: fuel.discountMode,
    effectivePercent: decimalText(effective, 10),
    publishedAmountMinor,
    ipayDiscountMinor: publishedAmountMinor - amountMinor,
    amountMinor,
  };
}

/**
 * What one shipment costs under one tariff version and the fuel surcharge in force: a pure function, so the
 * preview, the reconciliation and the tests share one arithmetic. Amounts are integer minor units; each
 * percentage amount is rounded half up once (see docs/domains/carrier-tariffs.md).
 */
export function computeCost(
  tariff: LoadedTariff,
  fuel: FuelInForce | null,
  shipment: ShipmentFacts,
): CostResult {
  const identity = { carrier: tariff.carrier, service: tariff.service, tariffVersionId: tariff.versionId };
  const postcode = normalisePostcode(shipment.destination.postcode);
  const zone = findZone(tariff.body.zones, shipment.destination.country, postcode);
  const rates = zone === null ? undefined : tariff.body.rates.find((r) => r.zone === zone);
  if (zone === null || !rates) {
    const where = `${shipment.destination.country}${postcode ? ` ${postcode}` : ''}`;
    return {
      ok: false,
      notApplicable: {
        ...identity,
        reason: 'no_zone',
        detail: `The tariff has no zone (with prices) for ${where}.`,
      },
    };
  }
  const volumetric = volumetricGrams(shipment.dimensionsCm, tariff.volumetricDivisor);
  const chargeable = chargeableGrams(shipment.weightGrams, volumetric, tariff.weightStepGrams);
  const priced = priceWeight(rates, chargeable);
  if (!priced) {
    const max = rates.breaks.at(-1)?.upToGrams ?? 0;
    return {
      ok: false,
      notApplicable: {
        ...identity,
        reason: 'over_max_weight',
        detail: `The chargeable weight ${chargeable} g is above zone ${zone}'s maximum of ${max} g.`,
      },
    };
  }
  const { baseMinor, ...weightBreak } = priced;
  const surcharges = tariff.body.surcharges
    .filter((s) => surchargeApplies(s, tariff, shipment, postcode))
    .map((s) => ({
      code: s.code,
      name: s.name,
      kind: s.kind,
      percent: s.percent,
      fuelApplies: s.fuelApplies,
      amountMinor:
        s.kind === 'fixed' ? (s.amountMinor ?? 0) : percentOf(baseMinor, percentUnits(s.percent ?? '0')),
    }));
  const fuelBase = baseMinor + surcharges.reduce((sum, s) => sum + (s.fuelApplies ? s.amountMinor : 0), 0);
  const fuelPart = fuelOf(fuel, fuelBase);
  const surchargeTotal = surcharges.reduce((sum, s) => sum + s.amountMinor, 0);
  return {
    ok: true,
    cost: {
      ...identity,
      effectiveFrom: tariff.effectiveFrom,
      currency: tariff.currency,
      weight: {
        actualGrams: shipment.weightGrams,
        volumetricGrams: volumetric,
        volumetricDivisor: tariff.volumetricDivisor,
        weightStepGrams: tariff.weightStepGrams,
        chargeableGrams: chargeable,
      },
      zone,
      weightBreak,
      baseMinor,
      surcharges,
      fuel: fuelPart,
      totalMinor: baseMinor + surchargeTotal + fuelPart.amountMinor,
    },
  };
}

/** Cheapest total first; equal totals by carrier then service, so the order is stable. */
export function byTotal(a: CostBreakdown, b: CostBreakdown): number {
  return (
    a.totalMinor - b.totalMinor || a.carrier.localeCompare(b.carrier) || a.service.localeCompare(b.service)
  );
}
