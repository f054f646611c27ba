import { randomBytes } from 'node:crypto';
import type { AuthSession } from '../domains/auth/schemas';
import { createUser } from '../domains/auth/service';
import { signAccessToken } from '../domains/auth/tokens';
import { insertPartner } from '../domains/partners/service';
import { sessionOtp } from '../domains/payment-sessions/otp';
import type { Partner } from '../domains/partners/schemas';
import { createTestMerchant, orderBody, payTokenOf, TEST_PASSWORD, uniqueEmail } from './factories';
import { http } from './http';
import type { TestPlatform } from './platform';

/** A carrier partner delivering for `carrierCodes` (upper case, as orders carry them), with a unique name. */
export function createTestPartner(
  platform: TestPlatform,
  carrierCodes: string[],
  name = 'Test Carrier',
): Promise<Partner> {
  return platform.database.db.transaction().execute((trx) =>
    insertPartner(
      trx,
      {
        name: `${name} ${randomBytes(3).toString('hex')}`,
        carrierCodes,
        contact: { name: 'Pieter Planner', email: uniqueEmail('carrier'), phone: '+31 88 1234567' },
      },
      null,
    ),
  );
}

export interface TestPartnerUser {
  token: string;
  userId: string;
  email: string;
  name: string;
}

/**
 * A user of a partner with one partner role, made the way every account is (auth's `createUser`) and signed
 * in. Real partner users are invited through the members API.
 */
export async function createTestPartnerUser(
  platform: TestPlatform,
  partnerId: string,
  role: 'driver' | 'dispatcher' | 'partner_admin',
  name = 'Dirk Driver',
): Promise<TestPartnerUser> {
  const email = uniqueEmail(role);
  const userId = await platform.database.db.transaction().execute((trx) =>
    createUser(trx, {
      organizationId: partnerId,
      email,
      name,
      password: TEST_PASSWORD,
      roleKey: role,
      createdBy: null,
    }),
  );
  const { token } = signAccessToken(platform.deps.keyring, { userId, organizationId: partnerId });
  return { token, userId, email, name };
}

/** A random documentation address, so the public pay-page limits (per client address) never bite a test. */
function someClientIp(): string {
  const [a = 0, b = 0] = randomBytes(2);
  return `198.51.${a}.${b}`;
}

export interface TestParcel {
  merchant: AuthSession;
  order: { id: string; merchant_reference: string };
  session: { id: string; ipay_reference_18: string; pay_url: string };
  payToken: string;
  /** The consumer's OTP once paid; null while unpaid. */
  otp: string | null;
}

/**
 * A merchant's order for `carrierCode` to `postalCode` with its payment session, created over HTTP as a
 * merchant would, and paid (simulated) unless `paid: false`.
 */
export async function createTestParcel(
  platform: TestPlatform,
  options: { merchant?: AuthSession; carrierCode?: string; postalCode?: string; paid?: boolean } = {},
): Promise<TestParcel> {
  const merchant = options.merchant ?? (await createTestMerchant(platform));
  const base = orderBody();
  const order = await http(platform.baseUrl, 'POST', '/api/orders', {
    token: merchant.token,
    body: orderBody({
      carrier_code: options.carrierCode ?? 'POSTNL',
      customer: {
        ...base.customer,
        address: {
          ...base.customer.address,
          postal_code: options.postalCode ?? base.customer.address.postal_code,
        },
      },
    }),
  });
  if (order.status !== 200) throw new Error(`order failed: ${JSON.stringify(order.body)}`);
  const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
    token: merchant.token,
  });
  if (session.status !== 200) throw new Error(`create-session failed: ${JSON.stringify(session.body)}`);
  const payToken = payTokenOf(session.body.pay_url);
  let otp: string | null = null;
  if (options.paid ?? true) {
    const consumer = platform.caller({ ip: someClientIp() });
    await consumer.paymentSessions.startPayment({ token: payToken, psp: 'simulate' });
    // The code the consumer is sent (by e-mail and SMS) once paid.
    otp = sessionOtp(platform.deps.encryptionKey, session.body.id);
  }
  return { merchant, order: order.body, session: session.body, payToken, otp };
}
