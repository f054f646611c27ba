import type { Db } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import type { Language } from '../../../pages/i18n';
import { consumeRateLimit } from '../../../platform/rate-limit';
import { codeDestinations, sendDoorCode, type CodeDestinations, type DoorCodeSettings } from './door-code';
import { sessionForPayToken } from './public-session';

/** "Send it again" on the pay page, per session: enough for a lost message, too few to spam the consumer. */
export const DOOR_CODE_RESENDS = { limit: 3, windowSeconds: 3600 };

/**
 * "Send it again" from the pay page: to the same addresses only, while the session is PAID, at most
 * `DOOR_CODE_RESENDS` per session (a 429 beyond). Returns where it went, masked.
 */
export async function resendDoorCode(
  db: Db,
  request: DoorCodeSettings & { token: string; language?: Language },
): Promise<CodeDestinations> {
  const session = await sessionForPayToken(db, request.token);
  if (session.status !== 'PAID') {
    throw new AppError('conflict', `This session is ${session.status}; its door code is no longer needed.`);
  }
  await consumeRateLimit(db, { key: `door-code-resend:session:${session.id}`, ...DOOR_CODE_RESENDS });
  await db.transaction().execute((trx) => sendDoorCode(trx, { ...request, sessionId: session.id }));
  const destinations = await codeDestinations(db, {
    sessionId: session.id,
    smsConfigured: request.smsConfigured,
  });
  return destinations ?? { email: '***', phone: null };
}
