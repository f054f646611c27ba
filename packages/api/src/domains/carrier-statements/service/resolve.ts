import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import type { DataScope } from '../../rbac/catalogue';
import { CARRIER_STATEMENTS_ERRORS } from '../errors';
import type { MarkResolvedInput, MarkResolvedResult } from '../schemas';
import { assertStatementReach, lockStatement, statementNotFound, statementView } from './statements';

/**
 * Books one credit note of the carrier against a sent statement. A partial credit leaves the statement open for
 * the rest; the credit that completes it resolves it (logged `credited`, then `resolved`). The same credit note
 * reference again, with the same amount, changes nothing; with another amount it is a conflict.
 */
export async function markStatementResolved(
  trx: DbTransaction,
  request: { scope: DataScope; actorId: string; input: MarkResolvedInput },
): Promise<MarkResolvedResult> {
  assertStatementReach(request.scope);
  const { statement_id: id, creditedAmountMinor: amount, creditNoteReference: reference } = request.input;
  const row = await lockStatement(trx, id);
  if (!row) throw statementNotFound(`No carrier statement has the id ${id}.`);

  const booked = await trx
    .selectFrom('carrier_statement_log')
    .select('amount_minor')
    .where('statement_id', '=', id)
    .where('action', '=', 'credited')
    .where('credit_note_reference', '=', reference)
    .executeTakeFirst();
  if (booked) {
    if (booked.amount_minor !== amount) {
      throw domainError(
        CARRIER_STATEMENTS_ERRORS,
        'credit_note_conflict',
        `Credit note ${reference} was booked on ${row.number} for ${booked.amount_minor}, not ${amount} (minor units).`,
        { errors: [{ field: 'creditNoteReference', message: 'was booked with another amount' }] },
      );
    }
    return { alreadyRecorded: true, statement: await statementView(trx, row) };
  }
  if (row.status === 'draft' || row.sent_claimed_minor === null || row.sent_revision === null) {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'statement_not_sent',
      `Statement ${row.number} was never sent to ${row.carrier_code}: send it before booking its credit.`,
    );
  }
  if (row.status === 'resolved') {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'statement_resolved',
      `Statement ${row.number} was credited in full already.`,
    );
  }
  const outstanding = row.sent_claimed_minor - row.credited_minor;
  if (amount > outstanding) {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'credit_exceeds_outstanding',
      `Statement ${row.number} still claims ${outstanding} ${row.currency} (minor units); ${amount} is more.`,
      { errors: [{ field: 'creditedAmountMinor', message: `is more than the ${outstanding} outstanding` }] },
    );
  }
  const resolved = amount === outstanding;
  await trx
    .insertInto('carrier_statement_log')
    .values([
      {
        statement_id: id,
        action: 'credited',
        revision: row.sent_revision,
        amount_minor: amount,
        credit_note_reference: reference,
        actor_id: request.actorId,
      },
      ...(resolved
        ? [
            {
              statement_id: id,
              action: 'resolved' as const,
              revision: row.sent_revision,
              actor_id: request.actorId,
            },
          ]
        : []),
    ])
    .execute();
  const updated = await trx
    .updateTable('carrier_statements')
    .set({
      credited_minor: row.credited_minor + amount,
      status: resolved ? 'resolved' : 'open',
      resolved_at: resolved ? sql<Date>`now()` : null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { alreadyRecorded: false, statement: await statementView(trx, updated) };
}
