import {
  createTestMerchant,
  createTestPlatform,
  mailedLinkToken,
  mailTestPasswordReset,
  TEST_PASSWORD,
  uniqueEmail,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: members, password reset and sign-out everywhere', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { LOGIN_RATE_LIMIT: '1000' } });
  });
  afterAll(() => platform.close());

  it('invites a member, who accepts, signs in and is listed with the invited role', async () => {
    const admin = await createTestMerchant(platform);
    const client = createIpayClient({ baseUrl: platform.baseUrl, token: admin.token });
    const roles = await client.rbac.listRoles.query({ limit: 200 });
    const memberRole = roles.items.find((role) => role.key === 'merchant_user');
    if (!memberRole) throw new Error('merchant_user role not visible');

    const email = uniqueEmail('sdk-invitee');
    const invitation = await client.auth.members.invite.mutate({ email, roleIds: [memberRole.id] });
    expect(invitation.status).toBe('pending');

    const anonymous = createIpayClient({ baseUrl: platform.baseUrl });
    const token = await mailedLinkToken(platform, email, 'invitations');
    const preview = await anonymous.auth.invitations.preview.query({ token });
    expect(preview).toMatchObject({ email, organization: { type: 'merchant' } });
    const accepted = await anonymous.auth.invitations.accept.mutate({
      token,
      name: 'Sid Invitee',
      password: TEST_PASSWORD,
    });
    expect(accepted.user.roles.map((role) => role.key)).toEqual(['merchant_user']);
    const reused = await anonymous.auth.invitations.accept
      .mutate({ token, name: 'Sid Again', password: TEST_PASSWORD })
      .catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(IpayApiError);
    expect(reused).toMatchObject({ status: 410, code: 'invitation_used' });

    const session = await anonymous.auth.login.mutate({ email, password: TEST_PASSWORD });
    const member = createIpayClient({ baseUrl: platform.baseUrl, token: session.token });
    expect((await member.auth.me.query()).id).toBe(accepted.user.id);
    const members = await client.auth.members.list.query({ limit: 50 });
    expect(members.items.map((m) => m.email)).toContain(email);
  });

  it('signs out everywhere: the old token is refused, a new sign-in works', async () => {
    const admin = await createTestMerchant(platform);
    let token = admin.token;
    const client = createIpayClient({ baseUrl: platform.baseUrl, token: () => token });
    const other = await client.auth.login.mutate({ email: admin.user.email, password: TEST_PASSWORD });
    const done = await client.auth.signOutEverywhere.mutate();
    expect(Date.parse(done.tokensValidAfter)).toBeGreaterThan(0);
    await expect(client.auth.me.query()).rejects.toMatchObject({ status: 401 });
    token = other.token;
    await expect(client.auth.me.query()).rejects.toMatchObject({ status: 401 });

    token = (await client.auth.login.mutate({ email: admin.user.email, password: TEST_PASSWORD })).token;
    expect((await client.auth.me.query()).id).toBe(admin.user.id);
  });

  it('resets a forgotten password with the mailed link: the new password signs in, earlier tokens and the used link are refused', async () => {
    const admin = await createTestMerchant(platform);
    const anonymous = createIpayClient({ baseUrl: platform.baseUrl });
    await anonymous.auth.requestPasswordReset.mutate({ email: admin.user.email });
    await anonymous.auth.requestPasswordReset.mutate({ email: uniqueEmail('nobody') });
    const token = await mailTestPasswordReset(platform, admin.user.email);
    await anonymous.auth.confirmPasswordReset.mutate({ token, newPassword: 'a freshly reset passphrase' });

    const session = await anonymous.auth.login.mutate({
      email: admin.user.email,
      password: 'a freshly reset passphrase',
    });
    expect(session.user.id).toBe(admin.user.id);
    const before = createIpayClient({ baseUrl: platform.baseUrl, token: admin.token });
    await expect(before.auth.me.query()).rejects.toMatchObject({ status: 401 });
    await expect(
      anonymous.auth.confirmPasswordReset.mutate({ token, newPassword: 'yet another passphrase' }),
    ).rejects.toBeInstanceOf(IpayApiError);
  });
});
