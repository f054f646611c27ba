import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloneTestSessions,
  createTestPaymentSession,
  createTestPlatformAdmin,
  createTestUser,
  payTestOrder,
  relayTestEvents,
  runEmailJob,
  startTestResend,
  uniqueEmail,
  type FakeResend,
  type TestPlatform,
} from '../../testing';
import { startPageHarness, type PageHarness } from '../../testing/browser';
import { runDailyRound } from './service/daily';
import { renderDigest } from './service/digest';

const HOUR = 3_600_000;

/**
 * The digest as the finance group receives it: the daily round on broken data, the e-mail sent through (a fake)
 * Resend, and what Resend was given rendered in Chromium, checked with axe-core and photographed.
 */
describe('the daily digest in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;
  let resend: FakeResend;

  beforeAll(async () => {
    const mail = await startTestResend();
    resend = mail.resend;
    harness = await startPageHarness({ env: mail.env });
    platform = harness.platform;
  });
  afterAll(async () => {
    await harness?.close();
    await resend?.close();
  });

  const bodyText = (html: string) =>
    harness.open().then(async (page) => {
      await page.setContent(html);
      return { page, text: (await page.evaluate('document.body.innerText')) as string };
    });

  it('shows the counts and each AMBER and RED control with its evidence, escaping it, and no GREEN one', async () => {
    const db = platform.database.db;
    const operators = (await createTestPlatformAdmin(platform)).user.organization.id;
    const cfo = await createTestUser(platform, operators, ['cfo']);
    // RED: seven paid sessions without their PSP payment, more than the digest lists.
    const paid = await payTestOrder(platform, { email: uniqueEmail('digest') });
    await relayTestEvents(platform);
    await sql`update payments set needs_refund = true where session_id = ${paid.sessionId}`.execute(db);
    await cloneTestSessions(db, { sessionId: paid.sessionId, count: 6, set: {} });
    // AMBER: two unpaid sessions an hour and more past their expiry.
    const pending = (await createTestPaymentSession(platform, paid.merchant)).session.id as string;
    const late = new Date(Date.now() - 2 * HOUR).toISOString();
    await cloneTestSessions(db, { sessionId: pending, count: 2, set: { expires_at: sql`${late}::text` } });

    const round = await runDailyRound(db, { now: new Date(), publicUrl: platform.config.publicUrl });
    const overview = await platform.caller({ token: cfo.token }).internalControls.overview();
    const byId = new Map(overview.today.controls.map((control) => [control.controlId, control]));
    const red = byId.get('di.paid-session-without-payment');
    expect(red).toMatchObject({ status: 'RED', offenders: 7 });
    expect(byId.get('psp.sessions-past-expiry')).toMatchObject({ status: 'AMBER', offenders: 2 });
    expect(byId.get('di.order-total-mismatch')?.status).toBe('GREEN');

    const queued = await db
      .selectFrom('email_outbox')
      .select('id')
      .where('to', '=', cfo.email)
      .where('idempotency_key', 'like', 'internal-controls-digest:%')
      .executeTakeFirstOrThrow();
    expect(await runEmailJob(platform, queued.id)).toBe('sent');
    const sent = resend.emails.find((email) => email.to.includes(cfo.email));
    expect(sent?.subject).toContain(`${round.red} red, ${round.amber} amber`);

    const { page, text } = await bodyText(sent?.html ?? '');
    expect(text).toContain(`${round.red} red`);
    expect(text).toContain('di.paid-session-without-payment');
    expect(text).toContain(`${red?.evidence.slice(0, 5).join(', ')}, …`);
    expect(text).toContain('psp.sessions-past-expiry');
    expect(text).not.toContain('di.order-total-mismatch');
    expect(text).toContain(`${platform.config.publicUrl}/api/internal-controls/overview`);
    await harness.check(page, 'internal-controls-digest');

    // Evidence is ids today; should a control ever list text, it is shown as text, never run as markup.
    const markup = '<script>alert(1)</script>';
    const hostile = overview.today.controls.map((control) =>
      control === red ? { ...control, evidence: [markup] } : control,
    );
    const digest = renderDigest({ ...overview, today: { ...overview.today, controls: hostile } }, 'x');
    const shown = await bodyText(digest.html);
    expect(shown.text).toContain(markup);
    expect(await shown.page.$('script')).toBeNull();
    expect(harness.problems).toEqual([]);
  });
});
