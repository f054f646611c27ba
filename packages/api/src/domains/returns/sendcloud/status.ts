import { hmacSha256 } from '../../integrations/service/webhook-verifiers';

/** Where a carrier scan moves a return; scans that say neither are recorded and move nothing. */
export type CarrierMove = 'IN_TRANSIT' | 'RECEIVED';

/**
 * Sendcloud's parcel status ids for a return parcel on its way back: every scan after the consumer handed it in
 * is IN_TRANSIT; delivered to the merchant (or collected by them at a service point) is RECEIVED. Announcement,
 * cancellation, "ready to send", "unknown", refusal, "returned to sender" and error states move nothing: the
 * parcel has not been handed in, is going back to the consumer, or the carrier does not know where it is.
 * Sendcloud serves the list at `GET /parcels/statuses` (v3 "Parcel statuses" reference on sendcloud.dev) and names
 * them on its "Tracking statuses" page; the ids below are the ones Sendcloud's own Shopware plugin
 * (`DeliveryStateMapper`) and the Webador/sendcloud PHP client (`Model/Parcel.php`, "obtained from
 * /api/v2/parcels/statuses") hard-code. 10 "Delivery forced" is left out: neither source says who sets it,
 * and the merchant can always confirm receipt (`confirm-received`).
 */
export const SENDCLOUD_STATUS_MOVES: Readonly<Record<number, CarrierMove>> = {
  3: 'IN_TRANSIT', // En route to sorting center
  4: 'IN_TRANSIT', // Delivery delayed
  5: 'IN_TRANSIT', // Sorted
  6: 'IN_TRANSIT', // Not sorted
  7: 'IN_TRANSIT', // Being sorted
  8: 'IN_TRANSIT', // Delivery attempt failed
  12: 'IN_TRANSIT', // Awaiting customer pickup (at a service point on the way back)
  18: 'IN_TRANSIT', // Not sorted (a second id Sendcloud uses for it)
  22: 'IN_TRANSIT', // Shipment picked up by driver
  91: 'IN_TRANSIT', // Parcel en route
  92: 'IN_TRANSIT', // Driver en route
  62989: 'IN_TRANSIT', // At customs (a return crossing a border)
  62990: 'IN_TRANSIT', // At sorting centre
  11: 'RECEIVED', // Delivered
  93: 'RECEIVED', // Shipment collected by customer (the merchant, for a return)
};

/** Where a scan moves a return: by Sendcloud's status id, else undefined. */
export function carrierMove(statusId: number): CarrierMove | undefined {
  return SENDCLOUD_STATUS_MOVES[statusId];
}

/** How far along a move is: a scan never moves a return to a lower rank. */
export const MOVE_RANK: Readonly<Record<CarrierMove, number>> = { IN_TRANSIT: 1, RECEIVED: 2 };

/**
 * Sendcloud's `timestamp` and `carrier_status_change_timestamp` are Unix times in milliseconds in real
 * deliveries (the reference only says "unix timestamp"); a value below 10^11 is read as seconds.
 */
export function scanTime(value: number): Date {
  return new Date(value < 1e11 ? value * 1000 : value);
}

/** `Sendcloud-Signature`: HMAC-SHA256 hex of the raw body with the integration's secret key, constant time. */
export const verifySendcloudSignature = hmacSha256('sendcloud-signature', 'hex');
