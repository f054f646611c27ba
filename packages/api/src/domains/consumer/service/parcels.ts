import type { DbExecutor } from '@ipay/db';
import type { PageInput } from '../../../platform/pagination-schemas';
import { listParcelsForEmail } from '../../payment-sessions/service/consumer-parcels';
import type { ConsumerParcelPage } from '../schemas';
import type { SignedInConsumer } from './sessions';

/** The signed-in consumer's parcels: every merchant's orders carrying their verified address. */
export function listConsumerParcels(
  db: DbExecutor,
  request: { consumer: Pick<SignedInConsumer, 'email'>; publicUrl: string; page: PageInput },
): Promise<ConsumerParcelPage> {
  return listParcelsForEmail(db, {
    email: request.consumer.email,
    publicUrl: request.publicUrl,
    page: request.page,
  });
}
