import {
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  payTestOrder,
  relayTestEvents,
  uniqueEmail,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: the internal controls, snapshots and compliance register', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('runs the controls, shows the overview, lets a CFO approve a RED one once; reads snapshots and the register', async () => {
    const admin = await createTestPlatformAdmin(platform);
    const org = admin.user.organization.id;
    const operator = createIpayClient({
      baseUrl: platform.baseUrl,
      token: (await createTestUser(platform, org, ['operator'])).token,
    });
    const cfo = createIpayClient({
      baseUrl: platform.baseUrl,
      token: (await createTestUser(platform, org, ['cfo'])).token,
    });
    const { sessionId } = await payTestOrder(platform, { email: uniqueEmail('sdk-controls') });
    await relayTestEvents(platform);
    await platform.database.db
      .updateTable('payments')
      .set({ needs_refund: true })
      .where('session_id', '=', sessionId)
      .execute();

    const run = await operator.internalControls.run.mutate({});
    expect(run.today.counts.RED).toBeGreaterThan(0);
    const overview = await cfo.internalControls.overview.query();
    const red = overview.today.controls.find((c) => c.controlId === 'di.paid-session-without-payment');
    expect(red).toMatchObject({ status: 'RED', evidence: [sessionId] });

    const approval = await cfo.internalControls.approve.mutate({
      control_id: 'di.paid-session-without-payment',
      initials: 'CF',
      note: 'refund in progress',
    });
    expect(approval.position).toBe(1);
    const again = await cfo.internalControls.approve
      .mutate({ control_id: 'di.paid-session-without-payment', initials: 'CF', note: 'again, again' })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(IpayApiError);
    expect(again).toMatchObject({ status: 409, code: 'already_approved' });
    expect(await cfo.internalControls.verifyApprovals.query()).toMatchObject({ valid: true, checked: 1 });

    expect(await operator.dataIntegrity.snapshots.query({})).toEqual({ items: [] });
    const register = await operator.compliance.register.query({ includeRetired: 'false' });
    expect(register.items.map((r) => r.code)).toContain('PCI-SCOPE');
  });
});
