import type { DbTransaction } from '@ipay/db';
import type { Actor } from '../../auth/service';
import type { OrderShipment } from '../../orders/schemas';
import { setShipment } from '../../orders/service/shipment';
import { findSessionInScope } from '../../payment-sessions/service/queries';
import type { DataScope } from '../../rbac/catalogue';
import type { ParcelShipmentInput } from '../schemas';

/**
 * The carrier's side of the shipment facts: at pickup the driver (or the dispatcher) records the tracking
 * number of every piece of a parcel in their list, with the ship date, weight and dimensions. A parcel of
 * another carrier is the 404 of one that does not exist, as everywhere a driver acts.
 */
export async function setParcelShipment(
  trx: DbTransaction,
  request: { actor: Actor; scope: DataScope; input: ParcelShipmentInput },
): Promise<OrderShipment> {
  const { id, ...shipment } = request.input;
  const session = await findSessionInScope(trx, { actor: request.actor, scope: request.scope, id });
  return setShipment(trx, {
    actor: request.actor,
    scope: request.scope,
    input: { ...shipment, id: session.order_id },
  });
}
