import { sql } from 'kysely';
import type { Db, DbExecutor } from '@ipay/db';
import { formatDate, translator } from '../../../pages/i18n';
import { openSecret } from '../../../platform/secret-box';
import { toTimestamp } from '../../../platform/time';
import { recordDomainEvents } from '../../events/service';
import { queueEmail } from '../../notifications/service';
import { orderRecipient } from '../../payment-sessions/service/locker-parcel';
import type { ConsumerLocker } from '../schemas';

/** How long before expiry the consumer is reminded, by default. */
export const REMINDER_LEAD_HOURS = 24;

function selectLatestCodes(db: DbExecutor, orderIds: readonly string[]) {
  return db
    .selectFrom('locker_codes')
    .distinctOn('order_id')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('issued_at', 'desc')
    .orderBy('created_at', 'desc');
}
type CodeRow = Awaited<ReturnType<ReturnType<typeof selectLatestCodes>['executeTakeFirstOrThrow']>>;

function codeRowToConsumerLocker(row: CodeRow, encryptionKey: Buffer): ConsumerLocker {
  return {
    carrier_code: row.carrier_code,
    locker_id: row.locker_id,
    locker_name: row.locker_name,
    compartment: row.compartment,
    // Only a code that still opens something is shown.
    pickup_code: row.status === 'ISSUED' ? openSecret(encryptionKey, row.code_sealed) : null,
    status: row.status,
    issued_at: toTimestamp(row.issued_at),
    expires_at: toTimestamp(row.expires_at),
    collected_at: row.collected_at ? toTimestamp(row.collected_at) : null,
  };
}

/**
 * Each order's latest locker code, with the pickup code opened: for the consumer's own views only (their
 * parcels, the pay page in the browser that paid). Never call it for a merchant's or operator's output.
 */
export async function consumerLockersForOrders(
  db: DbExecutor,
  request: { orderIds: readonly string[]; encryptionKey: Buffer },
): Promise<Map<string, ConsumerLocker>> {
  if (request.orderIds.length === 0) return new Map();
  const rows = await selectLatestCodes(db, request.orderIds).execute();
  return new Map(rows.map((row) => [row.order_id, codeRowToConsumerLocker(row, request.encryptionKey)]));
}

/** Codes past their expiry become EXPIRED, each announced as locker.expired; returns how many. */
export async function expireDueLockerCodes(db: Db, limit = 500): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const expired = await trx
      .updateTable('locker_codes')
      .set({ status: 'EXPIRED', expired_at: sql<Date>`now()` })
      .where(
        'id',
        'in',
        trx
          .selectFrom('locker_codes')
          .select('id')
          .where('status', '=', 'ISSUED')
          .where('expires_at', '<=', sql<Date>`now()`)
          .orderBy('expires_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    if (expired.length === 0) return 0;
    await recordDomainEvents(
      trx,
      expired.map((code) => ({
        type: 'locker.expired' as const,
        resourceType: 'locker_code',
        resourceId: code.id,
        organizationId: code.merchant_id,
        data: {
          lockerCodeId: code.id,
          orderId: code.order_id,
          carrierCode: code.carrier_code,
          trackingNumber: code.tracking_number,
          ipayReference: code.ipay_reference,
          lockerId: code.locker_id,
          lockerName: code.locker_name,
          status: code.status,
          expiredAt: toTimestamp(code.expired_at ?? code.expires_at),
        },
      })),
    );
    return expired.length;
  });
}

/**
 * One reminder per code, to the order's customer e-mail, once the code expires within `leadHours`: the code is
 * marked in the same transaction as the e-mail is queued (and the outbox key is per code), so a rerun or two
 * workers at once send it once. The e-mail links to the consumer's parcels rather than carrying the code: the
 * outbox is readable by operators.
 */
export async function queueLockerReminders(
  db: Db,
  request: { publicUrl: string; leadHours?: number; limit?: number },
): Promise<number> {
  const leadHours = request.leadHours ?? REMINDER_LEAD_HOURS;
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .updateTable('locker_codes')
      .set({ reminder_queued_at: sql<Date>`now()` })
      .where(
        'id',
        'in',
        trx
          .selectFrom('locker_codes')
          .select('id')
          .where('status', '=', 'ISSUED')
          .where('reminder_queued_at', 'is', null)
          .where('expires_at', '>', sql<Date>`now()`)
          .where('expires_at', '<=', sql<Date>`now() + make_interval(hours => ${leadHours})`)
          .limit(request.limit ?? 500)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'order_id', 'locker_name', 'expires_at'])
      .execute();
    const t = translator('en');
    for (const code of due) {
      const recipient = await orderRecipient(trx, code.order_id);
      if (!recipient) continue;
      await queueEmail(trx, {
        to: recipient.email,
        subject: t('email.lockerReminder.subject', { merchant: recipient.merchantName }),
        text: t('email.lockerReminder.text', {
          merchant: recipient.merchantName,
          reference: recipient.merchantReference,
          locker: code.locker_name,
          expires: formatDate('en', code.expires_at),
          link: `${request.publicUrl}/consumer/parcels`,
        }),
        idempotencyKey: `locker-reminder:${code.id}`,
        regarding: { kind: 'order', id: code.order_id },
      });
    }
    return due.length;
  });
}
