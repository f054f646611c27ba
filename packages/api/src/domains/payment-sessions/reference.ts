import { randomInt } from 'node:crypto';

/**
 * The 18-digit payment reference: 16 random digits (first one non-zero) and two ISO 7064 MOD 97-10 check
 * digits, so `BigInt(reference) % 97n === 1n` validates it offline and a mistyped digit is caught at once.
 */
export function generatePaymentReference(): string {
  let body = String(randomInt(1, 10));
  while (body.length < 16) body += String(randomInt(0, 10));
  const check = 98n - ((BigInt(body) * 100n) % 97n);
  return `${body}${check.toString().padStart(2, '0')}`;
}

export function isValidPaymentReference(value: string): boolean {
  return /^[0-9]{18}$/.test(value) && BigInt(value) % 97n === 1n;
}
