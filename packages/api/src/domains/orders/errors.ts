import { defineErrorCodes } from '../../errors/domain-codes';

/** The orders domain's own failure codes; every other orders failure carries its kind as the code. */
export const ORDER_ERRORS = defineErrorCodes({
  reference_taken: {
    kind: 'conflict',
    description: 'The merchant reference is already used by a different order of the merchant.',
  },
  order_not_cancellable: {
    kind: 'conflict',
    description: 'The order is already being paid or delivered, so it can no longer be cancelled.',
  },
  order_not_open: {
    kind: 'conflict',
    description: 'The order is past the statuses that take changes; the revision was not applied.',
  },
  payment_amount_pending: {
    kind: 'conflict',
    description: 'The order waits for a payment of its current total; cancel it to ask a new amount.',
  },
  tracking_number_taken: {
    kind: 'conflict',
    description: 'A tracking number sent is already a parcel of another order of the same carrier.',
  },
});
