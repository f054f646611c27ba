import { describe, expect, it } from 'vitest';
import type { Surcharge, TariffBody } from '../schemas';
import { compileFuel, compileTariff } from './compiled-tariff';
import {
  chargeableGrams,
  computeCost as computeCompiled,
  findZone,
  inPostcodeRange,
  volumetricGrams,
  type FuelInForce,
  type LoadedTariff,
  type ShipmentFacts,
} from './compute-cost';
import {
  applyRatio,
  decimalText,
  divideHalfUp,
  effectiveFuelUnits,
  exactRatio,
  percentRatio,
  percentUnits,
  type ExactRatio,
} from './rates';

const percentOf = (amountMinor: number, units: bigint) => applyRatio(amountMinor, percentRatio(units));

const BODY: TariffBody = {
  zones: [
    { country: 'NL', postcodeFrom: null, postcodeTo: null, zone: '1' },
    { country: 'NL', postcodeFrom: '1000', postcodeTo: '1099', zone: 'A' },
    { country: 'BE', postcodeFrom: null, postcodeTo: null, zone: '2' },
    { country: 'FR', postcodeFrom: '20000', postcodeTo: '20999', zone: '4' },
    { country: 'FR', postcodeFrom: null, postcodeTo: null, zone: '3' },
    { country: 'DE', postcodeFrom: null, postcodeTo: null, zone: 'NOPRICE' },
  ],
  rates: [
    {
      zone: '1',
      breaks: [
        { upToGrams: 2000, priceMinor: 695 },
        { upToGrams: 5000, priceMinor: 895 },
        { upToGrams: 10000, priceMinor: 1295 },
      ],
      additional: { stepGrams: 1000, priceMinor: 75 },
    },
    { zone: 'A', breaks: [{ upToGrams: 30000, priceMinor: 500 }], additional: null },
    { zone: '2', breaks: [{ upToGrams: 2000, priceMinor: 950 }], additional: null },
    { zone: '3', breaks: [{ upToGrams: 30000, priceMinor: 1250 }], additional: null },
    { zone: '4', breaks: [{ upToGrams: 30000, priceMinor: 1800 }], additional: null },
  ],
  surcharges: [],
  remoteAreas: [{ country: 'NL', postcodeFrom: '1791', postcodeTo: '1797' }],
};

function tariff(overrides: Partial<LoadedTariff> = {}, body: Partial<TariffBody> = {}): LoadedTariff {
  return {
    versionId: '00000000-0000-4000-8000-000000000001',
    carrier: 'POSTNL',
    service: 'PARCEL',
    origin: 'NL',
    effectiveFrom: '2026-01-01',
    currency: 'EUR',
    volumetricDivisor: 5000,
    weightStepGrams: 1,
    body: { ...BODY, ...body },
    ...overrides,
  };
}

function shipment(overrides: Partial<ShipmentFacts> = {}): ShipmentFacts {
  return {
    destination: { country: 'NL', postcode: '3511 AA' },
    weightGrams: 1000,
    dimensionsCm: { length: 10, width: 10, height: 10 },
    residential: false,
    ...overrides,
  };
}

function computeCost(t: LoadedTariff, fuel: FuelInForce | null, s: ShipmentFacts) {
  return computeCompiled(compileTariff(t), fuel && compileFuel(fuel), s);
}

function cost(t: LoadedTariff, s: ShipmentFacts, fuel: FuelInForce | null = null) {
  const result = computeCost(t, fuel, s);
  if (!result.ok) throw new Error(`not applicable: ${result.notApplicable.detail}`);
  return result.cost;
}

const base = (grams: number, t = tariff()) => cost(t, shipment({ weightGrams: grams })).baseMinor;

const surcharge = (overrides: Partial<Surcharge>): Surcharge => ({
  code: 'S',
  name: 'Surcharge',
  kind: 'fixed',
  amountMinor: 100,
  percent: null,
  condition: 'always',
  thresholdCm: null,
  fuelApplies: false,
  ...overrides,
});

describe('the cost engine: weight breaks', () => {
  it('prices just below, at and just above each break (upper-inclusive)', () => {
    expect([1999, 2000, 2001].map((g) => base(g))).toEqual([695, 695, 895]);
    expect([4999, 5000, 5001].map((g) => base(g))).toEqual([895, 895, 1295]);
    expect([9999, 10000].map((g) => base(g))).toEqual([1295, 1295]);
  });

  it('adds a price per started step above the last break', () => {
    // 10001 g is one started kilogram above 10000, 11000 still one, 11001 two.
    expect([10001, 11000, 11001, 12000, 12001].map((g) => base(g))).toEqual([1370, 1370, 1445, 1445, 1520]);
    const above = cost(tariff(), shipment({ weightGrams: 11001 })).weightBreak;
    expect(above).toEqual({
      upToGrams: 10000,
      priceMinor: 1295,
      additionalSteps: 2,
      additionalStepGrams: 1000,
      additionalStepPriceMinor: 75,
    });
  });

  it('refuses a weight above the last break when the zone has no additional step', () => {
    const result = computeCost(
      tariff(),
      null,
      shipment({ destination: { country: 'BE', postcode: '' }, weightGrams: 2001 }),
    );
    expect(result).toMatchObject({ ok: false, notApplicable: { reason: 'over_max_weight' } });
    expect(
      cost(tariff(), shipment({ destination: { country: 'BE', postcode: '' }, weightGrams: 2000 })).baseMinor,
    ).toBe(950);
  });
});

describe('the cost engine: chargeable weight', () => {
  it('rounds the chargeable weight up to the weight step', () => {
    expect([1, 499, 500, 501, 1000, 1001].map((g) => chargeableGrams(g, 0, 500))).toEqual([
      500, 500, 500, 1000, 1000, 1500,
    ]);
    // With a 500 g step, 2001 g is charged as 2500 g: the 5 kg break.
    const stepped = tariff({ weightStepGrams: 500 });
    expect([1999, 2000, 2001].map((g) => base(g, stepped))).toEqual([695, 695, 895]);
    expect(cost(stepped, shipment({ weightGrams: 10001 })).weight.chargeableGrams).toBe(10500);
    expect(base(10001, stepped)).toBe(1370);
  });

  it('computes the volumetric weight as L × W × H cm / divisor kg, rounded up to the gram', () => {
    expect(volumetricGrams({ length: 40, width: 30, height: 20 }, 5000)).toBe(4800);
    expect(volumetricGrams({ length: 10.1, width: 10, height: 10 }, 5000)).toBe(202);
    // 101 × 101 × 101 mm³ / 5000 = 206.06 g
    expect(volumetricGrams({ length: 10.1, width: 10.1, height: 10.1 }, 5000)).toBe(207);
    expect(volumetricGrams({ length: 40, width: 30, height: 20 }, 4000)).toBe(6000);
  });

  it('charges the larger of actual and volumetric weight', () => {
    const box = { length: 40, width: 30, height: 20 };
    const light = cost(tariff(), shipment({ weightGrams: 3000, dimensionsCm: box }));
    expect(light.weight).toEqual({
      actualGrams: 3000,
      volumetricGrams: 4800,
      volumetricDivisor: 5000,
      weightStepGrams: 1,
      chargeableGrams: 4800,
    });
    expect(light.baseMinor).toBe(895);
    const heavy = cost(tariff(), shipment({ weightGrams: 5001, dimensionsCm: box }));
    expect(heavy.weight.chargeableGrams).toBe(5001);
    expect(heavy.baseMinor).toBe(1295);
    // Volumetric 4800 g is just below the 5 kg break, volumetric 5001 g (divisor 4799) just above it.
    expect(
      cost(tariff({ volumetricDivisor: 4799 }), shipment({ weightGrams: 100, dimensionsCm: box })).baseMinor,
    ).toBe(1295);
  });
});

describe('the cost engine: zones', () => {
  it('prefers a postcode range of the country over its catch-all, comparing leading characters', () => {
    const compiled = compileTariff(tariff());
    expect(findZone(compiled, 'NL', '1011AB')).toBe('A');
    expect(findZone(compiled, 'NL', '1099ZZ')).toBe('A');
    expect(findZone(compiled, 'NL', '1100AA')).toBe('1');
    expect(findZone(compiled, 'NL', '0999ZZ')).toBe('1');
    expect(findZone(compiled, 'FR', '20090')).toBe('4');
    expect(findZone(compiled, 'FR', '75001')).toBe('3');
    expect(findZone(compiled, 'US', '10001')).toBeNull();
    expect(inPostcodeRange('', { low: '1000', high: '1099' })).toBe(false);
    expect(cost(tariff(), shipment({ destination: { country: 'NL', postcode: '1011 ab' } })).zone).toBe('A');
  });

  it('is not applicable where the tariff has no zone, or a zone without prices', () => {
    const us = computeCost(tariff(), null, shipment({ destination: { country: 'US', postcode: '10001' } }));
    expect(us).toMatchObject({ ok: false, notApplicable: { reason: 'no_zone', carrier: 'POSTNL' } });
    const de = computeCost(tariff(), null, shipment({ destination: { country: 'DE', postcode: '' } }));
    expect(de).toMatchObject({ ok: false, notApplicable: { reason: 'no_zone' } });
  });
});

describe('the cost engine: surcharges and fuel', () => {
  const fuelOff: FuelInForce = {
    id: '00000000-0000-4000-8000-00000000000f',
    publishedPercent: '16.75',
    discountPercent: '30',
    discountMode: 'of_surcharge',
  };

  it('applies surcharges by their condition, percentages of the base rounded half up', () => {
    const body = {
      surcharges: [
        surcharge({ code: 'OVERSIZE', condition: 'oversize', thresholdCm: 100, amountMinor: 1500 }),
        surcharge({
          code: 'REMOTE',
          kind: 'percent',
          amountMinor: null,
          percent: '10',
          condition: 'remote_postcode',
        }),
        surcharge({ code: 'RES', condition: 'residential', amountMinor: 50 }),
      ],
    };
    const codes = (s: Partial<ShipmentFacts>) =>
      cost(tariff({}, body), shipment(s)).surcharges.map((x) => [x.code, x.amountMinor]);
    expect(codes({ dimensionsCm: { length: 100, width: 10, height: 10 } })).toEqual([]);
    expect(codes({ dimensionsCm: { length: 100.1, width: 10, height: 10 } })).toEqual([['OVERSIZE', 1500]]);
    expect(codes({ residential: true })).toEqual([['RES', 50]]);
    // 895 × 10 % = 89.5 → 90 (half up); 695 × 10 % = 69.5 → 70
    expect(codes({ weightGrams: 5000, destination: { country: 'NL', postcode: '1795 AB' } })).toEqual([
      ['REMOTE', 90],
    ]);
    expect(codes({ weightGrams: 2000, destination: { country: 'NL', postcode: '1797' } })).toEqual([
      ['REMOTE', 70],
    ]);
    expect(codes({ destination: { country: 'NL', postcode: '1798' } })).toEqual([]);
  });

  it('rounds percentages half up exactly, with no binary floats', () => {
    expect(percentOf(1000, percentUnits('0.05'))).toBe(1);
    expect(percentOf(999, percentUnits('0.05'))).toBe(0);
    expect(percentOf(1001, percentUnits('0.05'))).toBe(1);
    expect(percentOf(3, percentUnits('16.6667'))).toBe(1);
    expect(decimalText(percentUnits('16.75') * (1_000_000n - percentUnits('30')), 10)).toBe('11.725');
  });

  it('takes the IPAY discount off the fuel surcharge: published × (1 − discount)', () => {
    const body = {
      surcharges: [
        surcharge({ code: 'FUELED', amountMinor: 100, fuelApplies: true }),
        surcharge({ code: 'PLAIN', amountMinor: 40, fuelApplies: false }),
      ],
    };
    const result = cost(tariff({}, body), shipment({ weightGrams: 10000 }), fuelOff);
    // fuel base 1295 + 100 = 1395; 16.75 % = 233.6625 → 234; 11.725 % = 163.56375 → 164
    expect(result.fuel).toEqual({
      surchargeId: fuelOff.id,
      baseMinor: 1395,
      publishedPercent: '16.75',
      discountPercent: '30',
      discountMode: 'of_surcharge',
      effectivePercent: '11.725',
      publishedAmountMinor: 234,
      ipayDiscountMinor: 70,
      amountMinor: 164,
    });
    expect(result.totalMinor).toBe(1295 + 100 + 40 + 164);
  });

  it('takes the IPAY discount in points: published − discount', () => {
    const points: FuelInForce = { ...fuelOff, discountPercent: '2.5', discountMode: 'points' };
    const result = cost(tariff(), shipment({ weightGrams: 10000 }), points);
    // 1295 × 16.75 % = 216.9125 → 217; 1295 × 14.25 % = 184.5375 → 185
    expect(result.fuel).toMatchObject({
      effectivePercent: '14.25',
      publishedAmountMinor: 217,
      amountMinor: 185,
      ipayDiscountMinor: 32,
    });
    expect(result.totalMinor).toBe(1295 + 185);
    const allOff = cost(tariff(), shipment(), { ...points, discountPercent: '20' });
    expect(allOff.fuel).toMatchObject({ effectivePercent: '0', amountMinor: 0 });
  });

  it('charges no fuel when none is on file, and says so', () => {
    const result = cost(tariff(), shipment({ weightGrams: 2000 }));
    expect(result.fuel).toMatchObject({
      surchargeId: null,
      discountMode: null,
      amountMinor: 0,
      baseMinor: 695,
    });
    expect(result.totalMinor).toBe(695);
  });
});

describe('the cost engine: exact arithmetic in numbers', () => {
  const reference = (amountMinor: number, ratio: ExactRatio) =>
    Number(divideHalfUp(BigInt(amountMinor) * ratio.bigNum, ratio.bigDen));
  const ratios = [
    ...['0.0001', '0.05', '7.5', '16.6667', '33.3333', '99.9999', '100'].map((p) =>
      percentRatio(percentUnits(p)),
    ),
    // Fuel rates at 1/10^10 %: 16.75 % less 30 % of it, 16.7501 % less 2.4999 % of it, 3.3333 % less 1 point.
    exactRatio(effectiveFuelUnits(percentUnits('16.75'), percentUnits('30'), 'of_surcharge'), 10n ** 12n),
    exactRatio(
      effectiveFuelUnits(percentUnits('16.7501'), percentUnits('2.4999'), 'of_surcharge'),
      10n ** 12n,
    ),
    exactRatio(effectiveFuelUnits(percentUnits('3.3333'), percentUnits('1'), 'points'), 10n ** 12n),
  ];

  it('rounds every amount up to 30,000 minor units as the bigint arithmetic does, every half included', () => {
    for (const ratio of ratios) {
      for (let amount = 0; amount <= 30_000; amount += 1) {
        if (applyRatio(amount, ratio) !== reference(amount, ratio)) {
          expect([amount, ratio.num, ratio.den, applyRatio(amount, ratio)]).toEqual([
            amount,
            ratio.num,
            ratio.den,
            reference(amount, ratio),
          ]);
        }
      }
    }
    // Exactly half a minor unit rounds up; a hair below it rounds down.
    expect(applyRatio(10, percentRatio(percentUnits('5')))).toBe(1);
    expect(applyRatio(10, percentRatio(percentUnits('4.9999')))).toBe(0);
  });

  it('agrees where the product leaves the safe integers and the bigint way takes over', () => {
    for (const ratio of ratios) {
      const edge = Math.floor(Number.MAX_SAFE_INTEGER / ratio.num);
      const amounts = [edge - 2, edge - 1, edge, edge + 1, edge + 2, 1e11, 99_999_999_999, 12_345_678_901];
      for (const amount of amounts.filter((a) => Number.isSafeInteger(a) && a >= 0)) {
        expect([amount, applyRatio(amount, ratio)]).toEqual([amount, reference(amount, ratio)]);
      }
    }
  });

  it('divides weights up exactly at the largest dimensions and weights', () => {
    const side = { length: 1000, width: 1000, height: 999.9 };
    for (const divisor of [1, 4999, 5000, 6000, 999_983]) {
      const cubicMm = 10_000n * 10_000n * 9_999n;
      expect(volumetricGrams(side, divisor)).toBe(Number((cubicMm + BigInt(divisor) - 1n) / BigInt(divisor)));
    }
    expect(chargeableGrams(10_000_000, 9_999_999, 3)).toBe(10_000_002);
    expect(chargeableGrams(9_999_999, 0, 10_000_000)).toBe(10_000_000);
    expect(chargeableGrams(10_000_000, 0, 10_000_000)).toBe(10_000_000);
  });
});
