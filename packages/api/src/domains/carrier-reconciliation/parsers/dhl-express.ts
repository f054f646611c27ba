import type { ChargeKind } from '../schemas';
import {
  CellProblem,
  calendarDate,
  currencyCode,
  grams,
  minorAmount,
  optional,
  trackingNumber,
  type DateFormat,
  type RowReader,
} from './cells';
import {
  describeFirstRecord,
  formatMismatch,
  type CsvRecord,
  type InvoiceFormatReader,
  type ReadLine,
} from './format-reader';

/**
 * The headers of DHL Express's invoice CSV that reconciliation reads. Every row carries a Line Type: `I` for the
 * invoice, `S` for a shipment, whose weight charge and extra-charge blocks (`XC1 Code`, `XC1 Name`,
 * `XC1 Charge`, … up to XC9) become one line each.
 */
export const DHL_EXPRESS_INVOICE_COLUMNS = {
  lineType: 'Line Type',
  invoiceNumber: 'Invoice Number',
  invoiceDate: 'Invoice Date',
  currency: 'Currency',
  shipmentNumber: 'Shipment Number',
  shipmentDate: 'Shipment Date',
  productName: 'Product Name',
  weight: 'Weight (kg)',
  weightCharge: 'Weight Charge',
} as const;
const EXTRA_CHARGE_BLOCKS = 9;
/** DHL Express's extra-charge codes that are not an ordinary surcharge. */
const DHL_CHARGE_KINDS: Record<string, ChargeKind> = { FF: 'fuel' };
const DATE_FORMATS: DateFormat[] = ['YYYY-MM-DD', 'YYYYMMDD', 'DD/MM/YYYY'];

type Column = keyof typeof DHL_EXPRESS_INVOICE_COLUMNS;
interface ExtraChargeBlock {
  number: number;
  code: number;
  name: number | undefined;
  charge: number;
}

export function dhlExpressReader(): InvoiceFormatReader {
  const index = new Map<Column, number>();
  let blocks: ExtraChargeBlock[] = [];
  const invoice = {
    number: null as string | null,
    date: null as string | null,
    currency: null as string | null,
  };
  const reader: InvoiceFormatReader = {
    expected: `a DHL Express invoice CSV (a header row with ${Object.values(DHL_EXPRESS_INVOICE_COLUMNS).join(', ')}, then I and S rows)`,
    delimiter: ',',
    start(first) {
      const positions = new Map(first.cells.map((cell, position) => [cell.toLowerCase(), position]));
      const missing: string[] = [];
      for (const [column, header] of Object.entries(DHL_EXPRESS_INVOICE_COLUMNS) as Array<[Column, string]>) {
        const position = positions.get(header.toLowerCase());
        if (position === undefined) missing.push(header);
        else index.set(column, position);
      }
      if (missing.length) {
        throw formatMismatch(
          reader,
          `the header lacks ${missing.join(', ')}; this looks like ${describeFirstRecord(first)}.`,
        );
      }
      blocks = extraChargeBlocks(positions);
      return { header: true };
    },
    read(record, row) {
      const cell = <T>(column: Column, read: (text: string) => T): T | null =>
        row.cell(DHL_EXPRESS_INVOICE_COLUMNS[column], record.cells[index.get(column) ?? -1], read);
      const lineType = cell('lineType', (text) => {
        const type = text.toUpperCase();
        if (type !== 'I' && type !== 'S')
          throw new CellProblem(`${JSON.stringify(text)} is neither I (invoice) nor S (shipment)`);
        return type;
      });
      const number = cell('invoiceNumber', optional) ?? invoice.number;
      const date =
        cell('invoiceDate', (text) => (text ? calendarDate(text, DATE_FORMATS) : null)) ?? invoice.date;
      const currency = cell('currency', (text) => (text ? currencyCode(text) : null)) ?? invoice.currency;
      if (lineType === 'I') {
        Object.assign(invoice, { number, date, currency });
        return [];
      }
      if (lineType !== 'S') return [];
      return readShipment(record, row, cell, blocks, { number, date, currency });
    },
  };
  return reader;
}

function extraChargeBlocks(positions: Map<string, number>): ExtraChargeBlock[] {
  const blocks: ExtraChargeBlock[] = [];
  for (let number = 1; number <= EXTRA_CHARGE_BLOCKS; number++) {
    const code = positions.get(`xc${number} code`);
    const charge = positions.get(`xc${number} charge`);
    if (code === undefined || charge === undefined) continue;
    blocks.push({ number, code, charge, name: positions.get(`xc${number} name`) });
  }
  return blocks;
}

type CellOf = <T>(column: Column, read: (text: string) => T) => T | null;

function readShipment(
  record: CsvRecord,
  row: RowReader,
  cell: CellOf,
  blocks: ExtraChargeBlock[],
  invoice: { number: string | null; date: string | null; currency: string | null },
): ReadLine[] {
  if (!invoice.number)
    row.errors.push({ row: record.row, column: 'Invoice Number', message: 'is empty and no I row gave one' });
  if (!invoice.date)
    row.errors.push({ row: record.row, column: 'Invoice Date', message: 'is empty and no I row gave one' });
  if (!invoice.currency)
    row.errors.push({ row: record.row, column: 'Currency', message: 'is empty and no I row gave one' });
  const currency = invoice.currency ?? 'EUR';
  const waybill = cell('shipmentNumber', trackingNumber);
  const shipDate = cell('shipmentDate', (text) => (text ? calendarDate(text, DATE_FORMATS) : null));
  const weight = cell('weight', (text) => (text ? grams(text, 'kg') : null));
  const product = cell('productName', (text) => text) ?? '';
  const base = cell('weightCharge', (text) => (text ? minorAmount(text, currency) : null));
  const charges: Array<{ kind: ChargeKind; code: string; description: string; amount: number }> = [];
  if (base !== null)
    charges.push({ kind: 'base', code: 'WEIGHT', description: product || 'Weight charge', amount: base });
  for (const block of blocks) {
    const code = record.cells[block.code] ?? '';
    const text = record.cells[block.charge] ?? '';
    if (!code && !text) continue;
    const amount = row.cell(`XC${block.number} Charge`, text, (value) => minorAmount(value, currency));
    if (!code)
      row.errors.push({
        row: record.row,
        column: `XC${block.number} Code`,
        message: 'is empty beside a charge',
      });
    if (amount === null || !code) continue;
    const name = block.name === undefined ? '' : (record.cells[block.name] ?? '');
    charges.push({
      kind: DHL_CHARGE_KINDS[code.toUpperCase()] ?? 'surcharge',
      code,
      description: name || code,
      amount,
    });
  }
  if (row.errors.length || !invoice.number || !invoice.date || !invoice.currency) return [];
  return charges.map((charge) => ({
    sourceRow: record.row,
    invoiceNumber: invoice.number ?? '',
    invoiceDate: invoice.date ?? '',
    // The waybill is what DHL Express tracks and bills a shipment under.
    trackingNumber: waybill,
    shipmentNumber: waybill,
    shipDate,
    billedWeightGrams: weight,
    zone: null,
    chargeKind: charge.kind,
    chargeCode: charge.code,
    chargeDescription: charge.description,
    amountMinor: charge.amount,
    currency: invoice.currency ?? currency,
  }));
}
