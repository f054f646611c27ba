import { sql } from 'kysely';
import type { Db, DbTransaction } from '@ipay/db';
import {
  loadTariffsInForce,
  previewLoaded,
  type CostBreakdown,
} from '../../carrier-tariffs/service/compute-shipment-cost';
import { recordDomainEvent } from '../../events/service';
import { RECONCILIATION_STATUSES, type ReconciliationStatus } from '../schemas';
import { billedCharges, billedTotal, compareCharges, type MatchLine } from './compare';

/** Lines read per FETCH of the cursor: the memory a run holds, whatever the size of the invoice. */
const FETCH_LINES = 5_000;
/** Parcels looked up, priced and inserted together: one query each per batch, never one per line. */
const GROUPS_PER_BATCH = 1_000;

interface ParcelGroup {
  trackingNumber: string;
  lines: MatchLine[];
}

interface ParcelFacts {
  id: string;
  order_id: string;
  tracking_number: string;
  ship_date: string | null;
  origin_country: string | null;
  service_code: string | null;
  weight_grams: number | null;
  length_cm: number | null;
  width_cm: number | null;
  height_cm: number | null;
  country: string;
  postal_code: string;
}

interface EarlierBill {
  tracking_number: string;
  import_id: string;
  invoice_number: string;
}

type Loaded = Awaited<ReturnType<typeof loadTariffsInForce>>;

interface MatchContext {
  trx: DbTransaction;
  importId: string;
  carrierCode: string;
  toleranceMinor: number;
  /** The origin countries of the carrier's tariffs: the origin of a parcel whose shipment does not name one. */
  origins: string[];
  /** Tariffs in force per origin and ship date, loaded once per run. */
  tariffs: Map<string, Promise<Loaded>>;
}

type Priced = { ok: true; cost: CostBreakdown } | { ok: false; detail: string };

interface ReconciliationRow {
  import_id: string;
  carrier_code: string;
  tracking_number: string;
  parcel_id: string | null;
  order_id: string | null;
  status: ReconciliationStatus;
  mismatch_causes: string[];
  detail: string | null;
  line_numbers: number[];
  invoice_number: string;
  ship_date: string | null;
  currency: string;
  billed_minor: number;
  expected_minor: number | null;
  delta_minor: number | null;
  billed: string;
  expected: string | null;
}

export interface MatchSummary {
  importId: string;
  carrierCode: string;
  /** False when the import had been matched already: nothing was written this time. */
  matchedNow: boolean;
  counts: Record<ReconciliationStatus, number>;
  delta: Array<{ currency: string; deltaMinor: number }>;
}

function loadedFor(context: MatchContext, origin: string, shipDate: string): Promise<Loaded> {
  const key = `${origin}|${shipDate}`;
  let loaded = context.tariffs.get(key);
  if (!loaded) {
    loaded = loadTariffsInForce(context.trx, { origin, shipDate, carriers: [context.carrierCode] });
    context.tariffs.set(key, loaded);
  }
  return loaded;
}

/** Where the parcel left from: its shipment's origin, else the carrier's only tariff origin. */
function originOf(context: MatchContext, parcel: ParcelFacts): Priced | { ok: true; origin: string } {
  if (parcel.origin_country) return { ok: true, origin: parcel.origin_country };
  const [origin, ...others] = context.origins;
  const cc = context.carrierCode;
  if (!origin) return { ok: false, detail: `No tariff of ${cc} is on file.` };
  if (others.length) {
    return {
      ok: false,
      detail: `${cc} has tariffs from several origins (${context.origins.join(', ')}) and the parcel's shipment names none (origin_country).`,
    };
  }
  return { ok: true, origin };
}

/**
 * What the engine says the parcel should have cost on its ship date: with the service its shipment names, else
 * the carrier's cheapest service that carries it.
 */
async function priceParcel(context: MatchContext, parcel: ParcelFacts, shipDate: string): Promise<Priced> {
  const cc = context.carrierCode;
  if (parcel.weight_grams === null) {
    return { ok: false, detail: 'The parcel has no declared weight: the expected cost cannot be computed.' };
  }
  const from = originOf(context, parcel);
  if (!('origin' in from)) return from;
  const { origin } = from;
  const loaded = await loadedFor(context, origin, shipDate);
  const service = parcel.service_code;
  const preview = previewLoaded(
    service
      ? { ...loaded, tariffs: loaded.tariffs.filter((tariff) => tariff.source.service === service) }
      : loaded,
    {
      origin,
      destination: { country: parcel.country, postcode: parcel.postal_code },
      weightGrams: parcel.weight_grams,
      // Without declared dimensions the parcel is priced on its weight alone (no volumetric weight).
      dimensionsCm: {
        length: parcel.length_cm ?? 0,
        width: parcel.width_cm ?? 0,
        height: parcel.height_cm ?? 0,
      },
      residential: false,
    },
    shipDate,
  );
  const [cost] = preview.items;
  if (cost) return { ok: true, cost };
  const [refusal] = preview.notApplicable;
  if (refusal) return { ok: false, detail: refusal.detail };
  const what = service ? `${cc} ${service}` : cc;
  return { ok: false, detail: `No tariff of ${what} from ${origin} is in force on ${shipDate}.` };
}

async function reconcile(
  context: MatchContext,
  group: ParcelGroup,
  parcel: ParcelFacts | undefined,
  earlier: EarlierBill | undefined,
): Promise<ReconciliationRow> {
  const [first] = group.lines;
  if (!first) throw new Error(`tracking number ${group.trackingNumber} has no lines`);
  const billed = billedCharges(group.lines);
  const billedMinor = billedTotal(billed);
  const row: ReconciliationRow = {
    import_id: context.importId,
    carrier_code: context.carrierCode,
    tracking_number: group.trackingNumber,
    parcel_id: parcel?.id ?? null,
    order_id: parcel?.order_id ?? null,
    status: 'UNMATCHED_IN_DB',
    mismatch_causes: [],
    detail: null,
    line_numbers: group.lines.map((line) => line.line_number),
    invoice_number: first.invoice_number,
    ship_date: parcel?.ship_date ?? first.ship_date ?? first.invoice_date,
    currency: first.currency,
    billed_minor: billedMinor,
    expected_minor: null,
    delta_minor: null,
    billed: JSON.stringify(billed),
    expected: null,
  };
  if (!parcel) {
    return {
      ...row,
      detail: `No parcel of ${context.carrierCode} has tracking number ${group.trackingNumber}.`,
    };
  }
  if (billed.baseCharges > 0 && earlier) {
    // The parcel was paid for already: everything billed again is the overcharge.
    return {
      ...row,
      status: 'DUPLICATE_ON_INVOICE',
      detail: `Already billed on invoice ${earlier.invoice_number} (import ${earlier.import_id}).`,
      expected_minor: 0,
      delta_minor: billedMinor,
    };
  }
  const priced = await priceParcel(context, parcel, row.ship_date ?? first.invoice_date);
  if (!priced.ok) return { ...row, status: 'MISMATCH', detail: priced.detail };
  const { cost } = priced;
  if (cost.currency !== row.currency) {
    return {
      ...row,
      status: 'MISMATCH',
      detail: `Billed in ${row.currency}, the tariff is in ${cost.currency}: not compared.`,
      expected: JSON.stringify(cost),
    };
  }
  const expected = { expected_minor: cost.totalMinor, delta_minor: billedMinor - cost.totalMinor };
  if (billed.baseCharges > 1) {
    const lines = group.lines.filter((line) => line.charge_kind === 'base').map((line) => line.line_number);
    return {
      ...row,
      ...expected,
      status: 'DUPLICATE_ON_INVOICE',
      detail: `The base charge is billed ${billed.baseCharges} times on this import (lines ${lines.join(', ')}).`,
      expected: JSON.stringify(cost),
    };
  }
  const comparison = compareCharges(billed, cost, context.toleranceMinor);
  return {
    ...row,
    ...expected,
    status: comparison.status,
    mismatch_causes: comparison.causes,
    detail: comparison.detail,
    expected: JSON.stringify(cost),
  };
}

function findParcels(context: MatchContext, trackingNumbers: string[]) {
  return context.trx
    .selectFrom('order_parcels')
    .innerJoin('orders', 'orders.id', 'order_parcels.order_id')
    .select([
      'order_parcels.id',
      'order_parcels.order_id',
      'order_parcels.tracking_number',
      // A `date` would come back as a Date at local midnight; the calendar day is what is meant.
      sql<string | null>`to_char(order_parcels.ship_date, 'YYYY-MM-DD')`.as('ship_date'),
      'order_parcels.origin_country',
      'order_parcels.service_code',
      'order_parcels.weight_grams',
      'order_parcels.length_cm',
      'order_parcels.width_cm',
      'order_parcels.height_cm',
      'orders.country',
      'orders.postal_code',
    ])
    .where('order_parcels.carrier_code', '=', context.carrierCode)
    .where('order_parcels.tracking_number', 'in', trackingNumbers)
    .execute();
}

/** Parcels whose base charge an earlier matched import of this carrier billed already. */
function findEarlierBills(context: MatchContext, trackingNumbers: string[]) {
  return context.trx
    .selectFrom('carrier_reconciliations')
    .distinctOn('tracking_number')
    .select(['tracking_number', 'import_id', 'invoice_number'])
    .where('carrier_code', '=', context.carrierCode)
    .where('tracking_number', 'in', trackingNumbers)
    .where('import_id', '!=', context.importId)
    .where(sql<boolean>`(billed->>'baseCharges')::int > 0`)
    .orderBy('tracking_number')
    .orderBy('created_at')
    .$narrowType<{ tracking_number: string }>()
    .execute();
}

async function matchGroups(context: MatchContext, groups: ParcelGroup[]): Promise<void> {
  const trackingNumbers = groups.map((group) => group.trackingNumber);
  const [parcels, earlier] = await Promise.all([
    findParcels(context, trackingNumbers),
    findEarlierBills(context, trackingNumbers),
  ]);
  const parcelOf = new Map(parcels.map((parcel) => [parcel.tracking_number, parcel]));
  const earlierOf = new Map(earlier.map((bill) => [bill.tracking_number, bill]));
  const rows: ReconciliationRow[] = [];
  for (const group of groups) {
    rows.push(
      await reconcile(
        context,
        group,
        parcelOf.get(group.trackingNumber),
        earlierOf.get(group.trackingNumber),
      ),
    );
  }
  await context.trx.insertInto('carrier_reconciliations').values(rows).execute();
}

/**
 * The import's lines with a tracking number, in tracking-number order through a cursor, handed over as groups
 * (all the lines of one tracking number) about GROUPS_PER_BATCH at a time: memory stays at one fetch and one
 * batch. A group never straddles two batches.
 */
async function* parcelGroups(trx: DbTransaction, importId: string): AsyncGenerator<ParcelGroup[]> {
  await sql`declare match_lines no scroll cursor for
    select line_number, invoice_number, to_char(invoice_date, 'YYYY-MM-DD') as invoice_date, tracking_number,
      shipment_number, to_char(ship_date, 'YYYY-MM-DD') as ship_date, billed_weight_grams, zone, charge_kind,
      charge_code, charge_description, amount_minor, currency
    from carrier_invoice_lines
    where import_id = ${importId} and tracking_number is not null
    order by tracking_number, line_number`.execute(trx);
  let groups: ParcelGroup[] = [];
  let current: ParcelGroup | undefined;
  for (;;) {
    const { rows } = await sql<MatchLine>`fetch forward ${sql.lit(FETCH_LINES)} from match_lines`.execute(
      trx,
    );
    for (const line of rows) {
      if (current?.trackingNumber !== line.tracking_number) {
        current = { trackingNumber: line.tracking_number ?? '', lines: [] };
        groups.push(current);
      }
      current.lines.push(line);
    }
    if (rows.length < FETCH_LINES) break;
    if (groups.length > GROUPS_PER_BATCH) {
      // The last group may go on in the next fetch.
      const open = groups.pop();
      yield groups;
      groups = open ? [open] : [];
    }
  }
  if (groups.length) yield groups;
  await sql`close match_lines`.execute(trx);
}

/** One row per line without a tracking number: account-level fees, its amount billed, nothing expected. */
async function insertAccountCharges(context: MatchContext): Promise<void> {
  const kind = (k: string) => sql`case when charge_kind = ${k} then amount_minor else 0 end`;
  await sql`
    insert into carrier_reconciliations (import_id, carrier_code, status, detail, line_numbers, invoice_number,
      ship_date, currency, billed_minor, billed)
    select import_id, ${context.carrierCode}, 'ACCOUNT_CHARGE', charge_description || ' (' || charge_code || ')',
      array[line_number], invoice_number, coalesce(ship_date, invoice_date), currency, amount_minor,
      jsonb_build_object('baseMinor', ${kind('base')}, 'fuelMinor', ${kind('fuel')},
        'surchargeMinor', ${kind('surcharge')}, 'otherMinor', ${kind('other')}, 'taxMinor', ${kind('tax')},
        'baseCharges', 0, 'billedWeightGrams', billed_weight_grams, 'zone', zone,
        'shipmentNumber', shipment_number,
        'surcharges', case when charge_kind = 'surcharge' then jsonb_build_array(jsonb_build_object(
          'code', charge_code, 'description', charge_description, 'amountMinor', amount_minor))
          else '[]'::jsonb end)
    from carrier_invoice_lines
    where import_id = ${context.importId} and tracking_number is null`.execute(context.trx);
}

async function summarise(
  trx: DbTransaction,
  imported: { id: string; carrier_code: string },
  matchedNow: boolean,
): Promise<MatchSummary> {
  const rows = await trx
    .selectFrom('carrier_reconciliations')
    .select([
      'status',
      'currency',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`coalesce(sum(delta_minor), 0)::int8`.as('delta'),
    ])
    .where('import_id', '=', imported.id)
    .groupBy(['status', 'currency'])
    .orderBy('currency')
    .execute();
  const counts = Object.fromEntries(RECONCILIATION_STATUSES.map((status) => [status, 0])) as Record<
    ReconciliationStatus,
    number
  >;
  const delta = new Map<string, number>();
  for (const row of rows) {
    counts[row.status] += row.count;
    delta.set(row.currency, (delta.get(row.currency) ?? 0) + row.delta);
  }
  return {
    importId: imported.id,
    carrierCode: imported.carrier_code,
    matchedNow,
    counts,
    delta: [...delta].map(([currency, deltaMinor]) => ({ currency, deltaMinor })),
  };
}

/** Rows an operator must look at: anything that is neither matched nor an account-level fee. */
export function needsAttention(counts: Record<ReconciliationStatus, number>): boolean {
  return counts.MISMATCH + counts.UNMATCHED_IN_DB + counts.DUPLICATE_ON_INVOICE > 0;
}

/**
 * Matches an imported invoice: one reconciliation per parcel the import bills (all the lines of its tracking
 * number) and one per account-level line, each compared with the cost engine (see docs/domains/
 * carrier-reconciliation.md). One transaction that locks the import: a second run (a retried job, a job enqueued
 * twice) waits, then finds `matched_at` set and writes nothing. Records `invoice.mismatch` for operators when
 * rows need a look. Null for an import that does not exist or is not imported.
 */
export function matchInvoiceImport(db: Db, importId: string): Promise<MatchSummary | null> {
  return db.transaction().execute(async (trx) => {
    const imported = await trx
      .selectFrom('carrier_invoice_imports')
      .select(['id', 'carrier_code', 'file_name', 'status', 'matched_at'])
      .where('id', '=', importId)
      .forUpdate()
      .executeTakeFirst();
    if (imported?.status !== 'imported') return null;
    if (imported.matched_at) return summarise(trx, imported, false);
    const [carrier, origins] = await Promise.all([
      trx
        .selectFrom('tariff_carriers')
        .select('reconciliation_tolerance_minor')
        .where('code', '=', imported.carrier_code)
        .executeTakeFirst(),
      trx
        .selectFrom('tariff_versions')
        .select('origin_country')
        .distinct()
        .where('carrier_code', '=', imported.carrier_code)
        .orderBy('origin_country')
        .execute(),
    ]);
    const context: MatchContext = {
      trx,
      importId,
      carrierCode: imported.carrier_code,
      toleranceMinor: carrier?.reconciliation_tolerance_minor ?? 1,
      origins: origins.map((row) => row.origin_country),
      tariffs: new Map(),
    };
    await insertAccountCharges(context);
    for await (const groups of parcelGroups(trx, importId)) await matchGroups(context, groups);
    await trx
      .updateTable('carrier_invoice_imports')
      .set({ matched_at: sql<Date>`now()` })
      .where('id', '=', importId)
      .execute();
    const summary = await summarise(trx, imported, true);
    if (needsAttention(summary.counts)) {
      await recordDomainEvent(trx, {
        type: 'invoice.mismatch',
        resourceType: 'carrier_invoice_import',
        resourceId: importId,
        // Platform event: no organization, so only callers holding the `all` scope see it (never a merchant).
        organizationId: null,
        data: {
          importId,
          carrierCode: imported.carrier_code,
          fileName: imported.file_name,
          counts: summary.counts,
          delta: summary.delta,
        },
      });
    }
    return summary;
  });
}
