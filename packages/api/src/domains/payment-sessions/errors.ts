import { defineErrorCodes } from '../../errors/domain-codes';

/** The payment-sessions domain's own failure codes. */
export const PAYMENT_SESSION_ERRORS = defineErrorCodes({
  illegal_parcel_transition: {
    kind: 'conflict',
    description: 'The parcel cannot move from its current status to the requested one.',
  },
  otp_not_verified: {
    kind: 'conflict',
    description: 'The parcel is marked delivered before the driver verified the consumer OTP.',
  },
  order_not_ipay: {
    kind: 'conflict',
    description: 'A session is asked for an order that is not paid on delivery through IPAY.',
  },
  order_cancelled: { kind: 'conflict', description: 'A session is asked for a cancelled order.' },
  pay_link_unknown: {
    kind: 'not_found',
    description: 'The pay link is unknown, or its session expired or was cancelled.',
  },
});
