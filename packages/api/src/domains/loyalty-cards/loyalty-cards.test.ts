import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appErrorOf,
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import { ConfigError, loadConfig } from '../../config';
import { gs1CheckDigit, hasValidLuhn, normaliseCardNumber } from './card-numbers';
import { GOOGLE_WALLET_SAVE_URL } from './service/google-wallet';

const VALID_EAN = '4006381333931';

describe('card numbers', () => {
  it('normalises what people type and checks it against the barcode format', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1);
    expect(normaliseCardNumber('ean13', ' 4006381-333931 ')).toEqual({ ok: true, value: VALID_EAN });
    expect(normaliseCardNumber('ean13', '4006381333932')).toMatchObject({ ok: false });
    expect(normaliseCardNumber('ean13', '400638133393')).toMatchObject({ ok: false });
    expect(normaliseCardNumber('code39', 'ab-12 x')).toEqual({ ok: true, value: 'AB-12 X' });
    expect(normaliseCardNumber('code39', 'AB_12')).toMatchObject({ ok: false });
    expect(normaliseCardNumber('code128', 'Ünï')).toMatchObject({ ok: false });
    expect(normaliseCardNumber('qr', 'ＡＢＣ  123')).toEqual({ ok: true, value: 'ABC 123' });
    expect(normaliseCardNumber('qr', 'AB\u200bC')).toMatchObject({ ok: false });
    expect(normaliseCardNumber('aztec', '   ')).toMatchObject({ ok: false });
  });
});

describe('Google Wallet configuration', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  const env = (overrides: Record<string, string>) => ({
    GOOGLE_WALLET_ISSUER_ID: '3388000000022222222',
    GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL: 'wallet@ipay-test.iam.gserviceaccount.com',
    GOOGLE_WALLET_PRIVATE_KEY: rsa.toString(),
    ...overrides,
  });

  it('is all three variables or none, with an RSA key', () => {
    expect(loadConfig({}).googleWallet).toBeUndefined();
    expect(loadConfig(env({})).googleWallet).toMatchObject({ loyaltyClassSuffix: 'ipay_loyalty' });
    expect(() => loadConfig(env({ GOOGLE_WALLET_PRIVATE_KEY: '' }))).toThrow(ConfigError);
    expect(() => loadConfig(env({ GOOGLE_WALLET_PRIVATE_KEY: 'not a key' }))).toThrow(
      /not a PEM private key/,
    );
    expect(() => loadConfig(env({ GOOGLE_WALLET_PRIVATE_KEY: ec.toString() }))).toThrow(/RSA/);
    expect(() => loadConfig(env({ GOOGLE_WALLET_ISSUER_ID: 'abc' }))).toThrow(ConfigError);
  });
});

describe('loyalty cards through the procedures', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('keeps a store’s card once, however often and however typed it is added', async () => {
    const ann = await signInTestConsumer(platform);
    const wallet = platform.caller({ token: ann.token }).walletLoyaltyCards;
    const first = await wallet.add({
      storeName: 'Bakkerij Jansen',
      cardNumber: '4006381 333931',
      barcodeFormat: 'ean13',
      label: 'Bread',
    });
    expect(first).toMatchObject({
      source: 'saved',
      merchant: { id: null, name: 'Bakkerij Jansen' },
      cardNumber: VALID_EAN,
      label: 'Bread',
      state: 'active',
    });
    const again = await wallet.add({
      storeName: 'BAKKERIJ JANSEN',
      cardNumber: VALID_EAN,
      barcodeFormat: 'ean13',
    });
    expect(again.id).toBe(first.id);
    expect(again.label).toBe('Bread');

    const shop = await createTestMerchant(platform, 'Card Shop');
    const merchantCard = await wallet.add({
      merchantId: shop.user.organization.id,
      cardNumber: VALID_EAN,
      barcodeFormat: 'ean13',
    });
    expect(merchantCard.id).not.toBe(first.id);
    expect(merchantCard.merchant).toEqual({
      id: shop.user.organization.id,
      name: shop.user.organization.name,
    });

    const page1 = await wallet.list({ limit: 1 });
    expect(page1.items.map((c) => c.id)).toEqual([merchantCard.id]);
    const page2 = await wallet.list({ limit: 1, cursor: page1.nextCursor ?? undefined });
    expect(page2.items.map((c) => c.id)).toEqual([first.id]);
    expect(page2.nextCursor).toBeNull();
  });

  it('refuses a number off its format and an unknown merchant, keeping nothing', async () => {
    const ann = await signInTestConsumer(platform);
    const wallet = platform.caller({ token: ann.token }).walletLoyaltyCards;
    const badDigit = await appErrorOf(
      wallet.add({ storeName: 'X', cardNumber: '4006381333932', barcodeFormat: 'ean13' }),
    );
    expect(badDigit).toMatchObject({
      status: 400,
      code: 'card_number_invalid',
      errors: [{ field: 'cardNumber' }],
    });
    const admin = await createTestPlatformAdmin(platform);
    const notMerchant = await appErrorOf(
      wallet.add({ merchantId: admin.user.organization.id, cardNumber: 'A1', barcodeFormat: 'code128' }),
    );
    expect(notMerchant).toMatchObject({
      status: 422,
      code: 'merchant_unknown',
      errors: [{ field: 'merchantId' }],
    });
    expect((await wallet.list({ limit: 10 })).items).toEqual([]);
  });

  it('renames, corrects and removes a card, and keeps it from other consumers', async () => {
    const ann = await signInTestConsumer(platform);
    const bob = await signInTestConsumer(platform);
    const wallet = platform.caller({ token: ann.token }).walletLoyaltyCards;
    const card = await wallet.add({ storeName: 'Boekhandel', cardNumber: 'bk-1', barcodeFormat: 'code39' });
    expect(card.cardNumber).toBe('BK-1');
    const other = await wallet.add({ storeName: 'boekhandel', cardNumber: 'BK-2', barcodeFormat: 'code39' });

    const renamed = await wallet.update({ id: card.id, label: 'Books', cardNumber: 'bk-3' });
    expect(renamed).toMatchObject({ label: 'Books', cardNumber: 'BK-3' });
    const cleared = await wallet.update({ id: card.id, label: null });
    expect(cleared.label).toBeNull();
    const taken = await appErrorOf(wallet.update({ id: card.id, cardNumber: 'BK-2' }));
    expect(taken).toMatchObject({ status: 409, code: 'card_number_taken' });
    const offFormat = await appErrorOf(wallet.update({ id: card.id, cardNumber: 'bk_4' }));
    expect(offFormat).toMatchObject({ status: 400, code: 'card_number_invalid' });

    const bobs = platform.caller({ token: bob.token }).walletLoyaltyCards;
    expect(await appErrorOf(bobs.get({ id: card.id }))).toMatchObject({ status: 404 });
    expect(await appErrorOf(bobs.remove({ id: card.id }))).toMatchObject({ status: 404 });
    expect(await appErrorOf(bobs.update({ id: card.id, label: 'mine' }))).toMatchObject({ status: 404 });

    expect(await wallet.remove({ id: card.id })).toEqual({ id: card.id, removed: true });
    expect(await appErrorOf(wallet.get({ id: card.id }))).toMatchObject({ code: 'loyalty_card_not_found' });
    expect((await wallet.list({ limit: 10 })).items.map((c) => c.id)).toEqual([other.id]);
  });

  it('issues cards that wait on an address, show once the holder signs in, and show revoked when revoked', async () => {
    const shop = await createTestMerchant(platform, 'Loyal Shop');
    const merchant = platform.caller({ token: shop.token }).loyaltyCards;
    const annEmail = uniqueEmail('ann');
    const bobEmail = uniqueEmail('bob');

    const single = await merchant.issue({ email: annEmail.toUpperCase(), label: 'Gold' });
    expect(single.created).toBe(true);
    expect(single.card).toMatchObject({ email: annEmail, state: 'active', barcodeFormat: 'code128' });
    expect(single.card.cardNumber).toMatch(/^9\d{15}$/);
    expect(hasValidLuhn(single.card.cardNumber)).toBe(true);

    const batch = await merchant.issueBatch({
      cards: [{ email: bobEmail }, { email: annEmail }, { email: bobEmail }],
    });
    expect(batch.items.map((r) => r.created)).toEqual([true, false, false]);
    expect(batch.items[1]?.card.id).toBe(single.card.id);
    expect(batch.items[2]?.card.id).toBe(batch.items[0]?.card.id);
    expect(batch.items[0]?.card.cardNumber).not.toBe(single.card.cardNumber);

    const issuedEvents = await platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'organization_id'])
      .where('resource_id', 'in', [single.card.id, batch.items[0]?.card.id ?? ''])
      .execute();
    expect(issuedEvents).toHaveLength(2);
    expect(issuedEvents.every((e) => e.type === 'loyalty_card.issued')).toBe(true);
    expect(issuedEvents.every((e) => e.organization_id === shop.user.organization.id)).toBe(true);

    const ann = await signInTestConsumer(platform, annEmail);
    const wallet = platform.caller({ token: ann.token }).walletLoyaltyCards;
    const mine = await wallet.list({ limit: 10 });
    expect(mine.items).toEqual([
      expect.objectContaining({
        id: single.card.id,
        source: 'issued',
        merchant: { id: shop.user.organization.id, name: shop.user.organization.name },
        cardNumber: single.card.cardNumber,
        label: 'Gold',
        state: 'active',
      }),
    ]);
    const fixed = await appErrorOf(wallet.update({ id: single.card.id, cardNumber: '123' }));
    expect(fixed).toMatchObject({ status: 422, code: 'issued_card_number_fixed' });
    expect((await wallet.update({ id: single.card.id, label: 'My shop' })).label).toBe('My shop');

    const revoked = await merchant.revoke({ id: single.card.id, reason: 'closed account' });
    expect(revoked).toMatchObject({ state: 'revoked', revokeReason: 'closed account' });
    expect(await merchant.revoke({ id: single.card.id })).toEqual(revoked);
    const revokedEvents = await platform.database.db
      .selectFrom('domain_events')
      .select('payload')
      .where('type', '=', 'loyalty_card.revoked')
      .where('resource_id', '=', single.card.id)
      .execute();
    expect(revokedEvents).toEqual([
      {
        payload: {
          cardId: single.card.id,
          cardNumber: single.card.cardNumber,
          email: annEmail,
          reason: 'closed account',
        },
      },
    ]);
    expect(await wallet.get({ id: single.card.id })).toMatchObject({
      state: 'revoked',
      googleWallet: { saveUrl: null, unavailableReason: 'revoked' },
    });

    // A revoked card frees the address: the merchant can issue a new one.
    const reissued = await merchant.issue({ email: annEmail });
    expect(reissued.created).toBe(true);
    expect(reissued.card.id).not.toBe(single.card.id);

    const listed = await merchant.list({ limit: 10, state: 'revoked' });
    expect(listed.items.map((c) => c.id)).toEqual([single.card.id]);
    expect((await merchant.list({ limit: 10, email: bobEmail })).items).toHaveLength(1);
  });

  it('keeps merchants to their own cards and issuing to merchants', async () => {
    const shop = await createTestMerchant(platform);
    const rival = await createTestMerchant(platform);
    const { card } = await platform
      .caller({ token: shop.token })
      .loyaltyCards.issue({ email: uniqueEmail() });
    const rivals = platform.caller({ token: rival.token }).loyaltyCards;
    expect(await appErrorOf(rivals.revoke({ id: card.id }))).toMatchObject({ status: 404 });
    expect((await rivals.list({ limit: 50 })).items).toEqual([]);

    const admin = await createTestPlatformAdmin(platform);
    const operator = platform.caller({ token: admin.token }).loyaltyCards;
    expect(await appErrorOf(operator.issue({ email: uniqueEmail() }))).toMatchObject({
      status: 403,
      code: 'issuer_not_merchant',
    });
    expect((await operator.list({ limit: 200 })).items.map((c) => c.id)).toContain(card.id);

    const consumer = await signInTestConsumer(platform);
    expect(
      await appErrorOf(platform.caller({ token: consumer.token }).loyaltyCards.list({ limit: 1 })),
    ).toMatchObject({ status: 401 });
    expect(
      await appErrorOf(platform.caller({ token: shop.token }).walletLoyaltyCards.list({ limit: 1 })),
    ).toMatchObject({ status: 401 });
  });

  it('gives no Google Wallet link without the configuration', async () => {
    const shop = await createTestMerchant(platform);
    const email = uniqueEmail();
    const { card } = await platform.caller({ token: shop.token }).loyaltyCards.issue({ email });
    const holder = await signInTestConsumer(platform, email);
    const detail = await platform.caller({ token: holder.token }).walletLoyaltyCards.get({ id: card.id });
    expect(detail.googleWallet).toEqual({ saveUrl: null, unavailableReason: 'not_configured' });
  });
});

describe('Google Wallet save links', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuerId = '3388000000022222222';
  const serviceAccount = 'wallet@ipay-test.iam.gserviceaccount.com';
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({
      env: {
        GOOGLE_WALLET_ISSUER_ID: issuerId,
        GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL: serviceAccount,
        // As it sits in a one-line .env value: newlines escaped.
        GOOGLE_WALLET_PRIVATE_KEY: privateKey
          .export({ type: 'pkcs8', format: 'pem' })
          .toString()
          .replace(/\n/g, '\\n'),
        GOOGLE_WALLET_LOYALTY_CLASS_SUFFIX: 'shop_rewards',
      },
    });
  });
  afterAll(() => platform.close());

  it('signs a savetowallet JWT holding the issued card’s loyalty object, verifiable with the public key', async () => {
    const shop = await createTestMerchant(platform, 'Wallet Shop');
    const email = uniqueEmail('holder');
    const { card } = await platform
      .caller({ token: shop.token })
      .loyaltyCards.issue({ email, label: 'Gold' });
    const holder = await signInTestConsumer(platform, email);
    const wallet = platform.caller({ token: holder.token }).walletLoyaltyCards;
    const detail = await wallet.get({ id: card.id });
    expect(detail.googleWallet.unavailableReason).toBeNull();
    const url = detail.googleWallet.saveUrl ?? '';
    expect(url.startsWith(GOOGLE_WALLET_SAVE_URL)).toBe(true);
    const token = url.slice(GOOGLE_WALLET_SAVE_URL.length);

    const claims = jwt.verify(token, publicKey, { algorithms: ['RS256'], audience: 'google' });
    expect(jwt.decode(token, { complete: true })?.header.alg).toBe('RS256');
    expect(claims).toMatchObject({
      iss: serviceAccount,
      aud: 'google',
      typ: 'savetowallet',
      origins: [],
      payload: {
        loyaltyObjects: [
          {
            id: `${issuerId}.${card.id}`,
            classId: `${issuerId}.shop_rewards`,
            state: 'ACTIVE',
            accountId: card.cardNumber,
            accountName: email,
            header: shop.user.organization.name,
            barcode: { type: 'CODE_128', value: card.cardNumber, alternateText: card.cardNumber },
          },
        ],
      },
    });
    expect(typeof (claims as { iat?: unknown }).iat).toBe('number');
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = jwt.sign({ aud: 'google' }, otherKey, { algorithm: 'RS256' });
    expect(() => jwt.verify(forged, publicKey, { algorithms: ['RS256'] })).toThrow();

    await platform.caller({ token: shop.token }).loyaltyCards.revoke({ id: card.id });
    expect((await wallet.get({ id: card.id })).googleWallet).toEqual({
      saveUrl: null,
      unavailableReason: 'revoked',
    });
    const saved = await wallet.add({ storeName: 'Corner shop', cardNumber: 'C-1', barcodeFormat: 'qr' });
    expect((await wallet.get({ id: saved.id })).googleWallet).toEqual({
      saveUrl: null,
      unavailableReason: 'not_issued_by_ipay',
    });
  });
});
