import { createHmac } from 'node:crypto';
import type { AuthSession } from '../domains/auth/schemas';
import { FAKE_SENDCLOUD_KEYS, startFakeSendcloud, type FakeSendcloud } from './fake-sendcloud';
import { newReturnToken } from '../domains/returns/service/token';
import { http, type HttpResponse } from './http';
import { createTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform';
import { payTestOrder } from './points';
import { uniqueEmail } from './factories';

/** A platform that books return labels with a fake Sendcloud; `options.env` adds to the Sendcloud env. */
export async function createSendcloudTestPlatform(options: TestPlatformOptions = {}): Promise<{
  platform: TestPlatform;
  sendcloud: FakeSendcloud;
  close: () => Promise<void>;
}> {
  const sendcloud = await startFakeSendcloud();
  const platform = await createTestPlatform({
    ...options,
    env: {
      SENDCLOUD_PUBLIC_KEY: FAKE_SENDCLOUD_KEYS.publicKey,
      SENDCLOUD_SECRET_KEY: FAKE_SENDCLOUD_KEYS.secretKey,
      SENDCLOUD_BASE_URL: sendcloud.url,
      ...options.env,
    },
  });
  return {
    platform,
    sendcloud,
    close: async () => {
      await platform.close();
      await sendcloud.close();
    },
  };
}

export interface TestReturnCase {
  merchant: AuthSession;
  returnId: string;
  token: string;
}

/**
 * A return case of a paid order, in `status` (APPROVED by default), with the merchant's return address set, as
 * the returns domain leaves one after opening and approving it: written straight into its tables.
 */
export async function createTestReturnCase(
  platform: TestPlatform,
  options: { merchant?: AuthSession; status?: 'OPENED' | 'APPROVED' } = {},
): Promise<TestReturnCase> {
  const paid = await payTestOrder(platform, { email: uniqueEmail('returner'), merchant: options.merchant });
  const db = platform.deps.db;
  const session = await db
    .selectFrom('payment_sessions')
    .innerJoin('orders', 'orders.id', 'payment_sessions.order_id')
    .select(['payment_sessions.merchant_id', 'orders.merchant_reference', 'orders.customer_email'])
    .where('payment_sessions.id', '=', paid.sessionId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('return_settings')
    .values({
      merchant_id: session.merchant_id,
      return_name: 'Test Shop BV Returns',
      return_address_line1: 'Insulindelaan 115',
      return_postal_code: '5642 CV',
      return_city: 'Eindhoven',
      return_country: 'NL',
    })
    .onConflict((conflict) => conflict.column('merchant_id').doNothing())
    .execute();
  // Sealed and hashed as `openReturn` does, so the labels side is tested against the tokens the portal hands out.
  const { token, hash, sealed } = newReturnToken(platform.deps.encryptionKey);
  const row = await db
    .insertInto('return_cases')
    .values({
      organization_id: session.merchant_id,
      order_id: paid.orderId,
      session_id: paid.sessionId,
      merchant_reference: session.merchant_reference,
      status: options.status ?? 'APPROVED',
      token_hash: hash,
      token_sealed: sealed,
      refund_method: 'ORIGINAL_PAYMENT',
      refund_email: session.customer_email ?? 'returner@example.com',
      currency: 'EUR',
      expires_at: new Date(Date.now() + 14 * 86_400_000),
      approved_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('return_items')
    .values({
      return_id: row.id,
      position: 1,
      sku: 'TS-XL',
      description: 'T-shirt XL',
      quantity: 1,
      unit_price_minor: 1999,
      reason: 'DOES_NOT_FIT',
    })
    .execute();
  return { merchant: paid.merchant, returnId: row.id, token };
}

/** A `parcel_status_changed` as Sendcloud posts it, signed with `secret` (or forged with another). */
export function sendcloudScan(
  platform: TestPlatform,
  secret: string,
  scan: { parcelId: number; statusId: number; message: string; carrierAt: Date },
): Promise<HttpResponse<{ received?: boolean; receipt?: string }>> {
  const raw = JSON.stringify({
    action: 'parcel_status_changed',
    timestamp: Date.now(),
    carrier_status_change_timestamp: scan.carrierAt.getTime(),
    parcel: {
      id: scan.parcelId,
      tracking_number: '3SRET0000010001',
      status: { id: scan.statusId, message: scan.message },
    },
  });
  return http(platform.baseUrl, 'POST', '/api/webhooks/sendcloud/returns', {
    rawBody: raw,
    headers: {
      'content-type': 'application/json',
      'sendcloud-signature': createHmac('sha256', secret).update(raw).digest('hex'),
    },
  });
}
