import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestOrganization,
  createTestPlatformAdmin,
  createTestUser,
  http,
  TEST_PASSWORD,
  uniqueEmail,
  type TestPlatform,
  createTestPlatform,
  problemOf,
} from '../../../testing';
import type { AuthSession } from '../schemas';
import { getActor } from '../service';
import { disableMember } from './service';

describe('members and invitations', () => {
  let platform: TestPlatform;
  let admin: AuthSession;

  beforeAll(async () => {
    platform = await createTestPlatform({
      env: { LOGIN_RATE_LIMIT: '1000', PUBLIC_URL: 'https://app.ipay.test' },
    });
    admin = await createTestMerchant(platform);
  });
  afterAll(() => platform.close());

  const caller = (token: string) => platform.caller({ token });
  const roleId = async (key: string) =>
    (
      await platform.database.db
        .selectFrom('roles')
        .select('id')
        .where('system_key', '=', key)
        .executeTakeFirstOrThrow()
    ).id;
  /** The token of the newest link of this kind mailed to this address. */
  async function mailedToken(email: string, kind: 'invitations' | 'password-reset'): Promise<string> {
    const mail = await platform.database.db
      .selectFrom('email_outbox')
      .select(['text', 'html'])
      .where('to', '=', email)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const token = new RegExp(`https://app\\.ipay\\.test/${kind}/([A-Za-z0-9_-]{43})`).exec(mail.text)?.[1];
    if (!token) throw new Error(`no ${kind} link in: ${mail.text}`);
    return token;
  }
  async function inviteAndAccept(
    by: AuthSession | string,
    roleKey = 'merchant_user',
    organizationId?: string,
  ) {
    const token = typeof by === 'string' ? by : by.token;
    const email = uniqueEmail('invitee');
    const invitation = await caller(token).auth.members.invite({
      email,
      roleIds: [await roleId(roleKey)],
      organizationId,
    });
    const session = await platform.caller().auth.invitations.accept({
      token: await mailedToken(email, 'invitations'),
      name: 'Ines Invited',
      password: TEST_PASSWORD,
    });
    return { email, invitation, session };
  }

  it('invites by e-mail; the invitee accepts with a name and password, holds the invited roles and signs in', async () => {
    const email = uniqueEmail('new');
    const invitation = await caller(admin.token).auth.members.invite({
      email: email.toUpperCase(),
      roleIds: [await roleId('merchant_user')],
    });
    expect(invitation).toMatchObject({
      email,
      organizationId: admin.user.organization.id,
      status: 'pending',
      invitedBy: admin.user.id,
      roles: [{ key: 'merchant_user' }],
    });
    const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    const mail = await platform.database.db
      .selectFrom('email_outbox')
      .selectAll()
      .where('to', '=', email)
      .executeTakeFirstOrThrow();
    expect(mail.subject).toContain(admin.user.organization.name);
    expect(mail.html).toContain('https://app.ipay.test/invitations/');
    const token = await mailedToken(email, 'invitations');
    const stored = await platform.database.db
      .selectFrom('user_invitations')
      .select('token_hash')
      .where('id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const preview = await platform.caller().auth.invitations.preview({ token });
    expect(preview).toEqual({
      email,
      organization: { name: admin.user.organization.name, type: 'merchant' },
      expiresAt: invitation.expiresAt,
    });
    const pending = await caller(admin.token).auth.members.listInvitations({ limit: 50 });
    expect(pending.items.map((i) => i.id)).toContain(invitation.id);

    const session = await platform
      .caller()
      .auth.invitations.accept({ token, name: 'Nina New', password: TEST_PASSWORD });
    expect(session.user).toMatchObject({
      email,
      name: 'Nina New',
      status: 'active',
      organization: { id: admin.user.organization.id },
      roles: [{ key: 'merchant_user' }],
    });
    const me = await caller(session.token).auth.me();
    expect(me.id).toBe(session.user.id);
    const login = await platform.caller().auth.login({ email, password: TEST_PASSWORD });
    expect(login.user.id).toBe(session.user.id);

    const members = await caller(admin.token).auth.members.list({ limit: 50 });
    expect(members.items.find((m) => m.id === session.user.id)).toMatchObject({
      status: 'active',
      roles: [{ key: 'merchant_user' }],
    });
    const after = await caller(admin.token).auth.members.listInvitations({ limit: 50 });
    expect(after.items.map((i) => i.id)).not.toContain(invitation.id);

    const events = await platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'actor_user_id'])
      .where('resource_id', 'in', [invitation.id, session.user.id])
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(['user.created', 'user.invited']);
    expect(events.every((e) => e.actor_user_id === admin.user.id)).toBe(true);
  });

  it('replaces the pending invitation when the same address is invited again; the first link stops working', async () => {
    const email = uniqueEmail('twice');
    const first = await caller(admin.token).auth.members.invite({
      email,
      roleIds: [await roleId('merchant_user')],
    });
    const firstToken = await mailedToken(email, 'invitations');
    const second = await caller(admin.token).auth.members.invite({
      email,
      roleIds: [await roleId('merchant_admin')],
    });
    expect(second.id).not.toBe(first.id);
    const pending = await caller(admin.token).auth.members.listInvitations({ limit: 200 });
    expect(pending.items.filter((i) => i.email === email).map((i) => i.id)).toEqual([second.id]);
    expect(await problemOf(platform.caller().auth.invitations.preview({ token: firstToken }))).toMatchObject({
      status: 410,
      code: 'invitation_revoked',
    });
    const session = await platform.caller().auth.invitations.accept({
      token: await mailedToken(email, 'invitations'),
      name: 'Second Time',
      password: TEST_PASSWORD,
    });
    expect(session.user.roles.map((r) => r.key)).toEqual(['merchant_admin']);
  });

  it('refuses to invite an address that already has an account: 409 email_taken naming the field', async () => {
    const problem = await problemOf(
      caller(admin.token).auth.members.invite({
        email: admin.user.email,
        roleIds: [await roleId('merchant_user')],
      }),
    );
    expect(problem).toEqual({ status: 409, code: 'email_taken', fields: ['email'] });
  });

  it('answers 404 for an unknown link, 410 invitation_expired after 7 days and 410 invitation_used once accepted', async () => {
    const unknown = 'A'.repeat(43);
    expect(await problemOf(platform.caller().auth.invitations.preview({ token: unknown }))).toMatchObject({
      status: 404,
    });

    const email = uniqueEmail('late');
    const invitation = await caller(admin.token).auth.members.invite({
      email,
      roleIds: [await roleId('merchant_user')],
    });
    const token = await mailedToken(email, 'invitations');
    await platform.database.db
      .updateTable('user_invitations')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', invitation.id)
      .execute();
    expect(await problemOf(platform.caller().auth.invitations.preview({ token }))).toMatchObject({
      status: 410,
      code: 'invitation_expired',
    });
    expect(
      await problemOf(
        platform.caller().auth.invitations.accept({ token, name: 'Too Late', password: TEST_PASSWORD }),
      ),
    ).toMatchObject({ status: 410, code: 'invitation_expired' });

    const { session } = await inviteAndAccept(admin);
    const used = await platform.database.db
      .selectFrom('user_invitations')
      .select('token_hash')
      .where('accepted_user_id', '=', session.user.id)
      .executeTakeFirstOrThrow();
    expect(used).toBeDefined();
    const again = await inviteAndAcceptToken(session.user.email);
    expect(again).toMatchObject({ status: 410, code: 'invitation_used' });
  });

  /** Accepts the newest invitation mailed to an address that was already accepted. */
  async function inviteAndAcceptToken(email: string) {
    const token = await mailedToken(email, 'invitations');
    return problemOf(
      platform.caller().auth.invitations.accept({ token, name: 'Again', password: TEST_PASSWORD }),
    );
  }

  it('revokes a pending invitation: its link answers 410 invitation_revoked', async () => {
    const email = uniqueEmail('revoked');
    const invitation = await caller(admin.token).auth.members.invite({
      email,
      roleIds: [await roleId('merchant_user')],
    });
    const revoked = await caller(admin.token).auth.members.revokeInvitation({ id: invitation.id });
    expect(revoked.status).toBe('revoked');
    expect(
      await problemOf(
        platform.caller().auth.invitations.preview({ token: await mailedToken(email, 'invitations') }),
      ),
    ).toMatchObject({ status: 410, code: 'invitation_revoked' });
    expect(
      await problemOf(caller(admin.token).auth.members.revokeInvitation({ id: invitation.id })),
    ).toMatchObject({
      status: 404,
    });
  });

  it('grants only roles of the organization and within the granter’s own permissions (422 / 403 naming the role)', async () => {
    const operatorRole = await problemOf(
      caller(admin.token).auth.members.invite({
        email: uniqueEmail(),
        roleIds: [await roleId('merchant_user'), await roleId('platform_admin')],
      }),
    );
    expect(operatorRole).toEqual({ status: 422, code: 'role_not_grantable', fields: ['roleIds.1'] });

    const other = await createTestMerchant(platform, 'Other Shop');
    const foreign = await caller(other.token).rbac.createRole({ name: 'Packers' });
    expect(
      await problemOf(
        caller(admin.token).auth.members.invite({ email: uniqueEmail(), roleIds: [foreign.id] }),
      ),
    ).toMatchObject({ status: 422, code: 'role_not_grantable', fields: ['roleIds.0'] });

    // A team lead may manage users but holds far less than a merchant admin.
    const platformAdmin = await createTestPlatformAdmin(platform);
    const teamLeadRole = await caller(platformAdmin.token).rbac.createRole({
      name: 'Team lead',
      organizationId: admin.user.organization.id,
      permissions: ['read', 'create', 'update'].map((action) => ({
        resource: 'users' as const,
        action: action as 'read',
        scope: 'organization' as const,
      })),
    });
    const { session: lead } = await inviteAndAccept(admin, 'merchant_user');
    await caller(admin.token).auth.members.setRoles({ id: lead.user.id, roleIds: [teamLeadRole.id] });
    const teamLead = await platform.caller().auth.login({ email: lead.user.email, password: TEST_PASSWORD });
    expect(
      await problemOf(
        caller(teamLead.token).auth.members.invite({
          email: uniqueEmail(),
          roleIds: [await roleId('merchant_admin')],
        }),
      ),
    ).toEqual({ status: 403, code: 'role_exceeds_granter', fields: ['roleIds.0'] });
    // Nor may the team lead take the merchant admin role away from someone.
    expect(
      await problemOf(
        caller(teamLead.token).auth.members.setRoles({ id: admin.user.id, roleIds: [teamLeadRole.id] }),
      ),
    ).toMatchObject({ status: 403, code: 'role_exceeds_granter' });
    // …nor disable them (removing needs users:delete, which a team lead lacks anyway).
    expect(await problemOf(caller(teamLead.token).auth.members.disable({ id: admin.user.id }))).toMatchObject(
      {
        status: 403,
        code: 'member_outranks_you',
      },
    );
    expect(await problemOf(caller(teamLead.token).auth.members.remove({ id: admin.user.id }))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    const invited = await caller(teamLead.token).auth.members.invite({
      email: uniqueEmail(),
      roleIds: [teamLeadRole.id],
    });
    expect(invited.roles.map((r) => r.name)).toEqual(['Team lead']);
  });

  it("does not let a custom role's edit take the last admin's users:update away (409 last_admin)", async () => {
    const shop = await createTestMerchant(platform, 'Owner Shop');
    const owner = await caller(shop.token).rbac.createRole({
      name: 'Owner',
      permissions: [
        { resource: 'users', action: 'read', scope: 'organization' },
        { resource: 'users', action: 'update', scope: 'organization' },
      ],
    });
    await caller(shop.token).auth.members.setRoles({ id: shop.user.id, roleIds: [owner.id] });
    // The owner no longer holds roles:update: IPAY edits the role.
    const operator = await createTestPlatformAdmin(platform);
    const readOnly = [
      { resource: 'users' as const, action: 'read' as const, scope: 'organization' as const },
    ];
    expect(
      await problemOf(
        caller(operator.token).rbac.setRolePermissions({ id: owner.id, permissions: readOnly }),
      ),
    ).toMatchObject({ status: 409, code: 'last_admin' });

    // With another admin (a system role), the custom role may lose the right.
    await createTestUser(platform, shop.user.organization.id, ['merchant_admin']);
    const edited = await caller(operator.token).rbac.setRolePermissions({
      id: owner.id,
      permissions: readOnly,
    });
    expect(edited.permissions).toEqual(readOnly);
  });

  it('never leaves an organization without an active admin: 409 last_admin', async () => {
    const shop = await createTestMerchant(platform, 'Lonely Shop');
    const platformAdmin = await createTestPlatformAdmin(platform);
    const { session: helper } = await inviteAndAccept(shop, 'merchant_user');

    expect(
      await problemOf(caller(platformAdmin.token).auth.members.disable({ id: shop.user.id })),
    ).toMatchObject({
      status: 409,
      code: 'last_admin',
    });
    expect(
      await problemOf(caller(platformAdmin.token).auth.members.remove({ id: shop.user.id })),
    ).toMatchObject({
      status: 409,
      code: 'last_admin',
    });
    expect(
      await problemOf(
        caller(shop.token).auth.members.setRoles({
          id: shop.user.id,
          roleIds: [await roleId('merchant_user')],
        }),
      ),
    ).toMatchObject({ status: 409, code: 'last_admin' });
    expect(await problemOf(caller(shop.token).auth.members.disable({ id: shop.user.id }))).toMatchObject({
      status: 403,
      code: 'own_account',
    });

    // With a second admin, the first may step down.
    await caller(shop.token).auth.members.setRoles({
      id: helper.user.id,
      roleIds: [await roleId('merchant_admin')],
    });
    const steppedDown = await caller(shop.token).auth.members.setRoles({
      id: shop.user.id,
      roleIds: [await roleId('merchant_user')],
    });
    expect(steppedDown.roles.map((r) => r.key)).toEqual(['merchant_user']);
    const events = await platform.database.db
      .selectFrom('domain_events')
      .select('type')
      .where('resource_id', '=', shop.user.id)
      .where('type', '=', 'user.roles_changed')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('lets only one of two admins disabling each other at once succeed', async () => {
    const shop = await createTestMerchant(platform, 'Twin Shop');
    const { session: twin } = await inviteAndAccept(shop, 'merchant_admin');
    // Both actors are loaded (both active) before either change runs, as two requests arriving together.
    const claims = (s: AuthSession) => ({ userId: s.user.id, organizationId: s.user.organization.id });
    const [first, second] = await Promise.all([
      getActor(platform.database.db, claims(shop)),
      getActor(platform.database.db, claims(twin)),
    ]);
    const disable = (actor: typeof first, id: string) =>
      platform.database.db
        .transaction()
        .execute((trx) => disableMember(trx, { actor: actor!, scope: 'organization', id }));
    const outcomes = await Promise.allSettled([disable(first, twin.user.id), disable(second, shop.user.id)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect((refused?.reason as { code: string }).code).toBe('last_admin');
    const active = await platform.database.db
      .selectFrom('users')
      .select('id')
      .where('organization_id', '=', shop.user.organization.id)
      .where('status', '=', 'active')
      .execute();
    expect(active).toHaveLength(1);
  });

  it('keeps one pending invitation when the same address is invited twice at once', async () => {
    const email = uniqueEmail('race');
    const roleIds = [await roleId('merchant_user')];
    await Promise.all([
      caller(admin.token).auth.members.invite({ email, roleIds }),
      caller(admin.token).auth.members.invite({ email, roleIds }),
    ]);
    const pending = await platform.database.db
      .selectFrom('user_invitations')
      .select('id')
      .where('email', '=', email)
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(1);
  });

  it('disabling refuses the member’s tokens, also after re-enabling; a new sign-in works', async () => {
    const { email, session } = await inviteAndAccept(admin);
    await caller(admin.token).auth.members.disable({ id: session.user.id });
    expect(await problemOf(caller(session.token).auth.me())).toMatchObject({ status: 401 });
    expect(await problemOf(platform.caller().auth.login({ email, password: TEST_PASSWORD }))).toMatchObject({
      status: 401,
    });
    const enabled = await caller(admin.token).auth.members.enable({ id: session.user.id });
    expect(enabled.status).toBe('active');
    expect(await problemOf(caller(session.token).auth.me())).toMatchObject({ status: 401 });
    const again = await platform.caller().auth.login({ email, password: TEST_PASSWORD });
    expect((await caller(again.token).auth.me()).id).toBe(session.user.id);
    const types = await platform.database.db
      .selectFrom('domain_events')
      .select('type')
      .where('resource_id', '=', session.user.id)
      .orderBy('sequence')
      .execute();
    expect(types.map((t) => t.type)).toEqual(['user.created', 'user.disabled', 'user.enabled']);
  });

  it('removes a member: no sign-in, gone from lists, the row kept, the address free for a new invitation', async () => {
    const { email, session } = await inviteAndAccept(admin);
    const removed = await caller(admin.token).auth.members.remove({ id: session.user.id });
    expect(removed.id).toBe(session.user.id);
    expect(await problemOf(caller(session.token).auth.me())).toMatchObject({ status: 401 });
    expect(await problemOf(platform.caller().auth.login({ email, password: TEST_PASSWORD }))).toMatchObject({
      status: 401,
    });
    expect(await problemOf(caller(admin.token).auth.members.get({ id: session.user.id }))).toMatchObject({
      status: 404,
    });
    const list = await caller(admin.token).auth.members.list({ limit: 200 });
    expect(list.items.map((m) => m.id)).not.toContain(session.user.id);
    const row = await platform.database.db
      .selectFrom('users')
      .select(['status', 'removed_at'])
      .where('id', '=', session.user.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('disabled');
    expect(row.removed_at).not.toBeNull();

    await caller(admin.token).auth.members.invite({ email, roleIds: [await roleId('merchant_user')] });
    const back = await platform.caller().auth.invitations.accept({
      token: await mailedToken(email, 'invitations'),
      name: 'Back Again',
      password: TEST_PASSWORD,
    });
    expect(back.user.id).not.toBe(session.user.id);
    expect((await platform.caller().auth.login({ email, password: TEST_PASSWORD })).user.id).toBe(
      back.user.id,
    );
  });

  it('keeps admins to their own organization; operators act on any organization, IPAY staff included', async () => {
    const other = await createTestMerchant(platform, 'Far Away Shop');
    expect(
      await problemOf(
        caller(admin.token).auth.members.list({ limit: 10, organizationId: other.user.organization.id }),
      ),
    ).toEqual({ status: 403, code: 'forbidden', fields: ['organizationId'] });
    expect(await problemOf(caller(admin.token).auth.members.get({ id: other.user.id }))).toMatchObject({
      status: 404,
    });
    expect(await problemOf(caller(admin.token).auth.members.disable({ id: other.user.id }))).toMatchObject({
      status: 404,
    });

    const platformAdmin = await createTestPlatformAdmin(platform);
    const theirs = await caller(platformAdmin.token).auth.members.list({
      limit: 10,
      organizationId: other.user.organization.id,
    });
    expect(theirs.items.map((m) => m.id)).toEqual([other.user.id]);
    const { session: colleague } = await inviteAndAccept(platformAdmin, 'finance');
    expect(colleague.user.organization).toMatchObject({
      id: platformAdmin.user.organization.id,
      type: 'operator',
    });
    const { session: partnerUser } = await inviteAndAccept(
      platformAdmin,
      'driver',
      await createTestOrganization(platform, 'partner'),
    );
    expect(partnerUser.user.organization.type).toBe('partner');

    // A merchant user reads only themselves and changes nobody.
    const user = await createTestUser(platform, admin.user.organization.id, ['merchant_user']);
    const own = await caller(user.token).auth.members.list({ limit: 10 });
    expect(own.items.map((m) => m.id)).toEqual([user.userId]);
    expect(await problemOf(caller(user.token).auth.members.disable({ id: admin.user.id }))).toMatchObject({
      status: 403,
    });
  });

  it('replays an invitation sent with the same Idempotency-Key instead of mailing twice', async () => {
    const email = uniqueEmail('idem');
    const body = { email, roleIds: [await roleId('merchant_user')] };
    const headers = { 'idempotency-key': `invite-${email}` };
    const first = await http(platform.baseUrl, 'POST', '/api/members/invitations', {
      token: admin.token,
      body,
      headers,
    });
    const second = await http(platform.baseUrl, 'POST', '/api/members/invitations', {
      token: admin.token,
      body,
      headers,
    });
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const mails = await platform.database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('to', '=', email)
      .execute();
    expect(mails).toHaveLength(1);
  });

  it('serves members and invitations over REST', async () => {
    const base = platform.baseUrl;
    const email = uniqueEmail('rest');
    const invited = await http(base, 'POST', '/api/members/invitations', {
      token: admin.token,
      body: { email, roleIds: [await roleId('merchant_user')] },
    });
    expect(invited.status).toBe(200);
    const pending = await http(base, 'GET', '/api/members/invitations?limit=200', { token: admin.token });
    expect(pending.status).toBe(200);
    expect(pending.body.items.map((i: { id: string }) => i.id)).toContain(invited.body.id);
    const token = await mailedToken(email, 'invitations');
    const preview = await http(base, 'GET', `/api/invitations/${token}`);
    expect(preview).toMatchObject({ status: 200, body: { email } });
    const accepted = await http(base, 'POST', `/api/invitations/${token}/accept`, {
      body: { name: 'Rest Member', password: TEST_PASSWORD },
    });
    expect(accepted.status).toBe(200);
    const memberId = accepted.body.user.id as string;
    const used = await http(base, 'POST', `/api/invitations/${token}/accept`, {
      body: { name: 'Rest Member', password: TEST_PASSWORD },
    });
    expect(used.status).toBe(410);
    expect(used.headers.get('content-type')).toContain('application/problem+json');
    expect(used.body.code).toBe('invitation_used');

    const list = await http(base, 'GET', '/api/members?limit=1', { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const one = await http(base, 'GET', `/api/members/${memberId}`, { token: admin.token });
    expect(one.body).toMatchObject({ id: memberId, status: 'active' });
    const roles = await http(base, 'PUT', `/api/members/${memberId}/roles`, {
      token: admin.token,
      body: { roleIds: [await roleId('merchant_admin')] },
    });
    expect(roles.body.roles.map((r: { key: string }) => r.key)).toEqual(['merchant_admin']);
    const bad = await http(base, 'PUT', `/api/members/${memberId}/roles`, {
      token: admin.token,
      body: { roleIds: [await roleId('driver')] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { field: 'roleIds.0', message: expect.any(String), code: 'not_grantable' },
    ]);
    expect(
      (await http(base, 'POST', `/api/members/${memberId}/disable`, { token: admin.token })).body.status,
    ).toBe('disabled');
    expect(
      (await http(base, 'POST', `/api/members/${memberId}/enable`, { token: admin.token })).body.status,
    ).toBe('active');
    const removed = await http(base, 'DELETE', `/api/members/${memberId}`, { token: admin.token });
    expect(removed.status).toBe(200);
    expect((await http(base, 'GET', `/api/members/${memberId}`, { token: admin.token })).status).toBe(404);

    const revokeMe = await http(base, 'POST', '/api/members/invitations', {
      token: admin.token,
      body: { email: uniqueEmail(), roleIds: [await roleId('merchant_user')] },
    });
    const revoked = await http(base, 'DELETE', `/api/members/invitations/${revokeMe.body.id}`, {
      token: admin.token,
    });
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked' } });
  });
});
