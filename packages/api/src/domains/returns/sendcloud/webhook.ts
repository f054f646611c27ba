import type { Db } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { RETURN_LABEL_ERRORS } from '../labels/errors';
import type { WebhookHeaders } from '../../integrations/service/webhook-verifiers';
import { transitionReturn } from '../service/transitions';
import type { SendcloudWebhookReceipt } from '../labels/schemas';
import { carrierMove, MOVE_RANK, scanTime, verifySendcloudSignature } from './status';
import { SendcloudParcelStatusChanged } from './wire';

const RANK_OF_STATUS: Readonly<Record<string, number>> = { IN_TRANSIT: 1, RECEIVED: 2, REFUNDED: 3 };

/**
 * Sendcloud's `parcel_status_changed` for return parcels. The signature is checked on the raw bytes before
 * anything is parsed or stored (401 otherwise). Each (parcel, status, carrier time) is kept once, so a replay is
 * a no-op; a scan moves the case only forward, to the state its status maps to, dated by the carrier's
 * time, so an older scan arriving late never moves a case back.
 */
export async function receiveSendcloudReturnsWebhook(
  db: Db,
  options: { raw: Buffer; headers: WebhookHeaders; secret: string | undefined },
): Promise<SendcloudWebhookReceipt['receipt']> {
  if (!options.secret) {
    throw domainError(
      RETURN_LABEL_ERRORS,
      'sendcloud_not_configured',
      'Sendcloud is not configured: set SENDCLOUD_SECRET_KEY (or SENDCLOUD_WEBHOOK_SECRET) to verify its webhooks',
    );
  }
  if (!verifySendcloudSignature(options.raw, options.headers, options.secret)) {
    throw new AppError('unauthenticated', 'Sendcloud-Signature is missing or does not match the body');
  }
  let body: unknown;
  try {
    body = JSON.parse(options.raw.toString('utf8'));
  } catch {
    throw AppError.validation('body', 'is not JSON');
  }
  if ((body as { action?: unknown } | null)?.action !== 'parcel_status_changed') return 'ignored';
  const parsed = SendcloudParcelStatusChanged.safeParse(body);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'Not a parcel_status_changed webhook Sendcloud sends', {
      errors: parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || 'body',
        message: issue.message,
      })),
    });
  }
  const event = parsed.data;
  const carrierAt = scanTime(event.carrier_status_change_timestamp ?? event.timestamp);
  const move = carrierMove(event.parcel.status.id);
  return db.transaction().execute(async (trx) => {
    const parcel = await trx
      .selectFrom('return_labels')
      .select('return_id')
      .where('sendcloud_parcel_id', '=', event.parcel.id)
      .executeTakeFirst();
    if (!parcel) return 'ignored';
    const scan = await trx
      .insertInto('return_carrier_scans')
      .values({
        return_id: parcel.return_id,
        sendcloud_parcel_id: event.parcel.id,
        status_id: event.parcel.status.id,
        status_message: event.parcel.status.message.slice(0, 200),
        carrier_at: carrierAt,
      })
      .onConflict((conflict) => conflict.constraint('return_carrier_scans_once').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!scan) return 'duplicate';
    if (!move) return 'recorded';
    const before = await trx
      .selectFrom('return_cases')
      .select('status')
      .where('id', '=', parcel.return_id)
      .executeTakeFirstOrThrow();
    if ((RANK_OF_STATUS[before.status] ?? 0) >= MOVE_RANK[move]) return 'recorded';
    const after = await transitionReturn(trx, {
      returnId: parcel.return_id,
      to: move,
      occurredAt: carrierAt,
      source: 'carrier',
    }).catch((error: unknown) => {
      // A scan the case's state cannot take (a case rejected after its label) is kept, not refused:
      // refusing would only make Sendcloud send it again.
      if (error instanceof AppError && error.code === 'return_transition_invalid') return undefined;
      throw error;
    });
    if (!after || after.status === before.status) return 'recorded';
    await trx.updateTable('return_carrier_scans').set({ moved_to: move }).where('id', '=', scan.id).execute();
    return 'moved';
  });
}
