import { defineErrorCodes } from '../../errors/domain-codes';

/** The payments domain's own failure codes. */
export const PAYMENT_ERRORS = defineErrorCodes({
  psp_not_configured: {
    kind: 'service_unavailable',
    description: 'No payment provider, or not the one a payment or notification needs, is configured.',
  },
  session_not_payable: {
    kind: 'conflict',
    description: 'The session is no longer waiting for payment; there is nothing left to pay.',
  },
  nothing_to_refund: {
    kind: 'conflict',
    description: 'The session holds no payment that may be refunded, or nothing is left of it to refund.',
  },
  refund_exceeds_payment: {
    kind: 'conflict',
    description: 'A refund is larger than what is left of the payment after its earlier refunds.',
  },
});
