import { z } from 'zod';
import { SessionStatus } from '../payment-sessions/schemas';

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
