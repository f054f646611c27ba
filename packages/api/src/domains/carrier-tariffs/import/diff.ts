import { createHash } from 'node:crypto';
import type { TariffBody } from '../schemas';
import type { ParsedTariff } from './parsed-tariff';

interface Counts {
  added: number;
  removed: number;
  changed: number;
}

function compare(before: Map<string, string>, after: Map<string, string>): Counts {
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const [key, value] of after) {
    const previous = before.get(key);
    if (previous === undefined) counts.added += 1;
    else if (previous !== value) counts.changed += 1;
  }
  for (const key of before.keys()) if (!after.has(key)) counts.removed += 1;
  return counts;
}

const zoneEntries = (body: TariffBody | undefined) =>
  new Map(
    (body?.zones ?? []).map((z) => [`${z.country}|${z.postcodeFrom ?? ''}|${z.postcodeTo ?? ''}`, z.zone]),
  );

const breakEntries = (body: TariffBody | undefined) =>
  new Map(
    (body?.rates ?? []).flatMap((rates) => [
      ...rates.breaks.map((b): [string, string] => [`${rates.zone}|${b.upToGrams}`, String(b.priceMinor)]),
      ...(rates.additional
        ? [
            [`${rates.zone}|+`, `${rates.additional.stepGrams}:${rates.additional.priceMinor}`] as [
              string,
              string,
            ],
          ]
        : []),
    ]),
  );

const surchargeEntries = (body: TariffBody | undefined) =>
  new Map((body?.surcharges ?? []).map((s) => [s.code, JSON.stringify(s)]));

/** What a new version changes against the stored one, counted per zone rule, weight break and surcharge. */
export function diffBodies(before: TariffBody | undefined, after: TariffBody) {
  return {
    zones: compare(zoneEntries(before), zoneEntries(after)),
    breaks: compare(breakEntries(before), breakEntries(after)),
    surcharges: compare(surchargeEntries(before), surchargeEntries(after)),
  };
}

/** Identifies a tariff's content: importing the same content again creates no version. */
export function contentHash(tariff: ParsedTariff): string {
  const content = {
    effectiveFrom: tariff.effectiveFrom,
    currency: tariff.currency,
    volumetricDivisor: tariff.volumetricDivisor,
    weightStepGrams: tariff.weightStepGrams,
    body: tariff.body,
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
