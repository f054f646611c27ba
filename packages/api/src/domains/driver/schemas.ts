import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { ShipmentInput } from '../orders/schemas';
import { ParcelStatus, SessionStatus } from '../payment-sessions/schemas';

export const VerifyOtpInput = z.object({
  ipay_reference_18: z.string().trim().describe('The 18-digit payment reference on the parcel label'),
  otp_4: z
    .string()
    .trim()
    .regex(/^[0-9]{4}$/, 'must be the 4-digit code the consumer shows')
    .describe('The OTP the consumer shows at the door'),
});
export type VerifyOtpInput = z.infer<typeof VerifyOtpInput>;

export const OtpVerified = z
  .object({
    session_id: z.uuid(),
    ipay_reference_18: z.string(),
    status: SessionStatus,
    released_at: z.iso.datetime(),
  })
  .meta({ id: 'OtpVerified' });
export type OtpVerified = z.infer<typeof OtpVerified>;

/** A Dutch postcode (or any other) compared without spaces and in upper case: `1015 cj` is `1015CJ`. */
const Postcode = z
  .string()
  .transform((value) => value.replace(/\s+/g, '').toUpperCase())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(10)
      .regex(/^[A-Z0-9-]+$/, 'must be a postcode or its beginning, e.g. 1015 CJ or 1015'),
  );

export const PARCEL_VIEWS = ['open', 'all'] as const;

export const ListDriverParcelsInput = PageInput.extend({
  view: z
    .enum(PARCEL_VIEWS)
    .default('open')
    .describe(
      '`open` (the default): parcels awaiting delivery, that is paid (PAID) or released at the door (RELEASED), or with the carrier (PICKED_UP, IN_DELIVERY, DELIVERY_FAILED) while the consumer has not paid yet, and neither delivered nor returned; `all`: every parcel in scope, whatever its state',
    ),
  status: SessionStatus.optional().describe('Only parcels whose payment session has this status'),
  parcel_status: ParcelStatus.optional().describe('Only parcels with this parcel status'),
  postcode: Postcode.optional().describe(
    'Only parcels delivered to this postcode, or to postcodes starting with it (`1015` or `1015 CJ`); spaces and case are ignored',
  ),
});
export type ListDriverParcelsInput = z.infer<typeof ListDriverParcelsInput>;

export const DriverParcel = z
  .object({
    id: z.uuid().describe('Payment session id: the parcel in `/api/payment-sessions/{id}/parcel-status`'),
    ipay_reference_18: z.string().describe('The payment reference on the parcel label'),
    status: SessionStatus,
    parcel_status: ParcelStatus.nullable(),
    parcel_status_reason: z.string().nullable(),
    order_id: z.uuid(),
    order_external_id: z.string().describe("The merchant's own order number"),
    merchant: z.object({ id: z.uuid(), name: z.string() }),
    consumer_name: z.string(),
    delivery_address: z.object({
      line1: z.string(),
      line2: z.string().nullable(),
      postal_code: z.string(),
      city: z.string(),
      country: z.string(),
    }),
    carrier_code: z.string(),
    item_count: z.number().int().describe('Units in the parcel (the order lines’ quantities summed)'),
    amount_minor: z.number().int().describe('What the consumer pays, in minor units'),
    currency: z.string(),
    handled_by: z
      .object({
        partner_id: z.uuid(),
        partner_name: z.string(),
        user_id: z.uuid().nullable().describe("The driver; null for callers outside the driver's partner"),
        user_name: z.string().nullable(),
        handled_at: Timestamp,
      })
      .nullable()
      .describe('Who last released or moved the parcel for a partner; null while no partner user has'),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'DriverParcel' });
export type DriverParcel = z.infer<typeof DriverParcel>;
export const DriverParcelPage = pageOf(DriverParcel);

export const ParcelShipmentInput = ShipmentInput.extend({
  id: z.uuid().describe('Payment session id: the parcel as `GET /api/driver/parcels` lists it'),
});
export type ParcelShipmentInput = z.infer<typeof ParcelShipmentInput>;
