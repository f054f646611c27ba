import { sql } from 'kysely';
import { sendDoorCode } from '../domains/payment-sessions/service/door-code';
import type { TestPlatform } from './platform';

/**
 * Presses Pay on the pay page as the consumer's browser would (a same-origin form POST) and returns the payer
 * cookie it was given, as a `Cookie` header, and where it was sent next.
 */
export async function payOnPayPage(
  platform: TestPlatform,
  token: string,
  psp: 'simulate' | 'stripe' | 'multisafepay' = 'simulate',
): Promise<{ cookie: string; location: string | null; status: number }> {
  const response = await fetch(`${platform.baseUrl}/pay/${token}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ psp }).toString(),
    redirect: 'manual',
  });
  const first = response.headers.getSetCookie().find((c) => c.startsWith('ipay_payer='));
  return {
    cookie: first?.split(';')[0] ?? '',
    location: response.headers.get('location'),
    status: response.status,
  };
}

/**
 * Runs the `payment-sessions.send-door-code` job queued for a session (as the worker would) and takes it off the
 * queue; false when none was queued.
 */
export async function runDoorCodeJob(platform: TestPlatform, sessionId: string): Promise<boolean> {
  const { db } = platform.database;
  const key = `door-code:${sessionId}`;
  const { rows } = await sql<{ key: string }>`
    select key from graphile_worker.jobs where key = ${key}`.execute(db);
  if (rows.length === 0) return false;
  await db.transaction().execute((trx) =>
    sendDoorCode(trx, {
      sessionId,
      rootKey: platform.deps.encryptionKey,
      publicUrl: platform.config.publicUrl,
      smsConfigured: platform.config.sms !== undefined,
    }),
  );
  await sql`select graphile_worker.remove_job(${key})`.execute(db);
  return true;
}

/** A form POST as a browser sends it from the page itself (or from elsewhere, with other headers). */
export function postForm(
  platform: TestPlatform,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' },
): Promise<Response> {
  return fetch(`${platform.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}
