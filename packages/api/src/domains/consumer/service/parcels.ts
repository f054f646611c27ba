import type { DbExecutor } from '@ipay/db';
import type { PageInput } from '../../../platform/pagination-schemas';
import { consumerLockersForOrders } from '../../lockers/service/codes';
import { listParcelsForEmail } from '../../payment-sessions/service/consumer-parcels';
import { paidByForSessions } from '../../share-payment/service/paid-by';
import type { ConsumerParcelPage } from '../schemas';
import type { SignedInConsumer } from './sessions';

/**
 * The signed-in consumer's parcels: every merchant's orders carrying their verified address, with who paid where
 * someone they shared the payment with did, and the locker when a carrier put the parcel in one (its pickup code
 * once the parcel is paid).
 */
export async function listConsumerParcels(
  db: DbExecutor,
  request: {
    consumer: Pick<SignedInConsumer, 'email'>;
    publicUrl: string;
    page: PageInput;
    encryptionKey: Buffer;
  },
): Promise<ConsumerParcelPage> {
  const page = await listParcelsForEmail(db, {
    email: request.consumer.email,
    publicUrl: request.publicUrl,
    page: request.page,
  });
  const sessionIds = page.items.flatMap((parcel) => (parcel.session_id ? [parcel.session_id] : []));
  const [paidBy, lockers] = await Promise.all([
    paidByForSessions(db, sessionIds),
    consumerLockersForOrders(db, {
      orderIds: page.items.map((parcel) => parcel.id),
      encryptionKey: request.encryptionKey,
    }),
  ]);
  return {
    items: page.items.map((parcel) => {
      const paid_by = parcel.session_id ? (paidBy.get(parcel.session_id) ?? null) : null;
      const locker = lockers.get(parcel.id) ?? null;
      // Pay on delivery: the code hands the parcel over, so it shows once nothing is due any more.
      if (locker && parcel.status === 'pending') {
        return { ...parcel, paid_by, locker: { ...locker, pickup_code: null } };
      }
      return { ...parcel, paid_by, locker };
    }),
    nextCursor: page.nextCursor,
  };
}
