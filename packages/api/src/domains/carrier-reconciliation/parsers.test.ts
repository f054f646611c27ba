import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/app-error';
import {
  dhlInvoiceCsv,
  largeUpsInvoice,
  upsInvoiceCsv,
  upsRow,
  upsTrackingNumber,
  type UpsInvoiceOptions,
} from '../../testing/carrier-invoices';
import { readCarrierInvoice, type InvoiceReadOptions } from './parsers/read-invoice';
import { GenericInvoiceMapping, type InvoiceLine } from './schemas';

async function read(file: string | Iterable<Buffer>, options: InvoiceReadOptions, batchSize?: number) {
  const batches: InvoiceLine[][] = [];
  const source = typeof file === 'string' ? [Buffer.from(file)] : file;
  const summary = await readCarrierInvoice(source, {
    ...options,
    batchSize,
    onBatch: (lines) => void batches.push(lines),
  });
  return { summary, batches, lines: batches.flat() };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const [lead, second, third, single] = [1, 2, 3, 4].map(upsTrackingNumber) as [string, string, string, string];
const UPS_INVOICE: UpsInvoiceOptions = {
  invoiceNumber: '0000A1B2C3476',
  invoiceDate: '2026-11-28',
  shipments: [
    {
      shipDate: '2026-11-20',
      pieces: [
        {
          trackingNumber: lead,
          billedWeight: '12.0',
          zone: '3',
          freight: '18.40',
          fuel: '2.85',
          surcharges: [{ code: 'RES', description: 'Residential Surcharge', amount: '3.85' }],
        },
        { trackingNumber: second, billedWeight: '7.5', zone: '3', freight: '12.10', fuel: '1.87' },
        {
          trackingNumber: third,
          billedWeight: '22',
          weightUnit: 'L',
          zone: '3',
          freight: '14.00',
          fuel: '2.17',
        },
      ],
    },
    {
      shipDate: '2026-11-21',
      pieces: [{ trackingNumber: single, billedWeight: '1.0', zone: '1', freight: '6.95', fuel: '1.08' }],
    },
  ],
  accountCharges: [
    { code: 'SVCH', description: 'Weekly Service Charge', amount: '12.50' },
    { code: 'ADJ', description: 'Shipping Charge Correction', amount: '-4.10' },
  ],
};

describe('UPS billing data', () => {
  it('bills each piece of a multi-piece shipment under its own tracking number, never the lead shipment number', async () => {
    const { lines, summary } = await read(upsInvoiceCsv(UPS_INVOICE), { format: 'ups-billing-data' });
    expect(summary).toMatchObject({
      format: 'ups-billing-data',
      rows: 11,
      lines: 11,
      errorCount: 0,
      errors: [],
    });
    const pieces = lines.filter((line) => line.shipmentNumber === lead);
    expect(new Set(pieces.map((line) => line.trackingNumber))).toEqual(new Set([lead, second, third]));
    expect(lines.filter((line) => line.trackingNumber === second)).toEqual([
      expect.objectContaining({
        chargeKind: 'base',
        chargeCode: '001',
        amountMinor: 1210,
        billedWeightGrams: 7500,
      }),
      expect.objectContaining({ chargeKind: 'fuel', chargeCode: 'FSC', amountMinor: 187 }),
    ]);
    expect(lines[0]).toEqual({
      lineNumber: 1,
      sourceRow: 1,
      invoiceNumber: '0000A1B2C3476',
      invoiceDate: '2026-11-28',
      trackingNumber: lead,
      shipmentNumber: lead,
      shipDate: '2026-11-20',
      billedWeightGrams: 12_000,
      zone: '3',
      chargeKind: 'base',
      chargeCode: '001',
      chargeDescription: 'Standard',
      amountMinor: 1840,
      currency: 'EUR',
    });
    expect(lines[1]).toMatchObject({ chargeKind: 'surcharge', chargeCode: 'RES', amountMinor: 385 });
    // 22 lb, in grams.
    expect(lines.find((line) => line.trackingNumber === third)?.billedWeightGrams).toBe(9979);
  });

  it('reads rows without a tracking number as account-level charges, credits negative', async () => {
    const { lines, summary } = await read(upsInvoiceCsv(UPS_INVOICE), { format: 'ups-billing-data' });
    expect(lines.filter((line) => line.trackingNumber === null)).toEqual([
      expect.objectContaining({
        lineNumber: 10,
        chargeCode: 'SVCH',
        chargeDescription: 'Weekly Service Charge',
        amountMinor: 1250,
        shipDate: null,
        billedWeightGrams: null,
        zone: null,
      }),
      expect.objectContaining({ lineNumber: 11, chargeCode: 'ADJ', amountMinor: -410 }),
    ]);
    const total = lines.reduce((sum, line) => sum + line.amountMinor, 0);
    expect(summary.invoices).toEqual([
      {
        invoiceNumber: '0000A1B2C3476',
        invoiceDate: '2026-11-28',
        currency: 'EUR',
        lines: 11,
        amountMinor: total,
      },
    ]);
    expect(total).toBe(1840 + 385 + 285 + 1210 + 187 + 1400 + 217 + 695 + 108 + 1250 - 410);
  });

  it('recognises the same file by its content hash however it is cut into chunks, and a changed file as another', async () => {
    const file = upsInvoiceCsv(UPS_INVOICE);
    const whole = await read(file, { format: 'ups-billing-data' });
    function* chunked() {
      for (let i = 0; i < file.length; i += 777) yield Buffer.from(file.slice(i, i + 777));
    }
    const inChunks = await read(chunked(), { format: 'ups-billing-data' });
    expect(inChunks.summary.contentHash).toBe(whole.summary.contentHash);
    expect(inChunks.lines).toEqual(whole.lines);
    expect(whole.summary.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const changed = await read(file.replace('18.40', '18.41'), { format: 'ups-billing-data' });
    expect(changed.summary.contentHash).not.toBe(whole.summary.contentHash);
  });

  it('names every broken cell by row and column, and takes no line from a broken row', async () => {
    const invoice = { invoiceNumber: 'INV1', invoiceDate: '2026-11-28', invoiceCurrency: 'EUR' };
    const file = [
      upsRow({ ...invoice, trackingNumber: lead, netAmount: '10.00', chargeClassification: 'FRT' }),
      upsRow({
        ...invoice,
        trackingNumber: second,
        netAmount: '12,50',
        billedWeight: '3.0',
        billedWeightUnit: 'K',
      }),
      upsRow({ ...invoice, invoiceDate: '2026-02-30', trackingNumber: third, netAmount: '1.999' }),
      upsRow({
        ...invoice,
        trackingNumber: 'NOT A #',
        billedWeight: '2.0',
        billedWeightUnit: '',
        invoiceCurrency: 'XXY',
        netAmount: '1.00',
      }),
      upsRow({ ...invoice, invoiceNumber: '', netAmount: '' }),
      upsRow({ ...invoice })
        .split(',')
        .slice(0, 40)
        .join(','),
    ].join('\n');
    const { lines, summary } = await read(file, { format: 'ups-billing-data' });
    expect(lines.map((line) => line.sourceRow)).toEqual([1]);
    expect(summary.errorCount).toBe(summary.errors.length);
    expect(summary.errors).toEqual([
      { row: 2, column: '53 (Net Amount)', message: '"12,50" is not a number such as 12.50' },
      { row: 3, column: '5 (Invoice Date)', message: '"2026-02-30" is not a date in the calendar' },
      { row: 3, column: '53 (Net Amount)', message: '"1.999" has more than 2 decimals' },
      { row: 4, column: '10 (Invoice Currency Code)', message: '"XXY" is not an ISO 4217 currency code' },
      {
        row: 4,
        column: '21 (Tracking Number)',
        message: '"NOT A #" is not a tracking number (4 to 50 letters and digits)',
      },
      { row: 4, column: '29 (Billed Weight)', message: '"2.0" has no unit in Billed Weight Unit of Measure' },
      { row: 5, column: '6 (Invoice Number)', message: 'is empty' },
      { row: 5, column: '53 (Net Amount)', message: 'is empty: an amount is required' },
      { row: 6, column: '41', message: 'the row has 40 columns, version 2.1 has at least 53' },
    ]);
  });

  it('refuses another carrier’s invoice and an unknown version, saying what was expected', async () => {
    const dhl = await refusal(read(dhlInvoiceCsv({ shipments: [] }), { format: 'ups-billing-data' }));
    expect(dhl).toMatchObject({ kind: 'unprocessable', code: 'invoice_format_mismatch' });
    expect(dhl.detail).toContain('This is not a UPS billing data file (no header row');
    expect(dhl.detail).toContain('this looks like a DHL Express invoice CSV');
    const version = await refusal(read(upsRow({}).replace(/^2\.1/, '9.9'), { format: 'ups-billing-data' }));
    expect(version.detail).toContain('version 9.9 has no column map here (known: 2.1)');
    const unreadable = await refusal(read(`${upsRow({})}\n2.1,"unclosed`, { format: 'ups-billing-data' }));
    expect(unreadable).toMatchObject({ kind: 'unprocessable', code: 'invoice_unreadable' });
  });

  it('streams a 20,000-row file in batches no larger than asked, holding no more than a batch', async () => {
    const { batches, summary } = await read(largeUpsInvoice(20_000), { format: 'ups-billing-data' }, 1_000);
    expect(summary.errorCount).toBe(0);
    expect(summary.rows).toBeGreaterThanOrEqual(20_000);
    expect(summary.lines).toBe(summary.rows);
    expect(batches.every((batch) => batch.length <= 1_000)).toBe(true);
    expect(batches.flat().map((line) => line.lineNumber)).toEqual(
      Array.from({ length: summary.lines }, (_, i) => i + 1),
    );
    const accountCharges = batches.flat().filter((line) => line.trackingNumber === null);
    // One account-level charge for every thousand rows written.
    expect(accountCharges.length).toBe(Math.floor(summary.rows / 1_000));
    expect(new Set(accountCharges.map((line) => line.chargeCode))).toEqual(new Set(['SVCH']));
  });
});

describe('DHL Express invoice CSV', () => {
  const file = dhlInvoiceCsv({
    invoiceNumber: 'AMSR000123456',
    invoiceDate: '20261128',
    shipments: [
      {
        waybill: '1234567890',
        shipDate: '20261119',
        pieces: 2,
        weightKg: '4.5',
        weightCharge: '38.20',
        extraCharges: [
          { code: 'FF', name: 'FUEL SURCHARGE', charge: '9.55' },
          { code: 'YY', name: 'OVERWEIGHT PIECE', charge: '75.00' },
          { code: 'II', name: 'SHIPMENT INSURANCE', charge: '3.00' },
        ],
      },
      {
        waybill: '2234567891',
        shipDate: '20261120',
        pieces: 1,
        weightKg: '0.5',
        weightCharge: '21.70',
        extraCharges: [{ code: 'FF', name: 'FUEL SURCHARGE', charge: '5.43' }],
      },
    ],
  });

  it('turns each shipment row’s weight charge and extra-charge blocks into one line each, under the waybill', async () => {
    const { lines, summary } = await read(file, { format: 'dhl-express-csv' });
    expect(summary).toMatchObject({ rows: 3, lines: 6, errorCount: 0 });
    expect(
      lines.map((line) => [
        line.sourceRow,
        line.trackingNumber,
        line.chargeKind,
        line.chargeCode,
        line.amountMinor,
      ]),
    ).toEqual([
      [3, '1234567890', 'base', 'WEIGHT', 3820],
      [3, '1234567890', 'fuel', 'FF', 955],
      [3, '1234567890', 'surcharge', 'YY', 7500],
      [3, '1234567890', 'surcharge', 'II', 300],
      [4, '2234567891', 'base', 'WEIGHT', 2170],
      [4, '2234567891', 'fuel', 'FF', 543],
    ]);
    expect(lines[2]).toMatchObject({
      invoiceNumber: 'AMSR000123456',
      invoiceDate: '2026-11-28',
      shipDate: '2026-11-19',
      billedWeightGrams: 4500,
      chargeDescription: 'OVERWEIGHT PIECE',
      currency: 'EUR',
      zone: null,
    });
    expect(summary.invoices).toEqual([
      {
        invoiceNumber: 'AMSR000123456',
        invoiceDate: '2026-11-28',
        currency: 'EUR',
        lines: 6,
        amountMinor: 3820 + 955 + 7500 + 300 + 2170 + 543,
      },
    ]);
  });

  it('names broken cells by row and header', async () => {
    const broken = file.replace('75.00', '75.0x').replace('\r\nS,', '\r\nQ,');
    const { lines, summary } = await read(broken, { format: 'dhl-express-csv' });
    expect(summary.errors).toEqual([
      { row: 3, column: 'Line Type', message: '"Q" is neither I (invoice) nor S (shipment)' },
    ]);
    const second = await read(file.replace('75.00', '75.0x').replace('20261120', '2026-20-11'), {
      format: 'dhl-express-csv',
    });
    expect(second.summary.errors).toEqual([
      { row: 3, column: 'XC2 Charge', message: '"75.0x" is not a number such as 12.50' },
      { row: 4, column: 'Shipment Date', message: '"2026-20-11" is not a date in the calendar' },
    ]);
    expect(second.lines).toEqual([]);
    expect(lines.map((line) => line.sourceRow)).toEqual([4, 4]);
  });

  it('refuses a UPS file, naming the headers it lacks and what the file looks like', async () => {
    const error = await refusal(read(upsInvoiceCsv(UPS_INVOICE), { format: 'dhl-express-csv' }));
    expect(error).toMatchObject({ kind: 'unprocessable', code: 'invoice_format_mismatch' });
    expect(error.detail).toContain('This is not a DHL Express invoice CSV');
    expect(error.detail).toContain('the header lacks Line Type, Invoice Number');
    expect(error.detail).toContain(
      'this looks like a UPS billing data file (no header, 250 columns, version 2.1 in column 1)',
    );
  });
});

describe('generic header-mapped CSV', () => {
  const mapping = GenericInvoiceMapping.parse({
    delimiter: ';',
    decimalSeparator: ',',
    dateFormat: 'DD-MM-YYYY',
    columns: {
      trackingNumber: 'Zendingnummer',
      amount: 'Bedrag',
      shipDate: 'Verzenddatum',
      billedWeight: 'Gewicht',
      chargeCode: 'Code',
      chargeDescription: 'Omschrijving',
    },
    invoice: { number: 'PNL-2026-118', date: '2026-11-30', currency: 'EUR' },
    chargeKinds: { BASIS: 'base', BRANDSTOF: 'fuel' },
  });

  it('reads the mapped headers in any order and case, with decimal commas and day-first dates', async () => {
    const file = [
      'omschrijving;Code;Zendingnummer;Verzenddatum;Gewicht;Bedrag',
      'Pakket NL;BASIS;3s ipay 0000001;27-11-2026;2,35;6,95',
      'Brandstoftoeslag;BRANDSTOF;3SIPAY0000001;27-11-2026;;0,42',
      'Maandelijkse fee;FEE;;;;25,00',
    ].join('\n');
    const { lines } = await read(file, { format: 'generic-csv', mapping });
    expect(lines).toEqual([
      expect.objectContaining({
        sourceRow: 2,
        trackingNumber: '3SIPAY0000001',
        shipDate: '2026-11-27',
        billedWeightGrams: 2350,
        chargeKind: 'base',
        amountMinor: 695,
        invoiceNumber: 'PNL-2026-118',
        currency: 'EUR',
      }),
      expect.objectContaining({
        trackingNumber: '3SIPAY0000001',
        chargeKind: 'fuel',
        amountMinor: 42,
        billedWeightGrams: null,
      }),
      expect.objectContaining({
        trackingNumber: null,
        chargeKind: 'other',
        chargeCode: 'FEE',
        chargeDescription: 'Maandelijkse fee',
        amountMinor: 2500,
      }),
    ]);
  });

  it('names a broken cell by its header, and refuses a file without a mapped header', async () => {
    const file = [
      'Zendingnummer;Verzenddatum;Gewicht;Bedrag;Code;Omschrijving',
      '3SIPAY0000002;2026-11-27;1;6.95;BASIS;x',
    ].join('\n');
    const { summary } = await read(file, { format: 'generic-csv', mapping });
    expect(summary.errors).toEqual([
      { row: 2, column: 'Verzenddatum', message: '"2026-11-27" is not a date written DD-MM-YYYY' },
      { row: 2, column: 'Bedrag', message: '"6.95" is not a number such as 12,50' },
    ]);
    const error = await refusal(read('Tracking;Amount\n1;2', { format: 'generic-csv', mapping }));
    expect(error.detail).toContain(
      'the header lacks Zendingnummer, Bedrag, Verzenddatum, Gewicht, Code, Omschrijving',
    );
    expect(error.detail).toContain('this looks like a CSV whose header is "Tracking", "Amount"');
  });

  it('requires a mapping to say where the currency, invoice number and date come from', () => {
    const result = GenericInvoiceMapping.safeParse({ columns: { trackingNumber: 'T', amount: 'A' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'invoice.currency',
      'invoice.number',
      'invoice.date',
    ]);
  });
});
