import { defineErrorCodes } from '../../errors/domain-codes';

/** The carrier-reconciliation domain's own failure codes: reading carrier invoice files. */
export const CARRIER_RECONCILIATION_ERRORS = defineErrorCodes({
  invoice_format_mismatch: {
    kind: 'unprocessable',
    description:
      "The file is not in the format expected for the carrier (another carrier's invoice, an unknown column-map version, missing headers); `detail` says what was expected and what the file looks like.",
  },
  invoice_unreadable: {
    kind: 'unprocessable',
    description:
      'The file is not readable CSV (an unclosed quote, a row over the size limit); `detail` names the line.',
  },
  invoice_cells_invalid: {
    kind: 'unprocessable',
    description:
      'Cells of the invoice file could not be read; `errors` names each (row and column) and nothing was imported.',
  },
});
