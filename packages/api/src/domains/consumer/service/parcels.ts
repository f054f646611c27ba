import type { DbExecutor } from '@ipay/db';
import type { PageInput } from '../../../platform/pagination-schemas';
import { listParcelsForEmail } from '../../payment-sessions/service/consumer-parcels';
import { paidByForSessions } from '../../share-payment/service/paid-by';
import type { ConsumerParcelPage } from '../schemas';
import type { SignedInConsumer } from './sessions';

/**
 * The signed-in consumer's parcels: every merchant's orders carrying their verified address, with who paid
 * where someone they shared the payment with did.
 */
export async function listConsumerParcels(
  db: DbExecutor,
  request: { consumer: Pick<SignedInConsumer, 'email'>; publicUrl: string; page: PageInput },
): Promise<ConsumerParcelPage> {
  const page = await listParcelsForEmail(db, {
    email: request.consumer.email,
    publicUrl: request.publicUrl,
    page: request.page,
  });
  const sessionIds = page.items.flatMap((parcel) => (parcel.session_id ? [parcel.session_id] : []));
  const paidBy = await paidByForSessions(db, sessionIds);
  return {
    items: page.items.map((parcel) => ({
      ...parcel,
      paid_by: parcel.session_id ? (paidBy.get(parcel.session_id) ?? null) : null,
    })),
    nextCursor: page.nextCursor,
  };
}
