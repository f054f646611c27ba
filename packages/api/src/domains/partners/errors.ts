import { defineErrorCodes } from '../../errors/domain-codes';

/** The partners domain's own failure codes: carrier partners and their carrier codes. */
export const PARTNER_ERRORS = defineErrorCodes({
  partner_name_taken: {
    kind: 'conflict',
    description: 'Another partner already has this name (compared case-insensitively).',
  },
});
