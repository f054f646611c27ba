import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  dhlInvoiceCsv,
  http,
  largeUpsInvoice,
  upsInvoiceCsv,
  upsTrackingNumber,
  type TestPlatform,
} from '../../testing';

describe('carrier invoice upload', () => {
  let platform: TestPlatform;
  let operator: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    operator = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => platform.close());

  async function upload(
    carrier: string,
    file: string | Buffer,
    fields: Record<string, string> = {},
    token = operator,
  ) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([file]), 'invoice.csv');
    const response = await fetch(`${platform.baseUrl}/api/admin/carrier-tariffs/${carrier}/invoice-upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }
  const stored = async (carrier: string) => {
    const imports = await platform.database.db
      .selectFrom('carrier_invoice_imports')
      .select(['id', 'status'])
      .where('carrier_code', '=', carrier)
      .execute();
    const lines = await platform.database.db
      .selectFrom('carrier_invoice_lines')
      .innerJoin('carrier_invoice_imports', 'carrier_invoice_imports.id', 'carrier_invoice_lines.import_id')
      .select(['tracking_number', 'amount_minor', 'line_number'])
      .where('carrier_invoice_imports.carrier_code', '=', carrier)
      .orderBy('line_number')
      .execute();
    return { imports, lines };
  };

  const [lead, second, account] = [upsTrackingNumber(901), upsTrackingNumber(902), null];
  const upsFile = upsInvoiceCsv({
    invoiceNumber: 'UPSINV-1',
    shipments: [
      {
        shipDate: '2026-11-20',
        pieces: [
          { trackingNumber: lead, billedWeight: '5.0', zone: '2', freight: '9.10', fuel: '1.20' },
          { trackingNumber: second, billedWeight: '3.0', zone: '2', freight: '7.30', fuel: '0.95' },
        ],
      },
    ],
    accountCharges: [{ code: 'SVCH', description: 'Service Charge', amount: '12.50' }],
  });

  it('stores the invoice and its lines, and answers the same file again with the first import', async () => {
    const first = await upload('UPS', upsFile);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      already_imported: false,
      import: {
        carrier_code: 'UPS',
        format: 'ups-billing-data',
        file_name: 'invoice.csv',
        rows: 5,
        lines: 5,
        size_bytes: Buffer.byteLength(upsFile),
        invoices: [
          { invoiceNumber: 'UPSINV-1', currency: 'EUR', lines: 5, amountMinor: 910 + 120 + 730 + 95 + 1250 },
        ],
      },
    });
    expect(first.body.import.content_hash).toMatch(/^[0-9a-f]{64}$/);
    const { lines } = await stored('UPS');
    expect(lines).toEqual([
      { tracking_number: lead, amount_minor: 910, line_number: 1 },
      { tracking_number: lead, amount_minor: 120, line_number: 2 },
      { tracking_number: second, amount_minor: 730, line_number: 3 },
      { tracking_number: second, amount_minor: 95, line_number: 4 },
      { tracking_number: account, amount_minor: 1250, line_number: 5 },
    ]);

    const again = await upload('UPS', upsFile);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ already_imported: true, import: first.body.import });
    const after = await stored('UPS');
    expect(after.imports).toEqual([{ id: first.body.import.id, status: 'imported' }]);
    expect(after.lines).toHaveLength(5);

    const list = await http(platform.baseUrl, 'GET', '/api/admin/carrier-tariffs/ups/invoices', {
      token: operator,
    });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [first.body.import], nextCursor: null });
  });

  it('imports nothing from another carrier’s file or a file with broken cells, naming what was wrong', async () => {
    const dhl = await upload('UPS_NL', dhlInvoiceCsv({ shipments: [] }), { format: 'ups-billing-data' });
    expect(dhl.status).toBe(422);
    expect(dhl.body).toMatchObject({ code: 'invoice_format_mismatch' });
    expect(dhl.body.detail).toContain('this looks like a DHL Express invoice CSV');

    const broken = await upload(
      'UPS_NL',
      upsFile.replace('7.30', '7.3x').replace('2026-11-20', '2026-11-31'),
      {
        format: 'ups-billing-data',
      },
    );
    expect(broken.status).toBe(422);
    expect(broken.body).toMatchObject({ code: 'invoice_cells_invalid' });
    expect(broken.body.errors).toContainEqual({
      field: 'row 3, column 53 (Net Amount)',
      message: '"7.3x" is not a number such as 12.50',
      code: 'invalid_cell',
    });
    expect(broken.body.errors).toContainEqual(
      expect.objectContaining({ field: 'row 1, column 12 (Transaction Date)' }),
    );
    expect(await stored('UPS_NL')).toEqual({ imports: [], lines: [] });
  });

  it('reads DHL Express for DHL, and asks other carriers for a format and mapping', async () => {
    const dhl = await upload(
      'DHL_EXPRESS',
      dhlInvoiceCsv({
        shipments: [
          {
            waybill: '5234567890',
            shipDate: '20261120',
            pieces: 1,
            weightKg: '2.0',
            weightCharge: '30.00',
            extraCharges: [{ code: 'FF', name: 'FUEL SURCHARGE', charge: '7.50' }],
          },
        ],
      }),
    );
    expect(dhl.status).toBe(200);
    expect(dhl.body.import).toMatchObject({ format: 'dhl-express-csv', rows: 2, lines: 2 });

    const unnamed = await upload('POSTNL', 'Barcode,Bedrag\n3SABC1234567,6.95\n');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
    const mapping = JSON.stringify({
      columns: { trackingNumber: 'Barcode', amount: 'Bedrag' },
      invoice: { number: 'PNL-1', date: '2026-11-30', currency: 'EUR' },
    });
    const mapped = await upload('POSTNL', 'Barcode,Bedrag\n3SABC1234567,6.95\n', {
      format: 'generic-csv',
      mapping,
    });
    expect(mapped.status).toBe(200);
    expect(mapped.body.import).toMatchObject({
      format: 'generic-csv',
      lines: 1,
      invoices: [{ invoiceNumber: 'PNL-1', amountMinor: 695 }],
    });
    const badMapping = await upload('POSTNL', 'x', { format: 'generic-csv', mapping: '{"columns":{}}' });
    expect(badMapping.status).toBe(400);
    expect(badMapping.body.errors).toEqual([
      expect.objectContaining({ field: 'mapping.columns.trackingNumber' }),
    ]);
  });

  it('is for IPAY staff: a merchant gets a 403 on both endpoints', async () => {
    const merchant = await createTestMerchant(platform);
    expect((await upload('UPS', upsFile, {}, merchant.token)).status).toBe(403);
    const list = await http(platform.baseUrl, 'GET', '/api/admin/carrier-tariffs/UPS/invoices', {
      token: merchant.token,
    });
    expect(list.status).toBe(403);
  });

  it('loads a 20,000-row file in several COPY batches', async () => {
    const file = Buffer.concat([...largeUpsInvoice(20_000)]);
    const result = await upload('UPS_BIG', file, { format: 'ups-billing-data' });
    expect(result.body).toMatchObject({ already_imported: false });
    expect(result.status).toBe(200);
    expect(result.body.import.lines).toBeGreaterThanOrEqual(20_000);
    const count = await platform.database.db
      .selectFrom('carrier_invoice_lines')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('import_id', '=', result.body.import.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(result.body.import.lines);
  });
});
