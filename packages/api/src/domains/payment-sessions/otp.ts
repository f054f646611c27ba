import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../../platform/key-derivation';

/** Wrong OTPs allowed before a session locks until an operator unlocks it. */
export const OTP_MAX_ATTEMPTS = 5;

/**
 * The 4-digit OTP of a paid session, derived from a server key and the session id: nothing to store, shown to
 * the consumer when needed, and unknowable without the key.
 */
export function sessionOtp(rootKey: Buffer, sessionId: string): string {
  const mac = createHmac('sha256', deriveKey(rootKey, 'driver-otp')).update(sessionId).digest();
  return String(mac.readUInt32BE(0) % 10_000).padStart(4, '0');
}

export function otpMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
