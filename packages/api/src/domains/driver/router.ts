import { router } from '../../trpc/init';
import { permittedProcedure, rateLimitedByUser } from '../../trpc/procedures';
import { DriverParcelPage, ListDriverParcelsInput, OtpVerified, VerifyOtpInput } from './schemas';
import { verifyOtp } from './service/otp';
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
});
