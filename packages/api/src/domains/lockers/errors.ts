import { defineErrorCodes } from '../../errors/domain-codes';

/** The lockers domain's own failure codes: carrier calls and their signing secrets. */
export const LOCKER_ERRORS = defineErrorCodes({
  locker_signature_invalid: {
    kind: 'unauthenticated',
    description:
      'X-IPAY-Signature is missing, malformed, outside the 5-minute window, signed with no active secret of the carrier, or a replay of a call already received; nothing was stored.',
  },
  locker_parcel_unknown: {
    kind: 'not_found',
    description:
      'No order of this carrier has the tracking number or IPAY reference given (the field is named); nothing was stored.',
  },
  locker_code_unknown: {
    kind: 'not_found',
    description:
      'A collected or expired event for a parcel that has no locker code waiting; nothing was stored.',
  },
  locker_secret_limit: {
    kind: 'conflict',
    description: 'The carrier already has two active secrets; retire one (or rotate) before adding another.',
  },
  locker_secret_unknown: {
    kind: 'not_found',
    description: 'The carrier has no such secret.',
  },
});
