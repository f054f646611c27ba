import { randomUUID } from 'node:crypto';
import {
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  payTestOrder,
  startFakeExact,
  uniqueEmail,
  type FakeExact,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient } from './index';

const DAY = '2026-10-05';
const ACCOUNTS = {
  'psp_receivable:stripe': randomUUID(),
  merchant_payable: randomUUID(),
  ipay_fee_revenue: randomUUID(),
};

describe('SDK: finance batches from build to Exact Online, and the reconciliation', () => {
  let platform: TestPlatform;
  let exact: FakeExact;
  beforeAll(async () => {
    exact = await startFakeExact({
      clientId: 'sdk',
      clientSecret: 'sdk-secret',
      division: 7,
      glAccounts: Object.values(ACCOUNTS),
    });
    platform = await createTestPlatform({
      env: {
        EXACT_CLIENT_ID: 'sdk',
        EXACT_CLIENT_SECRET: 'sdk-secret',
        EXACT_DIVISION: '7',
        EXACT_REFRESH_TOKEN: exact.initialRefreshToken,
        EXACT_BASE_URL: exact.url,
      },
    });
  });
  afterAll(async () => {
    await platform.close();
    await exact.close();
  });

  it('lists, approves (not by the maker), queues the posting and reconciles', async () => {
    const { sessionId } = await payTestOrder(platform, { email: uniqueEmail('sdk-finance') });
    const noon = new Date(`${DAY}T10:00:00Z`);
    const { db } = platform.database;
    await db
      .updateTable('payments')
      .set({ psp: 'stripe', created_at: noon })
      .where('session_id', '=', sessionId)
      .execute();
    await db
      .updateTable('payment_sessions')
      .set({ psp: 'stripe', paid_at: noon })
      .where('id', '=', sessionId)
      .execute();

    const admin = await createTestPlatformAdmin(platform);
    const operatorOrg = admin.user.organization.id;
    const client = async () =>
      createIpayClient({
        baseUrl: platform.baseUrl,
        token: (await createTestUser(platform, operatorOrg, ['finance'])).token,
      });
    const maker = await client();
    const checker = await client();
    for (const [account_key, gl_account] of Object.entries(ACCOUNTS)) {
      await maker.finance.setAccountMapping.mutate({ account_key, gl_account, description: account_key });
    }
    const built = await maker.finance.buildBatch.mutate({ day: DAY });
    expect(built.changed).toBe(true);
    const page = await checker.finance.listBatches.query({ from: DAY, to: DAY });
    expect(page.items.map((b) => [b.day, b.status])).toEqual([[DAY, 'pending']]);
    const id = page.items[0]!.id;

    await expect(maker.finance.approve.mutate({ id })).rejects.toMatchObject({
      status: 403,
      code: 'maker_cannot_approve',
    });
    const approved = await checker.finance.approve.mutate({ id });
    expect(approved.status).toBe('approved');
    const queued = await checker.finance.postToExact.mutate({ id });
    expect(queued).toMatchObject({ batch_id: id, status: 'approved', job_id: expect.any(String) });

    const reconciliation = await checker.finance.reconciliation.query({ from: DAY, to: DAY });
    expect(reconciliation.differences).toEqual([
      expect.objectContaining({ psp: 'stripe', day: DAY, accrued_minor: 4993, status: 'unsettled' }),
    ]);
  });
});
