import { sql, type Selectable } from 'kysely';
import { z } from 'zod';
import type { CarrierStatementsTable, DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { toTimestamp } from '../../../platform/time';
import { emailDeliveries } from '../../notifications/service';
import type { DataScope } from '../../rbac/catalogue';
import { CARRIER_STATEMENTS_ERRORS } from '../errors';
import { StatementLine, type BillingContact, type CarrierStatement } from '../schemas';

export type StatementRow = Selectable<CarrierStatementsTable>;

const StatementLines = z.array(StatementLine);

/** Credit statements are IPAY's business with its carriers: only a caller holding the `all` scope reaches them. */
export function assertStatementReach(scope: DataScope): void {
  if (scope !== 'all') {
    throw new AppError(
      'forbidden',
      'Carrier statements are kept by IPAY operators and finance (carrier_statements on all organizations).',
    );
  }
}

export function statementNotFound(detail: string): AppError {
  return new AppError('not_found', detail);
}

export async function findStatementByImport(
  db: DbExecutor,
  carrier: string,
  importId: string,
): Promise<StatementRow | undefined> {
  return db
    .selectFrom('carrier_statements')
    .selectAll()
    .where('import_id', '=', importId)
    .where('carrier_code', '=', carrier)
    .executeTakeFirst();
}

/** The statement row, locked for the rest of the transaction: every change to a statement goes through here. */
export async function lockStatement(trx: DbTransaction, id: string): Promise<StatementRow | undefined> {
  return trx.selectFrom('carrier_statements').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function billingContactOf(
  db: DbExecutor,
  carrier: string,
): Promise<BillingContact & { carrierName: string }> {
  const row = await db
    .selectFrom('tariff_carriers')
    .select(['name', 'billing_email', 'billing_name', 'billing_address'])
    .where('code', '=', carrier)
    .executeTakeFirst();
  return {
    carrierName: row?.name ?? carrier,
    email: row?.billing_email ?? null,
    name: row?.billing_name ?? null,
    addressLines: row?.billing_address ?? [],
  };
}

export async function revisionLines(
  db: DbExecutor,
  statementId: string,
  revision: number,
): Promise<StatementLine[]> {
  const row = await db
    .selectFrom('carrier_statement_revisions')
    .select('lines')
    .where('statement_id', '=', statementId)
    .where('revision', '=', revision)
    .executeTakeFirstOrThrow();
  return StatementLines.parse(row.lines);
}

const money = (amountMinor: number, currency: string) => ({ amountMinor, currency });
const stamp = (value: Date | null) => (value ? toTimestamp(value) : null);

/** The statement as operators read it: its current lines, every revision and its log (with the e-mails' fate). */
export async function statementView(db: DbExecutor, row: StatementRow): Promise<CarrierStatement> {
  const [contact, lines, revisions, log] = await Promise.all([
    billingContactOf(db, row.carrier_code),
    revisionLines(db, row.id, row.current_revision),
    db
      .selectFrom('carrier_statement_revisions')
      .select(['revision', 'line_count', 'claimed_minor', 'pdf_sha256', 'rendered_at', 'created_at'])
      .where('statement_id', '=', row.id)
      .orderBy('revision')
      .execute(),
    db
      .selectFrom('carrier_statement_log')
      .select([
        'action',
        'revision',
        'email_id',
        'amount_minor',
        'credit_note_reference',
        'actor_id',
        'created_at',
      ])
      .where('statement_id', '=', row.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  // The e-mails' fate is the notifications domain's, read through its service.
  const emails = new Map(
    (
      await emailDeliveries(
        db,
        log.flatMap((entry) => (entry.email_id ? [entry.email_id] : [])),
      )
    ).map((email) => [email.id, email]),
  );
  const sent = row.sent_claimed_minor;
  return {
    id: row.id,
    number: row.number,
    importId: row.import_id,
    carrier: row.carrier_code,
    currency: row.currency,
    status: row.status,
    currentRevision: row.current_revision,
    claimed: money(row.claimed_minor, row.currency),
    sentRevision: row.sent_revision,
    sentClaimed: sent === null ? null : money(sent, row.currency),
    credited: money(row.credited_minor, row.currency),
    outstanding: money(Math.max(0, (sent ?? 0) - row.credited_minor), row.currency),
    unsentChanges: row.sent_revision !== row.current_revision,
    firstSentAt: stamp(row.first_sent_at),
    lastSentAt: stamp(row.last_sent_at),
    resolvedAt: stamp(row.resolved_at),
    billingContact: { email: contact.email, name: contact.name, addressLines: contact.addressLines },
    lines,
    revisions: revisions.map((revision) => ({
      revision: revision.revision,
      lineCount: revision.line_count,
      claimed: money(revision.claimed_minor, row.currency),
      pdfSha256: revision.pdf_sha256,
      renderedAt: stamp(revision.rendered_at),
      createdAt: toTimestamp(revision.created_at),
    })),
    log: log.map((entry) => {
      const email = entry.email_id ? emails.get(entry.email_id) : undefined;
      return {
        action: entry.action,
        revision: entry.revision,
        emailId: entry.email_id,
        emailStatus: email?.status ?? null,
        providerMessageId: email?.providerMessageId ?? null,
        emailDelivery: email?.deliveryStatus ?? null,
        amount: entry.amount_minor === null ? null : money(entry.amount_minor, row.currency),
        creditNoteReference: entry.credit_note_reference,
        actorId: entry.actor_id,
        createdAt: toTimestamp(entry.created_at),
      };
    }),
    createdAt: toTimestamp(row.created_at),
  };
}

export async function getStatement(
  db: DbExecutor,
  options: { scope: DataScope; carrier: string; importId: string },
): Promise<CarrierStatement> {
  assertStatementReach(options.scope);
  const row = await findStatementByImport(db, options.carrier, options.importId);
  if (!row) {
    throw statementNotFound(
      `Invoice import ${options.importId} of ${options.carrier} has no credit statement: no line of it was flagged for credit.`,
    );
  }
  return statementView(db, row);
}

/** The claim of a line: billed − expected, or everything billed when nothing was expected. */
export function claimableMinor(row: { billed_minor: number; delta_minor: number | null }): number {
  return row.delta_minor ?? row.billed_minor;
}

async function creditLines(
  trx: DbTransaction,
  importId: string,
): Promise<Array<StatementLine & { currency: string }>> {
  const rows = await trx
    .selectFrom('carrier_reconciliations')
    .select([
      'id',
      'tracking_number',
      'invoice_number',
      // A date column reads as a local-midnight Date from pg: the calendar date itself is what is printed.
      sql<string | null>`to_char(ship_date, 'YYYY-MM-DD')`.as('ship_date'),
      'status',
      'mismatch_causes',
      'decision_reason',
      'expected_minor',
      'billed_minor',
      'delta_minor',
      'currency',
    ])
    .where('import_id', '=', importId)
    .where('decision', '=', 'credit_requested')
    .orderBy('invoice_number')
    .orderBy(sql`line_numbers[1]`)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    reconciliationId: row.id,
    trackingNumber: row.tracking_number,
    invoiceNumber: row.invoice_number,
    shipDate: row.ship_date,
    status: row.status,
    causes: row.mismatch_causes,
    reason: row.decision_reason ?? '',
    expectedMinor: row.expected_minor,
    billedMinor: row.billed_minor,
    claimedMinor: claimableMinor(row),
    currency: row.currency,
  }));
}

/** The statement of an import, created (as a draft) on its first credit request, locked. */
async function statementForRevision(
  trx: DbTransaction,
  target: { importId: string; carrier: string; currency: string },
): Promise<StatementRow> {
  await trx
    .insertInto('carrier_statements')
    .values({
      import_id: target.importId,
      carrier_code: target.carrier,
      number: sql<string>`'CS-' || ${target.carrier} || '-' || lpad(nextval('carrier_statement_number_seq')::text, 6, '0')`,
      currency: target.currency,
      status: 'draft',
      current_revision: 0,
      claimed_minor: 0,
    })
    .onConflict((conflict) => conflict.column('import_id').doNothing())
    .execute();
  const row = await trx
    .selectFrom('carrier_statements')
    .selectAll()
    .where('import_id', '=', target.importId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row;
}

/**
 * Writes the import's statement anew from the lines flagged for credit now: a new revision (its lines frozen
 * in it), logged. Called in the transaction of the decision that changed the set; its PDF is rendered later,
 * once, when the revision is first previewed or sent.
 */
export async function reviseStatement(
  trx: DbTransaction,
  change: { importId: string; carrier: string; currency: string; actorId: string },
): Promise<void> {
  // Lock first, read the lines after: a decision on another line of the import that committed while this one
  // waited for the lock is then in the set, so concurrent flags make consecutive revisions and lose none.
  const statement = await statementForRevision(trx, change);
  const lines = await creditLines(trx, change.importId);
  if (statement.status === 'resolved') {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'statement_resolved',
      `Statement ${statement.number} was credited in full and is closed; its lines no longer change.`,
    );
  }
  const foreign = lines.find((line) => line.currency !== statement.currency);
  if (foreign) {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'statement_currency_mixed',
      `Statement ${statement.number} claims in ${statement.currency}; this line is billed in ${foreign.currency}.`,
    );
  }
  const frozen: StatementLine[] = lines.map(({ currency: _currency, ...line }) => line);
  const claimed = frozen.reduce((sum, line) => sum + line.claimedMinor, 0);
  const revision = statement.current_revision + 1;
  await trx
    .insertInto('carrier_statement_revisions')
    .values({
      statement_id: statement.id,
      revision,
      lines: JSON.stringify(frozen),
      line_count: frozen.length,
      claimed_minor: claimed,
      created_by: change.actorId,
    })
    .execute();
  await trx
    .updateTable('carrier_statements')
    .set({ current_revision: revision, claimed_minor: claimed, updated_at: sql<Date>`now()` })
    .where('id', '=', statement.id)
    .execute();
  await trx
    .insertInto('carrier_statement_log')
    .values({ statement_id: statement.id, action: 'revised', revision, actor_id: change.actorId })
    .execute();
}
