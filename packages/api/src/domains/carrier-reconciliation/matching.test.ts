import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  dhlInvoiceCsv,
  getStreamTicket,
  http,
  openTestEventStream,
  orderBody,
  upsInvoiceCsv,
  upsTrackingNumber,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';
import { storeTariff, type ParsedTariff } from '../carrier-tariffs/service/import-tariffs';
import { eventRowToEvent } from '../events/service';
import { scheduleWebhookDeliveries } from '../webhooks/service/deliveries';
import { matchInvoiceImport } from './service/matching';

/**
 * A carrier's tariff from NL: zone 1 NL, 2 BE, 3 DE; breaks 2 kg, 5 kg, 10 kg; 500 g steps, divisor 5000; an
 * oversize surcharge of 3.85 above 100 cm that fuel applies to.
 */
function tariff(carrier: string): ParsedTariff {
  return {
    carrier,
    carrierName: carrier,
    service: 'STANDARD',
    serviceName: 'Standard',
    origin: 'NL',
    effectiveFrom: '2026-01-01',
    currency: 'EUR',
    volumetricDivisor: 5000,
    weightStepGrams: 500,
    body: {
      zones: [
        { country: 'NL', postcodeFrom: null, postcodeTo: null, zone: '1' },
        { country: 'BE', postcodeFrom: null, postcodeTo: null, zone: '2' },
        { country: 'DE', postcodeFrom: null, postcodeTo: null, zone: '3' },
      ],
      rates: ['1', '2', '3'].map((zone, i) => ({
        zone,
        breaks: [
          { upToGrams: 2_000, priceMinor: [695, 950, 1100][i] ?? 0 },
          { upToGrams: 5_000, priceMinor: [995, 1250, 1400][i] ?? 0 },
          { upToGrams: 10_000, priceMinor: [1295, 1750, 1900][i] ?? 0 },
        ],
        additional: null,
      })),
      surcharges: [
        {
          code: 'OVS',
          name: 'Oversize',
          kind: 'fixed',
          amountMinor: 385,
          percent: null,
          condition: 'oversize',
          thresholdCm: 100,
          fuelApplies: true,
        },
      ],
      remoteAreas: [],
    },
  };
}

interface Piece {
  tracking_number: string;
  weight_grams?: number;
  dimensions_cm?: { length: number; width: number; height: number };
  ship_date?: string;
}

const SMALL = { weight_grams: 1_800, dimensions_cm: { length: 30, width: 20, height: 10 } };

describe('carrier invoice matching', () => {
  let platform: TestPlatform;
  let operator: string;
  let operatorOrganization: string;
  let merchant: AuthSession;

  const api = (method: string, path: string, body?: unknown, token = operator) =>
    http(platform.baseUrl, method, path, { token, body });

  /** One order to Antwerp (BE, zone 2) with its pieces shipped on 2026-11-20 unless a piece says otherwise. */
  async function shipOrder(
    carrier: string,
    pieces: Piece[],
    country = 'BE',
    facts: { origin_country?: string; service?: string } = {},
  ) {
    const base = orderBody();
    const order = await api(
      'POST',
      '/api/orders',
      orderBody({
        carrier_code: carrier,
        customer: { ...base.customer, address: { ...base.customer.address, country, postal_code: '2000' } },
      }),
      merchant.token,
    );
    expect(order.status).toBe(200);
    const shipment = await api(
      'PUT',
      `/api/orders/${order.body.id}/shipment`,
      { ship_date: '2026-11-20', ...facts, parcels: pieces },
      merchant.token,
    );
    expect(shipment.status).toBe(200);
    return order.body.id as string;
  }

  async function upload(carrier: string, file: string, fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([file]), 'invoice.csv');
    const response = await fetch(`${platform.baseUrl}/api/admin/carrier-tariffs/${carrier}/invoice-upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
      body: form,
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { import: Record<string, any> }).import;
  }

  const rowsOf = (importId: string) =>
    platform.database.db
      .selectFrom('carrier_reconciliations')
      .selectAll()
      .where('import_id', '=', importId)
      .orderBy('tracking_number')
      .execute();

  const byTracking = async (importId: string) =>
    new Map(
      (await rowsOf(importId)).map((row) => [row.tracking_number ?? `account ${row.line_numbers[0]}`, row]),
    );

  beforeAll(async () => {
    platform = await createTestPlatform();
    const admin = await createTestPlatformAdmin(platform);
    operator = admin.token;
    operatorOrganization = admin.user.organization.id;
    merchant = await createTestMerchant(platform);
    for (const carrier of ['UPS', 'DHL_EXPRESS']) {
      await platform.database.db.transaction().execute((trx) => storeTariff(trx, tariff(carrier)));
      const fuel = await api('PUT', `/api/admin/carrier-tariffs/${carrier}/fuel`, {
        publishedPercent: '10',
        discountPercent: '0',
        discountMode: 'points',
        effectiveFrom: '2026-01-01',
        reason: 'test index',
      });
      expect(fuel.status).toBe(200);
    }
  });
  afterAll(() => platform.close());

  const ups = (n: number) => upsTrackingNumber(700 + n);
  // Billed as the engine prices a 1.8 kg, 30×20×10 parcel to BE: 2 kg break of zone 2, 9.50, fuel 10 % 0.95.
  const fair = { billedWeight: '2.0', zone: '2', freight: '9.50', fuel: '0.95' };

  it('names every status and cause on a UPS billing data file, multi-piece shipments piece by piece', async () => {
    await shipOrder('UPS', [{ tracking_number: ups(1), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(2), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(3), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(4), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(5), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(6), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(7), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(8), ...SMALL, ship_date: '2025-06-02' }]);
    await shipOrder('UPS', [{ tracking_number: ups(9), ...SMALL }]);
    // Three pieces of one shipment: 1.8 kg, 4 kg of 40×30×20 (4.8 kg volumetric: 5 kg break), 0.7 kg.
    const multiPiece = await shipOrder('UPS', [
      { tracking_number: ups(11), ...SMALL },
      { tracking_number: ups(12), weight_grams: 4_000, dimensions_cm: { length: 40, width: 30, height: 20 } },
      { tracking_number: ups(13), weight_grams: 700, dimensions_cm: { length: 20, width: 15, height: 10 } },
    ]);

    const file = upsInvoiceCsv({
      invoiceNumber: '0000A1B2C3481',
      shipments: [
        { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(1), ...fair }] },
        // Fuel billed at a higher rate.
        { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(2), ...fair, fuel: '1.20' }] },
        // Billed as a 5 kg parcel.
        {
          shipDate: '2026-11-20',
          pieces: [
            { trackingNumber: ups(3), billedWeight: '5.0', zone: '2', freight: '12.50', fuel: '1.25' },
          ],
        },
        // Billed in zone 3 (DE) though it went to BE.
        {
          shipDate: '2026-11-20',
          pieces: [{ trackingNumber: ups(4), ...fair, zone: '003', freight: '11.00' }],
        },
        // A residential surcharge the tariff does not have.
        {
          shipDate: '2026-11-20',
          pieces: [
            {
              trackingNumber: ups(5),
              ...fair,
              surcharges: [{ code: 'RES', description: 'Residential Surcharge', amount: '3.85' }],
            },
          ],
        },
        // A different price for the same weight and zone.
        { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(6), ...fair, freight: '9.80' }] },
        // One cent off: within UPS's tolerance of 1.
        { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(7), ...fair, freight: '9.51' }] },
        // Shipped before any tariff was in force.
        { shipDate: '2025-06-02', pieces: [{ trackingNumber: ups(8), ...fair }] },
        // The same piece's freight twice.
        { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(9), ...fair }] },
        { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(9), ...fair }] },
        // No such parcel here.
        { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(10), ...fair }] },
        {
          shipDate: '2026-11-20',
          pieces: [
            { trackingNumber: ups(11), ...fair },
            { trackingNumber: ups(12), billedWeight: '5.0', zone: '2', freight: '12.50', fuel: '1.25' },
            { trackingNumber: ups(13), billedWeight: '1.0', zone: '2', freight: '9.50', fuel: '0.95' },
          ],
        },
      ],
      accountCharges: [{ code: 'SVCH', description: 'Service Charge', amount: '12.50' }],
    });
    const imported = await upload('UPS', file);
    expect(imported).toMatchObject({ matching: 'pending', matched_at: null, totals: [] });

    const summary = await matchInvoiceImport(platform.database.db, imported.id);
    expect(summary).toMatchObject({
      matchedNow: true,
      counts: { MATCHED: 5, MISMATCH: 6, UNMATCHED_IN_DB: 1, ACCOUNT_CHARGE: 1, DUPLICATE_ON_INVOICE: 1 },
    });
    const rows = await byTracking(imported.id);
    const statusOf = (n: number) => {
      const row = rows.get(ups(n));
      return [row?.status, row?.mismatch_causes];
    };
    expect(statusOf(1)).toEqual(['MATCHED', []]);
    expect(statusOf(2)).toEqual(['MISMATCH', ['fuel']]);
    expect(statusOf(3)).toEqual(['MISMATCH', ['weight', 'fuel']]);
    expect(statusOf(4)).toEqual(['MISMATCH', ['zone']]);
    expect(statusOf(5)).toEqual(['MISMATCH', ['surcharge']]);
    expect(statusOf(6)).toEqual(['MISMATCH', ['price']]);
    expect(statusOf(7)).toEqual(['MATCHED', []]);
    expect(statusOf(8)).toEqual(['MISMATCH', []]);
    expect(rows.get(ups(8))?.detail).toBe('No tariff of UPS from NL is in force on 2025-06-02.');
    expect(statusOf(9)).toEqual(['DUPLICATE_ON_INVOICE', []]);
    expect(rows.get(ups(9))).toMatchObject({ billed_minor: 2090, expected_minor: 1045, delta_minor: 1045 });
    expect(rows.get(ups(9))?.line_numbers).toHaveLength(4);
    expect(statusOf(10)).toEqual(['UNMATCHED_IN_DB', []]);
    expect(rows.get(ups(10))).toMatchObject({ parcel_id: null, expected_minor: null, delta_minor: null });

    // Each piece of the multi-piece shipment is its own parcel, priced on its own weight.
    for (const n of [11, 12, 13]) {
      expect(rows.get(ups(n)), `piece ${n}`).toMatchObject({ status: 'MATCHED', order_id: multiPiece });
    }
    expect(rows.get(ups(12))).toMatchObject({ billed_minor: 1375, expected_minor: 1375, delta_minor: 0 });
    expect(rows.get(ups(12))?.billed).toMatchObject({ shipmentNumber: ups(11), billedWeightGrams: 5000 });

    expect(rows.get(ups(2))).toMatchObject({ billed_minor: 1070, expected_minor: 1045, delta_minor: 25 });
    expect(rows.get(ups(2))?.detail).toBe('Overbilled by 0.25 EUR: fuel 1.20 billed, 0.95 expected.');
    expect(rows.get(ups(3))?.detail).toContain('billed weight 5000 g, chargeable 2000 g');
    const account = [...rows.values()].find((row) => row.status === 'ACCOUNT_CHARGE');
    expect(account).toMatchObject({
      tracking_number: null,
      billed_minor: 1250,
      expected_minor: null,
      detail: 'Service Charge (SVCH)',
    });

    // Matching again writes nothing twice and announces nothing twice.
    const again = await matchInvoiceImport(platform.database.db, imported.id);
    expect(again).toMatchObject({ matchedNow: false, counts: summary?.counts });
    expect(await rowsOf(imported.id)).toHaveLength(14);
    const events = await platform.database.db
      .selectFrom('domain_events')
      .selectAll()
      .where('type', '=', 'invoice.mismatch')
      .where('resource_id', '=', imported.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ organization_id: null, resource_type: 'carrier_invoice_import' });
    expect(events[0]?.payload).toEqual({
      importId: imported.id,
      carrierCode: 'UPS',
      fileName: 'invoice.csv',
      counts: summary?.counts,
      delta: [{ currency: 'EUR', deltaMinor: summary?.delta[0]?.deltaMinor }],
    });

    // The list shows the totals per status and the delta billed − expected.
    const list = await api('GET', '/api/admin/carrier-tariffs/UPS/invoices');
    const listed = list.body.items.find((item: { id: string }) => item.id === imported.id);
    expect(listed).toMatchObject({ matching: 'done' });
    expect(listed.matched_at).toEqual(expect.any(String));
    const [totals] = listed.totals;
    expect(totals.currency).toBe('EUR');
    expect(totals.by_status.ACCOUNT_CHARGE).toEqual({
      count: 1,
      billed_minor: 1250,
      expected_minor: 0,
      delta_minor: 0,
    });
    expect(totals.by_status.MATCHED.count).toBe(5);
    expect(totals.delta_minor).toBe(summary?.delta[0]?.deltaMinor);
    expect(totals.delta_minor).toBe(totals.billed_minor - totals.expected_minor - 1250 - 1045 - 1045);

    // A later invoice billing a piece again: a duplicate of the earlier import, all of it overbilled.
    const later = await upload(
      'UPS',
      upsInvoiceCsv({
        invoiceNumber: '0000A1B2C3495',
        shipments: [{ shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(1), ...fair }] }],
      }),
    );
    await matchInvoiceImport(platform.database.db, later.id);
    const [rebilled] = await rowsOf(later.id);
    expect(rebilled).toMatchObject({
      status: 'DUPLICATE_ON_INVOICE',
      expected_minor: 0,
      delta_minor: 1045,
      detail: `Already billed on invoice 0000A1B2C3481 (import ${imported.id}).`,
    });
  });

  it('lists and reads reconciliations with filters, for operators only', async () => {
    await shipOrder('UPS', [{ tracking_number: ups(21), ...SMALL }]);
    await shipOrder('UPS', [{ tracking_number: ups(22), ...SMALL }]);
    const imported = await upload(
      'UPS',
      upsInvoiceCsv({
        invoiceNumber: '0000A1B2C3502',
        shipments: [
          { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(21), ...fair }] },
          { shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(22), ...fair, fuel: '1.50' }] },
        ],
      }),
    );
    await matchInvoiceImport(platform.database.db, imported.id);
    const path = `/api/admin/carrier-tariffs/UPS/invoices/${imported.id}/reconciliations`;
    const all = await api('GET', path);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    const fuel = await api('GET', `${path}?status=MISMATCH&cause=fuel`);
    expect(fuel.body.items.map((r: { tracking_number: string }) => r.tracking_number)).toEqual([ups(22)]);
    expect((await api('GET', `${path}?cause=weight`)).body.items).toEqual([]);
    const spaced = ups(21)
      .toLowerCase()
      .replace(/(.{4})/g, '$1 ');
    const one = await api('GET', `${path}?tracking_number=${encodeURIComponent(spaced)}&decision=none`);
    expect(one.body.items).toHaveLength(1);
    expect((await api('GET', `${path}?decision=excluded`)).body.items).toEqual([]);

    const read = await api('GET', `/api/admin/carrier-tariffs/UPS/reconciliations/${one.body.items[0].id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'MATCHED', expected: { zone: '2', totalMinor: 1045 } });
    expect(
      (await api('GET', `/api/admin/carrier-tariffs/DHL_EXPRESS/reconciliations/${one.body.items[0].id}`))
        .status,
    ).toBe(404);
    expect(
      (await api('GET', `/api/admin/carrier-tariffs/DHL_EXPRESS/invoices/${imported.id}/reconciliations`))
        .status,
    ).toBe(404);
    expect((await api('GET', `${path}?status=LOST`)).status).toBe(400);
    expect((await api('GET', path, undefined, merchant.token)).status).toBe(403);
  });

  it('matches a DHL Express invoice by waybill, extra charges as fuel and surcharges', async () => {
    await shipOrder('DHL_EXPRESS', [{ tracking_number: '4019522001', ...SMALL }]);
    await shipOrder('DHL_EXPRESS', [
      {
        tracking_number: '4019522002',
        weight_grams: 1_800,
        dimensions_cm: { length: 105, width: 10, height: 5 },
      },
    ]);
    await shipOrder('DHL_EXPRESS', [{ tracking_number: '4019522003', ...SMALL }]);
    const imported = await upload(
      'DHL_EXPRESS',
      dhlInvoiceCsv({
        invoiceNumber: 'AMSR000123999',
        shipments: [
          {
            waybill: '4019522001',
            shipDate: '20261120',
            pieces: 1,
            weightKg: '2.0',
            weightCharge: '9.50',
            extraCharges: [{ code: 'FF', name: 'FUEL SURCHARGE', charge: '0.95' }],
          },
          // Oversize (105 cm): 9.50 + 3.85, fuel on both 1.34; DHL billed no fuel on the surcharge.
          {
            waybill: '4019522002',
            shipDate: '20261120',
            pieces: 1,
            weightKg: '2.0',
            weightCharge: '9.50',
            extraCharges: [
              { code: 'OO', name: 'OVERSIZE PIECE', charge: '3.85' },
              { code: 'FF', name: 'FUEL SURCHARGE', charge: '0.95' },
            ],
          },
          {
            waybill: '4019522003',
            shipDate: '20261120',
            pieces: 1,
            weightKg: '2.0',
            weightCharge: '9.50',
            extraCharges: [
              { code: 'FF', name: 'FUEL SURCHARGE', charge: '0.95' },
              { code: 'II', name: 'SHIPMENT INSURANCE', charge: '2.00' },
            ],
          },
          { waybill: '4019522999', shipDate: '20261120', pieces: 1, weightKg: '1.0', weightCharge: '9.50' },
        ],
      }),
    );
    await matchInvoiceImport(platform.database.db, imported.id);
    const rows = await byTracking(imported.id);
    expect(rows.get('4019522001')).toMatchObject({ status: 'MATCHED', billed_minor: 1045 });
    expect(rows.get('4019522002')).toMatchObject({
      status: 'MISMATCH',
      mismatch_causes: ['fuel'],
      expected_minor: 950 + 385 + 134,
      delta_minor: -39,
    });
    expect(rows.get('4019522003')).toMatchObject({ status: 'MISMATCH', mismatch_causes: ['surcharge'] });
    expect(rows.get('4019522999')).toMatchObject({ status: 'UNMATCHED_IN_DB' });
  });

  it('offers invoice.mismatch to operator endpoints only, never to a merchant', async () => {
    const refused = await api(
      'POST',
      '/api/webhook-endpoints',
      { url: 'https://hooks.example.com/ipay', eventTypes: ['invoice.mismatch'] },
      merchant.token,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'eventTypes', code: 'operator_only' });

    const { db } = platform.database;
    const endpoint = (organizationId: string, eventTypes: string[]) =>
      db
        .insertInto('webhook_endpoints')
        .values({
          organization_id: organizationId,
          url: 'https://hooks.example.com/ipay',
          event_types: eventTypes,
          secret_encrypted: 'sealed',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    // A merchant endpoint on every type, and operator endpoints on every type, on this one, on another.
    const merchantAll = await endpoint(merchant.user.organization.id, []);
    const operatorAll = await endpoint(operatorOrganization, []);
    const operatorMismatch = await endpoint(operatorOrganization, ['invoice.mismatch']);
    const operatorOther = await endpoint(operatorOrganization, ['order.created']);

    const imported = await upload(
      'UPS',
      upsInvoiceCsv({
        invoiceNumber: '0000A1B2C3510',
        shipments: [{ shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(30), ...fair }] }],
      }),
    );
    await matchInvoiceImport(db, imported.id);
    const row = await db
      .selectFrom('domain_events')
      .selectAll()
      .where('type', '=', 'invoice.mismatch')
      .where('resource_id', '=', imported.id)
      .executeTakeFirstOrThrow();
    await db.transaction().execute((trx) => scheduleWebhookDeliveries(trx, [eventRowToEvent(row)]));
    const deliveries = await db
      .selectFrom('webhook_deliveries')
      .select('endpoint_id')
      .where('event_id', '=', row.id)
      .execute();
    expect(deliveries.map((d) => d.endpoint_id).sort()).toEqual([operatorAll.id, operatorMismatch.id].sort());
    expect(deliveries.map((d) => d.endpoint_id)).not.toContain(merchantAll.id);
    expect(deliveries.map((d) => d.endpoint_id)).not.toContain(operatorOther.id);
  });

  it('streams invoice.mismatch to operators, never to a merchant', async () => {
    const open = async (token: string) =>
      openTestEventStream(platform.baseUrl, { token: await getStreamTicket(platform.baseUrl, token) });
    const [operatorStream, merchantStream] = [await open(operator), await open(merchant.token)];
    try {
      const imported = await upload(
        'UPS',
        upsInvoiceCsv({
          invoiceNumber: '0000A1B2C3530',
          shipments: [{ shipDate: '2026-11-20', pieces: [{ trackingNumber: ups(31), ...fair }] }],
        }),
      );
      await matchInvoiceImport(platform.database.db, imported.id);
      await operatorStream.until(
        () => operatorStream.events.some((e) => e.event === 'invoice.mismatch'),
        'invoice.mismatch on the operator stream',
      );
      // The merchant's next event arrives after it in stream order: had the merchant been sent it, it would be here.
      await shipOrder('UPS', [{ tracking_number: ups(32), ...SMALL }]);
      await merchantStream.until(
        () => merchantStream.events.some((e) => e.event === 'order.shipment_updated'),
        "the merchant's own later event",
      );
      expect(merchantStream.events.map((e) => e.event)).not.toContain('invoice.mismatch');
      const mismatch = operatorStream.events.find((e) => e.event === 'invoice.mismatch');
      expect(mismatch?.data).toMatchObject({ resourceId: imported.id, organizationId: null });
    } finally {
      operatorStream.close();
      merchantStream.close();
    }
  });

  it("prices a parcel by its shipment's origin and service when the carrier has several", async () => {
    const carrier = 'DPD';
    const dearer = (base: ParsedTariff, addMinor: number, change: Partial<ParsedTariff>): ParsedTariff => ({
      ...base,
      ...change,
      body: {
        ...base.body,
        rates: base.body.rates.map((rate) => ({
          ...rate,
          breaks: rate.breaks.map((b) => ({ ...b, priceMinor: b.priceMinor + addMinor })),
        })),
      },
    });
    const nl = tariff(carrier);
    for (const version of [
      nl,
      dearer(nl, 100, { origin: 'BE' }),
      dearer(nl, 500, { service: 'EXPRESS', serviceName: 'Express' }),
    ]) {
      await platform.database.db.transaction().execute((trx) => storeTariff(trx, version));
    }
    await shipOrder(carrier, [{ tracking_number: 'DPDNOORIGIN1', ...SMALL }]);
    await shipOrder(carrier, [{ tracking_number: 'DPDFROMBE001', ...SMALL }], 'BE', { origin_country: 'BE' });
    await shipOrder(carrier, [{ tracking_number: 'DPDEXPRESS01', ...SMALL }], 'BE', {
      origin_country: 'NL',
      service: 'express',
    });
    const mapping = {
      columns: { trackingNumber: 'Tracking', amount: 'Amount', chargeCode: 'Code' },
      invoice: { number: 'DPD-2026-11', date: '2026-11-30', currency: 'EUR' },
      chargeKinds: { FRT: 'base' },
    };
    const file = [
      'Tracking,Code,Amount',
      'DPDNOORIGIN1,FRT,9.50',
      'DPDFROMBE001,FRT,10.50',
      'DPDEXPRESS01,FRT,14.50',
    ]
      .join('\n')
      .concat('\n');
    const imported = await upload(carrier, file, { format: 'generic-csv', mapping: JSON.stringify(mapping) });
    await matchInvoiceImport(platform.database.db, imported.id);

    const rows = await byTracking(imported.id);
    expect(rows.get('DPDNOORIGIN1')).toMatchObject({ status: 'MISMATCH', expected_minor: null });
    expect(rows.get('DPDNOORIGIN1')?.detail).toContain('several origins (BE, NL)');
    expect(rows.get('DPDFROMBE001')).toMatchObject({ status: 'MATCHED', expected_minor: 1050 });
    expect(rows.get('DPDEXPRESS01')).toMatchObject({ status: 'MATCHED', expected_minor: 1450 });
    const order = await api(
      'GET',
      `/api/orders/${rows.get('DPDEXPRESS01')?.order_id}`,
      undefined,
      merchant.token,
    );
    expect(order.body.parcels[0]).toMatchObject({ origin_country: 'NL', service: 'EXPRESS' });
  });

  it('shows shipped parcels no invoice billed after N days, and parcels invoiced per month', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    const carrier = 'GLS';
    await shipOrder(carrier, [
      { tracking_number: 'GLSOLD0001', ...SMALL, ship_date: daysAgo(45) },
      { tracking_number: 'GLSNEW0001', ...SMALL, ship_date: daysAgo(5) },
    ]);
    const coverage = await api('GET', `/api/admin/carrier-tariffs/${carrier}/billing-coverage`);
    expect(coverage.status).toBe(200);
    expect(coverage.body).toMatchObject({ days: 30, shipped_on_or_before: daysAgo(30) });
    expect(coverage.body.items.map((p: { tracking_number: string }) => p.tracking_number)).toEqual([
      'GLSOLD0001',
    ]);
    expect(coverage.body.items[0]).toMatchObject({ ship_date: daysAgo(45), days_since_ship: 45 });
    const shorter = await api('GET', `/api/admin/carrier-tariffs/${carrier}/billing-coverage?days=3`);
    expect(shorter.body.items).toHaveLength(2);
    const months = coverage.body.periods as Array<{
      shipped: number;
      invoiced: number;
      not_invoiced: number;
    }>;
    expect(months.reduce((sum, m) => sum + m.shipped, 0)).toBe(2);
    expect(months.reduce((sum, m) => sum + m.not_invoiced, 0)).toBe(2);

    // UPS: the pieces billed above are invoiced; one shipped and never billed is not.
    await shipOrder('UPS', [{ tracking_number: ups(40), ...SMALL, ship_date: daysAgo(31) }]);
    const ups30 = await api('GET', '/api/admin/carrier-tariffs/UPS/billing-coverage?limit=200');
    expect(ups30.body.items.map((p: { tracking_number: string }) => p.tracking_number)).toEqual([ups(40)]);
    const november = ups30.body.periods.find((p: { month: string }) => p.month === '2026-11');
    expect(november.invoiced).toBeGreaterThanOrEqual(12);
    expect((await api('GET', '/api/admin/carrier-tariffs/UPS/billing-coverage?days=-1')).status).toBe(400);
  });
});
