import { randomBytes } from 'node:crypto';
import { createUser } from '../domains/auth/service';
import { signAccessToken } from '../domains/auth/tokens';
import { insertPartner } from '../domains/partners/service';
import type { Partner } from '../domains/partners/schemas';
import { TEST_PASSWORD, uniqueEmail } from './factories';
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
