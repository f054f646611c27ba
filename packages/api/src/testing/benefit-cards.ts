import { randomBytes } from 'node:crypto';
import { createTestPlatformAdmin, TEST_PASSWORD } from './factories';
import { http } from './http';
import type { TestPlatform } from './platform';

export interface TestSponsorSetup {
  organizationId: string;
  programId: string;
  programCode: string;
  productCodes: string[];
  webhookSecret: string | null;
  adminUsername: string;
  userUsername: string;
  adminToken: string;
  userToken: string;
  operatorToken: string;
}

async function expectOk<T>(response: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await response;
  if (status !== 200) throw new Error(`setup call failed with ${status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * A sponsor set up over HTTP as an operator would: organization, an admin and a user with usernames, two
 * products of one card provider (plus one of another), a program on `channel` with a budget, both users
 * signed in through the iQpay sign-in.
 */
export async function createTestSponsor(
  platform: TestPlatform,
  options: {
    channel: 'sms' | 'email' | 'webhook';
    webhookUrl?: string;
    externalIdRequired?: boolean;
    budgetMinor?: number;
  },
): Promise<TestSponsorSetup> {
  const base = platform.baseUrl;
  const operator = await createTestPlatformAdmin(platform);
  const token = operator.token;
  const tag = randomBytes(3).toString('hex');
  const sponsor = await expectOk(
    http<{ id: string }>(base, 'POST', '/api/benefit-cards/sponsors', {
      token,
      body: { name: `Uni ${tag}` },
    }),
  );
  const users = { admin: `admin-${tag}`, user: `user-${tag}` };
  for (const [role, username] of [
    ['sponsor_admin', users.admin],
    ['sponsor_user', users.user],
  ] as const) {
    await expectOk(
      http(base, 'POST', '/api/benefit-cards/sponsor-users', {
        token,
        body: {
          organizationId: sponsor.id,
          username,
          password: TEST_PASSWORD,
          name: username,
          email: `${username}@example.test`,
          role,
        },
      }),
    );
  }
  const productCodes = [`FOOD-${tag}`, `TRANSIT-${tag}`, `OTHER-${tag}`];
  const providers = ['Prepaid Co', 'Prepaid Co', 'Other Cards Inc'];
  for (const [index, code] of productCodes.entries()) {
    await expectOk(
      http(base, 'POST', '/api/benefit-cards/products', {
        token,
        body: {
          code,
          name: `${code} card`,
          category: code.split('-')[0]?.toLowerCase(),
          cardProvider: providers[index],
          faceValueMinor: 5000,
          currency: 'USD',
        },
      }),
    );
  }
  const programCode = `PRG-${tag}`;
  const program = await expectOk(
    http<{ id: string; webhookSecret: string | null }>(base, 'POST', '/api/benefit-cards/programs', {
      token,
      body: {
        organizationId: sponsor.id,
        code: programCode,
        name: `Program ${tag}`,
        productCodes,
        deliveryChannel: options.channel,
        webhookUrl: options.webhookUrl,
        externalIdRequired: options.externalIdRequired ?? false,
        currency: 'USD',
      },
    }),
  );
  if (options.budgetMinor !== 0) {
    await expectOk(
      http(base, 'POST', `/api/benefit-cards/programs/${program.id}/budget/top-ups`, {
        token,
        body: { amountMinor: options.budgetMinor ?? 1_000_000 },
      }),
    );
  }
  const signIn = async (username: string) =>
    (
      await expectOk(
        http<{ token: string }>(base, 'POST', '/identity/Auth/SignIn', {
          body: { username, password: TEST_PASSWORD },
        }),
      )
    ).token;
  return {
    organizationId: sponsor.id,
    programId: program.id,
    programCode,
    productCodes,
    webhookSecret: program.webhookSecret,
    adminUsername: users.admin,
    userUsername: users.user,
    adminToken: await signIn(users.admin),
    userToken: await signIn(users.user),
    operatorToken: token,
  };
}

/** The example body of the iQpay documentation, for the given program and products. */
export function iqpayOrderBody(setup: TestSponsorSetup, overrides: Record<string, unknown> = {}) {
  return {
    productCode: setup.productCodes[0],
    programCode: setup.programCode,
    email: 'member@example.com',
    firstName: 'Jane',
    lastName: 'Smith',
    phoneCountryCode: '1',
    phone: '5551234567',
    optInNotification: true,
    optInForSMSOrEmail: true,
    externalId: 'EXT-MBR-12345',
    externalTransactionId: `TXN-2024-${randomBytes(4).toString('hex')}`,
    ...overrides,
  };
}
