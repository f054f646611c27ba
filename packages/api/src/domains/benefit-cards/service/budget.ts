import { sql, type Selectable } from 'kysely';
import type { BenefitBudgetTransactionsTable, DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { BENEFIT_CARD_ERRORS } from '../errors';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { BudgetTransaction, ListBudgetTransactionsInput, TopUpBudgetInput } from '../schemas';
import { assertOperator, type ScopedRequest } from './context';
import { getProgram } from './setup';

type BudgetKind = BudgetTransaction['kind'];

interface BudgetMovement {
  programId: string;
  kind: BudgetKind;
  /** Positive adds to the budget, negative takes from it. */
  amountMinor: number;
  orderId?: number;
  cardId?: string;
  note?: string;
  actorUserId: string | null;
}

/**
 * Moves a program's budget and records the movement, in the caller's transaction. The balance is changed
 * by one conditional UPDATE, so concurrent orders can never take it below zero.
 */
export async function moveBudget(trx: DbTransaction, movement: BudgetMovement): Promise<BudgetTransaction> {
  const program = await trx
    .updateTable('benefit_programs')
    .set({ budget_balance_minor: sql<number>`budget_balance_minor + ${movement.amountMinor}` })
    .where('id', '=', movement.programId)
    .where(sql<boolean>`budget_balance_minor + ${movement.amountMinor} >= 0`)
    .returning(['budget_balance_minor', 'currency'])
    .executeTakeFirst();
  if (!program) {
    const current = await trx
      .selectFrom('benefit_programs')
      .select(['budget_balance_minor', 'currency'])
      .where('id', '=', movement.programId)
      .executeTakeFirstOrThrow();
    throw domainError(
      BENEFIT_CARD_ERRORS,
      'budget_exhausted',
      `The program's budget is ${current.budget_balance_minor} ${current.currency} (minor units) and this order needs ${-movement.amountMinor}; nothing was issued.`,
      { errors: [{ field: 'programCode', message: 'has insufficient budget', code: 'insufficient_budget' }] },
    );
  }
  const row = await trx
    .insertInto('benefit_budget_transactions')
    .values({
      program_id: movement.programId,
      kind: movement.kind,
      amount_minor: movement.amountMinor,
      balance_after_minor: program.budget_balance_minor,
      order_id: movement.orderId ?? null,
      card_id: movement.cardId ?? null,
      note: movement.note ?? null,
      created_by: movement.actorUserId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return budgetRowToTransaction(row);
}

type BudgetRow = Omit<Selectable<BenefitBudgetTransactionsTable>, 'created_by'>;

function budgetRowToTransaction(row: BudgetRow): BudgetTransaction {
  return {
    id: row.id,
    programId: row.program_id,
    kind: row.kind,
    amountMinor: Number(row.amount_minor),
    balanceAfterMinor: Number(row.balance_after_minor),
    orderId: row.order_id === null ? null : Number(row.order_id),
    cardId: row.card_id,
    note: row.note,
    createdAt: toTimestamp(row.created_at),
  };
}

export async function topUpBudget(
  trx: DbTransaction,
  request: ScopedRequest & { input: TopUpBudgetInput },
): Promise<BudgetTransaction> {
  assertOperator(request.scope, 'Topping up a budget');
  const { input } = request;
  await getProgram(trx, { ...request, programId: input.programId });
  return moveBudget(trx, {
    programId: input.programId,
    kind: 'top_up',
    amountMinor: input.amountMinor,
    note: input.note,
    actorUserId: request.actor.userId,
  });
}

export async function listBudgetTransactions(
  db: DbExecutor,
  request: ScopedRequest & { input: ListBudgetTransactionsInput },
): Promise<Page<BudgetTransaction>> {
  const { input } = request;
  await getProgram(db, { ...request, programId: input.programId });
  const query = db
    .selectFrom('benefit_budget_transactions')
    .selectAll()
    .where('program_id', '=', input.programId);
  const page = await fetchPage(query, input, {
    orderBy: ['benefit_budget_transactions.created_at', 'benefit_budget_transactions.id'],
  });
  return {
    ...page,
    items: page.items.map(budgetRowToTransaction),
  };
}
