import { createTestPlatform, TEST_PASSWORD, uniqueEmail, type TestPlatform } from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK against the real server', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('signs up, logs in and reads me', async () => {
    const anonymous = createIpayClient({ baseUrl: platform.baseUrl });
    const email = uniqueEmail('sdk');
    const registered = await anonymous.auth.register.mutate({
      organizationName: 'SDK Shop',
      name: 'Sandra Dev',
      email,
      password: TEST_PASSWORD,
    });
    expect(registered.user.roles.map((r) => r.key)).toEqual(['merchant_admin']);

    const session = await anonymous.auth.login.mutate({ email, password: TEST_PASSWORD });
    let token: string | undefined = session.token;
    const client = createIpayClient({ baseUrl: platform.baseUrl, token: () => token });
    const me = await client.auth.me.query();
    expect(me).toMatchObject({ email, organization: { name: 'SDK Shop', type: 'merchant' } });
    const permissions = await client.rbac.myPermissions.query();
    expect(permissions.roles.map((r) => r.key)).toEqual(['merchant_admin']);

    token = undefined;
    await expect(client.auth.me.query()).rejects.toMatchObject({ status: 401 });
  });

  it('rejects with an IpayApiError carrying the problem fields', async () => {
    const client = createIpayClient({ baseUrl: platform.baseUrl });
    const error = await client.auth.register
      .mutate({ organizationName: '', name: 'X', email: 'not-an-email', password: 'short' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpayApiError);
    const problem = error as IpayApiError;
    expect(problem.status).toBe(400);
    expect(problem.type).toBe('https://api.ipay.global/problems/validation-failed');
    expect(problem.code).toBe('validation_failed');
    expect(problem.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(problem.fieldError('email')).toBe('must be a valid e-mail address');
    expect(problem.errors?.map((e) => e.field)).toEqual(['organizationName', 'email', 'password']);
  });
});
