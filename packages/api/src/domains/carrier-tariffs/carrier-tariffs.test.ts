import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  type TestPlatform,
} from '../../testing';
import { AppError } from '../../errors/app-error';
import { CostPreview } from './schemas';
import { computeShipmentCost } from './service/compute-shipment-cost';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error.code;
}

type Cell = string | number;

async function workbook(sheets: Record<string, Cell[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** An IPAY workbook for one carrier from NL, prices scaled by `factor`. */
function ipaySheets(
  carrier: string,
  options: { effectiveFrom?: string; factor?: number } = {},
): Record<string, Cell[][]> {
  const factor = options.factor ?? 1;
  const price = (cents: number) => (Math.round(cents * factor) / 100).toFixed(2);
  return {
    Tariffs: [
      [
        'carrier_code',
        'carrier_name',
        'service_code',
        'service_name',
        'origin_country',
        'effective_from',
        'currency',
        'volumetric_divisor',
        'weight_step_grams',
      ],
      [
        carrier,
        `${carrier} Parcels`,
        'STANDARD',
        'Standard',
        'NL',
        options.effectiveFrom ?? '2026-01-01',
        'EUR',
        5000,
        500,
      ],
    ],
    Zones: [
      [
        'carrier_code',
        'service_code',
        'origin_country',
        'destination_country',
        'postcode_from',
        'postcode_to',
        'zone',
      ],
      [carrier, 'STANDARD', 'NL', 'NL', '', '', '1'],
      [carrier, 'STANDARD', 'NL', 'BE', '', '', '2'],
    ],
    Rates: [
      [
        'carrier_code',
        'service_code',
        'origin_country',
        'zone',
        'weight_up_to_kg',
        'additional_step_kg',
        'price',
      ],
      [carrier, 'STANDARD', 'NL', '1', 2, '', price(695)],
      [carrier, 'STANDARD', 'NL', '1', 10, '', price(1295)],
      [carrier, 'STANDARD', 'NL', '2', 2, '', price(950)],
      [carrier, 'STANDARD', 'NL', '2', 10, '', price(1750)],
      [carrier, 'STANDARD', 'NL', '2', '', 1, price(110)],
    ],
  };
}

const tag = () => Math.random().toString(36).slice(2, 7).toUpperCase();

describe('carrier tariffs: import, fuel and cost preview over HTTP', () => {
  let platform: TestPlatform;
  let operator: string;
  let merchant: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    operator = (await createTestPlatformAdmin(platform)).token;
    merchant = (await createTestMerchant(platform)).token;
  });
  afterAll(() => platform.close());

  async function importFile(content: Buffer, fields: Record<string, string> = {}, name = 'tariffs.xlsx') {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', new Blob([content]), name);
    const response = await fetch(`${platform.baseUrl}/api/admin/carrier-tariffs/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
      body: form,
    });
    const body = (await response.json()) as any;
    return { status: response.status, body };
  }

  const api = (method: string, path: string, body?: unknown, token = operator) =>
    http(platform.baseUrl, method, `/api/admin/carrier-tariffs${path}`, { token, body });

  const shipment = (overrides: Record<string, unknown> = {}) => ({
    origin: 'NL',
    destination: { country: 'BE', postcode: '2000' },
    weightGrams: 1800,
    dimensionsCm: { length: 30, width: 20, height: 10 },
    ...overrides,
  });

  it('imports the template as it is, shows the change on a dry run, and a second import creates nothing', async () => {
    const template = await fetch(`${platform.baseUrl}/api/admin/carrier-tariffs/import/template.xlsx`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(template.status).toBe(200);
    const file = Buffer.from(await template.arrayBuffer());

    const dry = await importFile(file, { dry_run: 'true' });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ layout: 'ipay', dryRun: true, errors: [] });
    expect(dry.body.changes).toHaveLength(2);
    expect(dry.body.changes[0]).toEqual({
      carrier: 'POSTNL',
      carrierName: 'PostNL',
      service: 'PARCEL',
      origin: 'NL',
      effectiveFrom: '2026-01-01',
      status: 'new',
      newCarrier: true,
      newService: true,
      zones: { added: 5, removed: 0, changed: 0 },
      breaks: { added: 20, removed: 0, changed: 0 },
      surcharges: { added: 3, removed: 0, changed: 0 },
      versionId: null,
    });
    expect(await api('GET', '/POSTNL')).toMatchObject({ status: 404 });

    const real = await importFile(file);
    expect(real.status).toBe(200);
    expect(real.body.changes.map((c: any) => [c.origin, c.status, typeof c.versionId])).toEqual([
      ['NL', 'new', 'string'],
      ['BE', 'new', 'string'],
    ]);
    const again = await importFile(file);
    expect(again.body.changes.map((c: any) => [c.status, c.versionId])).toEqual([
      ['unchanged', null],
      ['unchanged', null],
    ]);

    const carrier = await api('GET', '/POSTNL');
    expect(carrier.body).toMatchObject({
      code: 'POSTNL',
      name: 'PostNL',
      services: [{ code: 'PARCEL', name: 'Parcel' }],
    });
    expect((await api('GET', '/POSTNL/services/PARCEL')).body).toMatchObject({
      carrier: 'POSTNL',
      code: 'PARCEL',
    });
    const versions = await api('GET', '/POSTNL/versions?origin=NL');
    expect(versions.body.items).toHaveLength(1);
    const version = await api('GET', `/POSTNL/versions/${real.body.changes[0].versionId}`);
    expect(version.body).toMatchObject({
      origin: 'NL',
      volumetricDivisor: 5000,
      weightStepGrams: 500,
      layout: 'ipay',
    });
    expect(version.body.tariff.remoteAreas).toEqual([
      { country: 'NL', postcodeFrom: '1791', postcodeTo: '1797' },
    ]);

    // The walk-through of docs/domains/carrier-tariffs.md, figure for figure.
    await api('PUT', '/POSTNL/fuel', {
      publishedPercent: '16.75',
      discountPercent: '30',
      discountMode: 'of_surcharge',
      effectiveFrom: '2026-02-01',
      reason: 'February index',
    });
    const walk = await api('POST', '/cost-preview', {
      origin: 'NL',
      destination: { country: 'FR', postcode: '75001' },
      weightGrams: 7300,
      dimensionsCm: { length: 60, width: 40, height: 30 },
      shipDate: '2026-06-15',
      carriers: ['POSTNL'],
    });
    expect(walk.body.items[0]).toMatchObject({
      zone: '3',
      weight: { volumetricGrams: 14_400, chargeableGrams: 14_500 },
      baseMinor: 3100,
      fuel: {
        publishedAmountMinor: 519,
        amountMinor: 363,
        ipayDiscountMinor: 156,
        effectivePercent: '11.725',
      },
      totalMinor: 3463,
    });
  });

  it('keeps the fuel history with who and why, and a repeated PUT adds nothing', async () => {
    const carrier = `FUEL${tag()}`;
    const imported = await importFile(await workbook(ipaySheets(carrier)));
    expect(imported.status).toBe(200);
    const body = {
      publishedPercent: '16.75',
      discountPercent: '30',
      discountMode: 'of_surcharge',
      effectiveFrom: '2026-02-01',
      reason: 'February index',
    };
    const first = await api('PUT', `/${carrier}/fuel`, body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      carrier,
      publishedPercent: '16.75',
      effectivePercent: '11.725',
      createdBy: expect.any(String),
    });
    expect((await api('PUT', `/${carrier}/fuel`, body)).body.id).toBe(first.body.id);
    const points = await api('PUT', `/${carrier}/fuel`, {
      ...body,
      discountPercent: '2.5',
      discountMode: 'points',
      effectiveFrom: '2026-03-01',
      reason: 'New contract',
    });
    expect(points.body.effectivePercent).toBe('14.25');
    const history = await api('GET', `/${carrier}/fuel`);
    expect(history.body.items.map((f: any) => f.reason)).toEqual(['New contract', 'February index']);

    const tooMany = await api('PUT', `/${carrier}/fuel`, {
      ...body,
      discountPercent: '20',
      discountMode: 'points',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('discountPercent');
    expect((await api('PUT', '/NOSUCHCARRIER/fuel', body)).status).toBe(404);
  });

  it('previews every carrier cheapest first, uses the tariff and fuel in force on the ship date, and lets merchants preview', async () => {
    const cheap = `CHEAP${tag()}`;
    const dear = `DEAR${tag()}`;
    await importFile(await workbook(ipaySheets(cheap, { factor: 1 })));
    await importFile(await workbook(ipaySheets(dear, { factor: 2 })));
    // From July the cheap carrier doubles its prices: a new version, the old one stays in force before.
    const july = await importFile(
      await workbook(ipaySheets(cheap, { factor: 3, effectiveFrom: '2026-07-01' })),
    );
    expect(july.body.changes[0]).toMatchObject({
      status: 'changed',
      breaks: { added: 0, removed: 0, changed: 5 },
    });
    await api('PUT', `/${dear}/fuel`, {
      publishedPercent: '10',
      discountPercent: '50',
      discountMode: 'of_surcharge',
      effectiveFrom: '2026-01-01',
      reason: 'contract',
    });

    const june = await api('POST', '/cost-preview', {
      ...shipment(),
      shipDate: '2026-06-30',
      carriers: [cheap, dear],
    });
    expect(june.status).toBe(200);
    expect(june.body.items.map((i: any) => [i.carrier, i.totalMinor])).toEqual([
      [cheap, 950],
      [dear, 1900 + 95],
    ]);
    expect(june.body.items[1]).toMatchObject({
      zone: '2',
      weight: { actualGrams: 1800, volumetricGrams: 1200, chargeableGrams: 2000 },
      fuel: {
        baseMinor: 1900,
        publishedPercent: '10',
        effectivePercent: '5',
        publishedAmountMinor: 190,
        ipayDiscountMinor: 95,
        amountMinor: 95,
      },
    });
    const julyPreview = await api('POST', '/cost-preview', {
      ...shipment(),
      shipDate: '2026-07-01',
      carriers: [cheap, dear],
    });
    expect(julyPreview.body.items.map((i: any) => [i.carrier, i.totalMinor])).toEqual([
      [dear, 1995],
      [cheap, 2850],
    ]);
    expect(julyPreview.body.items[1].tariffVersionId).toBe(july.body.changes[0].versionId);
    expect(julyPreview.body.items[1].effectiveFrom).toBe('2026-07-01');

    const before = await api('POST', '/cost-preview', {
      ...shipment(),
      shipDate: '2025-12-31',
      carriers: [cheap],
    });
    expect(before.body.items).toEqual([]);
    const nowhere = await api('POST', '/cost-preview', {
      ...shipment({ destination: { country: 'US', postcode: '10001' } }),
      carriers: [cheap],
    });
    expect(nowhere.body.notApplicable).toMatchObject([{ carrier: cheap, reason: 'no_zone' }]);

    const merchantPreview = await api(
      'POST',
      `/${dear}/cost-preview`,
      shipment({ shipDate: '2026-06-30' }),
      merchant,
    );
    expect(merchantPreview.status).toBe(200);
    expect(merchantPreview.body.items.map((i: any) => i.carrier)).toEqual([dear]);
    expect((await api('GET', '', undefined, merchant)).status).toBe(403);
    expect((await api('GET', `/${dear}/versions`, undefined, merchant)).status).toBe(403);
  });

  it('sees every new version and fuel entry on the next preview, whoever wrote it, and none that rolled back', async () => {
    const carrier = `STAMP${tag()}`;
    await importFile(await workbook(ipaySheets(carrier)));
    // The answer is not parsed on its way out (`typedOutput`): here it is, with the schema it is published with.
    // The unfiltered answer, kept per tariff stamp, moves with the stamp as the filtered one does.
    const preview = async () => {
      const request = { ...shipment(), shipDate: '2026-06-30' };
      const [item] = CostPreview.parse(
        (await api('POST', '/cost-preview', { ...request, carriers: [carrier] })).body,
      ).items;
      const all = CostPreview.parse((await api('POST', '/cost-preview', request)).body);
      expect(all.items.find((each) => each.carrier === carrier)).toEqual(item);
      return item;
    };
    expect(await preview()).toMatchObject({ totalMinor: 950, fuel: { surchargeId: null } });
    // Written beside the API, as another process would: a preview has it once the database's notice arrived.
    const fuel = (published: string) => ({
      carrier_code: carrier,
      published_percent: published,
      discount_percent: '0',
      discount_mode: 'points' as const,
      effective_from: '2026-01-01',
      reason: 'test',
    });
    await platform.database.db.insertInto('tariff_fuel_surcharges').values(fuel('10')).execute();
    await expect
      .poll(preview, { timeout: 5_000 })
      .toMatchObject({ totalMinor: 950 + 95, fuel: { effectivePercent: '10' } });
    // A transaction sees its own entry, and once it rolls back nobody does.
    const rolledBack = new Error('rolled back');
    const inside = await platform.database.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('tariff_fuel_surcharges').values(fuel('50')).execute();
        const cost = await computeShipmentCost(trx, { ...shipment(), carrier, shipDate: '2026-06-30' });
        expect(cost.fuel.effectivePercent).toBe('50');
        throw rolledBack;
      })
      .catch((error: unknown) => error);
    expect(inside).toBe(rolledBack);
    expect(await preview()).toMatchObject({ totalMinor: 950 + 95, fuel: { effectivePercent: '10' } });
    const newer = await importFile(await workbook(ipaySheets(carrier, { factor: 2 })));
    expect(await preview()).toMatchObject({
      tariffVersionId: newer.body.changes[0].versionId,
      totalMinor: 1900 + 190,
    });
  });

  it('computes one shipment’s cost for reconciliation, and says why when it cannot', async () => {
    const carrier = `RECON${tag()}`;
    await importFile(await workbook(ipaySheets(carrier)));
    const request = {
      carrier,
      origin: 'NL',
      destination: { country: 'BE', postcode: '' },
      weightGrams: 12_300,
      dimensionsCm: { length: 10, width: 10, height: 10 },
      shipDate: '2026-03-01',
    };
    const cost = await computeShipmentCost(platform.database.db, request);
    // 12,500 g: 10 kg break plus three started kilograms at 1.10
    expect(cost).toMatchObject({ service: 'STANDARD', baseMinor: 1750 + 330, totalMinor: 2080 });
    const tooEarly = await codeOf(
      computeShipmentCost(platform.database.db, { ...request, shipDate: '2025-01-01' }),
    );
    expect(tooEarly).toBe('no_tariff_in_force');
    const tooHeavy = await codeOf(
      computeShipmentCost(platform.database.db, { ...request, destination: { country: 'NL', postcode: '' } }),
    );
    expect(tooHeavy).toBe('shipment_not_carried');
  });

  it('imports a UPS-style rate sheet with its zone chart, the carrier named by the form', async () => {
    const carrier = `UPS${tag()}`;
    const file = await workbook({
      'Rates Standard': [
        ['Weight (kg)', 'Zone 1', 'Zone 2', 'Zone 3'],
        [1, 8.1, 10.2, 14],
        [5, 11.3, 15.4, 21],
        [10, 15.5, 21.6, 30],
        ['Each additional 1 kg', 0.9, 1.2, 1.6],
      ],
      'Zone Chart': [
        ['Country', 'Postal Code From', 'Postal Code To', 'Zone'],
        ['NL', '', '', 'Zone 1'],
        ['BE', '', '', '2'],
        ['DE', '', '', '2'],
        ['DE', '18500', '18599', '3'],
      ],
    });
    const missing = await importFile(file);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: any) => e.field)).toEqual([
      'carrier',
      'service',
      'origin',
      'effective_from',
    ]);
    const fields = {
      carrier,
      carrier_name: 'UPS',
      service: 'STANDARD',
      origin: 'NL',
      effective_from: '2026-01-01',
    };
    const imported = await importFile(file, fields);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({
      layout: 'ups',
      changes: [{ carrier, status: 'new', zones: { added: 4 }, breaks: { added: 12 } }],
    });
    const preview = await api('POST', '/cost-preview', {
      ...shipment({ destination: { country: 'DE', postcode: '18546' }, weightGrams: 11_200 }),
      carriers: [carrier],
      shipDate: '2026-01-02',
    });
    // zone 3 by the postcode range; 11,500 g: 10 kg break plus two started kilograms
    expect(preview.body.items[0]).toMatchObject({ zone: '3', baseMinor: 3000 + 320 });
  });

  it('imports a DHL Express-style rate card with its zone list', async () => {
    const carrier = `DHLX${tag()}`;
    const file = await workbook({
      'Rate card': [
        ['KG', 'Zone 1', 'Zone 2'],
        [0.5, 35.2, 41.5],
        [1, 39.9, 47],
        [2, 46.1, 56.2],
        ['From 2.1 kg per 0.5 kg', 3.1, 4.4],
      ],
      Zones: [
        ['Country', 'Code', 'Zone'],
        ['Belgium', 'BE', '1'],
        ['United States', 'US', '2'],
      ],
    });
    const imported = await importFile(file, {
      carrier,
      service: 'EXPRESS',
      origin: 'NL',
      effective_from: '2026-01-01',
      weight_step_grams: '500',
    });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({
      layout: 'dhl_express',
      changes: [{ zones: { added: 2 }, breaks: { added: 8 } }],
    });
    const preview = await api('POST', '/cost-preview', {
      ...shipment({ destination: { country: 'US', postcode: '10001' }, weightGrams: 3100 }),
      carriers: [carrier],
      shipDate: '2026-01-02',
    });
    // 3,500 g: 2 kg break plus three started half kilograms
    expect(preview.body.items[0]).toMatchObject({ zone: '2', baseMinor: 5620 + 3 * 440 });
  });

  it('refuses an unknown layout saying what it expected, and names every broken cell while importing nothing', async () => {
    const unknown = await importFile(
      await workbook({
        Sheet1: [
          ['Foo', 'Bar'],
          [1, 2],
        ],
      }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_tariff_layout');
    expect(unknown.body.detail).toContain('the IPAY tariff workbook');
    expect(unknown.body.detail).toContain('UPS-style');
    expect(unknown.body.detail).toContain('"Sheet1" headed Foo | Bar');

    const carrier = `BAD${tag()}`;
    const sheets = ipaySheets(carrier);
    sheets.Rates![2]![6] = 'twelve';
    sheets.Zones![2]![3] = 'Belgium';
    const broken = await workbook(sheets);
    const dry = await importFile(broken, { dry_run: 'true' });
    expect(dry.status).toBe(200);
    expect(dry.body.errors).toEqual([
      {
        sheet: 'Zones',
        row: 3,
        column: 'D',
        message: 'destination_country must be an ISO 3166-1 alpha-2 country code such as NL',
      },
      {
        sheet: 'Rates',
        row: 3,
        column: 'G',
        message: 'price must be a price with at most 2 decimals, e.g. 12.95',
      },
    ]);
    const real = await importFile(broken);
    expect(real.status).toBe(422);
    expect(real.body.code).toBe('tariff_file_invalid');
    expect(real.body.errors.map((e: any) => e.field)).toEqual(['Zones!D3', 'Rates!G3']);
    expect((await api('GET', `/${carrier}`)).status).toBe(404);

    const csv = await importFile(Buffer.from('a,b\n1,2\n'), {}, 'tariffs.csv');
    expect(csv.status).toBe(422);
    expect(csv.body.errors[0]).toMatchObject({ field: 'file', code: 'not_xlsx' });
  });
});
