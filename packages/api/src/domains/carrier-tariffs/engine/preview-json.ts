import type { NotApplicable } from '../schemas';
import { normalisePostcode, type CompiledFuel, type CompiledTariff } from './compiled-tariff';
import {
  compareCodes,
  notApplicableOf,
  PricedShipment,
  priceShipment,
  type ShipmentFacts,
} from './compute-cost';
import type { JsonText } from '../../../platform/json-text';
import { fragment, JsonTextPool, sharedFragment, type JsonBytes } from './json-bytes';

/**
 * The cost preview's answer written as JSON text straight from the compiled tariffs: byte for byte what
 * `JSON.stringify(previewLoaded(…))` gives (`preview-json.test.ts` compares them), without the 488 breakdowns'
 * 3,400-odd objects and the half-megabyte string in between. Those were most of a preview's garbage, and
 * collecting it was the preview's latency tail. Each tariff's and fuel entry's fixed text is encoded once and
 * kept with it (the compiled objects live as long as their version is cached); per shipment only the numbers are
 * written, into a buffer reused once the answer has been sent.
 */

interface TariffText {
  /** `{"carrier":…,"weight":{"actualGrams":` */
  head: Uint8Array;
  /** `,"volumetricDivisor":…,"weightStepGrams":…,"chargeableGrams":` */
  divisorAndStep: Uint8Array;
  /** Per zone with prices: `},"zone":"3","weightBreak":{"upToGrams":` */
  zones: ReadonlyMap<string, Uint8Array>;
  /** Per surcharge, in the tariff's order: its fields up to `"amountMinor":` */
  surcharges: readonly Uint8Array[];
}

interface FuelText {
  /** From the end of the surcharges up to `"baseMinor":` (the fuel base). */
  beforeBase: Uint8Array;
  /** From after the fuel base up to `"publishedAmountMinor":` */
  afterBase: Uint8Array;
}

const json = (value: unknown) => JSON.stringify(value);

const tariffTexts = new WeakMap<CompiledTariff, TariffText>();
const fuelTexts = new WeakMap<CompiledFuel, FuelText>();

function tariffText(tariff: CompiledTariff): TariffText {
  const known = tariffTexts.get(tariff);
  if (known) return known;
  const s = tariff.source;
  const zones = new Map<string, Uint8Array>();
  for (const zone of tariff.rates.keys())
    zones.set(zone, sharedFragment(`},"zone":${json(zone)},"weightBreak":{"upToGrams":`));
  const text: TariffText = {
    head: fragment(
      `{"carrier":${json(s.carrier)},"service":${json(s.service)},"tariffVersionId":${json(s.versionId)},` +
        `"effectiveFrom":${json(s.effectiveFrom)},"currency":${json(s.currency)},"weight":{"actualGrams":`,
    ),
    divisorAndStep: sharedFragment(
      `,"volumetricDivisor":${json(s.volumetricDivisor)},"weightStepGrams":${json(s.weightStepGrams)},"chargeableGrams":`,
    ),
    zones,
    // The breakdown's own object with its amount last, cut before the amount: the same fields in the same order.
    surcharges: tariff.surcharges.map((surcharge) =>
      sharedFragment(json({ ...surcharge.output, amountMinor: 0 }).slice(0, -2)),
    ),
  };
  tariffTexts.set(tariff, text);
  return text;
}

const NO_FUEL_TEXT: FuelText = {
  beforeBase: fragment(
    '],"fuel":{"surchargeId":null,"publishedPercent":"0","discountPercent":"0","discountMode":null,"effectivePercent":"0","baseMinor":',
  ),
  afterBase: fragment(',"publishedAmountMinor":'),
};

function fuelText(fuel: CompiledFuel | null): FuelText {
  if (!fuel) return NO_FUEL_TEXT;
  const known = fuelTexts.get(fuel);
  if (known) return known;
  const o = fuel.output;
  const text: FuelText = {
    beforeBase: fragment(`],"fuel":{"surchargeId":${json(o.surchargeId)},"baseMinor":`),
    afterBase: sharedFragment(
      `,"publishedPercent":${json(o.publishedPercent)},"discountPercent":${json(o.discountPercent)},` +
        `"discountMode":${json(o.discountMode)},"effectivePercent":${json(o.effectivePercent)},"publishedAmountMinor":`,
    ),
  };
  fuelTexts.set(fuel, text);
  return text;
}

/**
 * What a preview needs of a loaded set that does not depend on the shipment, worked out once per set and kept
 * with it (the set in force is shared by the requests of a tariff stamp, see `tariffs-in-force.ts`): per row,
 * the fuel entry and the fixed texts, and its place in carrier × service order. Looking these up per tariff on
 * every request (two map lookups, two weak-map lookups) and sorting with a comparator that calls the collator
 * was about a tenth of the engine's time in a CPU profile of the REST path.
 */
interface Plan {
  fuels: ReadonlyArray<CompiledFuel | null>;
  texts: readonly TariffText[];
  fuelTexts: readonly FuelText[];
  /** Row → its rank by carrier, then service, then row: the order `byTotal` gives equal totals. */
  tieRank: Float64Array;
  /** Rank → row. */
  rowOfRank: Int32Array;
  /** The set's surcharges, all tariffs together: the scratch space their amounts need. */
  surchargeCount: number;
}

type LoadedSet = { tariffs: readonly CompiledTariff[]; fuel: ReadonlyMap<string, CompiledFuel> };

const plans = new WeakMap<LoadedSet, Plan>();

function planOf(loaded: LoadedSet): Plan {
  const known = plans.get(loaded);
  if (known) return known;
  const tariffs = loaded.tariffs;
  const fuels = tariffs.map((tariff) => loaded.fuel.get(tariff.source.carrier) ?? null);
  const byCodes = tariffs.map((_, row) => row);
  byCodes.sort((a, b) => {
    const one = (tariffs[a] as CompiledTariff).source;
    const other = (tariffs[b] as CompiledTariff).source;
    return compareCodes(one.carrier, other.carrier) || compareCodes(one.service, other.service) || a - b;
  });
  const tieRank = new Float64Array(tariffs.length);
  const rowOfRank = new Int32Array(tariffs.length);
  byCodes.forEach((row, rank) => {
    tieRank[row] = rank;
    rowOfRank[rank] = row;
  });
  const plan: Plan = {
    fuels,
    texts: tariffs.map(tariffText),
    fuelTexts: fuels.map(fuelText),
    tieRank,
    rowOfRank,
    surchargeCount: tariffs.reduce((count, tariff) => count + tariff.surcharges.length, 0),
  };
  plans.set(loaded, plan);
  return plan;
}

const ITEMS = fragment(',"items":[');
const NOT_APPLICABLE = fragment('],"notApplicable":');
const COMMA = fragment(',');
const CLOSE = fragment('}');
const VOLUMETRIC = fragment(',"volumetricGrams":');
const PRICE = fragment(',"priceMinor":');
const STEPS = fragment(',"additionalSteps":');
const STEP_GRAMS = fragment(',"additionalStepGrams":');
const STEP_PRICE = fragment(',"additionalStepPriceMinor":');
const BASE = fragment('},"baseMinor":');
const SURCHARGES = fragment(',"surcharges":[');
const IPAY_DISCOUNT = fragment(',"ipayDiscountMinor":');
const AMOUNT = fragment(',"amountMinor":');
const TOTAL = fragment('},"totalMinor":');

/** The numbers kept per priced tariff until the answer is sorted and written: one row of `Column.Count`. */
const Column = {
  Volumetric: 0,
  Chargeable: 1,
  UpTo: 2,
  BreakPrice: 3,
  Steps: 4,
  StepGrams: 5,
  StepPrice: 6,
  Base: 7,
  FuelBase: 8,
  PublishedFuel: 9,
  Fuel: 10,
  Total: 11,
  Surcharges: 12,
  Count: 13,
} as const;
type Column = (typeof Column)[keyof typeof Column];

/**
 * Scratch space of the previews, reused: `previewJson` is synchronous, so no two previews use it at once. Grown
 * to the largest tariff set seen.
 */
let numbers = new Float64Array(0);
let surchargeAmounts = new Float64Array(0);
/** Per priced tariff, in row order: its row, and its sort key (total × tariff count + tie rank). */
let pricedRows = new Int32Array(0);
let sortKeys = new Float64Array(0);
/** Answers in flight at once are few (one per connection being written to); each writer grows to the largest. */
const writers = new JsonTextPool(16, 64 * 1024);

function ensureScratch(tariffs: readonly CompiledTariff[], plan: Plan): void {
  if (numbers.length < tariffs.length * Column.Count)
    numbers = new Float64Array(tariffs.length * Column.Count);
  if (sortKeys.length < tariffs.length) {
    sortKeys = new Float64Array(tariffs.length);
    pricedRows = new Int32Array(tariffs.length);
  }
  if (surchargeAmounts.length < plan.surchargeCount) surchargeAmounts = new Float64Array(plan.surchargeCount);
}

function keep(row: number, priced: PricedShipment, surchargeAt: number): void {
  const at = row * Column.Count;
  const additional = priced.zoneRates?.additional;
  numbers[at + Column.Volumetric] = priced.volumetricGrams;
  numbers[at + Column.Chargeable] = priced.chargeableGrams;
  numbers[at + Column.UpTo] = priced.breakUpToGrams;
  numbers[at + Column.BreakPrice] = priced.breakPriceMinor;
  numbers[at + Column.Steps] = priced.additionalSteps;
  numbers[at + Column.StepGrams] = additional ? additional.stepGrams : Number.NaN;
  numbers[at + Column.StepPrice] = additional ? additional.priceMinor : Number.NaN;
  numbers[at + Column.Base] = priced.baseMinor;
  numbers[at + Column.FuelBase] = priced.fuelBaseMinor;
  numbers[at + Column.PublishedFuel] = priced.publishedFuelMinor;
  numbers[at + Column.Fuel] = priced.fuelMinor;
  numbers[at + Column.Total] = priced.totalMinor;
  numbers[at + Column.Surcharges] = surchargeAt;
  for (let i = 0; i < priced.surchargeMinor.length; i += 1)
    surchargeAmounts[surchargeAt + i] = priced.surchargeMinor[i] ?? Number.NaN;
}

// Plain loops and no closures below: they run some 30 times per tariff, 488 tariffs an answer.
function writeItem(
  out: JsonBytes,
  text: TariffText,
  fuelFixed: FuelText,
  row: number,
  zone: string,
  actualGrams: number,
): void {
  const at = row * Column.Count;
  out.raw(text.head);
  out.int(actualGrams);
  out.raw(VOLUMETRIC);
  out.int(numbers[at + Column.Volumetric] as number);
  out.raw(text.divisorAndStep);
  out.int(numbers[at + Column.Chargeable] as number);
  out.raw(text.zones.get(zone) ?? fragment(`},"zone":${json(zone)},"weightBreak":{"upToGrams":`));
  out.int(numbers[at + Column.UpTo] as number);
  out.raw(PRICE);
  out.int(numbers[at + Column.BreakPrice] as number);
  out.raw(STEPS);
  out.int(numbers[at + Column.Steps] as number);
  out.raw(STEP_GRAMS);
  out.intOrNull(numbers[at + Column.StepGrams] as number);
  out.raw(STEP_PRICE);
  out.intOrNull(numbers[at + Column.StepPrice] as number);
  out.raw(BASE);
  out.int(numbers[at + Column.Base] as number);
  out.raw(SURCHARGES);
  const first = numbers[at + Column.Surcharges] as number;
  let written = 0;
  for (let i = 0; i < text.surcharges.length; i += 1) {
    const amount = surchargeAmounts[first + i] as number;
    if (Number.isNaN(amount)) continue;
    if (written++) out.raw(COMMA);
    out.raw(text.surcharges[i] as Uint8Array);
    out.int(amount);
    out.raw(CLOSE);
  }
  const published = numbers[at + Column.PublishedFuel] as number;
  const charged = numbers[at + Column.Fuel] as number;
  out.raw(fuelFixed.beforeBase);
  out.int(numbers[at + Column.FuelBase] as number);
  out.raw(fuelFixed.afterBase);
  out.int(published);
  out.raw(IPAY_DISCOUNT);
  out.int(published - charged);
  out.raw(AMOUNT);
  out.int(charged);
  out.raw(TOTAL);
  out.int(numbers[at + Column.Total] as number);
  out.raw(CLOSE);
}

/**
 * `JSON.stringify(previewLoaded(loaded, shipment, shipDate))` as UTF-8, written directly: every tariff priced
 * into reused scratch numbers, the priced ones sorted as `byTotal` sorts them, then written from their fixed
 * fragments.
 */
export function previewJson(loaded: LoadedSet, shipment: ShipmentFacts, shipDate: string): JsonText {
  const tariffs = loaded.tariffs;
  const plan = planOf(loaded);
  ensureScratch(tariffs, plan);
  const postcode = normalisePostcode(shipment.destination.postcode);
  const priced = new PricedShipment();
  const zones: string[] = [];
  const notApplicable: NotApplicable[] = [];
  let surchargeAt = 0;
  let count = 0;
  let keysExact = true;
  for (let row = 0; row < tariffs.length; row += 1) {
    const tariff = tariffs[row] as CompiledTariff;
    const outcome = priceShipment(tariff, plan.fuels[row] ?? null, shipment, postcode, priced);
    zones.push(priced.zone);
    if (outcome !== 'priced') {
      notApplicable.push(notApplicableOf(tariff, outcome, shipment, postcode, priced));
      continue;
    }
    keep(row, priced, surchargeAt);
    surchargeAt += tariff.surcharges.length;
    const key = priced.totalMinor * tariffs.length + (plan.tieRank[row] as number);
    keysExact &&= priced.totalMinor >= 0 && key <= Number.MAX_SAFE_INTEGER;
    sortKeys[count] = key;
    pricedRows[count] = row;
    count += 1;
  }
  const rows = sortedRows(tariffs.length, plan, count, keysExact);
  const out = writers.take();
  out.raw(fragment(`{"shipDate":${json(shipDate)}`));
  out.raw(ITEMS);
  for (let i = 0; i < count; i += 1) {
    const row = rows[i] as number;
    if (i) out.raw(COMMA);
    const fuelFixed = plan.fuelTexts[row] as FuelText;
    writeItem(out, plan.texts[row] as TariffText, fuelFixed, row, zones[row] as string, shipment.weightGrams);
  }
  out.raw(NOT_APPLICABLE);
  out.value(notApplicable);
  out.raw(CLOSE);
  return { bytes: out.view(), sent: () => writers.give(out) };
}

/**
 * The priced rows, cheapest first, equal totals by carrier then service (`byTotal`'s order). A key is
 * `total × tariffs + tie rank`, exact while it is a safe integer, so a numeric sort of the keys gives that order
 * without calling a comparator, and the rank (the key's remainder) names the row; past that (totals no tariff
 * has), the comparator.
 */
function sortedRows(size: number, plan: Plan, count: number, keysExact: boolean): ArrayLike<number> {
  if (keysExact) {
    const keys = sortKeys.subarray(0, count).sort();
    const rows = new Int32Array(count);
    for (let i = 0; i < count; i += 1) rows[i] = plan.rowOfRank[(keys[i] as number) % size] as number;
    return rows;
  }
  const totalOf = (row: number) => numbers[row * Column.Count + Column.Total] ?? 0;
  return Array.from(pricedRows.subarray(0, count)).sort(
    (a, b) => totalOf(a) - totalOf(b) || (plan.tieRank[a] ?? 0) - (plan.tieRank[b] ?? 0),
  );
}
