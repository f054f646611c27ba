import { defineErrorCodes } from '../../errors/domain-codes';
import { RETURN_LABEL_ERRORS } from './labels/errors';

/** The returns domain's own failure codes. */
export const RETURNS_ERRORS = defineErrorCodes({
  return_not_found: {
    kind: 'not_found',
    description: 'No return case with this id or token in your scope.',
  },
  return_session_not_found: {
    kind: 'not_found',
    description: 'No paid or delivered payment session of yours matches the pay token or session id.',
  },
  return_not_returnable: {
    kind: 'conflict',
    description: 'The session is not paid or delivered, so nothing can be returned yet (or any more).',
  },
  return_window_closed: {
    kind: 'conflict',
    description: "The merchant's return window after delivery has passed.",
  },
  return_item_invalid: {
    kind: 'validation_failed',
    description:
      'An item names no line of the order, or more than is left to return after open cases (the field is named).',
  },
  return_transition_invalid: {
    kind: 'conflict',
    description: 'The case cannot move to that state from where it is (e.g. cancel after the parcel left).',
  },
  return_refund_not_ready: {
    kind: 'conflict',
    description: 'Receipt can only be confirmed once the case is approved and not closed.',
  },
  ...RETURN_LABEL_ERRORS,
});
