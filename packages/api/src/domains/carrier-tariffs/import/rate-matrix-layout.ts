import type { WeightBreak, ZoneRule } from '../schemas';
import { finishTariff, type ParsedTariff, type TariffDraft } from './parsed-tariff';
import { headerKey, parse, SheetReader, type CellErrors, type Row, type Sheets } from './sheet-cells';

/**
 * The carriers' own rate sheets: weights down, zones across, and a separate zone chart.
 * - UPS-style: the rate sheet is headed `Weight (kg) | Zone 1 | Zone 2 …`; an `Each additional 0.5 kg` row gives
 *   the price per step above the last weight; the zone chart is headed `Country | Postal Code From |
 *   Postal Code To | Zone` (ISO country codes, postcode ranges optional).
 * - DHL Express-style: the rate card is headed `KG | Zone 1 | Zone 2 …` and its adder row reads like
 *   `From 30.1 kg per 0.5 kg`; the zone list is headed `Country | Code | Zone` (country names and ISO codes).
 * They name no IPAY carrier, service or origin: the import form's fields do.
 */
export type MatrixLayout = 'ups' | 'dhl_express';

export const MATRIX_EXPECTED = {
  ups: 'a UPS-style rate sheet headed "Weight (kg) | Zone 1 | Zone 2 …" with a zone chart sheet headed "Country | Postal Code From | Postal Code To | Zone"',
  dhl_express:
    'a DHL Express-style rate card headed "KG | Zone 1 | Zone 2 …" with a zone list sheet headed "Country | Code | Zone"',
};

/** What the form must say for a carrier's own layout. */
export type MatrixMeta = Omit<ParsedTariff, 'body'>;

const zoneLabel = (text: string) =>
  text
    .replace(/^\s*zone\s*/i, '')
    .trim()
    .toUpperCase();
const isZoneHeader = (key: string) => /^zone_?[a-z0-9]+$/.test(key);
const ADDER = /(?:each\s+additional|per\s+(?:additional\s+)?)\s*(\d+(?:[.,]\d+)?)\s*kg/i;

function rateSheet(sheets: Sheets, layout: MatrixLayout): [string, Row[]] | undefined {
  for (const [name, rows] of sheets) {
    const keys = (rows[0]?.cells ?? []).map(headerKey);
    const first = keys[0] ?? '';
    const weightColumn = layout === 'ups' ? first.startsWith('weight') : first === 'kg';
    if (weightColumn && keys.slice(1).some(isZoneHeader)) return [name, rows];
  }
  return undefined;
}

function zoneSheet(sheets: Sheets, layout: MatrixLayout): [string, Row[]] | undefined {
  for (const [name, rows] of sheets) {
    const keys = new Set((rows[0]?.cells ?? []).map(headerKey));
    const chart = keys.has('zone') && keys.has('country');
    if (chart && (layout === 'ups' ? !keys.has('code') : keys.has('code'))) return [name, rows];
  }
  return undefined;
}

export function detectMatrixLayout(sheets: Sheets): MatrixLayout | undefined {
  return (['ups', 'dhl_express'] as const).find(
    (layout) => rateSheet(sheets, layout) && zoneSheet(sheets, layout),
  );
}

function readRates(reader: SheetReader, draft: TariffDraft): Set<string> {
  const header = reader.rows[0]?.cells ?? [];
  const zones = header.flatMap((cell, index) =>
    index > 0 && isZoneHeader(headerKey(cell)) ? [{ index, zone: zoneLabel(cell) }] : [],
  );
  for (const { zone } of zones) draft.breaks.set(zone, new Map<number, WeightBreak>());
  for (const row of reader.body) {
    const weightText = row.cells[0]?.trim() ?? '';
    const adder = ADDER.exec(weightText);
    const weight = adder ? parse.kgToGrams(adder[1] ?? '') : parse.kgToGrams(weightText);
    if (typeof weight === 'string') {
      reader.fail(
        row,
        0,
        `${weightText ? `"${weightText}"` : 'the weight'} ${weight}, or an "each additional 0.5 kg" row`,
      );
      continue;
    }
    for (const { index, zone } of zones) {
      const text = row.cells[index]?.trim() ?? '';
      // A zone without a price at this weight is not served at it (rate sheets leave such cells empty).
      if (!text) continue;
      const price = parse.priceMinor(text);
      if (typeof price === 'string') {
        reader.fail(row, index, `zone ${zone}: ${price}`);
      } else if (adder) {
        draft.additional.set(zone, { stepGrams: weight, priceMinor: price });
      } else if (draft.breaks.get(zone)?.has(weight)) {
        reader.fail(row, 0, `repeats the weight ${weightText} kg`);
      } else {
        draft.breaks.get(zone)?.set(weight, { upToGrams: weight, priceMinor: price });
      }
    }
  }
  return new Set(zones.map((z) => z.zone));
}

function readZoneChart(
  reader: SheetReader,
  draft: TariffDraft,
  priced: Set<string>,
  layout: MatrixLayout,
): void {
  const countryColumn = layout === 'ups' ? 'country' : 'code';
  for (const row of reader.body) {
    const country = reader.read(row, countryColumn, parse.country);
    const zone = reader.read(row, 'zone', (t) => (zoneLabel(t) ? { zone: zoneLabel(t) } : 'is required'));
    const range = reader.postcodeRange(row, 'postal_code_from', 'postal_code_to');
    if (!range) continue;
    if (!country || !zone) continue;
    if (!priced.has(zone.zone)) {
      reader.fail(row, 'zone', `zone ${zone.zone} is not a column of the rate sheet`);
      continue;
    }
    const rule: ZoneRule = {
      country: country.country,
      ...range,
      zone: zone.zone,
    };
    draft.zones.push(rule);
    if (!draft.zoneRows.has(zone.zone))
      draft.zoneRows.set(zone.zone, { sheet: reader.name, row: row.row, column: reader.column('zone') });
  }
}

export function parseMatrixWorkbook(
  sheets: Sheets,
  layout: MatrixLayout,
  meta: MatrixMeta,
  errors: CellErrors,
): ParsedTariff[] {
  const rates = rateSheet(sheets, layout);
  const chart = zoneSheet(sheets, layout);
  if (!rates || !chart) return [];
  const draft: TariffDraft = {
    ...meta,
    sheet: rates[0],
    row: 1,
    zones: [],
    zoneRows: new Map(),
    breaks: new Map(),
    additional: new Map(),
    surcharges: [],
    remoteAreas: [],
  };
  const priced = readRates(new SheetReader(rates[0], rates[1], errors), draft);
  readZoneChart(new SheetReader(chart[0], chart[1], errors), draft, priced, layout);
  const tariff = finishTariff(draft, errors);
  return tariff ? [tariff] : [];
}
