import type { Writable } from 'node:stream';
import { renderDocumentPdf, type DocumentInput, type PdfRenderer } from '../../../platform/pdf';
import { csvText, writeXlsxSheets, type TableRow } from '../../../platform/table-writer';
import type { Settlement, SettlementDay } from '../schemas';

/** Who issues the statement, as printed in its header (`STATEMENT_ISSUER`). */
export interface SettlementIssuer {
  name: string;
  lines: string[];
}

const SOURCE_WORDS = { contract: 'contract', platform_default: 'platform default' } as const;

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
/** A deduction, printed negative; nothing deducted prints €0.00, not -€0.00. */
const deduction = (amountMinor: number) => eur(amountMinor === 0 ? 0 : -amountMinor);

/** When a fee change took effect, in the settlement's time zone: "15 Jan 2027, 12:00". */
const amsterdamTime = (instant: string) =>
  new Date(instant).toLocaleString('en-GB', {
    timeZone: 'Europe/Amsterdam',
    dateStyle: 'medium',
    timeStyle: 'short',
  });

/** Euro cents as an exact decimal text: -1234 → "-12.34". */
export function euros(amountMinor: number): string {
  const sign = amountMinor < 0 ? '-' : '';
  const cents = Math.abs(amountMinor);
  return `${sign}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function settlementFileName(settlement: Settlement, extension: string): string {
  return `ipay-settlement-${settlement.from}-${settlement.to}.${extension}`;
}

/** The settlement as the platform's business document: one line per day (and fee), the lines, the net. */
export function settlementDocument(input: {
  settlement: Settlement;
  merchantName: string;
  issuer: SettlementIssuer;
  issuedOn: string;
}): DocumentInput {
  const { settlement } = input;
  const feeNote = settlement.fee_changed_in_period
    ? `The IPAY fee per order changed in the period (${settlement.fee_changes
        .map(
          (change) =>
            `${euros(change.fee_per_order_eur.amount_minor)} EUR from ${amsterdamTime(change.effective_from)} Amsterdam time`,
        )
        .join('; ')}): each day shows the fee its orders were paid under.`
    : `IPAY fee per order: ${euros(settlement.fee_per_order_eur.amount_minor)} EUR (${SOURCE_WORDS[settlement.fee_source]}).`;
  return {
    language: 'en',
    title: 'Settlement statement',
    number: `${settlement.from} – ${settlement.to}`.slice(0, 64),
    issuedOn: input.issuedOn,
    period: { from: settlement.from, to: settlement.to },
    references: [
      { label: 'Merchant id', value: settlement.organization_id },
      { label: 'Orders', value: String(settlement.order_count) },
      { label: 'Days in', value: settlement.time_zone },
    ],
    from: { name: input.issuer.name, lines: input.issuer.lines },
    to: { name: input.merchantName.slice(0, 200) || 'Merchant', lines: [] },
    columns: [
      { key: 'day', label: 'Day', kind: 'date' },
      { key: 'orders', label: 'Orders', kind: 'number' },
      { key: 'fee', label: 'Fee/order', kind: 'money' },
      { key: 'source', label: 'Fee source' },
      { key: 'gross', label: 'Gross', kind: 'money' },
      { key: 'fees', label: 'Fees', kind: 'money' },
      { key: 'refunds', label: 'Refunds', kind: 'money' },
      { key: 'net', label: 'Net', kind: 'money' },
    ],
    rows: settlement.days.map((day) => ({
      day: day.day,
      orders: day.order_count,
      fee: eur(day.fee_per_order_minor),
      source: SOURCE_WORDS[day.fee_source],
      gross: eur(day.gross_minor),
      fees: deduction(day.fee_minor),
      refunds: deduction(day.refunds_minor),
      net: eur(day.net_minor),
    })),
    totals: [
      ...settlement.lines.map((line) => ({ label: line.label, amount: eur(line.amount_minor) })),
      { label: 'Net payable to merchant', amount: eur(settlement.net_minor) },
    ],
    notes: [
      feeNote,
      'Net = gross collected − orders × fee per order − refunds and returns. Gross is the money received on the day; orders count on the day they were paid; refunds and returns on the day the money went back. Days are calendar days in Europe/Amsterdam.',
    ],
  };
}

export function renderSettlementPdf(
  pdf: PdfRenderer,
  input: Parameters<typeof settlementDocument>[0],
): Promise<Buffer> {
  return renderDocumentPdf(pdf, settlementDocument(input));
}

const EXPORT_HEADER: TableRow = [
  'day',
  'orders',
  'fee_per_order_eur',
  'fee_source',
  'gross_eur',
  'fees_eur',
  'refunds_eur',
  'returns_eur',
  'net_eur',
];

/** The accountant's rows: a header, one row per day (and fee), then the totals; amounts as exact decimals. */
export function settlementExportRows(settlement: Settlement, merchantName: string): TableRow[] {
  const day = (row: SettlementDay): TableRow => [
    row.day,
    row.order_count,
    euros(row.fee_per_order_minor),
    row.fee_source,
    euros(row.gross_minor),
    euros(-row.fee_minor),
    euros(-row.refunds_minor),
    euros(-row.returns_minor),
    euros(row.net_minor),
  ];
  return [
    [
      'merchant',
      merchantName,
      'period',
      `${settlement.from}..${settlement.to}`,
      'time_zone',
      settlement.time_zone,
    ],
    EXPORT_HEADER,
    ...settlement.days.map(day),
    [
      'total',
      settlement.order_count,
      null,
      null,
      euros(settlement.gross_minor),
      euros(-settlement.fees_minor),
      euros(-settlement.refunds_minor),
      euros(-settlement.returns_minor),
      euros(settlement.net_minor),
    ],
  ];
}

export function settlementCsv(settlement: Settlement, merchantName: string): string {
  return csvText(settlementExportRows(settlement, merchantName));
}

/** Amounts as numbers in the workbook (what an accountant sums), from their exact decimal text. */
export function writeSettlementXlsx(
  output: Writable,
  settlement: Settlement,
  merchantName: string,
): Promise<void> {
  const rows = settlementExportRows(settlement, merchantName).map((row, index) =>
    index < 2
      ? row
      : row.map((cell) => (typeof cell === 'string' && /^-?\d+\.\d\d$/.test(cell) ? Number(cell) : cell)),
  );
  return writeXlsxSheets(output, [{ name: 'Settlement', rows }]);
}
