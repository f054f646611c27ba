import { describe, expect, it } from 'vitest';
import { JSON_TEXT, type JsonText } from '../../../platform/json-text';
import type { Surcharge, TariffBody } from '../schemas';
import { previewAnswer, previewLoaded } from '../service/compute-shipment-cost';
import { compileFuel, compileTariff, type CompiledFuel, type LoadedTariff } from './compiled-tariff';
import { fragment, JsonBytes, sharedFragment } from './json-bytes';
import { previewJson } from './preview-json';

const surcharges: Surcharge[] = [
  {
    code: 'OVERSIZE',
    name: 'Übergröße "XL"',
    kind: 'fixed',
    amountMinor: 1500,
    percent: null,
    condition: 'oversize',
    thresholdCm: 100,
    fuelApplies: true,
  },
  {
    code: 'REMOTE',
    name: 'Remote area',
    kind: 'percent',
    amountMinor: null,
    percent: '7.5',
    condition: 'remote_postcode',
    thresholdCm: null,
    fuelApplies: true,
  },
  {
    code: 'RES',
    name: 'Residential',
    kind: 'fixed',
    amountMinor: 0,
    percent: null,
    condition: 'residential',
    thresholdCm: null,
    fuelApplies: false,
  },
  {
    code: 'ALWAYS',
    name: 'Toll',
    kind: 'percent',
    amountMinor: null,
    percent: '0.125',
    condition: 'always',
    thresholdCm: null,
    fuelApplies: false,
  },
];

function body(index: number): TariffBody {
  return {
    zones: [
      { country: 'DE', postcodeFrom: '10000', postcodeTo: '19999', zone: 'Nord/Ost' },
      { country: 'DE', postcodeFrom: null, postcodeTo: null, zone: String(index % 3) },
      { country: 'FR', postcodeFrom: null, postcodeTo: null, zone: 'NOPRICE' },
    ],
    rates: ['Nord/Ost', '0', '1', '2'].map((zone, z) => ({
      zone,
      breaks: [
        { upToGrams: 2000, priceMinor: 500 + z * 40 + (index % 4) * 10 },
        { upToGrams: 10000, priceMinor: 900 + z * 40 },
      ],
      additional: z === 2 ? null : { stepGrams: 1000, priceMinor: 75 + index },
    })),
    surcharges: surcharges.slice(0, index % 5),
    remoteAreas: [{ country: 'DE', postcodeFrom: '181', postcodeTo: '182' }],
  };
}

function tariff(index: number): LoadedTariff {
  return {
    versionId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    carrier: `C${index % 7}`,
    service: index % 2 ? 'EXPRESS' : 'STANDARD',
    origin: 'NL',
    effectiveFrom: '2026-01-01',
    currency: 'EUR',
    volumetricDivisor: index % 2 ? 5000 : 4000,
    weightStepGrams: index % 3 ? 500 : 100,
    body: body(index),
  };
}

/** Copies of carrier C0's (no fuel) under another carrier or service, last: equal totals the sort must order. */
const ties = [0, 7, 14].flatMap((index) => [
  {
    ...tariff(index),
    carrier: 'A0',
    versionId: `20000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  },
  {
    ...tariff(index),
    service: 'ECONOMY',
    versionId: `30000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  },
]);
const tariffs = [...Array.from({ length: 24 }, (_, index) => tariff(index)), ...ties].map(compileTariff);
const fuel = new Map<string, CompiledFuel>([
  [
    'C1',
    compileFuel({
      id: '10000000-0000-4000-8000-000000000001',
      publishedPercent: '16.75',
      discountPercent: '30',
      discountMode: 'of_surcharge',
    }),
  ],
  [
    'C2',
    compileFuel({
      id: '10000000-0000-4000-8000-000000000002',
      publishedPercent: '12.5',
      discountPercent: '2.5',
      discountMode: 'points',
    }),
  ],
  [
    'C3',
    compileFuel({
      id: '10000000-0000-4000-8000-000000000003',
      publishedPercent: '3',
      discountPercent: '5',
      discountMode: 'points',
    }),
  ],
]);
const loaded = { tariffs, fuel };

const shipments = [
  { postcode: '18105', weightGrams: 7300, size: 60, residential: true },
  { postcode: '1811 0', weightGrams: 2000, size: 120, residential: false },
  { postcode: '50667', weightGrams: 10001, size: 30, residential: true },
  { postcode: '', weightGrams: 25_000, size: 101, residential: false },
  { postcode: '12-345', weightGrams: 1, size: 10, residential: false },
].flatMap(({ postcode, weightGrams, size, residential }) =>
  ['DE', 'FR', 'BE'].map((country) => ({
    origin: 'NL',
    destination: { country, postcode },
    weightGrams,
    dimensionsCm: { length: size, width: 40.5, height: 30 },
    residential,
  })),
);

/** The answer's text; its buffer is then given back, as the transport does once the answer is sent. */
function textOf(text: JsonText): string {
  const decoded = Buffer.from(text.bytes).toString();
  text.sent();
  return decoded;
}

describe('the cost preview written as JSON text', () => {
  it('is byte for byte JSON.stringify of the preview, for every shipment shape', () => {
    let priced = 0;
    let refused = 0;
    for (const shipment of shipments) {
      const objects = previewLoaded(loaded, shipment, '2026-06-15');
      priced += objects.items.length;
      refused += objects.notApplicable.length;
      expect(textOf(previewJson(loaded, shipment, '2026-06-15'))).toBe(JSON.stringify(objects));
    }
    // The shapes reach priced items with and without fuel and each refusal reason.
    expect(priced).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(10);
  });

  it('sorts equal totals by carrier then service, as the objects are sorted', () => {
    const shipment = shipments[0];
    if (!shipment) throw new Error('no shipment');
    const items = JSON.parse(textOf(previewJson(loaded, shipment, '2026-06-15'))) as {
      items: Array<{ carrier: string; service: string; totalMinor: number }>;
    };
    const order = items.items.map((item) => `${item.totalMinor} ${item.carrier} ${item.service}`);
    expect(order).toEqual(
      previewLoaded(loaded, shipment, '2026-06-15').items.map(
        (i) => `${i.totalMinor} ${i.carrier} ${i.service}`,
      ),
    );
    expect(new Set(items.items.map((item) => item.totalMinor)).size).toBeLessThan(items.items.length);
  });

  it('orders totals too large for its sort keys as the objects are ordered', () => {
    // 2^51 minor units: total × tariff count is past 2^53, so the writer sorts with the comparator instead.
    const huge = compileTariff({
      ...tariff(3),
      carrier: 'B9',
      versionId: '40000000-0000-4000-8000-000000000001',
      body: {
        ...body(3),
        rates: body(3).rates.map((rate) => ({
          ...rate,
          breaks: rate.breaks.map((found) => ({ ...found, priceMinor: 2 ** 51 })),
        })),
      },
    });
    const withHuge = { tariffs: [huge, ...tariffs], fuel };
    for (const shipment of shipments.slice(0, 3)) {
      const objects = previewLoaded(withHuge, shipment, '2026-06-15');
      expect(textOf(previewJson(withHuge, shipment, '2026-06-15'))).toBe(JSON.stringify(objects));
    }
    expect(previewLoaded(withHuge, shipments[0]!, '2026-06-15').items.at(-1)?.carrier).toBe('B9');
  });

  it('gives the transports one answer: the text for REST, the same objects for everyone else', () => {
    const shipment = shipments[1];
    if (!shipment) throw new Error('no shipment');
    const answer = previewAnswer(loaded, shipment, '2026-06-15');
    const text = (answer as unknown as Record<symbol, () => JsonText>)[JSON_TEXT]?.();
    expect(text && textOf(text)).toBe(JSON.stringify(answer));
    expect(answer).toEqual(previewLoaded(loaded, shipment, '2026-06-15'));
  });
});

describe('JSON bytes', () => {
  it('reuses an answer’s buffer only once that answer has been sent', () => {
    const [one, two] = shipments;
    if (!one || !two) throw new Error('no shipments');
    const first = previewJson(loaded, one, '2026-06-15');
    const firstText = Buffer.from(first.bytes).toString();
    const second = previewJson(loaded, two, '2026-06-15');
    expect(second.bytes.buffer).not.toBe(first.bytes.buffer);
    expect(Buffer.from(first.bytes).toString()).toBe(firstText);
    first.sent();
    const third = previewJson(loaded, one, '2026-06-15');
    expect(third.bytes.buffer).toBe(first.bytes.buffer);
    second.sent();
    third.sent();
  });

  it('writes integers as JSON.stringify does, growing as needed', () => {
    const values = [0, -0, 7, -7, 10, 99, 100, 123_456_789, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 60];
    const out = new JsonBytes(1);
    const long = 'ä'.repeat(2000);
    out.value(long);
    for (const value of values) {
      out.raw(fragment(','));
      out.int(value);
    }
    out.intOrNull(Number.NaN);
    expect(out.text()).toBe(`"${long}",${values.map((v) => JSON.stringify(v)).join(',')}null`);
  });

  it('keeps one copy of a text many tariffs share, as its UTF-8 bytes', () => {
    const text = ',"zone":"Zürich 3"';
    const one = sharedFragment(text);
    expect(sharedFragment(`,"zone":"Zürich ${3}"`)).toBe(one);
    expect(Buffer.from(one).toString('utf8')).toBe(text);
    expect(sharedFragment(',"zone":"4"')).not.toBe(one);
  });
});
