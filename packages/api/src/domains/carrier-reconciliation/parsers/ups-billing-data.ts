import type { ChargeKind } from '../schemas';
import {
  CellProblem,
  calendarDate,
  currencyCode,
  grams,
  minorAmount,
  optional,
  required,
  trackingNumber,
  type RowReader,
} from './cells';
import {
  describeFirstRecord,
  formatMismatch,
  type CsvRecord,
  type InvoiceFormatReader,
  type ReadLine,
} from './format-reader';
import {
  UPS_BILLING_DATA_COLUMN_MAPS,
  UPS_CHARGE_KINDS,
  type UpsColumnMap,
  type UpsField,
} from './ups-column-maps';

const WEIGHT_UNITS = { K: 'kg', L: 'lb', O: 'oz' } as const;

function weightUnit(text: string) {
  const unit = WEIGHT_UNITS[text.toUpperCase() as keyof typeof WEIGHT_UNITS];
  if (!unit) throw new CellProblem(`${JSON.stringify(text)} is not a weight unit (K, L or O)`);
  return unit;
}

function chargeKind(classification: string): ChargeKind {
  return UPS_CHARGE_KINDS[classification.toUpperCase() as keyof typeof UPS_CHARGE_KINDS] ?? 'other';
}

/**
 * UPS billing data: no header row, one row per charge, the fields at fixed columns given by the file's version
 * (`UPS_BILLING_DATA_COLUMN_MAPS`). The match key is the Tracking Number of the row's piece; a row without one
 * is an account-level charge (service charges, fees).
 */
export function upsBillingDataReader(
  maps: Readonly<Record<string, UpsColumnMap>> = UPS_BILLING_DATA_COLUMN_MAPS,
): InvoiceFormatReader {
  let map: UpsColumnMap | undefined;
  let version = '';
  const reader: InvoiceFormatReader = {
    expected:
      'a UPS billing data file (no header row, one row per charge, the file version such as 2.1 in column 1, at least 53 columns)',
    delimiter: ',',
    start(first) {
      version = first.cells[0] ?? '';
      if (!/^\d+(\.\d+)+$/.test(version)) {
        throw formatMismatch(
          reader,
          `column 1 of row ${first.row} should be the file version; this looks like ${describeFirstRecord(first)}.`,
        );
      }
      map = maps[version];
      if (!map) {
        throw formatMismatch(
          reader,
          `version ${version} has no column map here (known: ${Object.keys(maps).join(', ')}); add one to UPS_BILLING_DATA_COLUMN_MAPS.`,
        );
      }
      if (first.cells.length < map.minimumColumns) {
        throw formatMismatch(
          reader,
          `row ${first.row} has ${first.cells.length} columns, version ${version} has at least ${map.minimumColumns}; this looks like ${describeFirstRecord(first)}.`,
        );
      }
      return { header: false };
    },
    read(record, row) {
      if (!map) throw new Error('read before start');
      return readUpsRow(map, version, record, row);
    },
  };
  return reader;
}

function readUpsRow(map: UpsColumnMap, version: string, record: CsvRecord, row: RowReader): ReadLine[] {
  if (record.cells.length < map.minimumColumns) {
    row.errors.push({
      row: record.row,
      column: `${record.cells.length + 1}`,
      message: `the row has ${record.cells.length} columns, version ${version} has at least ${map.minimumColumns}`,
    });
    return [];
  }
  const cell = <T>(field: UpsField, read: (text: string) => T): T | null => {
    const { column, name } = map.fields[field];
    return row.cell(`${column} (${name})`, record.cells[column - 1], read);
  };
  cell('version', (text) => {
    if (text !== version)
      throw new CellProblem(`is ${JSON.stringify(text)}, the file began as version ${version}`);
  });
  const invoiceNumber = cell('invoiceNumber', required);
  const invoiceDate = cell('invoiceDate', (text) => calendarDate(required(text), 'YYYY-MM-DD'));
  const currency =
    cell('transactionCurrency', (text) => (text ? currencyCode(text) : null)) ??
    cell('invoiceCurrency', (text) => currencyCode(required(text)));
  const tracking = cell('trackingNumber', trackingNumber);
  const shipDate = cell('transactionDate', (text) => (text ? calendarDate(text, 'YYYY-MM-DD') : null));
  const unit = cell('billedWeightUnit', (text) => (text ? weightUnit(text) : null));
  const weight = cell('billedWeight', (text) => {
    if (!text) return null;
    if (!unit) throw new CellProblem(`${JSON.stringify(text)} has no unit in Billed Weight Unit of Measure`);
    return grams(text, unit);
  });
  const amount = currency ? cell('netAmount', (text) => minorAmount(text, currency)) : null;
  const classification = cell('chargeClassification', (text) => text);
  const code = cell('chargeDescriptionCode', (text) => text);
  const description = cell('chargeDescription', (text) => text);
  if (
    row.errors.length ||
    invoiceNumber === null ||
    invoiceDate === null ||
    currency === null ||
    amount === null
  ) {
    return [];
  }
  return [
    {
      sourceRow: record.row,
      invoiceNumber,
      invoiceDate,
      trackingNumber: tracking,
      shipmentNumber: cell('leadShipmentNumber', optional),
      shipDate,
      billedWeightGrams: weight,
      zone: cell('zone', optional),
      chargeKind: chargeKind(classification ?? ''),
      chargeCode: code || classification || '',
      chargeDescription: description ?? '',
      amountMinor: amount,
      currency,
    },
  ];
}
