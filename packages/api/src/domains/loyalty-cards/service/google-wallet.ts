import jwt from 'jsonwebtoken';
import type { GoogleWalletConfig } from '../../../config';
import type { BarcodeFormat, LoyaltyCard, LoyaltyCardDetail } from '../schemas';

export const GOOGLE_WALLET_SAVE_URL = 'https://pay.google.com/gp/v/save/';

/** Google Wallet's `BarcodeType` for each of our formats. */
const BARCODE_TYPES: Record<BarcodeFormat, string> = {
  code128: 'CODE_128',
  ean13: 'EAN_13',
  qr: 'QR_CODE',
  pdf417: 'PDF_417',
  aztec: 'AZTEC',
  code39: 'CODE_39',
};

/**
 * The loyalty object of an IPAY-issued card, in the issuer's class. Its id is the card's, so saving the link
 * twice finds the same pass instead of adding a second one.
 */
export function loyaltyObject(config: GoogleWalletConfig, card: LoyaltyCard, holderEmail: string) {
  return {
    id: `${config.issuerId}.${card.id}`,
    classId: `${config.issuerId}.${config.loyaltyClassSuffix}`,
    state: 'ACTIVE',
    accountId: card.cardNumber,
    accountName: holderEmail,
    header: card.merchant.name,
    barcode: {
      type: BARCODE_TYPES[card.barcodeFormat],
      value: card.cardNumber,
      alternateText: card.cardNumber,
    },
  };
}

/**
 * The “Add to Google Wallet” link (Google Wallet API JWT: `aud: google`, `typ: savetowallet`, the object in
 * `payload.loyaltyObjects`, RS256 with the service account's key). Signing is local: no call to Google until the
 * person opens the link. Only cards IPAY issued and still active get one; Google shows a saved pass under the
 * issuer's brand, and a store's own card is not IPAY's to issue.
 */
export function googleWalletLink(
  config: GoogleWalletConfig | undefined,
  card: LoyaltyCard,
  holderEmail: string,
): LoyaltyCardDetail['googleWallet'] {
  if (card.source !== 'issued') return { saveUrl: null, unavailableReason: 'not_issued_by_ipay' };
  if (card.state === 'revoked') return { saveUrl: null, unavailableReason: 'revoked' };
  if (!config) return { saveUrl: null, unavailableReason: 'not_configured' };
  const token = jwt.sign(
    {
      iss: config.serviceAccountEmail,
      aud: 'google',
      typ: 'savetowallet',
      origins: [],
      payload: { loyaltyObjects: [loyaltyObject(config, card, holderEmail)] },
    },
    config.privateKey,
    { algorithm: 'RS256' },
  );
  return { saveUrl: `${GOOGLE_WALLET_SAVE_URL}${token}`, unavailableReason: null };
}
