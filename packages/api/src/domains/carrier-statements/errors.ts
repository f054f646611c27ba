import { defineErrorCodes } from '../../errors/domain-codes';

/** The carrier-statements domain's own failure codes: flagging invoice lines, sending and crediting statements. */
export const CARRIER_STATEMENTS_ERRORS = defineErrorCodes({
  reconciliation_not_flaggable: {
    kind: 'unprocessable',
    description:
      'The line cannot take this decision: only MISMATCH, DUPLICATE_ON_INVOICE and UNMATCHED_IN_DB lines are flagged, and a credit is requested only where something was billed beyond what was expected.',
  },
  statement_currency_mixed: {
    kind: 'unprocessable',
    description:
      "The line is billed in another currency than the import's credit statement: one statement claims in one currency.",
  },
  statement_resolved: {
    kind: 'conflict',
    description:
      'The credit statement was credited in full and is closed: its lines no longer change and it takes no further credit note.',
  },
  statement_empty: {
    kind: 'unprocessable',
    description: 'The statement has no line flagged for credit: there is nothing to send.',
  },
  billing_contact_missing: {
    kind: 'unprocessable',
    description:
      'The carrier has no billing contact e-mail; set it with PUT /api/admin/carrier-tariffs/{cc}/billing-contact.',
  },
  statement_not_sent: {
    kind: 'conflict',
    description: 'The statement was never sent: a credit is booked against a statement the carrier received.',
  },
  credit_exceeds_outstanding: {
    kind: 'unprocessable',
    description: 'The amount credited is more than the statement still claims.',
  },
  credit_note_conflict: {
    kind: 'conflict',
    description: 'This credit note reference was booked on the statement before with another amount.',
  },
});
