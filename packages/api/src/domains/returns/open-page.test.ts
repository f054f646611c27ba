import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, payTestOrder, postForm, uniqueEmail, type TestPlatform } from '../../testing';

/** The return form's posts over HTTP: one case per form key, cross-site posts refused, bad input as pages. */
describe('the return form over HTTP', () => {
  let platform: TestPlatform;
  let payToken: string;
  let sessionId: string;

  beforeAll(async () => {
    platform = await createTestPlatform();
    const paid = await payTestOrder(platform, { email: uniqueEmail('anna') });
    sessionId = paid.sessionId;
    const session = await platform.database.db
      .selectFrom('payment_sessions')
      .select('pay_token')
      .where('id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    payToken = session.pay_token;
  });
  afterAll(async () => {
    await platform?.close();
  });

  const form = (key: string) => ({
    key,
    refundMethod: 'ORIGINAL_PAYMENT',
    qty_1: '1',
    reason_1: 'DAMAGED',
    text_1: 'Holes',
  });

  it('opens one case per form key: a second press lands on the same portal', async () => {
    const key = randomUUID();
    const first = await postForm(platform, `/pay/${payToken}/return`, form(key));
    const again = await postForm(platform, `/pay/${payToken}/return`, form(key));
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/returns\/[^/]+$/);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const cases = await platform.database.db
      .selectFrom('return_cases')
      .innerJoin('return_items', 'return_items.return_id', 'return_cases.id')
      .select(['return_items.position', 'return_items.reason', 'return_items.reason_text'])
      .where('return_cases.session_id', '=', sessionId)
      .execute();
    expect(cases).toEqual([{ position: 1, reason: 'DAMAGED', reason_text: 'Holes' }]);

    // A new form for the same line: nothing of it is left, which the page says (the service's own refusal).
    const more = await postForm(platform, `/pay/${payToken}/return`, form(randomUUID()));
    expect(more.status).toBe(400);
    expect(await more.text()).toContain('Less of an item is left to return than you chose.');
  });

  it('refuses a chosen item without a reason, naming the field and the item, and opens nothing', async () => {
    const chosen = { refundMethod: 'ORIGINAL_PAYMENT', qty_0: '1', text_0: 'Too big' };
    const missing = await postForm(platform, `/pay/${payToken}/return`, { key: randomUUID(), ...chosen });
    const empty = await postForm(platform, `/pay/${payToken}/return`, {
      key: randomUUID(),
      ...chosen,
      reason_0: '',
    });
    for (const response of [missing, empty]) {
      expect(response.status).toBe(400);
      const page = await response.text();
      expect(page).toContain('Reason is required for T-shirt M: choose why you send it back.');
      expect(page).toContain('aria-invalid="true" aria-describedby="form-error"');
      expect(page).toContain('value="Too big"');
    }
    const cases = await platform.database.db
      .selectFrom('return_cases')
      .select('id')
      .where('session_id', '=', sessionId)
      .execute();
    expect(cases).toHaveLength(1);
  });

  it('refuses cross-site posts and answers bad input with pages, never a 500 or JSON', async () => {
    const crossSite = await postForm(platform, `/pay/${payToken}/return`, form(randomUUID()), {
      'sec-fetch-site': 'cross-site',
    });
    const cases: Array<[Response, number]> = [
      [crossSite, 403],
      [
        await postForm(platform, `/pay/${payToken}/return`, { ...form(randomUUID()), reason_1: 'BORED' }),
        400,
      ],
      [await postForm(platform, `/pay/${payToken}/return`, { ...form(randomUUID()), qty_1: '-1' }), 400],
      [await postForm(platform, `/pay/${payToken}/return`, { ...form(randomUUID()), qty_1: 'x' }), 400],
      [await postForm(platform, `/pay/${payToken}/return`, { ...form('bad key') }), 400],
      [
        await postForm(platform, `/pay/${payToken}/return`, { ...form(randomUUID()), refundMethod: 'CASH' }),
        400,
      ],
      [await postForm(platform, `/pay/${'x'.repeat(43)}/return`, form(randomUUID())), 404],
      [await fetch(`${platform.baseUrl}/pay/${'x'.repeat(43)}/return`), 404],
      [await fetch(`${platform.baseUrl}/consumer/parcels/not-a-uuid/return`), 404],
      [await fetch(`${platform.baseUrl}/pay/${payToken}/return?lang=xx`), 200],
    ];
    for (const [response, status] of cases) {
      expect(response.status, response.url).toBe(status);
      expect(response.headers.get('content-type'), response.url).toContain('text/html');
    }
    const signedOut = await fetch(`${platform.baseUrl}/consumer/parcels/${sessionId}/return`, {
      redirect: 'manual',
    });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/consumer/sign-in');
  });
});
