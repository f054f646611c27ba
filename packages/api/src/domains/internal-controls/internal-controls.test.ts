import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@ipay/db';
import {
  appErrorOf,
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  http,
  payTestOrder,
  problemOf,
  relayTestEvents,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import { GENESIS_HASH } from './service/approvals';
import { runDailyRound } from './service/daily';
import { takeSnapshots } from './service/snapshots';

const DAY = 86_400_000;

describe('internal controls', () => {
  let platform: TestPlatform;
  let db: Db;
  let operator: string;
  let cfo: string;
  let cfoInFinance: string;
  let merchantToken: string;
  let brokenSession: string;

  beforeAll(async () => {
    platform = await createTestPlatform();
    db = platform.database.db;
    const admin = await createTestPlatformAdmin(platform);
    const org = admin.user.organization.id;
    operator = (await createTestUser(platform, org, ['operator'])).token;
    cfo = (await createTestUser(platform, org, ['cfo'])).token;
    cfoInFinance = (await createTestUser(platform, org, ['cfo', 'finance'])).token;
    const merchant = await createTestMerchant(platform);
    merchantToken = merchant.token;
    const paid = await payTestOrder(platform, { email: uniqueEmail('ic'), merchant });
    await relayTestEvents(platform);
    brokenSession = paid.sessionId;
    // The PSP payment flagged for refund: no payment for the paid session, and less collected than its amount.
    await sql`update payments set needs_refund = true where session_id = ${brokenSession}`.execute(db);
  });
  afterAll(() => platform.close());

  const as = (token: string) => platform.caller({ token }).internalControls;

  describe('the run and the overview', () => {
    it('runs every control as today’s results; the overview shows them and the day’s counts', async () => {
      const overview = await as(operator).run({});
      const byId = new Map(overview.today.controls.map((c) => [c.controlId, c]));
      expect(byId.get('di.paid-session-without-payment')).toMatchObject({
        status: 'RED',
        owner: 'operator',
        offenders: 1,
        evidence: [brokenSession],
        approval: null,
      });
      expect(byId.get('sm.payments-differ-from-session')?.status).toBe('RED');
      expect(byId.get('di.order-total-mismatch')?.status).toBe('GREEN');
      expect(overview.today.counts.RED).toBe(
        overview.today.controls.filter((c) => c.status === 'RED').length,
      );
      expect(overview.today.ranAt).not.toBeNull();
      const again = await as(cfo).overview();
      expect(again.today.controls).toHaveLength(overview.today.controls.length);
      expect(again.last30Days[0]).toMatchObject({ date: again.today.date, counts: again.today.counts });
      expect(again.last30Days[0]?.unapprovedRed).toBe(again.today.counts.RED);
    });

    it('is IPAY’s own: a merchant is refused, and an operator cannot approve', async () => {
      expect((await problemOf(as(merchantToken).overview())).status).toBe(403);
      const refused = await problemOf(
        as(operator).approve({
          control_id: 'di.paid-session-without-payment',
          initials: 'OP',
          note: 'looks fine',
        }),
      );
      expect(refused.status).toBe(403);
    });
  });

  describe('approvals', () => {
    let first = '';

    it('refuses the owner of a control: a CFO who holds finance cannot approve a finance control', async () => {
      const refused = await appErrorOf(
        as(cfoInFinance).approve({
          control_id: 'sm.payments-differ-from-session',
          initials: 'CF',
          note: 'looks fine',
        }),
      );
      expect(refused.code).toBe('owner_cannot_approve');
      expect(refused.status).toBe(403);
    });

    it('appends a CFO’s approval of a RED result to the chain, once', async () => {
      const approval = await as(cfo).approve({
        control_id: 'sm.payments-differ-from-session',
        initials: 'jd',
        note: 'PSP refund in progress, ticket FIN-12',
      });
      expect(approval).toMatchObject({
        position: 1,
        initials: 'JD',
        status: 'RED',
        previousHash: GENESIS_HASH,
      });
      first = approval.hash;
      const twice = await appErrorOf(
        as(cfo).approve({ control_id: 'sm.payments-differ-from-session', initials: 'JD', note: 'again' }),
      );
      expect(twice.code).toBe('already_approved');
      expect(twice.status).toBe(409);
    });

    it('links the next approval to the one before, and shows approvals in the overview', async () => {
      const second = await as(cfoInFinance).approve({
        control_id: 'di.paid-session-without-payment',
        initials: 'AB',
        note: 'Same session as FIN-12',
      });
      expect(second.previousHash).toBe(first);
      const overview = await as(cfo).overview();
      const approved = overview.today.controls.find((c) => c.controlId === 'di.paid-session-without-payment');
      expect(approved?.approval?.hash).toBe(second.hash);
      expect(overview.last30Days[0]?.unapprovedRed).toBe(overview.today.counts.RED - 2);
    });

    it('refuses a GREEN control, an unknown one and a bad body, naming the field', async () => {
      expect(
        (
          await appErrorOf(
            as(cfo).approve({ control_id: 'di.order-total-mismatch', initials: 'JD', note: 'not needed' }),
          )
        ).code,
      ).toBe('control_not_red');
      expect(
        (
          await problemOf(
            as(cfo).approve({ control_id: 'no.such-control', initials: 'JD', note: 'not needed' }),
          )
        ).status,
      ).toBe(404);
      const bad = await http(
        platform.baseUrl,
        'POST',
        '/api/internal-controls/di.order-total-mismatch/approve',
        {
          token: cfo,
          body: { initials: 'J1', note: 'not needed' },
        },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['initials']);
    });

    it('is permanent: SQL cannot change an approval, and a change made around that breaks the chain', async () => {
      expect(await as(cfo).verifyApprovals()).toEqual({
        valid: true,
        checked: 2,
        brokenAt: null,
        reason: null,
      });
      await expect(
        sql`update internal_control_approvals set note = 'nothing to see' where position = 1`.execute(db),
      ).rejects.toThrow(/append-only/);
      await expect(sql`delete from internal_control_approvals`.execute(db)).rejects.toThrow(/append-only/);
      await sql`alter table internal_control_approvals disable trigger internal_control_approvals_append_only`.execute(
        db,
      );
      await sql`update internal_control_approvals set note = 'nothing to see' where position = 1`.execute(db);
      await sql`alter table internal_control_approvals enable trigger internal_control_approvals_append_only`.execute(
        db,
      );
      const verdict = await as(cfo).verifyApprovals();
      expect(verdict).toMatchObject({ valid: false, checked: 2, brokenAt: 1 });
      expect(verdict.reason).toContain('does not match its hash');
    });
  });

  describe('data-integrity snapshots', () => {
    it('counts, sums and hashes the critical tables per day, with the change from the day before', async () => {
      const now = new Date();
      await takeSnapshots(db, new Date(now.getTime() - 40 * DAY));
      await takeSnapshots(db, new Date(now.getTime() - DAY));
      await payTestOrder(platform, { email: uniqueEmail('snap') });
      await takeSnapshots(db, now);
      const { items } = await platform
        .caller({ token: operator })
        .dataIntegrity.snapshots({ table: 'orders' });
      expect(items.map((i) => i.date)).toEqual([
        now.toISOString().slice(0, 10),
        new Date(now.getTime() - DAY).toISOString().slice(0, 10),
      ]);
      const [today, yesterday] = items;
      expect(today?.change).toMatchObject({ rowCount: 1, hashChanged: true });
      expect(today?.change?.amountSum).toBe((today?.amountSum ?? 0) - (yesterday?.amountSum ?? 0));
      expect(today?.change?.amountSum).toBeGreaterThan(0);
      expect(yesterday?.change).toBeNull();
      const all = await platform.caller({ token: operator }).dataIntegrity.snapshots({});
      expect(new Set(all.items.map((i) => i.table))).toContain('internal_control_approvals');
    });
  });

  describe('the compliance register', () => {
    const register = () => platform.caller({ token: operator }).compliance;

    it('is seeded with a starting register, each requirement with the status of its controls', async () => {
      const { items } = await register().register({ includeRetired: 'false' });
      const psd2 = items.find((r) => r.code === 'PSD2-SAFEGUARDING');
      expect(psd2?.owner).toBe('finance');
      expect(psd2?.controls).toContainEqual({ controlId: 'di.paid-session-without-payment', status: 'RED' });
      expect(items.map((r) => r.area)).toEqual(
        expect.arrayContaining(['GDPR', 'PSD2', 'PCI DSS', 'PSP terms']),
      );
    });

    it('is kept by operators: create, update, retire; codes unique, controls known', async () => {
      const created = await register().create({
        code: 'GDPR-ART30',
        area: 'GDPR',
        title: 'Records of processing activities are kept',
        owner: 'platform_admin',
        evidence: 'docs/operations.md, processing records',
        controlIds: ['sec.removed-users-with-roles'],
        nextReviewOn: '2020-01-01',
      });
      expect(created).toMatchObject({
        reviewOverdue: true,
        controls: [{ controlId: 'sec.removed-users-with-roles' }],
      });
      expect(
        await problemOf(
          register().create({ ...created, controlIds: [], code: 'GDPR-ART30', nextReviewOn: '2030-01-01' }),
        ),
      ).toMatchObject({ status: 409, code: 'requirement_code_taken', fields: ['code'] });
      expect(await problemOf(register().update({ id: created.id, controlIds: ['nope'] }))).toMatchObject({
        status: 400,
        fields: ['controlIds'],
      });
      const updated = await register().update({ id: created.id, nextReviewOn: '2099-01-01' });
      expect(updated).toMatchObject({ reviewOverdue: false, title: created.title });
      const retired = await register().retire({ id: created.id, reason: 'merged into GDPR-ART32' });
      expect(retired.retiredReason).toBe('merged into GDPR-ART32');
      expect((await register().register({ includeRetired: 'false' })).items.map((r) => r.id)).not.toContain(
        created.id,
      );
      expect((await register().register({ includeRetired: 'true' })).items.map((r) => r.id)).toContain(
        created.id,
      );
      expect((await appErrorOf(register().update({ id: created.id, title: 'again' }))).code).toBe(
        'requirement_retired',
      );
      expect(
        (
          await problemOf(
            platform.caller({ token: cfo }).compliance.retire({ id: created.id, reason: 'x y z' }),
          )
        ).status,
      ).toBe(403);
    });
  });

  describe('the daily round', () => {
    it('e-mails the digest to the finance group once a day, however often it runs', async () => {
      const now = new Date();
      const first = await runDailyRound(db, { now, publicUrl: 'https://ipay.example' });
      await runDailyRound(db, { now, publicUrl: 'https://ipay.example' });
      expect(first.digestRecipients).toBe(2);
      expect(first.red).toBeGreaterThanOrEqual(2);
      const mails = await db
        .selectFrom('email_outbox')
        .select(['to', 'subject', 'html', 'idempotency_key'])
        .where('idempotency_key', 'like', 'internal-controls-digest:%')
        .execute();
      expect(mails).toHaveLength(2);
      expect(mails[0]?.subject).toContain(`${first.red} red`);
      expect(mails[0]?.html).toContain('di.paid-session-without-payment');
      expect(mails[0]?.html).toContain('https://ipay.example/api/internal-controls/overview');
    });
  });
});
