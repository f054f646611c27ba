import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, DbExecutor } from '@ipay/db';
import type { Config } from '../../../config';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import type { PdfRenderer } from '../../../platform/pdf';
import { queueEmail } from '../../notifications/service';
import type { DataScope } from '../../rbac/catalogue';
import { CARRIER_STATEMENTS_ERRORS } from '../errors';
import type { SendResult, StatementPath } from '../schemas';
import { revisionPdf, statementFileName, type RenderedRevision, type StatementIssuer } from './document';
import {
  billingContactOf,
  findStatementByImport,
  lockStatement,
  statementNotFound,
  statementView,
  assertStatementReach,
  type StatementRow,
} from './statements';

export interface StatementRendering {
  pdf: PdfRenderer;
  /** The issuer's name and address (`STATEMENT_ISSUER`). */
  issuer: { name: string; lines: string[] };
  /** The platform's sender (`EMAIL_FROM`): its address is printed as where the carrier writes back. */
  emailFrom: string;
}

/** What rendering and sending a statement needs from the process: its browser and its configuration. */
export function renderingOf(deps: { pdf: PdfRenderer; config: Config }): StatementRendering {
  return { pdf: deps.pdf, issuer: deps.config.statementIssuer, emailFrom: deps.config.email.from };
}

/** `IPAY <finance@ipay.example>` → `finance@ipay.example`, when it is an address at all. */
function replyAddress(from: string): string | undefined {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return z.email().safeParse(address).success ? address : undefined;
}

function issuerOf(rendering: StatementRendering): StatementIssuer {
  const email = replyAddress(rendering.emailFrom);
  return { ...rendering.issuer, ...(email ? { email } : {}) };
}

async function statementOf(db: Db, scope: DataScope, path: StatementPath): Promise<StatementRow> {
  assertStatementReach(scope);
  const row = await findStatementByImport(db, path.cc, path.import_id);
  if (!row) {
    throw statementNotFound(
      `Invoice import ${path.import_id} of ${path.cc} has no credit statement: no line of it was flagged for credit.`,
    );
  }
  return row;
}

/** The current revision's PDF (rendered now if it never was), for the inline preview. */
export async function previewStatement(
  db: Db,
  request: { scope: DataScope; rendering: StatementRendering; path: StatementPath },
): Promise<RenderedRevision & { fileName: string }> {
  const row = await statementOf(db, request.scope, request.path);
  const rendered = await revisionPdf(
    db,
    { pdf: request.rendering.pdf, issuer: issuerOf(request.rendering) },
    row,
    row.current_revision,
  );
  return { ...rendered, fileName: statementFileName(row, rendered.revision) };
}

/** The e-mail a revision was sent with, when it was. */
function sentLogOf(db: DbExecutor, statementId: string, revision: number) {
  return db
    .selectFrom('carrier_statement_log')
    .select('email_id')
    .where('statement_id', '=', statementId)
    .where('revision', '=', revision)
    .where('action', '=', 'sent')
    .executeTakeFirst();
}

function assertSendable(row: StatementRow, lineCount: number, email: string | null): asserts email is string {
  if (row.status === 'resolved') {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'statement_resolved',
      `Statement ${row.number} was credited in full and is closed.`,
    );
  }
  if (lineCount === 0) {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'statement_empty',
      `Statement ${row.number} has no line flagged for credit (every request was withdrawn).`,
    );
  }
  if (!email) {
    throw domainError(
      CARRIER_STATEMENTS_ERRORS,
      'billing_contact_missing',
      `${row.carrier_code} has no billing contact e-mail: set it with PUT /api/admin/carrier-tariffs/${row.carrier_code}/billing-contact.`,
      { errors: [{ field: 'cc', message: 'has no billing contact e-mail' }] },
    );
  }
}

/**
 * E-mails the statement's current revision, PDF attached, to the carrier's billing contact through the outbox
 * (sent by its job through Resend, or kept in the outbox without it), under an idempotency key per revision: a
 * revision is sent once, and sending it again answers with that first e-mail. Logged as `sent`; the log shows
 * Resend's message id once the job has sent it.
 */
export async function sendStatement(
  db: Db,
  request: { scope: DataScope; actorId: string; rendering: StatementRendering; path: StatementPath },
): Promise<SendResult> {
  const row = await statementOf(db, request.scope, request.path);
  const revision = row.current_revision;
  const [contact, lineCount] = await Promise.all([
    billingContactOf(db, row.carrier_code),
    db
      .selectFrom('carrier_statement_revisions')
      .select('line_count')
      .where('statement_id', '=', row.id)
      .where('revision', '=', revision)
      .executeTakeFirstOrThrow(),
  ]);
  const sentBefore = await sentLogOf(db, row.id, revision);
  if (!sentBefore) assertSendable(row, lineCount.line_count, contact.email);
  const rendered = await revisionPdf(
    db,
    { pdf: request.rendering.pdf, issuer: issuerOf(request.rendering) },
    row,
    revision,
  );

  return db.transaction().execute(async (trx) => {
    const locked = await lockStatement(trx, row.id);
    if (!locked) throw statementNotFound(`Statement ${row.number} no longer exists.`);
    if (locked.current_revision !== revision) {
      throw new AppError(
        'conflict',
        `Statement ${row.number} changed while it was being sent (now revision ${locked.current_revision}); send again.`,
      );
    }
    const first = await sentLogOf(trx, row.id, revision);
    if (first?.email_id) {
      return {
        alreadySent: true,
        revision,
        emailId: first.email_id,
        statement: await statementView(trx, locked),
      };
    }
    assertSendable(locked, lineCount.line_count, contact.email);
    const fileName = statementFileName(locked, revision);
    const emailId = await queueEmail(trx, {
      to: contact.email,
      subject: `Credit statement ${locked.number} rev. ${revision} — ${locked.carrier_code}`,
      text: [
        `Dear ${contact.name ?? `${contact.carrierName} billing`},`,
        '',
        `Please find attached our credit statement ${locked.number} (revision ${revision}): ${lineCount.line_count} invoice line(s) we ask you to credit.`,
        `Please send a credit note quoting ${locked.number}.`,
        '',
        `SHA-256 of the attached PDF: ${rendered.sha256}`,
      ].join('\n'),
      idempotencyKey: `carrier-statement:${locked.id}:r${revision}`,
      attachments: [{ filename: fileName, contentType: 'application/pdf', content: rendered.pdf }],
    });
    await trx
      .insertInto('carrier_statement_log')
      .values({
        statement_id: locked.id,
        action: 'sent',
        revision,
        email_id: emailId,
        actor_id: request.actorId,
      })
      .execute();
    const claimed = locked.claimed_minor;
    const updated = await trx
      .updateTable('carrier_statements')
      .set({
        status: locked.credited_minor >= claimed ? 'resolved' : 'open',
        resolved_at: locked.credited_minor >= claimed ? sql<Date>`now()` : null,
        sent_revision: revision,
        sent_claimed_minor: claimed,
        first_sent_at: sql<Date>`coalesce(first_sent_at, now())`,
        last_sent_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', locked.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { alreadySent: false, revision, emailId, statement: await statementView(trx, updated) };
  });
}
