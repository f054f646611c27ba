import type { DbExecutor } from '@ipay/db';
import type { PageInput } from '../../../platform/pagination-schemas';
import { consumerLockersForOrders } from '../../lockers/service/codes';
import { listParcelsForEmail } from '../../payment-sessions/service/consumer-parcels';
import type { ConsumerParcelsOutput } from '../schemas';
import type { SignedInConsumer } from './sessions';

/**
 * The signed-in consumer's parcels: every merchant's orders carrying their verified address, each with its
 * locker when a carrier put it in one, and its pickup code once the parcel is paid.
 */
export async function listConsumerParcels(
  db: DbExecutor,
  request: {
    consumer: Pick<SignedInConsumer, 'email'>;
    publicUrl: string;
    page: PageInput;
    encryptionKey: Buffer;
  },
): Promise<ConsumerParcelsOutput> {
  const page = await listParcelsForEmail(db, {
    email: request.consumer.email,
    publicUrl: request.publicUrl,
    page: request.page,
  });
  const lockers = await consumerLockersForOrders(db, {
    orderIds: page.items.map((item) => item.id),
    encryptionKey: request.encryptionKey,
  });
  return {
    ...page,
    items: page.items.map((item) => {
      const locker = lockers.get(item.id) ?? null;
      // Pay on delivery: the code hands the parcel over, so it shows once nothing is due any more.
      if (locker && item.status === 'pending') return { ...item, locker: { ...locker, pickup_code: null } };
      return { ...item, locker };
    }),
  };
}
