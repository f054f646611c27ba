import {
  createSendcloudTestPlatform,
  createTestMerchant,
  createTestReturnCase,
  FAKE_SENDCLOUD_KEYS,
  sendcloudScan,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

/**
 * The SDK books return labels (POST /api/labels/create). Sendcloud's webhook (POST /api/webhooks/sendcloud/returns)
 * is a plain route signed over the exact body bytes, sent by Sendcloud with its own HTTP client, so here it is sent
 * over HTTP and signed with node:crypto as Sendcloud would.
 */
describe('SDK: return labels and Sendcloud scans', () => {
  let platform: TestPlatform;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ platform, close } = await createSendcloudTestPlatform());
  });
  afterAll(() => close());

  it('books a label once for the merchant, refuses other merchants, and a signed scan moves the return', async () => {
    const returned = await createTestReturnCase(platform);
    const sdk = createIpayClient({ baseUrl: platform.baseUrl, token: returned.merchant.token });
    const input = { returnId: returned.returnId, shippingOptionCode: 'dpd:return/return', weightGrams: 800 };

    const label = await sdk.returnLabels.create.mutate(input);
    const again = await sdk.returnLabels.create.mutate(input);

    expect(label).toMatchObject({ status: 'LABEL_CREATED', carrierCode: 'dpd', paperSize: 'a6' });
    expect(again.sha256).toBe(label.sha256);

    const other = await createTestMerchant(platform, 'Other Shop BV');
    const refused = await createIpayClient({ baseUrl: platform.baseUrl, token: other.token })
      .returnLabels.create.mutate(input)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IpayApiError);
    expect(refused).toMatchObject({ status: 404 });

    const scan = await sendcloudScan(platform, FAKE_SENDCLOUD_KEYS.secretKey, {
      parcelId: label.sendcloudParcelId,
      statusId: 91,
      message: 'Parcel en route',
      carrierAt: new Date(),
    });
    expect(scan.body).toEqual({ received: true, receipt: 'moved' });
  });
});
