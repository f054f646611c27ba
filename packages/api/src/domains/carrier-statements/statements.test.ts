import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appErrorOf,
  createResendTestPlatform,
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestReconciliations,
  createTestUser,
  http,
  runEmailJob,
  pdfPages,
  pdfToPngs,
  type TestPlatform,
  type TestReconciliationLine,
} from '../../testing';

/**
 * Flagging invoice lines, the credit statement's revisions and PDF, sending, aging and resolving, against a real
 * database, the real Chromium and real HTTP. Reconciliations are written as matching leaves them.
 */
const OUTPUT = fileURLToPath(new URL('../../../test-output/carrier-statements/', import.meta.url));

const mismatch = (billedMinor: number, expectedMinor: number, extra: Partial<TestReconciliationLine> = {}) =>
  ({
    status: 'MISMATCH',
    billedMinor,
    expectedMinor,
    causes: ['weight'],
    ...extra,
  }) as TestReconciliationLine;

describe('carrier statements', () => {
  let platform: TestPlatform;
  let admin: string;
  let finance: string;
  let merchant: string;
  let carrierSeq = 0;
  beforeAll(async () => {
    platform = await createTestPlatform({
      env: { STATEMENT_ISSUER: 'IPAY B.V.|Keizersgracht 100|1015 AA Amsterdam|Nederland' },
    });
    const operator = await createTestPlatformAdmin(platform);
    admin = operator.token;
    finance = (await createTestUser(platform, operator.user.organization.id, ['finance'])).token;
    merchant = (await createTestMerchant(platform)).token;
  });
  afterAll(() => platform.close());

  /** A carrier of its own per test, so statements never mix. */
  const newCarrier = () =>
    `T${String((carrierSeq += 1)).padStart(2, '0')}${Date.now().toString(36).toUpperCase().slice(-4)}`;
  const reconciliations = (carrier: string, lines: TestReconciliationLine[]) =>
    createTestReconciliations(platform.database.db, { carrier, lines });
  const api = (token = finance) => platform.caller({ token }).carrierStatements;
  const setContact = (cc: string) =>
    api().setBillingContact({
      cc,
      email: `billing@${cc.toLowerCase()}.example`,
      name: 'Attn. Billing Department',
      addressLines: ['Postbus 12345', '1100 AA Amsterdam', 'Nederland'],
    });
  const trail = (id: string) =>
    platform.database.db
      .selectFrom('carrier_reconciliation_decisions')
      .select(['action', 'reason'])
      .where('reconciliation_id', '=', id)
      .orderBy('created_at')
      .execute();

  describe('request-credit, exclude, withdraw', () => {
    it('flags an over-billed line onto a new statement, and a retry with the same reason changes nothing', async () => {
      const cc = newCarrier();
      const { importId, ids } = await reconciliations(cc, [mismatch(1_500, 1_200)]);
      const [id = ''] = ids;
      const first = await api().requestCredit({ cc, id, reason: 'Billed 5 kg, parcel weighed 2.5 kg' });
      expect(first.changed).toBe(true);
      expect(first.reconciliation).toMatchObject({
        id,
        import_id: importId,
        carrier_code: cc,
        status: 'MISMATCH',
        billed_minor: 1_500,
        expected_minor: 1_200,
        delta_minor: 300,
        decision: 'credit_requested',
        decision_reason: 'Billed 5 kg, parcel weighed 2.5 kg',
      });
      expect(first.statement).toMatchObject({
        importId,
        status: 'draft',
        currentRevision: 1,
        claimed: { amountMinor: 300, currency: 'EUR' },
        lines: [{ reconciliationId: id, claimedMinor: 300, reason: 'Billed 5 kg, parcel weighed 2.5 kg' }],
      });
      expect(first.statement?.number).toMatch(new RegExp(`^CS-${cc}-\\d{6}$`));

      const again = await api().requestCredit({ cc, id, reason: 'Billed 5 kg, parcel weighed 2.5 kg' });
      expect(again.changed).toBe(false);
      expect(again.statement?.currentRevision).toBe(1);
      expect(await trail(id)).toHaveLength(1);

      const reworded = await api().requestCredit({ cc, id, reason: 'Weighed 2.5 kg at pick-up' });
      expect(reworded.changed).toBe(true);
      expect(reworded.statement?.currentRevision).toBe(2);
      expect(reworded.statement?.lines[0]?.reason).toBe('Weighed 2.5 kg at pick-up');
    });

    it('undoes only by new entries: exclude takes a line off the statement, withdraw leaves it undecided', async () => {
      const cc = newCarrier();
      const { ids } = await reconciliations(cc, [mismatch(1_500, 1_200), mismatch(900, 800)]);
      const [a = '', b = ''] = ids;
      await api().requestCredit({ cc, id: a, reason: 'Wrong zone' });
      const both = await api().requestCredit({ cc, id: b, reason: 'Fuel applied twice' });
      expect(both.statement?.claimed.amountMinor).toBe(400);

      const excluded = await api().exclude({ cc, id: a, reason: 'Carrier’s zone was right after all' });
      expect(excluded.reconciliation.decision).toBe('excluded');
      expect(excluded.statement).toMatchObject({ currentRevision: 3, claimed: { amountMinor: 100 } });
      expect(excluded.statement?.lines.map((l) => l.reconciliationId)).toEqual([b]);

      const withdrawn = await api().withdraw({ cc, id: b, reason: 'Asked by mistake' });
      expect(withdrawn.reconciliation).toMatchObject({ decision: null, decision_reason: null });
      expect(withdrawn.statement).toMatchObject({
        currentRevision: 4,
        claimed: { amountMinor: 0 },
        lines: [],
      });
      // Excluding, then withdrawing the exclusion, leaves the statement alone.
      const unexcluded = await api().withdraw({ cc, id: a, reason: 'Re-check the zone' });
      expect(unexcluded.statement?.currentRevision).toBe(4);
      expect((await api().withdraw({ cc, id: a, reason: 'Again' })).changed).toBe(false);

      expect(await trail(a)).toEqual([
        { action: 'request_credit', reason: 'Wrong zone' },
        { action: 'exclude', reason: 'Carrier’s zone was right after all' },
        { action: 'withdraw', reason: 'Re-check the zone' },
      ]);
      const revisions = await platform.database.db
        .selectFrom('carrier_statement_revisions')
        .select(['revision', 'line_count', 'claimed_minor'])
        .where('statement_id', '=', withdrawn.statement?.id ?? '')
        .orderBy('revision')
        .execute();
      expect(revisions.map((r) => [r.revision, r.line_count, r.claimed_minor])).toEqual([
        [1, 1, 300],
        [2, 2, 400],
        [3, 1, 100],
        [4, 0, 0],
      ]);
    });

    it('makes one revision per change when lines of one import are flagged at the same time', async () => {
      const cc = newCarrier();
      const { ids } = await reconciliations(
        cc,
        Array.from({ length: 8 }, (_, index) => mismatch(1_000 + index, 900)),
      );
      await Promise.all(ids.map((id) => api().requestCredit({ cc, id, reason: 'Over-billed' })));
      const [statement] = await platform.database.db
        .selectFrom('carrier_statements')
        .select(['id', 'current_revision', 'claimed_minor'])
        .where('carrier_code', '=', cc)
        .execute();
      expect(statement).toMatchObject({ current_revision: 8, claimed_minor: 8 * 100 + 28 });
      const counts = await platform.database.db
        .selectFrom('carrier_statement_revisions')
        .select(['revision', 'line_count'])
        .where('statement_id', '=', statement?.id ?? '')
        .orderBy('revision')
        .execute();
      expect(counts.map((r) => [r.revision, r.line_count])).toEqual(
        Array.from({ length: 8 }, (_, index) => [index + 1, index + 1]),
      );
    });

    it('claims all that was billed for a duplicate or a parcel that is not ours', async () => {
      const cc = newCarrier();
      const { ids } = await reconciliations(cc, [
        { status: 'DUPLICATE_ON_INVOICE', billedMinor: 1_250 },
        { status: 'UNMATCHED_IN_DB', billedMinor: 800 },
      ]);
      await api().requestCredit({ cc, id: ids[0] ?? '', reason: 'Billed twice on this invoice' });
      const result = await api().requestCredit({ cc, id: ids[1] ?? '', reason: 'Not an IPAY parcel' });
      expect(result.statement?.claimed.amountMinor).toBe(2_050);
      expect(result.statement?.lines.map((l) => [l.status, l.expectedMinor, l.claimedMinor])).toEqual([
        ['DUPLICATE_ON_INVOICE', null, 1_250],
        ['UNMATCHED_IN_DB', null, 800],
      ]);
    });

    it('refuses lines that cannot be flagged with a 422 naming the line, and records nothing', async () => {
      const cc = newCarrier();
      const { ids } = await reconciliations(cc, [
        { status: 'MATCHED', billedMinor: 1_000, expectedMinor: 1_000 },
        { status: 'ACCOUNT_CHARGE', billedMinor: 500, trackingNumber: null },
        mismatch(900, 1_000),
        mismatch(1_000, 900, { currency: 'GBP' }),
        mismatch(1_000, 900),
      ]);
      const [matched = '', account = '', under = '', pounds = '', euros = ''] = ids;
      for (const id of [matched, account]) {
        const error = await appErrorOf(api().requestCredit({ cc, id, reason: 'x' }));
        expect(error).toMatchObject({ code: 'reconciliation_not_flaggable' });
        expect((await appErrorOf(api().exclude({ cc, id, reason: 'x' }))).code).toBe(
          'reconciliation_not_flaggable',
        );
      }
      expect((await appErrorOf(api().requestCredit({ cc, id: under, reason: 'x' }))).code).toBe(
        'reconciliation_not_flaggable',
      );
      // An under-billed line may still be accepted as it is.
      expect((await api().exclude({ cc, id: under, reason: 'Under-billed: accepted' })).changed).toBe(true);

      await api().requestCredit({ cc, id: euros, reason: 'Over-billed' });
      expect((await appErrorOf(api().requestCredit({ cc, id: pounds, reason: 'x' }))).code).toBe(
        'statement_currency_mixed',
      );
      expect(await trail(pounds)).toEqual([]);
      expect(await trail(matched)).toEqual([]);

      expect((await appErrorOf(api().requestCredit({ cc: 'OTHER', id: euros, reason: 'x' }))).kind).toBe(
        'not_found',
      );
      expect((await appErrorOf(api(merchant).requestCredit({ cc, id: euros, reason: 'x' }))).kind).toBe(
        'forbidden',
      );
    });
  });

  describe('the statement PDF', () => {
    it('prints 80 claimed lines over several pages with repeated headers, totals and page numbers, once per revision', async () => {
      const cc = newCarrier();
      const lines = Array.from({ length: 80 }, (_, index) =>
        mismatch(2_000 + index, 1_500, {
          trackingNumber: `1ZSTMT${String(100_000 + index)}`,
          invoiceNumber: index < 40 ? 'INV-2026-0470' : 'INV-2026-0471',
          shipDate: `2026-11-${String(1 + (index % 28)).padStart(2, '0')}`,
          causes: index % 2 ? ['weight'] : ['fuel', 'surcharge'],
        }),
      );
      const { importId, ids } = await reconciliations(cc, lines);
      await setContact(cc);
      for (const [index, id] of ids.entries()) {
        await api().requestCredit({
          cc,
          id,
          reason: index % 2 ? 'Billed 5 kg, weighed 2.5 kg' : 'Fuel on a surcharge',
        });
      }
      const preview = await fetch(
        `${platform.baseUrl}/api/admin/carrier-tariffs/${cc}/statements/${importId}/preview`,
        {
          headers: { authorization: `Bearer ${finance}` },
        },
      );
      expect(preview.status).toBe(200);
      expect(preview.headers.get('content-type')).toBe('application/pdf');
      expect(preview.headers.get('content-disposition')).toMatch(/^inline; filename="CS-.*-rev80\.pdf"$/);
      const pdf = Buffer.from(await preview.arrayBuffer());
      const sha = createHash('sha256').update(pdf).digest('hex');
      expect(preview.headers.get('x-content-sha256')).toBe(sha);

      const statement = await api().statement({ cc, import_id: importId });
      expect(statement.revisions.at(-1)).toMatchObject({ revision: 80, pdfSha256: sha });
      expect(statement.revisions[0]?.pdfSha256).toBeNull();

      const pages = await pdfPages(pdf, `${OUTPUT}statement-80-lines.pdf`);
      await pdfToPngs(pdf, OUTPUT, 'statement-80-lines');
      expect(pages.length).toBeGreaterThan(1);
      const text = pages.join('\n');
      expect(text).toContain('Credit statement');
      expect(text).toContain(`${statement.number} rev. 80`);
      expect(text).toContain('IPAY B.V.');
      expect(text).toContain('Keizersgracht 100');
      expect(text).toContain('Attn. Billing Department');
      expect(text).toContain(`billing@${cc.toLowerCase()}.example`);
      expect(text).toContain('INV-2026-0470, INV-2026-0471');
      for (let index = 0; index < 80; index += 1) expect(text).toContain(`1ZSTMT${100_000 + index}`);
      pages.forEach((page, index) => {
        if (page.includes('1ZSTMT'))
          expect(page).toMatch(/Tracking number\s+Invoice\s+Shipped\s+Cause\s+Reason/);
        expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
      });
      // Claimed: Σ(billed − 1,500) = 80 × 500 + (0 + … + 79) = 43,160 minor units.
      expect(pages.at(-1)).toMatch(/Total claimed\s+€\s?431\.60/);

      const again = await fetch(
        `${platform.baseUrl}/api/admin/carrier-tariffs/${cc}/statements/${importId}/preview`,
        {
          headers: { authorization: `Bearer ${finance}` },
        },
      );
      expect(
        createHash('sha256')
          .update(Buffer.from(await again.arrayBuffer()))
          .digest('hex'),
      ).toBe(sha);
    });
  });

  describe('send, age, resolve', () => {
    async function flaggedStatement(amounts: Array<[number, number]>) {
      const cc = newCarrier();
      const { importId, ids } = await reconciliations(
        cc,
        amounts.map(([billed, expected]) => mismatch(billed, expected)),
      );
      for (const id of ids) await api().requestCredit({ cc, id, reason: 'Over-billed weight' });
      return { cc, importId, ids };
    }

    it('sends a revision once through the outbox, PDF attached, and logs it; a new revision is sent anew', async () => {
      const { cc, importId, ids } = await flaggedStatement([[1_500, 1_000]]);
      const missing = await appErrorOf(api().send({ cc, import_id: importId }));
      expect(missing.code).toBe('billing_contact_missing');
      await setContact(cc);

      const sent = await api().send({ cc, import_id: importId });
      expect(sent).toMatchObject({ alreadySent: false, revision: 1 });
      expect(sent.statement).toMatchObject({
        status: 'open',
        sentRevision: 1,
        sentClaimed: { amountMinor: 500 },
        outstanding: { amountMinor: 500 },
        unsentChanges: false,
      });
      expect(sent.statement.log.at(-1)).toMatchObject({
        action: 'sent',
        revision: 1,
        emailId: sent.emailId,
        emailStatus: 'queued',
        providerMessageId: null,
      });
      const email = await platform.database.db
        .selectFrom('email_outbox')
        .select(['to', 'subject', 'status', 'idempotency_key'])
        .where('id', '=', sent.emailId)
        .executeTakeFirstOrThrow();
      expect(email).toMatchObject({
        to: `billing@${cc.toLowerCase()}.example`,
        status: 'queued',
        idempotency_key: `carrier-statement:${sent.statement.id}:r1`,
      });
      // Without Resend the e-mail waits in the outbox; operators read its PDF there.
      const { id: attachmentId } = await platform.database.db
        .selectFrom('email_attachments')
        .select('id')
        .where('email_id', '=', sent.emailId)
        .executeTakeFirstOrThrow();
      const attachment = await fetch(
        `${platform.baseUrl}/api/admin/email-outbox/${sent.emailId}/attachments/${attachmentId}`,
        { headers: { authorization: `Bearer ${admin}` } },
      );
      expect(attachment.headers.get('content-type')).toBe('application/pdf');
      const bytes = Buffer.from(await attachment.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sent.statement.revisions[0]?.pdfSha256);

      const retry = await api().send({ cc, import_id: importId });
      expect(retry).toMatchObject({ alreadySent: true, emailId: sent.emailId, revision: 1 });

      await api().requestCredit({ cc, id: ids[0] ?? '', reason: 'Over-billed weight: 2.5 kg, not 5 kg' });
      const resent = await api().send({ cc, import_id: importId });
      expect(resent.emailId).not.toBe(sent.emailId);
      expect(resent.statement).toMatchObject({ sentRevision: 2, unsentChanges: false });
      expect(resent.statement.log.filter((entry) => entry.action === 'sent').map((e) => e.revision)).toEqual([
        1, 2,
      ]);
    });

    it('books partial credit notes until the claim is credited in full, once per credit note reference', async () => {
      const { cc, importId, ids } = await flaggedStatement([
        [3_000, 2_000],
        [2_500, 2_000],
      ]);
      const draft = await api().statement({ cc, import_id: importId });
      const book = (amount: number, reference: string) =>
        api().markResolved({
          statement_id: draft.id,
          creditedAmountMinor: amount,
          creditNoteReference: reference,
        });
      expect((await appErrorOf(book(100, 'CN-1'))).code).toBe('statement_not_sent');
      await setContact(cc);
      await api().send({ cc, import_id: importId });

      const partial = await book(1_000, 'CN-1');
      expect(partial).toMatchObject({
        alreadyRecorded: false,
        statement: { status: 'open', credited: { amountMinor: 1_000 }, outstanding: { amountMinor: 500 } },
      });
      expect((await book(1_000, 'CN-1')).alreadyRecorded).toBe(true);
      expect((await appErrorOf(book(900, 'CN-1'))).code).toBe('credit_note_conflict');
      const over = await appErrorOf(book(501, 'CN-2'));
      expect(over.code).toBe('credit_exceeds_outstanding');
      expect(over.errors?.[0]?.field).toBe('creditedAmountMinor');

      const full = await book(500, 'CN-2');
      expect(full.statement).toMatchObject({ status: 'resolved', outstanding: { amountMinor: 0 } });
      expect(full.statement.resolvedAt).not.toBeNull();
      expect(full.statement.log.slice(-3).map((e) => [e.action, e.creditNoteReference])).toEqual([
        ['credited', 'CN-1'],
        ['credited', 'CN-2'],
        ['resolved', null],
      ]);
      expect((await book(500, 'CN-2')).alreadyRecorded).toBe(true);
      expect((await appErrorOf(book(1, 'CN-3'))).code).toBe('statement_resolved');
      expect((await appErrorOf(api().withdraw({ cc, id: ids[0] ?? '', reason: 'x' }))).code).toBe(
        'statement_resolved',
      );
    });

    it('ages open statements since first sent into 0–7, 7–30, 30–60 and 60+ days per carrier and currency', async () => {
      const cc = newCarrier();
      const asOf = '2027-03-01T12:00:00.000Z';
      const ages = [0, 6, 7, 29, 30, 59, 60, 200];
      for (const age of ages) {
        const { importId, ids } = await reconciliations(cc, [mismatch(1_100 + age, 1_000)]);
        await api().requestCredit({ cc, id: ids[0] ?? '', reason: 'Over-billed' });
        if (age === 0) await setContact(cc);
        const { statement } = await api().send({ cc, import_id: importId });
        await platform.database.db
          .updateTable('carrier_statements')
          .set({ first_sent_at: sql<Date>`${asOf}::timestamptz - make_interval(days => ${age})` })
          .where('id', '=', statement.id)
          .execute();
      }
      // A partly credited statement counts what is still outstanding; a resolved one is gone.
      const report = await api().agingReport({ carrier: cc, asOf });
      const byAge = new Map(report.statements.map((s) => [s.ageDays, s]));
      expect([...byAge.keys()].sort((a, b) => a - b)).toEqual(ages);
      expect(ages.map((age) => byAge.get(age)?.bucket)).toEqual([
        '0-7',
        '0-7',
        '7-30',
        '7-30',
        '30-60',
        '30-60',
        '60+',
        '60+',
      ]);
      const resolveMe = byAge.get(200);
      const partly = byAge.get(59);
      await api().markResolved({
        statement_id: resolveMe?.id ?? '',
        creditedAmountMinor: 300,
        creditNoteReference: 'CN-A',
      });
      await api().markResolved({
        statement_id: partly?.id ?? '',
        creditedAmountMinor: 100,
        creditNoteReference: 'CN-B',
      });

      const after = await api().agingReport({ carrier: cc, asOf });
      expect(after.rows).toEqual([
        {
          carrier: cc,
          currency: 'EUR',
          statements: 7,
          outstandingMinor: 100 + 106 + 107 + 129 + 130 + 59 + 160,
          notDelivered: 0,
          buckets: [
            { bucket: '0-7', statements: 2, outstandingMinor: 100 + 106 },
            { bucket: '7-30', statements: 2, outstandingMinor: 107 + 129 },
            { bucket: '30-60', statements: 2, outstandingMinor: 130 + 59 },
            { bucket: '60+', statements: 1, outstandingMinor: 160 },
          ],
        },
      ]);
      const earlier = await api().agingReport({ carrier: cc, asOf: '2027-02-27T12:00:00.000Z' });
      expect(earlier.statements.map((s) => s.ageDays).sort((a, b) => a - b)).toEqual([4, 5, 27, 28, 57, 58]);
    });
  });

  describe('over HTTP', () => {
    it('flags, reads, sends, ages and resolves through the documented REST paths', async () => {
      const cc = newCarrier();
      const { importId, ids } = await reconciliations(cc, [mismatch(1_800, 1_000)]);
      const base = `/api/admin/carrier-tariffs/${cc}`;
      const contact = await http(platform.baseUrl, 'PUT', `${base}/billing-contact`, {
        token: finance,
        body: { email: 'Billing@Carrier.example', addressLines: ['Postbus 1', '1000 AA Amsterdam'] },
      });
      expect(contact.status).toBe(200);
      expect(contact.body).toMatchObject({
        carrier: cc,
        billingContact: { email: 'billing@carrier.example' },
      });

      const flag = await http(platform.baseUrl, 'POST', `${base}/reconciliations/${ids[0]}/request-credit`, {
        token: finance,
        body: { reason: 'Zone 5 billed, zone 2 shipped' },
      });
      expect(flag.status).toBe(200);
      expect(flag.body).toMatchObject({ changed: true, statement: { claimed: { amountMinor: 800 } } });
      const noReason = await http(platform.baseUrl, 'POST', `${base}/reconciliations/${ids[0]}/exclude`, {
        token: finance,
        body: {},
      });
      expect(noReason.status).toBe(400);
      expect(noReason.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(noReason.body)).toContain('reason');
      const withdrawn = await http(platform.baseUrl, 'POST', `${base}/reconciliations/${ids[0]}/withdraw`, {
        token: merchant,
        body: { reason: 'x' },
      });
      expect(withdrawn.status).toBe(403);

      const statement = await http<{ id: string; number: string }>(
        platform.baseUrl,
        'GET',
        `${base}/statements/${importId}`,
        {
          token: finance,
        },
      );
      expect(statement.status).toBe(200);
      const sent = await http(platform.baseUrl, 'POST', `${base}/statements/${importId}/send`, {
        token: finance,
        headers: { 'idempotency-key': `send-${importId}` },
      });
      expect(sent.status).toBe(200);
      expect(sent.body).toMatchObject({ alreadySent: false, revision: 1 });

      const aging = await http(
        platform.baseUrl,
        'GET',
        `/api/admin/carrier-statements/aging-report?carrier=${cc}`,
        {
          token: finance,
        },
      );
      expect(aging.status).toBe(200);
      expect(aging.body).toMatchObject({ rows: [{ carrier: cc, outstandingMinor: 800 }] });

      const resolved = await http(
        platform.baseUrl,
        'POST',
        `/api/admin/carrier-statements/${statement.body.id}/mark-resolved`,
        { token: finance, body: { creditedAmountMinor: 800, creditNoteReference: 'CN-778' } },
      );
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ statement: { status: 'resolved' } });

      const unknown = await http(platform.baseUrl, 'GET', `${base}/statements/${ids[0]}/preview`, {
        token: finance,
      });
      expect(unknown.status).toBe(404);
      const badId = await http(platform.baseUrl, 'GET', `${base}/statements/not-a-uuid/preview`, {
        token: finance,
      });
      expect(badId.status).toBe(400);
      const anonymous = await http(platform.baseUrl, 'GET', `${base}/statements/${importId}/preview`);
      expect(anonymous.status).toBe(401);
    });
  });

  describe('through Resend', () => {
    it('sends the statement from the outbox’s job and logs Resend’s message id', async () => {
      const {
        platform: mailing,
        resend,
        close,
      } = await createResendTestPlatform({
        env: { EMAIL_FROM: 'IPAY Finance <finance@ipay.example>' },
      });
      try {
        const token = (await createTestPlatformAdmin(mailing)).token;
        const calls = mailing.caller({ token }).carrierStatements;
        const cc = 'RSND';
        const { importId, ids } = await createTestReconciliations(mailing.database.db, {
          carrier: cc,
          lines: [mismatch(2_000, 1_500)],
        });
        await calls.setBillingContact({ cc, email: 'billing@rsnd.example' });
        await calls.requestCredit({
          cc,
          id: ids[0] ?? '',
          reason: 'Residential surcharge on a business address',
        });
        const sent = await calls.send({ cc, import_id: importId });
        expect(await runEmailJob(mailing, sent.emailId)).toBe('sent');

        const delivered = resend.emails.at(-1);
        expect(delivered?.idempotencyKey).toBe(`carrier-statement:${sent.statement.id}:r1`);
        expect(delivered?.attachments[0]?.filename).toBe(`${sent.statement.number}-rev1.pdf`);
        const pdf = delivered?.attachments[0]?.content ?? Buffer.alloc(0);
        expect(createHash('sha256').update(pdf).digest('hex')).toBe(sent.statement.revisions[0]?.pdfSha256);
        expect((await pdfPages(pdf, `${OUTPUT}statement-sent.pdf`)).join('\n')).toContain(
          'finance@ipay.example',
        );

        const statement = await calls.statement({ cc, import_id: importId });
        expect(statement.log.at(-1)).toMatchObject({
          action: 'sent',
          emailId: sent.emailId,
          emailStatus: 'sent',
          providerMessageId: delivered?.id,
        });
      } finally {
        await close();
      }
    });
  });
});
