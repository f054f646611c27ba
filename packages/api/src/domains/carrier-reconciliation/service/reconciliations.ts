import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { CostBreakdown } from '../../carrier-tariffs/schemas';
import { normalizeTrackingNumber } from '../../orders/schemas';
import type { DataScope } from '../../rbac/catalogue';
import {
  RECONCILIATION_STATUSES,
  type BilledCharges,
  type CarrierReconciliation,
  type GetReconciliationInput,
  type ListReconciliationsInput,
  type MismatchCause,
  type ReconciliationTotals,
} from '../schemas';
import { assertAllScope } from './scope';

/** Per import and currency: count and sums per status, and the delta billed − expected over the compared rows. */
export async function reconciliationTotals(
  db: DbExecutor,
  importIds: readonly string[],
): Promise<Map<string, ReconciliationTotals[]>> {
  const byImport = new Map<string, ReconciliationTotals[]>();
  if (!importIds.length) return byImport;
  const rows = await db
    .selectFrom('carrier_reconciliations')
    .select([
      'import_id',
      'currency',
      'status',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`sum(billed_minor)::int8`.as('billed'),
      sql<number>`coalesce(sum(expected_minor), 0)::int8`.as('expected'),
      sql<number>`coalesce(sum(delta_minor), 0)::int8`.as('delta'),
    ])
    .where('import_id', 'in', importIds)
    .groupBy(['import_id', 'currency', 'status'])
    .orderBy('import_id')
    .orderBy('currency')
    .execute();
  const empty = () => ({ count: 0, billed_minor: 0, expected_minor: 0, delta_minor: 0 });
  for (const row of rows) {
    let list = byImport.get(row.import_id);
    if (!list) byImport.set(row.import_id, (list = []));
    let totals = list.find((t) => t.currency === row.currency);
    if (!totals) {
      totals = {
        currency: row.currency,
        by_status: Object.fromEntries(
          RECONCILIATION_STATUSES.map((status) => [status, empty()]),
        ) as ReconciliationTotals['by_status'],
        billed_minor: 0,
        expected_minor: 0,
        delta_minor: 0,
      };
      list.push(totals);
    }
    totals.by_status[row.status] = {
      count: row.count,
      billed_minor: row.billed,
      expected_minor: row.expected,
      delta_minor: row.delta,
    };
    totals.billed_minor += row.billed;
    totals.expected_minor += row.expected;
    totals.delta_minor += row.delta;
  }
  return byImport;
}

function selectReconciliations(db: DbExecutor) {
  return db
    .selectFrom('carrier_reconciliations')
    .select([
      'carrier_reconciliations.id',
      'carrier_reconciliations.import_id',
      'carrier_reconciliations.carrier_code',
      'carrier_reconciliations.tracking_number',
      'carrier_reconciliations.parcel_id',
      'carrier_reconciliations.order_id',
      'carrier_reconciliations.status',
      'carrier_reconciliations.mismatch_causes',
      'carrier_reconciliations.detail',
      'carrier_reconciliations.line_numbers',
      'carrier_reconciliations.invoice_number',
      sql<string | null>`to_char(carrier_reconciliations.ship_date, 'YYYY-MM-DD')`.as('ship_date'),
      'carrier_reconciliations.currency',
      'carrier_reconciliations.billed_minor',
      'carrier_reconciliations.expected_minor',
      'carrier_reconciliations.delta_minor',
      'carrier_reconciliations.billed',
      'carrier_reconciliations.expected',
      'carrier_reconciliations.decision',
      'carrier_reconciliations.decision_reason',
      'carrier_reconciliations.created_at',
    ]);
}
type ReconciliationRow = Awaited<
  ReturnType<ReturnType<typeof selectReconciliations>['executeTakeFirstOrThrow']>
>;

function rowToReconciliation(row: ReconciliationRow): CarrierReconciliation {
  return {
    ...row,
    mismatch_causes: row.mismatch_causes as MismatchCause[],
    billed: row.billed as BilledCharges,
    expected: row.expected as CostBreakdown | null,
    created_at: toTimestamp(row.created_at),
  };
}

async function assertImport(db: DbExecutor, carrierCode: string, importId: string): Promise<void> {
  const found = await db
    .selectFrom('carrier_invoice_imports')
    .select('id')
    .where('id', '=', importId)
    .where('carrier_code', '=', carrierCode)
    .where('status', '=', 'imported')
    .executeTakeFirst();
  if (!found) throw new AppError('not_found', `${carrierCode} has no invoice import ${importId}.`);
}

/** GET …/invoices/{import_id}/reconciliations: an import's rows in reconciliation order, filtered. */
export async function listReconciliations(
  db: DbExecutor,
  request: { scope: DataScope; input: ListReconciliationsInput },
): Promise<Page<CarrierReconciliation>> {
  assertAllScope(request.scope);
  const { input } = request;
  await assertImport(db, input.cc, input.import_id);
  let query = selectReconciliations(db).where('carrier_reconciliations.import_id', '=', input.import_id);
  if (input.status) query = query.where('carrier_reconciliations.status', '=', input.status);
  if (input.cause) {
    query = query.where(sql<boolean>`${input.cause} = any(carrier_reconciliations.mismatch_causes)`);
  }
  if (input.tracking_number) {
    const tracking = normalizeTrackingNumber(input.tracking_number);
    query = query.where('carrier_reconciliations.tracking_number', '=', tracking);
  }
  if (input.decision === 'none') query = query.where('carrier_reconciliations.decision', 'is', null);
  else if (input.decision) query = query.where('carrier_reconciliations.decision', '=', input.decision);
  const page = await fetchPage(query, input, { orderBy: ['carrier_reconciliations.id'] });
  return { ...page, items: page.items.map(rowToReconciliation) };
}

/** GET …/{cc}/reconciliations/{id}. */
export async function getReconciliation(
  db: DbExecutor,
  request: { scope: DataScope; input: GetReconciliationInput },
): Promise<CarrierReconciliation> {
  assertAllScope(request.scope);
  const { cc, id } = request.input;
  const row = await selectReconciliations(db)
    .where('carrier_reconciliations.id', '=', id)
    .where('carrier_reconciliations.carrier_code', '=', cc)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `${cc} has no reconciliation ${id}.`);
  return rowToReconciliation(row);
}
