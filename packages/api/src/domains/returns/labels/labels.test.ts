import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../../testing/http';
import type { TestPlatform } from '../../../testing/platform';
import { FAKE_SENDCLOUD_KEYS, type FakeSendcloud } from '../../../testing/fake-sendcloud';
import {
  createSendcloudTestPlatform,
  createTestReturnCase,
  sendcloudScan,
  type TestReturnCase,
} from '../../../testing/return-labels';
import { pdfPages } from '../../../testing/pdf';
import { createTestMerchant } from '../../../testing/factories';
import { createReturnLabel } from './service';
import { OVERLAY_WARNING } from './overlay';

const run = promisify(execFile);
const OUTPUT = path.resolve(import.meta.dirname, '../../../../test-output/returns');
const PUBLIC_URL = 'https://pay.ipay.example';

describe('return labels and carrier scans', () => {
  let platform: TestPlatform;
  let fake: FakeSendcloud;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ platform, sendcloud: fake, close } = await createSendcloudTestPlatform({ env: { PUBLIC_URL } }));
  });
  afterAll(() => close());

  const create = (returned: TestReturnCase, body: Record<string, unknown> = {}) =>
    http(platform.baseUrl, 'POST', '/api/labels/create', {
      token: returned.merchant.token,
      body: {
        returnId: returned.returnId,
        shippingOptionCode: 'postnl:standard/return',
        weightGrams: 800,
        ...body,
      },
    });

  it('books the label once, composes the overlay and serves the same PDF on the portal', async () => {
    const returned = await createTestReturnCase(platform);
    const announcesBefore = fake.requests.filter((r) => r.path === '/returns/announce-synchronously').length;

    const first = await create(returned);
    const second = await create(returned);

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      returnId: returned.returnId,
      status: 'LABEL_CREATED',
      carrierCode: 'postnl',
      paperSize: 'a6',
      labelPath: `/api/returns/${returned.token}/label`,
    });
    expect(first.body.trackingNumber).toMatch(/^3SRET/);
    expect(second.body).toEqual(first.body);
    expect(
      fake.requests.filter((r) => r.path === '/returns/announce-synchronously').length - announcesBefore,
    ).toBe(1);
    const validated = fake.requests.filter((r) => r.path === '/returns/validate').at(-1);
    expect(JSON.parse(validated?.body ?? '{}')).toMatchObject({
      from_address: { country_code: 'NL' },
      to_address: { postal_code: '5642 CV', country_code: 'NL' },
      ship_with: { type: 'shipping_option_code', shipping_option_code: 'postnl:standard/return' },
      parcel_items: [{ sku: 'TS-XL', quantity: 1, value: { value: 19.99, currency: 'EUR' } }],
      external_reference: returned.returnId,
    });

    const caseRow = await platform.deps.db
      .selectFrom('return_cases')
      .select(['sendcloud_parcel_id', 'tracking_number', 'carrier_code', 'status'])
      .where('id', '=', returned.returnId)
      .executeTakeFirstOrThrow();
    expect(caseRow).toEqual({
      sendcloud_parcel_id: first.body.sendcloudParcelId,
      tracking_number: first.body.trackingNumber,
      carrier_code: 'postnl',
      status: 'LABEL_CREATED',
    });

    const download = await fetch(`${platform.baseUrl}${first.body.labelPath}`);
    const pdf = Buffer.from(await download.arrayBuffer());
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(first.body.sha256);
    const [text = ''] = await pdfPages(pdf, path.join(OUTPUT, 'created-label.pdf'));
    expect(text).toContain(first.body.trackingNumber);
    expect(text.replace(/\s+/g, ' ')).toContain(OVERLAY_WARNING[1]);
    await run('pdftoppm', [
      '-png',
      '-r',
      '150',
      '-singlefile',
      path.join(OUTPUT, 'created-label.pdf'),
      path.join(OUTPUT, 'created-label'),
    ]);
    const png = PNG.sync.read(await readFile(path.join(OUTPUT, 'created-label.png')));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(
      `${PUBLIC_URL}/returns/${returned.token}`,
    );
  });

  it('retries Sendcloud through a 429 and a 503', async () => {
    const returned = await createTestReturnCase(platform);
    fake.failNext(429, 1, '0');
    fake.failNext(503, 1);

    const created = await create(returned, { paperSize: 'a4' });

    expect(created.status).toBe(200);
    expect(created.body.paperSize).toBe('a4');
  });

  it('refuses a ZPL-only carrier with 422, cancels its booking at Sendcloud and books a PDF carrier after it', async () => {
    const returned = await createTestReturnCase(platform);
    const booked = () =>
      fake.returns.filter((entry) => entry.externalReference?.startsWith(returned.returnId));

    const refused = await create(returned, { shippingOptionCode: 'zpl:return/return' });

    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('label_not_pdf');
    expect(refused.body.detail).toContain('was cancelled');
    const [zpl] = booked();
    expect(booked()).toHaveLength(1);
    expect(zpl?.cancelled).toBe(true);
    expect(fake.requests).toContainEqual(
      expect.objectContaining({ method: 'PATCH', path: `/returns/${zpl?.returnId}/cancel` }),
    );
    const withdrawn = await platform.deps.db
      .selectFrom('return_label_withdrawals')
      .select(['sendcloud_return_id', 'shipping_option_code', 'cancellation'])
      .where('return_id', '=', returned.returnId)
      .execute();
    expect(withdrawn).toEqual([
      {
        sendcloud_return_id: zpl?.returnId,
        shipping_option_code: 'zpl:return/return',
        cancellation: 'requested',
      },
    ]);
    const row = await platform.deps.db
      .selectFrom('return_cases')
      .select('status')
      .where('id', '=', returned.returnId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('APPROVED');

    const created = await create(returned);

    expect(created.status).toBe(200);
    expect(created.body.status).toBe('LABEL_CREATED');
    expect(booked().filter((entry) => !entry.cancelled)).toEqual([
      expect.objectContaining({
        returnId: created.body.sendcloudReturnId,
        externalReference: `${returned.returnId}-2`,
      }),
    ]);
  });

  it('names a booking Sendcloud would not cancel, and still leaves the case bookable', async () => {
    const returned = await createTestReturnCase(platform);
    const booked = () =>
      fake.returns.filter((entry) => entry.externalReference?.startsWith(returned.returnId));
    fake.refuseCancellations(true);

    const refused = await create(returned, { shippingOptionCode: 'zpl:return/return' }).finally(() =>
      fake.refuseCancellations(false),
    );

    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('label_not_pdf');
    expect(refused.body.detail).toMatch(/failed .*cancel it in the Sendcloud panel/);
    const withdrawn = await platform.deps.db
      .selectFrom('return_label_withdrawals')
      .select('cancellation')
      .where('return_id', '=', returned.returnId)
      .execute();
    expect(withdrawn).toEqual([{ cancellation: 'failed' }]);
    expect((await create(returned)).status).toBe(200);
    expect(booked().map((entry) => entry.externalReference)).toEqual([
      returned.returnId,
      `${returned.returnId}-2`,
    ]);
  });

  it('names the field Sendcloud refuses, before anything is booked', async () => {
    const returned = await createTestReturnCase(platform);
    const announcesBefore = fake.requests.filter((r) => r.path === '/returns/announce-synchronously').length;

    const refused = await create(returned, { shippingOptionCode: 'nope:unknown/option' });

    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'ship_with.shipping_option_code' }),
    ]);
    expect(fake.requests.filter((r) => r.path === '/returns/announce-synchronously').length).toBe(
      announcesBefore,
    );
  });

  it('makes labels for approved returns only, and only in the merchant’s own scope', async () => {
    const opened = await createTestReturnCase(platform, { status: 'OPENED' });
    const other = await createTestMerchant(platform, 'Other Shop BV');

    expect((await create(opened)).status).toBe(409);
    const foreign = await http(platform.baseUrl, 'POST', '/api/labels/create', {
      token: other.token,
      body: { returnId: opened.returnId, shippingOptionCode: 'postnl:standard/return' },
    });
    expect(foreign.status).toBe(404);
  });

  it('answers 503 naming the variables when Sendcloud is not configured', async () => {
    const returned = await createTestReturnCase(platform);

    const error = await createReturnLabel(
      platform.deps.db,
      { config: { ...platform.config, sendcloud: undefined }, encryptionKey: platform.deps.encryptionKey },
      {
        actor: { userId: returned.merchant.user.id, organizationId: returned.merchant.user.organization.id },
        scope: 'organization',
        input: { returnId: returned.returnId, shippingOptionCode: 'postnl:standard/return', paperSize: 'a6' },
      },
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 503, code: 'sendcloud_not_configured' });
    expect(String((error as Error).message)).toContain('SENDCLOUD_PUBLIC_KEY and SENDCLOUD_SECRET_KEY');
  });

  describe('the Sendcloud webhook', () => {
    const secret = FAKE_SENDCLOUD_KEYS.secretKey;
    const statusOf = async (returnId: string) =>
      (
        await platform.deps.db
          .selectFrom('return_cases')
          .select('status')
          .where('id', '=', returnId)
          .executeTakeFirstOrThrow()
      ).status;
    const scansOf = async (returnId: string) =>
      platform.deps.db
        .selectFrom('return_carrier_scans')
        .select(['status_id', 'moved_to'])
        .where('return_id', '=', returnId)
        .orderBy('carrier_at')
        .execute();

    it('moves by carrier time, ignores replays and late older scans, and refuses forgeries', async () => {
      const returned = await createTestReturnCase(platform);
      const label = await create(returned);
      const parcelId = Number(label.body.sendcloudParcelId);
      const t = (minutes: number) => new Date(Date.parse('2026-11-30T08:00:00Z') + minutes * 60_000);

      const forged = await sendcloudScan(platform, 'not-the-secret', {
        parcelId,
        statusId: 11,
        message: 'Delivered',
        carrierAt: t(90),
      });
      expect(forged.status).toBe(401);
      expect(await scansOf(returned.returnId)).toEqual([]);

      const inTransit = await sendcloudScan(platform, secret, {
        parcelId,
        statusId: 91,
        message: 'Parcel en route',
        carrierAt: t(10),
      });
      const replay = await sendcloudScan(platform, secret, {
        parcelId,
        statusId: 91,
        message: 'Parcel en route',
        carrierAt: t(10),
      });
      expect(inTransit.body.receipt).toBe('moved');
      expect(replay.body.receipt).toBe('duplicate');
      expect(await statusOf(returned.returnId)).toBe('IN_TRANSIT');

      const delivered = await sendcloudScan(platform, secret, {
        parcelId,
        statusId: 11,
        message: 'Delivered',
        carrierAt: t(60),
      });
      const lateOlder = await sendcloudScan(platform, secret, {
        parcelId,
        statusId: 5,
        message: 'Sorted',
        carrierAt: t(30),
      });
      expect(delivered.body.receipt).toBe('moved');
      expect(lateOlder.body.receipt).toBe('recorded');
      expect(['RECEIVED', 'REFUNDED']).toContain(await statusOf(returned.returnId));
      expect(await scansOf(returned.returnId)).toEqual([
        { status_id: 91, moved_to: 'IN_TRANSIT' },
        { status_id: 5, moved_to: null },
        { status_id: 11, moved_to: 'RECEIVED' },
      ]);
    });

    it('takes a delivery that arrives before the transit scans and never moves back', async () => {
      const returned = await createTestReturnCase(platform);
      const label = await create(returned);
      const parcelId = Number(label.body.sendcloudParcelId);

      await sendcloudScan(platform, secret, {
        parcelId,
        statusId: 11,
        message: 'Delivered',
        carrierAt: new Date('2026-11-30T09:00:00Z'),
      });
      const older = await sendcloudScan(platform, secret, {
        parcelId,
        statusId: 91,
        message: 'Parcel en route',
        carrierAt: new Date('2026-11-30T07:00:00Z'),
      });

      expect(older.body.receipt).toBe('recorded');
      expect(['RECEIVED', 'REFUNDED']).toContain(await statusOf(returned.returnId));
    });

    it('ignores parcels that are not return labels and other actions', async () => {
      const unknown = await sendcloudScan(platform, secret, {
        parcelId: 999_999_999,
        statusId: 11,
        message: 'Delivered',
        carrierAt: new Date(),
      });
      expect(unknown.body).toEqual({ received: true, receipt: 'ignored' });
    });
  });
});
