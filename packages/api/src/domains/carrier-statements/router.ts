import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import {
  AgingReport,
  AgingReportInput,
  CarrierBillingContactResult,
  CarrierStatement,
  DecisionInput,
  DecisionResult,
  MarkResolvedInput,
  MarkResolvedResult,
  SendResult,
  SetBillingContactInput,
  StatementPath,
  type DecisionAction,
} from './schemas';
import { agingReport } from './service/aging';
import { setBillingContact } from './service/billing-contact';
import { decideReconciliation } from './service/decisions';
import { markStatementResolved } from './service/resolve';
import { renderingOf, sendStatement } from './service/send';
import { getStatement } from './service/statements';

const tags = ['carrier-statements'];
const carriers = '/api/admin/carrier-tariffs/{cc}';
const statements = '/api/admin/carrier-statements';

function decision(action: DecisionAction, summary: string, description: string) {
  const path = action === 'request_credit' ? 'request-credit' : action;
  return permittedProcedure('carrier_statements', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${carriers}/reconciliations/{id}/${path}`,
        tags,
        summary,
        description,
        errorResponses: [400, 401, 403, 404, 409, 422],
      },
    })
    .input(DecisionInput)
    .output(DecisionResult)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          decideReconciliation(trx, { scope: ctx.scope, actorId: ctx.actor.userId, action, input }),
        ),
    );
}

/** Operators and finance flag invoice lines, send the credit statements and book the carriers' credit notes. */
export const carrierStatementsRouter = router({
  requestCredit: decision(
    'request_credit',
    'Ask the carrier to credit an over-billed invoice line; the reason is printed on the credit statement',
    'For MISMATCH, DUPLICATE_ON_INVOICE and UNMATCHED_IN_DB lines with something to claim (billed − expected, or all that was billed when nothing was expected). Appends to the line’s audit trail and makes a new revision of the import’s credit statement. The same request with the same reason again changes nothing (`changed: false`).',
  ),
  exclude: decision(
    'exclude',
    'Accept an invoice line’s delta: it is not claimed',
    'For MISMATCH, DUPLICATE_ON_INVOICE and UNMATCHED_IN_DB lines. Appends to the audit trail; a line that was on the credit statement leaves it (a new revision). Idempotent like request-credit.',
  ),
  withdraw: decision(
    'withdraw',
    'Undo a line’s credit request or exclusion by a new audit entry',
    'The audit trail is never edited: a withdrawal is a new entry, and the line is undecided again (off the credit statement, in a new revision). Withdrawing an undecided line changes nothing.',
  ),
  setBillingContact: permittedProcedure('carrier_statements', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: `${carriers}/billing-contact`,
        tags,
        summary: 'Set where a carrier’s credit statements go: billing e-mail, attention line, postal address',
        description:
          'Printed on statement revisions rendered from now on (a rendered revision keeps its PDF).',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(SetBillingContactInput)
    .output(CarrierBillingContactResult)
    .mutation(({ ctx, input }) => setBillingContact(ctx.db, { scope: ctx.scope, input })),
  statement: permittedProcedure('carrier_statements', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${carriers}/statements/{import_id}`,
        tags,
        summary: 'An invoice import’s credit statement: its lines, revisions (with PDF hashes) and log',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(StatementPath)
    .output(CarrierStatement)
    .query(({ ctx, input }) =>
      getStatement(ctx.db, { scope: ctx.scope, carrier: input.cc, importId: input.import_id }),
    ),
  send: permittedProcedure('carrier_statements', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${carriers}/statements/{import_id}/send`,
        tags,
        summary: 'E-mail the statement’s current revision as PDF to the carrier’s billing contact',
        description:
          'Queued in the e-mail outbox with the PDF attached and sent by its job through Resend (without Resend it stays in the outbox, its attachment readable at GET /api/admin/email-outbox/{emailId}/attachments/{attachmentId}). One e-mail per revision: sending a revision again answers with its first e-mail (`alreadySent`). The statement log records the e-mail and, once sent, Resend’s message id.',
        errorResponses: [400, 401, 403, 404, 409, 422, 503],
      },
    })
    .input(StatementPath)
    .output(SendResult)
    .mutation(({ ctx, input }) =>
      sendStatement(ctx.db, {
        scope: ctx.scope,
        actorId: ctx.actor.userId,
        rendering: renderingOf(ctx),
        path: input,
      }),
    ),
  agingReport: permittedProcedure('carrier_statements', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${statements}/aging-report`,
        tags,
        summary:
          'Open credit statements by age since first sent (0–7, 7–30, 30–60, 60+ days), per carrier and currency',
        description:
          'Amounts are what is outstanding: the last sent revision’s claim minus what was credited. Resolved and never-sent statements are not in it.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(AgingReportInput)
    .output(AgingReport)
    .query(({ ctx, input }) => agingReport(ctx.db, { scope: ctx.scope, input })),
  markResolved: permittedProcedure('carrier_statements', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${statements}/{statement_id}/mark-resolved`,
        tags,
        summary: 'Book a carrier’s credit note against a sent statement; the full amount resolves it',
        description:
          'A partial credit leaves the statement open for the rest. Idempotent per credit note reference: the same reference and amount again changes nothing (`alreadyRecorded`), another amount is a 409.',
        errorResponses: [400, 401, 403, 404, 409, 422],
      },
    })
    .input(MarkResolvedInput)
    .output(MarkResolvedResult)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => markStatementResolved(trx, { scope: ctx.scope, actorId: ctx.actor.userId, input })),
    ),
});
