import { router } from '../../trpc/init';
import { permittedProcedure, rateLimitedByUser } from '../../trpc/procedures';
import { OrderShipment } from '../orders/schemas';
import {
  DriverParcelPage,
  ListDriverParcelsInput,
  OtpVerified,
  ParcelShipmentInput,
  VerifyOtpInput,
} from './schemas';
import { verifyOtp } from './service/otp';
import { setParcelShipment } from './service/shipment';
import { listDriverParcels } from '../payment-sessions/service/driver-parcels';

const OTP_CHECKS_PER_MINUTE = 30;

export const driverRouter = router({
  parcels: permittedProcedure('parcels', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/driver/parcels',
        tags: ['driver'],
        summary: "The parcels of the driver's carriers awaiting delivery, newest first",
        description:
          "Drivers, dispatchers and partner admins see the parcels whose order's carrier code is one of their partner's (merchants their own, operators all). Never the OTP, the pay link or payment details.",
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListDriverParcelsInput)
    .output(DriverParcelPage)
    .query(({ ctx, input }) => listDriverParcels(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  verifyOtp: permittedProcedure('driver_otp', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/driver/verify-otp',
        tags: ['driver'],
        summary: "Verify the consumer's OTP at the door and release the parcel",
        description:
          "A reference with bad check digits is a 400 before any lookup; a reference of another carrier than the driver's partner's is a 404, as for one that does not exist; a wrong code is a 422 with the attempts left; the fifth wrong code locks the session (423) until an operator unlocks it; an unpaid session is a 409.",
        errorResponses: [400, 401, 403, 404, 409, 422, 423, 429],
      },
    })
    .use(rateLimitedByUser('verify-otp', OTP_CHECKS_PER_MINUTE, 60))
    .input(VerifyOtpInput)
    .output(OtpVerified)
    .mutation(({ ctx, input }) =>
      verifyOtp(ctx.db, { actor: ctx.actor, scope: ctx.scope, rootKey: ctx.encryptionKey, input }),
    ),

  parcelShipment: permittedProcedure('parcels', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/api/driver/parcels/{id}/shipment',
        tags: ['driver'],
        summary: 'Record the tracking number, weight and dimensions of every piece of a parcel at pickup',
        description:
          "For drivers, dispatchers and partner admins, on the parcels of their partner's carrier codes (another carrier's parcel is a 404). The list replaces the order's shipment facts, whoever set them; the same facts again change nothing. A tracking number already on another order of the carrier is a 409 naming the piece.",
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(ParcelShipmentInput)
    .output(OrderShipment)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => setParcelShipment(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),
});
