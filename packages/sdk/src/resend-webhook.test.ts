import {
  createResendTestPlatform,
  deliverResendEvent,
  payTestOrder,
  resendEvent,
  runDoorCodeJob,
  runEmailJob,
  uniqueEmail,
  type FakeResend,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: a merchant sees what Resend reported on the e-mails of an order', () => {
  let platform: TestPlatform;
  let resend: FakeResend;
  let secret: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ platform, resend, secret, close } = await createResendTestPlatform());
  });
  afterAll(() => close());

  it('reads a bounced door-code e-mail on the order, after a signed event that counts once', async () => {
    const email = uniqueEmail('sdk-bounce');
    const { merchant, orderId, sessionId } = await payTestOrder(platform, { email });
    expect(await runDoorCodeJob(platform, sessionId)).toBe(true);
    const client = createIpayClient({ baseUrl: platform.baseUrl, token: merchant.token });
    const [queued] = (await client.orders.emails.query({ id: orderId })).items;
    expect(queued).toMatchObject({ to: email, status: 'queued', deliveryStatus: null, delivered: null });
    expect(await runEmailJob(platform, queued?.id ?? '')).toBe('sent');
    const sent = resend.emails.at(-1);
    expect(sent?.to).toEqual([email]);

    const bounced = resendEvent('email.bounced', sent?.id ?? '', new Date(), { type: 'Permanent' });
    const first = await deliverResendEvent(platform.baseUrl, secret, bounced, { id: 'msg_sdk_bounce' });
    const replay = await deliverResendEvent(platform.baseUrl, secret, bounced, { id: 'msg_sdk_bounce' });
    expect([first.body.receipt, replay.body.receipt]).toEqual(['applied', 'duplicate']);

    const [read] = (await client.orders.emails.query({ id: orderId })).items;
    expect(read).toMatchObject({ id: queued?.id, deliveryStatus: 'bounced', delivered: false });
    expect(read?.history).toHaveLength(1);

    const stranger = createIpayClient({ baseUrl: platform.baseUrl });
    const refused = await stranger.orders.emails.query({ id: orderId }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IpayApiError);
    expect(refused).toMatchObject({ status: 401 });
  });
});
