import type { Db, DbExecutor } from '@ipay/db';
import type { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { lockReturnCase } from '../service/load-case';
import type { SendcloudClient } from '../sendcloud/client';
import { SendcloudError } from '../sendcloud/errors';
import { RETURN_LABEL_ERRORS } from './errors';

interface Announcement {
  sendcloud_return_id: number;
  sendcloud_parcel_id: number;
  shipping_option_code: string;
}

/**
 * A booked return whose label the overlay cannot use (not a PDF) must not stay booked: ask Sendcloud to cancel it,
 * record the withdrawal, and drop the announcement, so the case (still APPROVED) can be booked again with another
 * shipping option. Sendcloud only forwards cancellations to carriers that take them and refuses the rest; a refusal
 * is recorded as `failed` and named in the problem, so the merchant cancels it in the Sendcloud panel.
 * Answers the 422 the caller throws.
 */
export async function withdrawAnnouncement(
  db: Db,
  client: SendcloudClient,
  options: { returnId: string; announced: Announcement; cause: SendcloudError },
): Promise<AppError> {
  const { returnId, announced, cause } = options;
  const sendcloudReturnId = announced.sendcloud_return_id;
  let failure: string | undefined;
  try {
    await client.cancelReturn(sendcloudReturnId);
  } catch (error) {
    if (!(error instanceof SendcloudError)) throw error;
    failure = error.message;
  }
  await db.transaction().execute(async (trx) => {
    await lockReturnCase(trx, returnId);
    await trx
      .insertInto('return_label_withdrawals')
      .values({
        sendcloud_return_id: sendcloudReturnId,
        return_id: returnId,
        sendcloud_parcel_id: announced.sendcloud_parcel_id,
        shipping_option_code: announced.shipping_option_code,
        cancellation: failure === undefined ? 'requested' : 'failed',
        detail: failure ?? cause.message,
      })
      .onConflict((conflict) => conflict.column('sendcloud_return_id').doNothing())
      .execute();
    await trx
      .deleteFrom('return_labels')
      .where('return_id', '=', returnId)
      .where('sendcloud_return_id', '=', sendcloudReturnId)
      .where('pdf', 'is', null)
      .execute();
  });
  const outcome =
    failure === undefined
      ? `the return booked at Sendcloud (${sendcloudReturnId}) was cancelled; choose a shipping option whose carrier prints PDF labels`
      : `cancelling the return booked at Sendcloud (${sendcloudReturnId}) failed (${failure}): cancel it in the Sendcloud panel`;
  return domainError(RETURN_LABEL_ERRORS, 'label_not_pdf', `Sendcloud: ${cause.message}; ${outcome}`);
}

/**
 * The external reference of the case's next announcement: the case id, then `<id>-2`, `<id>-3` after withdrawals,
 * because Sendcloud refuses a reference it has seen (whether it forgets a cancelled one is not documented).
 */
export async function nextExternalReference(db: DbExecutor, returnId: string): Promise<string> {
  const { count } = await db
    .selectFrom('return_label_withdrawals')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('return_id', '=', returnId)
    .executeTakeFirstOrThrow();
  const withdrawn = Number(count);
  return withdrawn === 0 ? returnId : `${returnId}-${withdrawn + 1}`;
}
