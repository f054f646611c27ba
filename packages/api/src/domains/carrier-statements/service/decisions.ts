import type { DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { getReconciliation } from '../../carrier-reconciliation/service/reconciliations';
import type { ReconciliationStatus } from '../../carrier-reconciliation/schemas';
import type { DataScope } from '../../rbac/catalogue';
import { CARRIER_STATEMENTS_ERRORS } from '../errors';
import { FLAGGABLE_STATUSES, type DecisionAction, type DecisionInput, type DecisionResult } from '../schemas';
import {
  assertStatementReach,
  claimableMinor,
  findStatementByImport,
  reviseStatement,
  statementNotFound,
  statementView,
} from './statements';

type Decision = 'credit_requested' | 'excluded' | null;

const DECISION_OF: Record<DecisionAction, Decision> = {
  request_credit: 'credit_requested',
  exclude: 'excluded',
  withdraw: null,
};

interface ReconciliationRow {
  id: string;
  import_id: string;
  carrier_code: string;
  tracking_number: string | null;
  invoice_number: string;
  status: ReconciliationStatus;
  currency: string;
  billed_minor: number;
  expected_minor: number | null;
  delta_minor: number | null;
  decision: Decision;
  decision_reason: string | null;
}

/**
 * Which lines take which decision. Only lines IPAY may not owe are flagged: a MISMATCH, a DUPLICATE_ON_INVOICE,
 * or an UNMATCHED_IN_DB parcel (not shipped through IPAY). A credit is requested only for a positive claim
 * (billed − expected, or all that was billed when nothing was expected); any of those lines may be excluded
 * (its delta accepted), an under-billed one included.
 */
function assertDecidable(row: ReconciliationRow, action: DecisionAction): void {
  if (action === 'withdraw') return;
  if (!(FLAGGABLE_STATUSES as readonly string[]).includes(row.status)) {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'reconciliation_not_flaggable',
      `The line is ${row.status}: only ${FLAGGABLE_STATUSES.join(', ')} lines are flagged.`,
      { errors: [{ field: 'id', message: `is a ${row.status} line` }] },
    );
  }
  if (action === 'request_credit' && claimableMinor(row) <= 0) {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'reconciliation_not_flaggable',
      `The line was billed ${row.billed_minor} against ${row.expected_minor ?? 'nothing'} expected (minor units): there is nothing to claim back; exclude it instead.`,
      { errors: [{ field: 'id', message: 'has no positive delta to claim' }] },
    );
  }
}

/**
 * Records a decision on one reconciliation: an entry in its audit trail (never edited) and its current decision,
 * in one transaction, with a new revision of the import's credit statement when the lines claimed change. The
 * same decision with the same reason again is a no-op answer (`changed: false`); so is withdrawing nothing.
 */
export async function decideReconciliation(
  trx: DbTransaction,
  request: { scope: DataScope; actorId: string; action: DecisionAction; input: DecisionInput },
): Promise<DecisionResult> {
  assertStatementReach(request.scope);
  const { cc, id, reason } = request.input;
  const row: ReconciliationRow | undefined = await trx
    .selectFrom('carrier_reconciliations')
    .select([
      'id',
      'import_id',
      'carrier_code',
      'tracking_number',
      'invoice_number',
      'status',
      'currency',
      'billed_minor',
      'expected_minor',
      'delta_minor',
      'decision',
      'decision_reason',
    ])
    .where('id', '=', id)
    .where('carrier_code', '=', cc)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw statementNotFound(`${cc} has no reconciliation ${id}.`);

  const target = DECISION_OF[request.action];
  const unchanged = row.decision === target && (target === null || row.decision_reason === reason);
  if (!unchanged) {
    assertDecidable(row, request.action);
    await trx
      .insertInto('carrier_reconciliation_decisions')
      .values({ reconciliation_id: row.id, action: request.action, reason, decided_by: request.actorId })
      .execute();
    await trx
      .updateTable('carrier_reconciliations')
      .set({ decision: target, decision_reason: target === null ? null : reason })
      .where('id', '=', row.id)
      .execute();
    if (row.decision === 'credit_requested' || target === 'credit_requested') {
      await reviseStatement(trx, {
        importId: row.import_id,
        carrier: cc,
        currency: row.currency,
        actorId: request.actorId,
      });
    }
  }
  const statement = await findStatementByImport(trx, cc, row.import_id);
  return {
    changed: !unchanged,
    reconciliation: await getReconciliation(trx, { scope: request.scope, input: { cc, id } }),
    statement: statement ? await statementView(trx, statement) : null,
  };
}
