import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@ipay/db';
import type { AuthSession } from '../auth/schemas';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  http,
  payTestOrder,
  pdfPages,
  pdfToPngs,
  type TestPlatform,
} from '../../testing';
import { RETURN_REFUND_REASON } from '../payments/service/money-movements';
import type { MerchantFees, Settlement } from './schemas';

const OUTPUT = fileURLToPath(new URL('../../../test-output/settlement/', import.meta.url));
/** The default test order: 49.93 EUR. */
const ORDER = 4993;
/** The platform default fee these tests run with (IPAY_DEFAULT_FEE_PER_ORDER_MINOR). */
const DEFAULT_FEE = 35;

/** Moves a paid order to `at`: its session's paid time and its payments' receipt. */
async function paidAt(db: Db, sessionId: string, at: string): Promise<void> {
  await db.updateTable('payment_sessions').set({ paid_at: at }).where('id', '=', sessionId).execute();
  await db.updateTable('payments').set({ created_at: at }).where('session_id', '=', sessionId).execute();
}

async function refundedAt(db: Db, sessionId: string, at: string, reason: string | null): Promise<void> {
  await db
    .updateTable('payments')
    .set({ refunded_at: at, needs_refund: reason !== null, refund_reason: reason })
    .where('session_id', '=', sessionId)
    .execute();
}

describe('settlement', () => {
  let platform: TestPlatform;
  let db: Db;
  let operator: string;
  let finance: string;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { IPAY_DEFAULT_FEE_PER_ORDER_MINOR: String(DEFAULT_FEE) } });
    db = platform.database.db;
    const admin = await createTestPlatformAdmin(platform);
    operator = (await createTestUser(platform, admin.user.organization.id, ['operator'])).token;
    finance = (await createTestUser(platform, admin.user.organization.id, ['finance'])).token;
  });
  afterAll(() => platform.close());

  const patch = (merchantId: string, body: unknown, token = operator) =>
    http<MerchantFees>(platform.baseUrl, 'PATCH', `/api/admin/merchants/${merchantId}`, { token, body });
  const settlementOf = (query: string, token: string) =>
    http<Settlement>(platform.baseUrl, 'GET', `/api/merchant-portal/ipay/settlement?${query}`, { token });

  describe('the fee history', () => {
    it('appends every change with who, when, old, new and effective from, and never rewrites it', async () => {
      const merchant = await createTestMerchant(platform);
      const id = merchant.user.organization.id;

      const first = await patch(id, {
        ipay_fee_per_order_eur: { amount_minor: 45, currency: 'EUR' },
        ipay_contract_signed_at: '2026-11-01T10:00:00Z',
        reason: 'contract signed',
      });
      const second = await patch(id, {
        ipay_fee_per_order_eur: { amount_minor: 40, currency: 'EUR' },
        effective_from: '2027-01-01T00:00:00+01:00',
        reason: 'volume discount from January',
      });

      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        ipay_fee_per_order_eur: { amount_minor: 45, currency: 'EUR' },
        fee_source: 'contract',
        effective_fee_per_order_eur: { amount_minor: 45, currency: 'EUR' },
        platform_default_fee_per_order_eur: { amount_minor: DEFAULT_FEE, currency: 'EUR' },
      });
      // The January fee is not in force yet: today's stays 45, the contract date carries over.
      expect(second.body).toMatchObject({
        ipay_fee_per_order_eur: { amount_minor: 45, currency: 'EUR' },
        ipay_contract_signed_at: '2026-11-01T10:00:00.000Z',
      });
      const history = await http<MerchantFees>(
        platform.baseUrl,
        'GET',
        `/api/admin/merchants/${id}/fee-history`,
        {
          token: finance,
        },
      );
      expect(history.body.history).toMatchObject([
        {
          fee_per_order_eur: { amount_minor: 40 },
          previous_fee_per_order_eur: { amount_minor: 45 },
          contract_signed_at: '2026-11-01T10:00:00.000Z',
          effective_from: '2026-12-31T23:00:00.000Z',
          reason: 'volume discount from January',
        },
        {
          fee_per_order_eur: { amount_minor: 45 },
          previous_fee_per_order_eur: null,
          previous_contract_signed_at: null,
          reason: 'contract signed',
        },
      ]);
      expect(history.body.history.every((change) => change.changed_by !== null)).toBe(true);
      await expect(
        db
          .updateTable('merchant_fee_changes')
          .set({ reason: 'rewritten' })
          .where('organization_id', '=', id)
          .execute(),
      ).rejects.toThrow(/append-only/);
    });

    it('appends nothing when the values already in force are sent again', async () => {
      const merchant = await createTestMerchant(platform);
      const id = merchant.user.organization.id;
      const body = { ipay_fee_per_order_eur: { amount_minor: 30, currency: 'EUR' }, reason: 'retry me' };

      await patch(id, body);
      const again = await patch(id, body);

      expect(again.status).toBe(200);
      expect(again.body.history).toHaveLength(1);
    });

    it('refuses a change in the past, one that changes nothing, a non-merchant and a merchant caller', async () => {
      const merchant = await createTestMerchant(platform);
      const id = merchant.user.organization.id;
      const fee = { amount_minor: 30, currency: 'EUR' };

      const past = await patch(id, {
        ipay_fee_per_order_eur: fee,
        effective_from: '2020-01-01T00:00:00Z',
        reason: 'x',
      });
      const empty = await patch(id, { reason: 'nothing' });
      const partner = await patch(crypto.randomUUID(), { ipay_fee_per_order_eur: fee, reason: 'x' });
      const self = await patch(
        id,
        { ipay_fee_per_order_eur: { amount_minor: 0, currency: 'EUR' }, reason: 'x' },
        merchant.token,
      );
      const dollars = await patch(id, {
        ipay_fee_per_order_eur: { amount_minor: 30, currency: 'USD' },
        reason: 'x',
      });

      expect(past.status).toBe(422);
      expect(past.body).toMatchObject({ code: 'fee_change_not_retroactive' });
      expect(empty.status).toBe(400);
      expect(partner.status).toBe(404);
      expect(self.status).toBe(403);
      expect(dollars.status).toBe(400);
      const history = await db
        .selectFrom('merchant_fee_changes')
        .select('id')
        .where('organization_id', '=', id)
        .execute();
      expect(history).toHaveLength(0);
    });
  });

  describe('the settlement', () => {
    let merchant: AuthSession;
    let merchantId: string;
    const period = 'from=2027-01-14&to=2027-01-16';
    beforeAll(async () => {
      merchant = await createTestMerchant(platform);
      merchantId = merchant.user.organization.id;
      const sessions: string[] = [];
      for (let i = 0; i < 5; i++) {
        sessions.push((await payTestOrder(platform, { email: `s${i}@example.com`, merchant })).sessionId);
      }
      const [beforeChange, atChange, afterChange, lateNight, refunded] = sessions as [
        string,
        string,
        string,
        string,
        string,
      ];
      // January is CET (UTC+1): 23:30 UTC on the 15th is the 16th in Amsterdam.
      await paidAt(db, beforeChange, '2027-01-15T10:59:59.999Z');
      await paidAt(db, atChange, '2027-01-15T11:00:00Z');
      await paidAt(db, afterChange, '2027-01-15T15:00:00Z');
      await paidAt(db, lateNight, '2027-01-15T23:30:00Z');
      await paidAt(db, refunded, '2027-01-14T09:00:00Z');
      await refundedAt(db, refunded, '2027-01-14T18:00:00Z', null);
      await refundedAt(db, lateNight, '2027-01-16T12:00:00Z', RETURN_REFUND_REASON);
      const change = await patch(merchantId, {
        ipay_fee_per_order_eur: { amount_minor: 80, currency: 'EUR' },
        effective_from: '2027-01-15T12:00:00+01:00',
        reason: 'contract signed',
      });
      expect(change.status).toBe(200);
    });

    it('charges each order the fee in force when it was paid, exactly at a change inside the period', async () => {
      const response = await settlementOf(period, merchant.token);

      expect(response.status).toBe(200);
      const dayRow = (day: string, fee: number, over: Partial<Settlement['days'][number]>) => ({
        day,
        fee_per_order_minor: fee,
        fee_source: fee === 80 ? 'contract' : 'platform_default',
        refunds_minor: 0,
        returns_minor: 0,
        ...over,
      });
      expect(response.body.days).toEqual([
        dayRow('2027-01-14', DEFAULT_FEE, {
          order_count: 1,
          gross_minor: ORDER,
          fee_minor: DEFAULT_FEE,
          refunds_minor: ORDER,
          net_minor: -DEFAULT_FEE,
        }),
        dayRow('2027-01-15', DEFAULT_FEE, {
          order_count: 1,
          gross_minor: ORDER,
          fee_minor: DEFAULT_FEE,
          net_minor: ORDER - DEFAULT_FEE,
        }),
        dayRow('2027-01-15', 80, {
          order_count: 2,
          gross_minor: 2 * ORDER,
          fee_minor: 160,
          net_minor: 2 * ORDER - 160,
        }),
        dayRow('2027-01-16', 80, {
          order_count: 1,
          gross_minor: ORDER,
          fee_minor: 80,
          refunds_minor: ORDER,
          returns_minor: ORDER,
          net_minor: -80,
        }),
      ]);
      expect(response.body).toMatchObject({
        order_count: 5,
        gross_minor: 5 * ORDER,
        fees_minor: 2 * DEFAULT_FEE + 3 * 80,
        refunds_minor: 2 * ORDER,
        returns_minor: ORDER,
        net_minor: 5 * ORDER - (2 * DEFAULT_FEE + 3 * 80) - 2 * ORDER,
        fee_per_order_eur: { amount_minor: DEFAULT_FEE, currency: 'EUR' },
        fee_source: 'platform_default',
        fee_changed_in_period: true,
        fee_changes: [
          {
            effective_from: '2027-01-15T11:00:00.000Z',
            fee_per_order_eur: { amount_minor: 80, currency: 'EUR' },
            fee_source: 'contract',
          },
        ],
        lines: [
          { kind: 'gross', amount_minor: 5 * ORDER },
          { kind: 'fees', amount_minor: -(2 * DEFAULT_FEE + 3 * 80) },
          { kind: 'refunds', amount_minor: -ORDER },
          { kind: 'returns', amount_minor: -ORDER },
        ],
      });
    });

    it('has days that add up to the totals exactly, and lines that add up to the net', async () => {
      const { body } = await settlementOf(period, merchant.token);
      const total = (pick: (day: Settlement['days'][number]) => number) =>
        body.days.reduce((sum, day) => sum + pick(day), 0);

      expect(total((day) => day.net_minor)).toBe(body.net_minor);
      expect(total((day) => day.gross_minor)).toBe(body.gross_minor);
      expect(total((day) => day.fee_minor)).toBe(body.fees_minor);
      expect(total((day) => day.refunds_minor)).toBe(body.refunds_minor);
      expect(total((day) => day.order_count)).toBe(body.order_count);
      expect(body.lines.reduce((sum, line) => sum + line.amount_minor, 0)).toBe(body.net_minor);
    });

    it('counts a day in Amsterdam time: a period ending on the 15th leaves out 23:30 UTC on the 15th', async () => {
      const { body } = await settlementOf('from=2027-01-15&to=2027-01-15', merchant.token);

      expect(body.order_count).toBe(3);
      expect(body.days.map((day) => day.day)).toEqual(['2027-01-15', '2027-01-15']);
    });

    it('gives operators any merchant they name, and merchants only their own', async () => {
      const asOperator = await settlementOf(`${period}&organization=${merchantId}`, operator);
      const unnamed = await settlementOf(period, operator);
      const other = await createTestMerchant(platform);
      const foreign = await settlementOf(`${period}&organization=${merchantId}`, other.token);
      const ownEmpty = await settlementOf(period, other.token);

      expect(asOperator.status).toBe(200);
      expect(asOperator.body.order_count).toBe(5);
      expect(unnamed.status).toBe(400);
      expect(unnamed.body).toMatchObject({ errors: [{ field: 'organization' }] });
      expect(foreign.status).toBe(404);
      expect(ownEmpty.body).toMatchObject({
        order_count: 0,
        net_minor: 0,
        days: [],
        fee_source: 'platform_default',
      });
    });

    it('refuses a period backwards or longer than a year, naming the field', async () => {
      const backwards = await settlementOf('from=2027-01-16&to=2027-01-14', merchant.token);
      const long = await settlementOf('from=2026-01-01&to=2027-01-02', merchant.token);
      const bad = await settlementOf('from=2027-02-30&to=2027-03-01', merchant.token);

      expect(backwards.status).toBe(400);
      expect(long.status).toBe(400);
      expect(backwards.body).toMatchObject({ errors: [{ field: 'to' }] });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ errors: [{ field: 'from' }] });
    });

    it('renders the statement PDF with the days, the fee change and the net', async () => {
      const response = await fetch(`${platform.baseUrl}/api/merchant-portal/ipay/settlement/pdf?${period}`, {
        headers: { authorization: `Bearer ${merchant.token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await response.arrayBuffer());

      const text = (await pdfPages(pdf, `${OUTPUT}settlement.pdf`)).join('\n');
      await pdfToPngs(pdf, OUTPUT, 'settlement');

      expect(text).toContain('Settlement statement');
      expect(text).toContain('Net payable to merchant');
      expect(text).toContain('changed in the period (0.80 EUR from 15 Jan 2027, 12:00 Amsterdam time)');
      expect(text).toContain(merchant.user.organization.name);
      // Net: 5 × 49.93 − (2 × 0.35 + 3 × 0.80) − 2 × 49.93 = 146.69
      expect(text).toMatch(/146[.,]69/);
    });

    it('exports CSV and XLSX for the accountant, a formula-like merchant name written as text', async () => {
      await db
        .updateTable('organizations')
        .set({ name: '=HYPERLINK("http://evil.example","x")' })
        .where('id', '=', merchantId)
        .execute();
      const file = (format: string) =>
        fetch(`${platform.baseUrl}/api/merchant-portal/ipay/settlement/export?${period}&format=${format}`, {
          headers: { authorization: `Bearer ${merchant.token}` },
        });

      const csv = await file('csv');
      const xlsx = await file('xlsx');

      expect(csv.status).toBe(200);
      const text = await csv.text();
      expect(text).toContain(`"'=HYPERLINK(`);
      expect(text).toContain(
        '"2027-01-15",1,"0.35","platform_default","49.93","-0.35","0.00","0.00","49.58"',
      );
      expect(text.trim().split('\n').at(-1)).toBe('"total",5,,,"249.65","-3.10","-99.86","-49.93","146.69"');
      expect(xlsx.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
      const sheet = book.getWorksheet('Settlement');
      expect(sheet?.getCell('B1').value).toBe(`'=HYPERLINK("http://evil.example","x")`);
      expect(sheet?.getRow(sheet.rowCount).values).toEqual([
        undefined,
        'total',
        5,
        undefined,
        undefined,
        249.65,
        -3.1,
        -99.86,
        -49.93,
        146.69,
      ]);
    });
  });
});
