import {
  UPS_BILLING_DATA_COLUMN_MAPS,
  type UpsField,
} from '../domains/carrier-reconciliation/parsers/ups-column-maps';

/**
 * Carrier invoice files as the carriers send them, for tests and benchmarks: UPS billing data (no header, 250
 * columns, one row per charge, multi-piece shipments billed per piece under one lead shipment number, account-level
 * charges without a tracking number) and DHL Express invoice CSV (I and S rows, extra-charge blocks).
 */

const UPS_COLUMNS = 250;
const UPS_MAP = UPS_BILLING_DATA_COLUMN_MAPS['2.1'];

/** Fields UPS fills that reconciliation does not read, so the rows look like UPS's own. */
const UPS_FILLER: Record<number, string> = {
  2: '0000A1B2C3',
  3: '0000A1B2C3',
  4: 'NL',
  7: 'E',
  11: '',
  18: 'P/P',
  28: 'K',
  31: 'PKG',
  37: '1',
};

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** One UPS billing data row: 250 columns, the mapped fields set. */
export function upsRow(
  fields: Partial<Record<UpsField, string>>,
  extra: Record<number, string> = {},
): string {
  const cells = Array.from({ length: UPS_COLUMNS }, (_, i) => UPS_FILLER[i + 1] ?? '');
  cells[0] = '2.1';
  for (const [field, value] of Object.entries(fields) as Array<[UpsField, string]>) {
    cells[UPS_MAP.fields[field].column - 1] = value;
  }
  for (const [column, value] of Object.entries(extra)) cells[Number(column) - 1] = value;
  return cells.map(csvCell).join(',');
}

export interface UpsPieceCharges {
  trackingNumber: string;
  billedWeight: string;
  weightUnit?: 'K' | 'L';
  zone: string;
  /** Decimal amounts as UPS writes them. */
  freight: string;
  fuel: string;
  surcharges?: Array<{ code: string; description: string; amount: string }>;
}

export interface UpsShipmentCharges {
  shipDate: string;
  pieces: UpsPieceCharges[];
}

export interface UpsInvoiceOptions {
  invoiceNumber?: string;
  invoiceDate?: string;
  currency?: string;
  shipments: UpsShipmentCharges[];
  accountCharges?: Array<{ code: string; description: string; amount: string }>;
}

/** The rows of one UPS invoice: per piece its freight, fuel and surcharges, then the account-level charges. */
export function* upsInvoiceRows(options: UpsInvoiceOptions): Generator<string> {
  const invoice = {
    invoiceNumber: options.invoiceNumber ?? '0000A1B2C3476',
    invoiceDate: options.invoiceDate ?? '2026-11-28',
    invoiceCurrency: options.currency ?? 'EUR',
    transactionCurrency: options.currency ?? 'EUR',
  };
  for (const shipment of options.shipments) {
    // UPS numbers a multi-piece shipment by its first piece: every piece's rows carry that lead number.
    const lead = shipment.pieces[0]?.trackingNumber ?? '';
    for (const piece of shipment.pieces) {
      const common = {
        ...invoice,
        transactionDate: shipment.shipDate,
        leadShipmentNumber: lead,
        trackingNumber: piece.trackingNumber,
        billedWeight: piece.billedWeight,
        billedWeightUnit: piece.weightUnit ?? 'K',
        zone: piece.zone,
      };
      yield upsRow({
        ...common,
        chargeClassification: 'FRT',
        chargeDescriptionCode: '001',
        chargeDescription: 'Standard',
        netAmount: piece.freight,
      });
      for (const surcharge of piece.surcharges ?? []) {
        yield upsRow({
          ...common,
          chargeClassification: 'ACC',
          chargeDescriptionCode: surcharge.code,
          chargeDescription: surcharge.description,
          netAmount: surcharge.amount,
        });
      }
      yield upsRow({
        ...common,
        chargeClassification: 'FSC',
        chargeDescriptionCode: 'FSC',
        chargeDescription: 'Fuel Surcharge',
        netAmount: piece.fuel,
      });
    }
  }
  for (const charge of options.accountCharges ?? []) {
    yield upsRow({
      ...invoice,
      chargeClassification: 'MSC',
      chargeDescriptionCode: charge.code,
      chargeDescription: charge.description,
      netAmount: charge.amount,
    });
  }
}

export function upsInvoiceCsv(options: UpsInvoiceOptions): string {
  return [...upsInvoiceRows(options)].map((row) => `${row}\r\n`).join('');
}

/** A UPS tracking number: 1Z, the shipper number, the service, and a serial. */
export function upsTrackingNumber(serial: number): string {
  return `1ZA1B2C3${'68'}${String(serial).padStart(8, '0')}`;
}

/**
 * A large UPS billing data file, made as it is read (nothing held): every tenth shipment has three pieces, each
 * piece a freight and a fuel row, a residential surcharge on every seventh piece, an account charge after every
 * 1,000 rows. Yields about `rows` rows (it finishes the shipment under way).
 */
export function* largeUpsInvoice(rows: number): Generator<Buffer> {
  let written = 0;
  let serial = 0;
  let nextAccountCharge = 1_000;
  let lines: string[] = [];
  for (let shipment = 0; written < rows; shipment++) {
    const pieces = Array.from({ length: shipment % 10 === 0 ? 3 : 1 }, () => {
      serial++;
      return {
        trackingNumber: upsTrackingNumber(serial),
        billedWeight: `${1 + (serial % 30)}.0`,
        zone: String(1 + (serial % 8)),
        freight: `${8 + (serial % 20)}.${String(serial % 100).padStart(2, '0')}`,
        fuel: `1.${String(serial % 90).padStart(2, '0')}`,
        surcharges:
          serial % 7 === 0 ? [{ code: 'RES', description: 'Residential Surcharge', amount: '3.85' }] : [],
      };
    });
    for (const row of upsInvoiceRows({ shipments: [{ shipDate: '2026-11-20', pieces }] })) {
      lines.push(`${row}\r\n`);
      written++;
    }
    if (written >= nextAccountCharge) {
      const [row = ''] = upsInvoiceRows({
        shipments: [],
        accountCharges: [{ code: 'SVCH', description: 'Service Charge', amount: '12.50' }],
      });
      lines.push(`${row}\r\n`);
      written++;
      nextAccountCharge += 1_000;
    }
    if (lines.length >= 500) {
      yield Buffer.from(lines.join(''));
      lines = [];
    }
  }
  if (lines.length) yield Buffer.from(lines.join(''));
}

export const DHL_EXPRESS_HEADER = [
  'Line Type',
  'Billing Source',
  'Original Invoice Number',
  'Invoice Number',
  'Station Code',
  'Invoice Identifier',
  'Invoice Type',
  'Invoice Date',
  'Payment Terms',
  'Due Date',
  'Billing Account',
  'Billing Account Name',
  'Currency',
  'Shipment Number',
  'Shipment Date',
  'Product',
  'Product Name',
  'Pieces',
  'Origin',
  'Orig Country Code',
  'Destination',
  'Dest Country Code',
  'Shipment Reference 1',
  'Weight (kg)',
  'Weight Flag',
  'Weight Charge',
  'Total Extra Charges (XC)',
  ...Array.from({ length: 9 }, (_, i) => [`XC${i + 1} Code`, `XC${i + 1} Name`, `XC${i + 1} Charge`]).flat(),
  'Total amount (excl. VAT)',
  'Total Tax',
  'Total amount (incl. VAT)',
];

export interface DhlShipmentCharges {
  waybill: string;
  shipDate: string;
  pieces: number;
  weightKg: string;
  weightCharge: string;
  extraCharges?: Array<{ code: string; name: string; charge: string }>;
  destination?: string;
}

export interface DhlInvoiceOptions {
  invoiceNumber?: string;
  invoiceDate?: string;
  currency?: string;
  shipments: DhlShipmentCharges[];
}

function dhlRow(values: Record<string, string>): string {
  return DHL_EXPRESS_HEADER.map((header) => csvCell(values[header] ?? '')).join(',');
}

/** A DHL Express invoice CSV: the header, the invoice row, one shipment row per waybill with its extra charges. */
export function dhlInvoiceCsv(options: DhlInvoiceOptions): string {
  const invoice = {
    'Billing Source': 'DHL EXPRESS NL',
    'Invoice Number': options.invoiceNumber ?? 'AMSR000123456',
    'Invoice Date': options.invoiceDate ?? '20261128',
    'Invoice Type': 'Invoice',
    'Payment Terms': '30',
    'Billing Account': '953012345',
    'Billing Account Name': 'IPAY BV',
    Currency: options.currency ?? 'EUR',
  };
  const rows = [DHL_EXPRESS_HEADER.map(csvCell).join(','), dhlRow({ 'Line Type': 'I', ...invoice })];
  for (const shipment of options.shipments) {
    const extras = shipment.extraCharges ?? [];
    const values: Record<string, string> = {
      'Line Type': 'S',
      ...invoice,
      'Shipment Number': shipment.waybill,
      'Shipment Date': shipment.shipDate,
      Product: 'P',
      'Product Name': 'EXPRESS WORLDWIDE',
      Pieces: String(shipment.pieces),
      Origin: 'AMS',
      'Orig Country Code': 'NL',
      Destination: 'BRU',
      'Dest Country Code': shipment.destination ?? 'BE',
      'Weight (kg)': shipment.weightKg,
      'Weight Flag': 'A',
      'Weight Charge': shipment.weightCharge,
    };
    extras.forEach((extra, i) => {
      values[`XC${i + 1} Code`] = extra.code;
      values[`XC${i + 1} Name`] = extra.name;
      values[`XC${i + 1} Charge`] = extra.charge;
    });
    rows.push(dhlRow(values));
  }
  return rows.map((row) => `${row}\r\n`).join('');
}
