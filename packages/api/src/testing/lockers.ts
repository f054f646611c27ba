import { randomBytes } from 'node:crypto';
import { lockerSignatureHeader, nowSeconds } from '../domains/lockers/service/signature';
import { http, type HttpResponse } from './http';
import type { TestPlatform } from './platform';

/** A new locker secret for `carrier`, created by an operator over HTTP; returns its value (shown once). */
export async function createTestLockerSecret(
  platform: TestPlatform,
  operatorToken: string,
  carrier: string,
): Promise<{ id: string; secret: string }> {
  const created = await http(platform.baseUrl, 'POST', `/api/admin/lockers/carriers/${carrier}/secrets`, {
    token: operatorToken,
    body: {},
  });
  if (created.status !== 200) throw new Error(`locker secret: ${JSON.stringify(created.body)}`);
  return { id: created.body.id, secret: created.body.secret };
}

/** A unique carrier event id. */
export const lockerEventId = () => `evt_${randomBytes(6).toString('hex')}`;

/** A `code_issued` body for a parcel, expiring in `expiresInHours` (negative: already past). */
export function lockerIssuedBody(
  parcel: { tracking_number?: string; ipay_reference?: string },
  options: { expiresInHours?: number; pickupCode?: string } = {},
) {
  const now = Date.now();
  const expiresAt = now + (options.expiresInHours ?? 72) * 3_600_000;
  return {
    event_id: lockerEventId(),
    event_type: 'code_issued',
    ...parcel,
    locker: { id: 'NL-AMS-0042', name: 'PostNL locker Albert Heijn Rokin' },
    compartment: 'B12',
    pickup_code: options.pickupCode ?? String(100000 + Math.floor(Math.random() * 900000)),
    issued_at: new Date(Math.min(now, expiresAt) - 3_600_000).toISOString(),
    expires_at: new Date(expiresAt).toISOString(),
  };
}

/**
 * POSTs a carrier's locker call signed as a carrier signs it (or with `signature` as given). `skewSeconds` moves
 * the signed timestamp away from the clock at the moment of sending, so a case's skew does not grow while earlier
 * calls run.
 */
export function sendLockerCall(
  platform: TestPlatform,
  path: string,
  body: unknown,
  signing: { secret?: string; skewSeconds?: number; signature?: string | null },
): Promise<HttpResponse<any>> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signature =
    signing.signature !== undefined
      ? signing.signature
      : lockerSignatureHeader(signing.secret ?? '', raw, nowSeconds() + (signing.skewSeconds ?? 0));
  return http(platform.baseUrl, 'POST', path, {
    rawBody: raw,
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-ipay-signature': signature }),
    },
  });
}
