import { randomInt } from 'node:crypto';
import type { BarcodeFormat } from './schemas';

// Pure rules for card numbers (no server imports): normalising what a person typed, checking it against the
// barcode's symbology, and IPAY's own numbers.

export type CardNumberCheck = { ok: true; value: string } | { ok: false; message: string };

/** Code 39's 43 characters; lower-case letters are read as upper-case. */
const CODE39 = /^[0-9A-Z .$/+%-]+$/;
/** Code 128 (sets A and B) encodes printable ASCII. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
/** Control characters and the invisible format characters that make two equal-looking numbers differ. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** The GS1 check digit of the digits before it (weights 3 and 1 from the right), as EAN-13 uses. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** The Luhn check digit of the digits before it. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidLuhn(number: string): boolean {
  return /^\d{2,}$/.test(number) && luhnCheckDigit(number.slice(0, -1)) === Number(number.at(-1));
}

/**
 * The number as stored: Unicode-normalised (NFKC turns full-width digits into ASCII), trimmed, inner runs of
 * white space made one space; then the format's own rule. EAN-13 is digits only (spaces and hyphens people type
 * are dropped) with a valid check digit; Code 39 is upper-cased and limited to its alphabet; Code 128 is printable
 * ASCII; QR, PDF417 and Aztec carry any text.
 */
export function normaliseCardNumber(format: BarcodeFormat, raw: string): CardNumberCheck {
  const text = raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (text.length === 0) return { ok: false, message: 'is empty' };
  if (INVISIBLE.test(text)) return { ok: false, message: 'contains control or invisible characters' };
  switch (format) {
    case 'ean13': {
      const digits = text.replace(/[ -]/g, '');
      if (!/^\d{13}$/.test(digits)) return { ok: false, message: 'must be 13 digits for EAN-13' };
      if (gs1CheckDigit(digits.slice(0, 12)) !== Number(digits[12])) {
        return { ok: false, message: 'has a wrong EAN-13 check digit' };
      }
      return { ok: true, value: digits };
    }
    case 'code39': {
      const upper = text.toUpperCase();
      if (!CODE39.test(upper)) {
        return { ok: false, message: 'may hold only 0-9, A-Z, space and - . $ / + % for Code 39' };
      }
      return { ok: true, value: upper };
    }
    case 'code128':
      if (!PRINTABLE_ASCII.test(text)) return { ok: false, message: 'must be printable ASCII for Code 128' };
      return { ok: true, value: text };
    case 'qr':
    case 'pdf417':
    case 'aztec':
      return { ok: true, value: text };
  }
}

/** IPAY's loyalty card numbers: 16 digits, starting with 9, the last a Luhn check digit. */
export const IPAY_CARD_NUMBER_DIGITS = 16;

export function newIpayCardNumber(): string {
  let body = '9';
  while (body.length < IPAY_CARD_NUMBER_DIGITS - 1) body += String(randomInt(10));
  return `${body}${luhnCheckDigit(body)}`;
}
