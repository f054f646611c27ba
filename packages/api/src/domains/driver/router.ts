import { router } from '../../trpc/init';
import { permittedProcedure, rateLimitedByUser } from '../../trpc/procedures';
import { OtpVerified, VerifyOtpInput } from './schemas';
import { verifyOtp } from './service';

const OTP_CHECKS_PER_MINUTE = 30;

export const driverRouter = router({
  verifyOtp: permittedProcedure('driver_otp', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/driver/verify-otp',
        tags: ['driver'],
        summary: "Verify the consumer's OTP at the door and release the parcel",
        description:
          'A reference with bad check digits is a 400 before any lookup; a wrong code is a 422 with the attempts left; the fifth wrong code locks the session (423) until an operator unlocks it; an unpaid session is a 409.',
        errorResponses: [400, 401, 403, 404, 409, 422, 423, 429],
      },
    })
    .use(rateLimitedByUser('verify-otp', OTP_CHECKS_PER_MINUTE, 60))
    .input(VerifyOtpInput)
    .output(OtpVerified)
    .mutation(({ ctx, input }) => verifyOtp(ctx.db, { actor: ctx.actor, rootKey: ctx.encryptionKey, input })),
});
