import { defineErrorCodes } from '../../errors/domain-codes';

/** The driver domain's own failure codes: verifying the consumer's OTP at the door. */
export const DRIVER_ERRORS = defineErrorCodes({
  otp_wrong: {
    kind: 'unprocessable',
    description: 'The OTP does not match; `detail` says how many attempts are left.',
  },
  otp_locked: {
    kind: 'locked',
    description: 'Too many wrong OTPs: the session is locked until an operator unlocks it.',
  },
  session_not_paid: {
    kind: 'conflict',
    description: 'The OTP is verified on a session that is not (or no longer) paid.',
  },
});
