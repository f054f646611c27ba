/**
 * Where each field is in a UPS billing data file, by the file's version (its first column). Column numbers are
 * 1-based as in UPS's billing data dictionary, with the dictionary's field names for error messages. A new UPS
 * version is a new entry here; a file of a version not listed is refused, naming the versions known.
 */
export const UPS_BILLING_DATA_COLUMN_MAPS = {
  '2.1': {
    minimumColumns: 53,
    fields: {
      version: { column: 1, name: 'Version' },
      invoiceDate: { column: 5, name: 'Invoice Date' },
      invoiceNumber: { column: 6, name: 'Invoice Number' },
      invoiceCurrency: { column: 10, name: 'Invoice Currency Code' },
      transactionDate: { column: 12, name: 'Transaction Date' },
      // Shown beside the line only: a multi-piece shipment bills each piece under its own tracking number, and
      // matching on the lead shipment number would fold every piece into the first.
      leadShipmentNumber: { column: 14, name: 'Lead Shipment Number' },
      trackingNumber: { column: 21, name: 'Tracking Number' },
      billedWeight: { column: 29, name: 'Billed Weight' },
      billedWeightUnit: { column: 30, name: 'Billed Weight Unit of Measure' },
      zone: { column: 34, name: 'Zone' },
      chargeClassification: { column: 44, name: 'Charge Classification Code' },
      chargeDescriptionCode: { column: 45, name: 'Charge Description Code' },
      chargeDescription: { column: 46, name: 'Charge Description' },
      transactionCurrency: { column: 51, name: 'Transaction Currency Code' },
      netAmount: { column: 53, name: 'Net Amount' },
    },
  },
} as const;

export type UpsColumnMap = (typeof UPS_BILLING_DATA_COLUMN_MAPS)[keyof typeof UPS_BILLING_DATA_COLUMN_MAPS];
export type UpsField = keyof UpsColumnMap['fields'];

/** UPS's charge classification codes and what reconciliation compares them as. */
export const UPS_CHARGE_KINDS = {
  FRT: 'base',
  FSC: 'fuel',
  ACC: 'surcharge',
  TAX: 'tax',
  GOV: 'tax',
} as const;
