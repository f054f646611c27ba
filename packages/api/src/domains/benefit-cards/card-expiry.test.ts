import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPlatform,
  createTestSponsor,
  http,
  iqpayOrderBody,
  type TestPlatform,
  type TestSponsorSetup,
} from '../../testing';

const CREATE = '/organization/Sponsor/Order/CreateOrderWithMember';

describe('card expiry: a product’s validity, counted from the card’s issue', () => {
  let platform: TestPlatform;
  let sponsor: TestSponsorSetup;
  let validFor30Days: string;

  beforeAll(async () => {
    platform = await createTestPlatform();
    sponsor = await createTestSponsor(platform, { channel: 'email' });
    validFor30Days = `MONTH-${randomBytes(3).toString('hex').toUpperCase()}`;
    const product = await http(platform.baseUrl, 'POST', '/api/benefit-cards/products', {
      token: sponsor.operatorToken,
      body: {
        code: validFor30Days,
        name: 'Food card, one month',
        category: 'food',
        cardProvider: 'Prepaid Co',
        faceValueMinor: 2500,
        currency: 'USD',
        cardValidityDays: 30,
      },
    });
    expect(product.status, JSON.stringify(product.body)).toBe(200);
    expect(product.body.cardValidityDays).toBe(30);
    const program = await http(
      platform.baseUrl,
      'PATCH',
      `/api/benefit-cards/programs/${sponsor.programId}`,
      { token: sponsor.operatorToken, body: { productCodes: [...sponsor.productCodes, validFor30Days] } },
    );
    expect(program.status, JSON.stringify(program.body)).toBe(200);
  });
  afterAll(() => platform.close());

  async function issuedCard(productCode: string): Promise<{ code: string; expiresAt: Date | null }> {
    const ordered = await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor, { productCode }),
    });
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
    const card = await platform.database.db
      .selectFrom('benefit_cards')
      .select(['activation_code', 'expires_at'])
      .where('order_id', '=', ordered.body.id)
      .executeTakeFirstOrThrow();
    return { code: card.activation_code, expiresAt: card.expires_at };
  }

  it('gives a card of a product with a validity its expiry at issue, and shows it on the card page', async () => {
    const before = Date.now();
    const card = await issuedCard(validFor30Days);
    const days = ((card.expiresAt?.getTime() ?? 0) - before) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);
    const page = await fetch(`${platform.baseUrl}/card/${card.code}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Valid until');
    expect(html).toContain('Ready to activate');
  });

  it('issues cards that do not expire for a product without a validity', async () => {
    const card = await issuedCard(sponsor.productCodes[0] ?? '');
    expect(card.expiresAt).toBeNull();
    expect(await (await fetch(`${platform.baseUrl}/card/${card.code}`)).text()).not.toContain('Valid until');
  });

  it('refuses to activate an expired card with card_expired, and its page says it expired', async () => {
    const card = await issuedCard(validFor30Days);
    await platform.database.db
      .updateTable('benefit_cards')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where('activation_code', '=', card.code)
      .execute();
    const refused = await http(platform.baseUrl, 'POST', `/api/cards/${card.code}/activate`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('card_expired');
    const html = await (await fetch(`${platform.baseUrl}/card/${card.code}?lang=nl`)).text();
    expect(html).toContain('Verlopen');
    expect(html).toContain('Deze kaart is verlopen op');
    expect(html).not.toContain('<form');
  });

  it('refuses a validity outside 1 to 3650 days, naming the field', async () => {
    const refused = await http(platform.baseUrl, 'POST', '/api/benefit-cards/products', {
      token: sponsor.operatorToken,
      body: {
        code: `BAD-${randomBytes(3).toString('hex').toUpperCase()}`,
        name: 'Forever card',
        category: 'food',
        cardProvider: 'Prepaid Co',
        faceValueMinor: 100,
        currency: 'USD',
        cardValidityDays: 0,
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['cardValidityDays']);
  });
});
