import { randomBytes } from 'node:crypto';
import { hashPassword } from '../domains/auth/passwords';
import type { AuthSession } from '../domains/auth/schemas';
import { createPlatformAdmin, registerMerchant } from '../domains/auth/service';
import { signAccessToken } from '../domains/auth/tokens';
import { assignSystemRole } from '../domains/rbac/service';
import type { SystemRoleKey } from '../domains/rbac/system-roles';
import { http } from './http';
import type { TestPlatform } from './platform';

export const TEST_PASSWORD = 'correct horse battery staple';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.test`;
}

/** A new merchant organization with its merchant admin, signed in. */
export function createTestMerchant(platform: TestPlatform, name = 'Test Shop BV'): Promise<AuthSession> {
  return platform.database.db.transaction().execute((trx) =>
    registerMerchant(trx, platform.deps.keyring, {
      organizationName: `${name} ${randomBytes(3).toString('hex')}`,
      name: 'Merchant Admin',
      email: uniqueEmail('merchant'),
      password: TEST_PASSWORD,
    }),
  );
}

/** A platform admin in the operator organization, signed in. */
export async function createTestPlatformAdmin(
  platform: TestPlatform,
): Promise<AuthSession & { password: string }> {
  const user = await platform.database.db
    .transaction()
    .execute((trx) =>
      createPlatformAdmin(trx, { email: uniqueEmail('admin'), name: 'Ada Admin', password: TEST_PASSWORD }),
    );
  const { token, expiresAt } = signAccessToken(platform.deps.keyring, {
    userId: user.id,
    organizationId: user.organization.id,
  });
  return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user, password: TEST_PASSWORD };
}

/** Another user in an existing organization holding the given system roles, signed in. */
export async function createTestUser(
  platform: TestPlatform,
  organizationId: string,
  roles: SystemRoleKey[],
): Promise<{ token: string; userId: string; email: string }> {
  const email = uniqueEmail('member');
  const { db } = platform.database;
  const user = await db
    .insertInto('users')
    .values({
      organization_id: organizationId,
      email,
      name: 'Team Member',
      password_hash: await hashPassword(TEST_PASSWORD),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    for (const roleKey of roles) await assignSystemRole(trx, { userId: user.id, roleKey, assignedBy: null });
  });
  const { token } = signAccessToken(platform.deps.keyring, { userId: user.id, organizationId });
  return { token, userId: user.id, email };
}

export async function createTestOrganization(
  platform: TestPlatform,
  type: 'operator' | 'merchant' | 'partner' | 'sponsor',
): Promise<string> {
  const row = await platform.database.db
    .insertInto('organizations')
    .values({ name: `Test ${type} ${randomBytes(3).toString('hex')}`, type })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface TestOrderOverrides {
  merchant_reference?: string;
  items?: Array<{ sku: string; name: string; quantity: number; unit_price_minor: number }>;
  [field: string]: unknown;
}

/** A valid order body for POST /api/orders: two lines and shipping, 2 × 1999 + 1 × 500 + 495 = 4993 EUR cents. */
export function orderBody(overrides: TestOrderOverrides = {}) {
  return {
    merchant_reference: `SHOP-${randomBytes(4).toString('hex')}`,
    customer: {
      name: 'Anna de Vries',
      email: 'anna@example.nl',
      phone: '+31 6 12345678',
      address: { line1: 'Keizersgracht 123', postal_code: '1015 CJ', city: 'Amsterdam', country: 'NL' },
    },
    items: [
      { sku: 'TSHIRT-M', name: 'T-shirt M', quantity: 2, unit_price_minor: 1999 },
      { sku: 'SOCKS', name: 'Socks', quantity: 1, unit_price_minor: 500 },
    ],
    currency: 'EUR',
    carrier_code: 'POSTNL',
    ipay_flag: true,
    shipping_minor: 495,
    ...overrides,
  };
}

/** The pay token at the end of a session's pay URL. */
export function payTokenOf(payUrl: string): string {
  return new URL(payUrl).pathname.split('/').pop() ?? '';
}

/** A merchant's order with a payment session waiting for payment, created over HTTP as a merchant would. */
export async function createTestPaymentSession(platform: TestPlatform, merchant?: AuthSession) {
  const owner = merchant ?? (await createTestMerchant(platform));
  const order = await http(platform.baseUrl, 'POST', '/api/orders', {
    token: owner.token,
    body: orderBody(),
  });
  const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
    token: owner.token,
  });
  if (session.status !== 200) throw new Error(`create-session failed: ${JSON.stringify(session.body)}`);
  return {
    merchant: owner,
    order: order.body,
    session: session.body,
    token: payTokenOf(session.body.pay_url),
  };
}
