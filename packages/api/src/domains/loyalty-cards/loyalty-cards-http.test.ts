import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';

const fieldsOf = (body: { errors?: Array<{ field: string }> }) =>
  (body.errors ?? []).map((e) => e.field).sort();

describe('loyalty cards over REST', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('a merchant issues a card by address under an Idempotency-Key; the holder finds it on signing in', async () => {
    const shop = await createTestMerchant(platform);
    const email = uniqueEmail('holder');
    const key = randomUUID();
    const issue = (body: unknown) =>
      http(platform.baseUrl, 'POST', '/api/loyalty-cards', {
        token: shop.token,
        body,
        headers: { 'idempotency-key': key },
      });
    const issued = await issue({ email, label: 'Gold' });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ created: true, card: { email, state: 'active', label: 'Gold' } });
    expect(await issue({ email, label: 'Gold' })).toMatchObject({ status: 200, body: issued.body });
    const reused = await issue({ email: uniqueEmail(), label: 'Gold' });
    expect(reused.status).toBe(409);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');

    const holder = await signInTestConsumer(platform, email);
    const mine = await http(platform.baseUrl, 'GET', '/api/wallet/loyalty-cards?limit=10', {
      token: holder.token,
    });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      items: [{ id: issued.body.card.id, source: 'issued', cardNumber: issued.body.card.cardNumber }],
      nextCursor: null,
    });

    const revoked = await http(platform.baseUrl, 'POST', `/api/loyalty-cards/${issued.body.card.id}/revoke`, {
      token: shop.token,
      body: { reason: 'left the programme' },
    });
    expect(revoked.body).toMatchObject({ state: 'revoked', revokeReason: 'left the programme' });
    const one = await http(platform.baseUrl, 'GET', `/api/wallet/loyalty-cards/${issued.body.card.id}`, {
      token: holder.token,
    });
    expect(one.body).toMatchObject({
      state: 'revoked',
      googleWallet: { saveUrl: null, unavailableReason: 'revoked' },
    });
    const listed = await http(platform.baseUrl, 'GET', '/api/loyalty-cards?state=revoked&limit=5', {
      token: shop.token,
    });
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([issued.body.card.id]);
  });

  it('a consumer adds, renames and removes a card; bad input is a problem naming each field', async () => {
    const ann = await signInTestConsumer(platform);
    const add = (body: unknown) =>
      http(platform.baseUrl, 'POST', '/api/wallet/loyalty-cards', { token: ann.token, body });
    const added = await add({ storeName: 'Drogist', cardNumber: '4006381333931', barcodeFormat: 'ean13' });
    expect(added.status).toBe(200);
    expect(
      (await add({ storeName: 'drogist', cardNumber: '4006381-333931', barcodeFormat: 'ean13' })).body.id,
    ).toBe(added.body.id);

    const both = await add({
      merchantId: randomUUID(),
      storeName: 'X',
      cardNumber: '1',
      barcodeFormat: 'qr',
    });
    expect(both.status).toBe(400);
    expect(fieldsOf(both.body)).toEqual(['merchantId']);
    const neither = await add({ cardNumber: '1', barcodeFormat: 'qr' });
    expect(fieldsOf(neither.body)).toEqual(['merchantId']);
    const shapeless = await add({ storeName: '', cardNumber: 'x'.repeat(65), barcodeFormat: 'upc' });
    expect(shapeless.status).toBe(400);
    expect(fieldsOf(shapeless.body)).toEqual(['barcodeFormat', 'cardNumber', 'storeName']);
    const badDigit = await add({ storeName: 'X', cardNumber: '4006381333932', barcodeFormat: 'ean13' });
    expect(badDigit.status).toBe(400);
    expect(badDigit.body).toMatchObject({ code: 'card_number_invalid', errors: [{ field: 'cardNumber' }] });
    const unknown = await add({ merchantId: randomUUID(), cardNumber: '1', barcodeFormat: 'qr' });
    expect(unknown).toMatchObject({ status: 422, body: { code: 'merchant_unknown' } });

    const patched = await http(platform.baseUrl, 'PATCH', `/api/wallet/loyalty-cards/${added.body.id}`, {
      token: ann.token,
      body: { label: 'Pharmacy' },
    });
    expect(patched.body).toMatchObject({ id: added.body.id, label: 'Pharmacy' });
    const notAnId = await http(platform.baseUrl, 'GET', '/api/wallet/loyalty-cards/not-a-uuid', {
      token: ann.token,
    });
    expect(notAnId.status).toBe(400);
    expect(fieldsOf(notAnId.body)).toEqual(['id']);

    const removed = await http(platform.baseUrl, 'DELETE', `/api/wallet/loyalty-cards/${added.body.id}`, {
      token: ann.token,
    });
    expect(removed.body).toEqual({ id: added.body.id, removed: true });
    const gone = await http(platform.baseUrl, 'GET', `/api/wallet/loyalty-cards/${added.body.id}`, {
      token: ann.token,
    });
    expect(gone).toMatchObject({ status: 404, body: { code: 'loyalty_card_not_found' } });
  });

  it('bounds a batch and refuses the other audience', async () => {
    const shop = await createTestMerchant(platform);
    const tooMany = await http(platform.baseUrl, 'POST', '/api/loyalty-cards/batch', {
      token: shop.token,
      body: { cards: Array.from({ length: 101 }, () => ({ email: uniqueEmail() })) },
    });
    expect(tooMany.status).toBe(400);
    expect(fieldsOf(tooMany.body)).toEqual(['cards']);
    const badAddress = await http(platform.baseUrl, 'POST', '/api/loyalty-cards/batch', {
      token: shop.token,
      body: { cards: [{ email: uniqueEmail() }, { email: 'nope' }] },
    });
    expect(fieldsOf(badAddress.body)).toEqual(['cards.1.email']);
    const consumer = await signInTestConsumer(platform);
    const refused = await http(platform.baseUrl, 'GET', '/api/loyalty-cards', { token: consumer.token });
    expect(refused.status).toBe(401);
    const staff = await http(platform.baseUrl, 'GET', '/api/wallet/loyalty-cards', { token: shop.token });
    expect(staff.status).toBe(401);
  });
});
