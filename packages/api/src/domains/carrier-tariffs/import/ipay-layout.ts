import type { PostcodeRange, Surcharge, WeightBreak, ZoneRule } from '../schemas';
import { finishTariff, type ParsedTariff, type TariffDraft } from './parsed-tariff';
import { headerKey, parse, SheetReader, type CellErrors, type Row, type Sheets } from './sheet-cells';

/**
 * The IPAY tariff workbook: one row per tariff in `Tariffs`, its zone map in `Zones`, its weight breaks in
 * `Rates`, optionally `Surcharges` and `Remote areas`. Every sheet's rows name their tariff by carrier, service
 * and origin, so one workbook can hold many carriers. The template (GET …/import/template.xlsx) has these headers.
 */
export const IPAY_SHEETS = {
  Tariffs: [
    'carrier_code',
    'carrier_name',
    'service_code',
    'service_name',
    'origin_country',
    'effective_from',
    'currency',
    'volumetric_divisor',
    'weight_step_grams',
  ],
  Zones: [
    'carrier_code',
    'service_code',
    'origin_country',
    'destination_country',
    'postcode_from',
    'postcode_to',
    'zone',
  ],
  Rates: [
    'carrier_code',
    'service_code',
    'origin_country',
    'zone',
    'weight_up_to_kg',
    'additional_step_kg',
    'price',
  ],
  Surcharges: [
    'carrier_code',
    'service_code',
    'origin_country',
    'code',
    'name',
    'type',
    'amount',
    'condition',
    'threshold_cm',
    'fuel_applies',
  ],
  'Remote areas': ['carrier_code', 'destination_country', 'postcode_from', 'postcode_to'],
} as const;
const REQUIRED_SHEETS = ['Tariffs', 'Zones', 'Rates'] as const;

/** Headers that tell each sheet apart when its name is not what the template calls it (or not known). */
const SIGNATURES: Record<keyof typeof IPAY_SHEETS, { has: string[]; lacks: string[] }> = {
  Tariffs: { has: ['carrier_code', 'service_code', 'origin_country', 'effective_from'], lacks: [] },
  Zones: { has: ['destination_country', 'zone'], lacks: ['weight_up_to_kg', 'price'] },
  Rates: { has: ['zone', 'price'], lacks: ['destination_country'] },
  Surcharges: { has: ['condition', 'fuel_applies'], lacks: [] },
  'Remote areas': { has: ['destination_country', 'postcode_from'], lacks: ['zone', 'service_code'] },
};

/**
 * The sheet by its name in the template, else by its headers: streaming writers (exceljs' own among them) may
 * store the sheet names where the streaming reader cannot see them, and people rename sheets.
 */
function sheetNamed(sheets: Sheets, name: keyof typeof IPAY_SHEETS): [string, Row[]] | undefined {
  for (const [sheetName, rows] of sheets)
    if (headerKey(sheetName) === headerKey(name)) return [sheetName, rows];
  const { has, lacks } = SIGNATURES[name];
  for (const [sheetName, rows] of sheets) {
    const header = new Set((rows[0]?.cells ?? []).map(headerKey));
    if (has.every((c) => header.has(c)) && !lacks.some((c) => header.has(c))) return [sheetName, rows];
  }
  return undefined;
}

export function isIpayWorkbook(sheets: Sheets): boolean {
  const tariffs = sheetNamed(sheets, 'Tariffs');
  const header = new Set((tariffs?.[1][0]?.cells ?? []).map(headerKey));
  return ['carrier_code', 'service_code', 'origin_country'].every((column) => header.has(column));
}

/** What the IPAY layout expects, for the 422 of an unknown layout. */
export const IPAY_EXPECTED = `the IPAY tariff workbook: sheets ${REQUIRED_SHEETS.join(', ')} (and optionally Surcharges, Remote areas), the Tariffs sheet headed ${IPAY_SHEETS.Tariffs.join(', ')}`;

const keyOf = (carrier: string, service: string, origin: string) => `${carrier}|${service}|${origin}`;

function readers(sheets: Sheets, errors: CellErrors): Partial<Record<keyof typeof IPAY_SHEETS, SheetReader>> {
  const readers: Partial<Record<keyof typeof IPAY_SHEETS, SheetReader>> = {};
  for (const name of Object.keys(IPAY_SHEETS) as Array<keyof typeof IPAY_SHEETS>) {
    const found = sheetNamed(sheets, name);
    if (!found) {
      if ((REQUIRED_SHEETS as readonly string[]).includes(name))
        errors.add(name, 1, 0, `the sheet ${name} is missing`);
      continue;
    }
    const [sheetName, rows] = found;
    const reader = new SheetReader(sheetName, rows, errors);
    const missing = IPAY_SHEETS[name].filter((column) => !reader.has(column));
    const header = rows[0] ?? { row: 1, cells: [] };
    for (const column of missing) reader.fail(header, header.cells.length, `the column ${column} is missing`);
    if (!missing.length) readers[name] = reader;
  }
  return readers;
}

function tariffKey(reader: SheetReader, row: Row, drafts: Map<string, TariffDraft>): TariffDraft | undefined {
  const carrier = reader.read(row, 'carrier_code', parse.code);
  const service = reader.read(row, 'service_code', parse.code);
  const origin = reader.read(row, 'origin_country', parse.country);
  if (!carrier || !service || !origin) return undefined;
  const draft = drafts.get(keyOf(carrier.code, service.code, origin.country));
  if (!draft) {
    reader.fail(
      row,
      'carrier_code',
      `names no tariff of the Tariffs sheet (${carrier.code} ${service.code} from ${origin.country})`,
    );
  }
  return draft;
}

function readTariffRows(reader: SheetReader): Map<string, TariffDraft> {
  const drafts = new Map<string, TariffDraft>();
  for (const row of reader.body) {
    const carrier = reader.read(row, 'carrier_code', parse.code);
    const service = reader.read(row, 'service_code', parse.code);
    const origin = reader.read(row, 'origin_country', parse.country);
    const effective = reader.read(row, 'effective_from', parse.date);
    const currency = reader.read(row, 'currency', (t) =>
      /^[A-Z]{3}$/i.test(t) ? { code: t.toUpperCase() } : 'must be an ISO 4217 code such as EUR',
    );
    const divisor = reader.read(row, 'volumetric_divisor', parse.positiveInt);
    const step = reader.read(row, 'weight_step_grams', parse.positiveInt);
    if (!carrier || !service || !origin || !effective || !currency || !divisor || !step) continue;
    const key = keyOf(carrier.code, service.code, origin.country);
    if (drafts.has(key)) {
      reader.fail(
        row,
        'carrier_code',
        `repeats the tariff ${carrier.code} ${service.code} from ${origin.country}`,
      );
      continue;
    }
    drafts.set(key, {
      sheet: reader.name,
      row: row.row,
      carrier: carrier.code,
      carrierName: reader.text(row, 'carrier_name') || carrier.code,
      service: service.code,
      serviceName: reader.text(row, 'service_name') || service.code,
      origin: origin.country,
      effectiveFrom: effective.date,
      currency: currency.code,
      volumetricDivisor: divisor,
      weightStepGrams: step,
      zones: [],
      zoneRows: new Map(),
      breaks: new Map(),
      additional: new Map(),
      surcharges: [],
      remoteAreas: [],
    });
  }
  return drafts;
}

function readZones(reader: SheetReader, drafts: Map<string, TariffDraft>): void {
  for (const row of reader.body) {
    const draft = tariffKey(reader, row, drafts);
    const country = reader.read(row, 'destination_country', parse.country);
    const zone = reader.read(row, 'zone', (t) =>
      t.length <= 32 ? { zone: t } : 'must be at most 32 characters',
    );
    const range = reader.postcodeRange(row, 'postcode_from', 'postcode_to');
    if (!range) continue;
    if (!draft || !country || !zone) continue;
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

function readRates(reader: SheetReader, drafts: Map<string, TariffDraft>): void {
  for (const row of reader.body) {
    const draft = tariffKey(reader, row, drafts);
    const zone = reader.read(row, 'zone', (t) => ({ zone: t }));
    const price = reader.read(row, 'price', parse.priceMinor);
    const upTo = reader.read(row, 'weight_up_to_kg', parse.kgToGrams, true);
    const step = reader.read(row, 'additional_step_kg', parse.kgToGrams, true);
    if (upTo === null && step === null) {
      reader.fail(
        row,
        'weight_up_to_kg',
        'weight_up_to_kg (a break) or additional_step_kg (a price per step) is required',
      );
      continue;
    }
    if (upTo && step) {
      reader.fail(
        row,
        'additional_step_kg',
        'must be empty on a break row (give either weight_up_to_kg or additional_step_kg)',
      );
      continue;
    }
    if (!draft || !zone || price === undefined || price === null || upTo === undefined || step === undefined)
      continue;
    if (step) {
      if (draft.additional.has(zone.zone))
        reader.fail(row, 'additional_step_kg', `repeats zone ${zone.zone}'s additional step`);
      else draft.additional.set(zone.zone, { stepGrams: step, priceMinor: price });
      continue;
    }
    const breaks = draft.breaks.get(zone.zone) ?? new Map<number, WeightBreak>();
    if (upTo !== null && breaks.has(upTo))
      reader.fail(row, 'weight_up_to_kg', `repeats zone ${zone.zone}'s break at ${upTo} g`);
    else if (upTo !== null) breaks.set(upTo, { upToGrams: upTo, priceMinor: price });
    draft.breaks.set(zone.zone, breaks);
  }
}

function readSurcharges(reader: SheetReader, drafts: Map<string, TariffDraft>): void {
  for (const row of reader.body) {
    const draft = tariffKey(reader, row, drafts);
    const code = reader.read(row, 'code', parse.code);
    const type = reader.read(row, 'type', (t) =>
      ['fixed', 'percent'].includes(headerKey(t))
        ? { kind: headerKey(t) as Surcharge['kind'] }
        : 'must be fixed or percent',
    );
    const condition = reader.read(row, 'condition', (t) => {
      const key = headerKey(t);
      return ['always', 'oversize', 'remote_postcode', 'residential'].includes(key)
        ? { condition: key as Surcharge['condition'] }
        : 'must be always, oversize, remote_postcode or residential';
    });
    const fuel = reader.read(row, 'fuel_applies', parse.yesNo);
    const threshold = reader.read(
      row,
      'threshold_cm',
      parse.positiveInt,
      condition?.condition !== 'oversize',
    );
    const amountText = reader.text(row, 'amount');
    const amount =
      type?.kind === 'percent'
        ? reader.read(row, 'amount', parse.percent)
        : reader.read(row, 'amount', parse.priceMinor);
    if (
      !draft ||
      !code ||
      !type ||
      !condition ||
      !fuel ||
      threshold === undefined ||
      amount === undefined ||
      amount === null ||
      !amountText
    )
      continue;
    draft.surcharges.push({
      code: code.code,
      name: reader.text(row, 'name') || code.code,
      kind: type.kind,
      amountMinor: typeof amount === 'number' ? amount : null,
      percent: typeof amount === 'number' ? null : amount.percent,
      condition: condition.condition,
      thresholdCm: threshold,
      fuelApplies: fuel.value,
    });
  }
}

function readRemoteAreas(reader: SheetReader, drafts: Map<string, TariffDraft>): void {
  for (const row of reader.body) {
    const carrier = reader.read(row, 'carrier_code', parse.code);
    const country = reader.read(row, 'destination_country', parse.country);
    const from = reader.read(row, 'postcode_from', (t) => ({ postcode: t }));
    const to = reader.read(row, 'postcode_to', (t) => ({ postcode: t }));
    if (!carrier || !country || !from || !to) continue;
    const area: PostcodeRange = {
      country: country.country,
      postcodeFrom: from.postcode,
      postcodeTo: to.postcode,
    };
    const targets = [...drafts.values()].filter((draft) => draft.carrier === carrier.code);
    if (!targets.length)
      reader.fail(row, 'carrier_code', `names no carrier of the Tariffs sheet (${carrier.code})`);
    for (const draft of targets) draft.remoteAreas.push(area);
  }
}

export function parseIpayWorkbook(sheets: Sheets, errors: CellErrors): ParsedTariff[] {
  const found = readers(sheets, errors);
  if (!found.Tariffs || !found.Zones || !found.Rates) return [];
  const drafts = readTariffRows(found.Tariffs);
  readZones(found.Zones, drafts);
  readRates(found.Rates, drafts);
  if (found.Surcharges) readSurcharges(found.Surcharges, drafts);
  if (found['Remote areas']) readRemoteAreas(found['Remote areas'], drafts);
  return [...drafts.values()].flatMap((draft) => finishTariff(draft, errors) ?? []);
}
