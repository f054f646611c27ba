import { defineErrorCodes } from '../../errors/domain-codes';

/** The internal-controls domain's own failure codes, thrown with `domainError`. */
export const INTERNAL_CONTROLS_ERRORS = defineErrorCodes({
  unknown_control: { kind: 'not_found', description: 'No daily control has this id.' },
  control_not_run: {
    kind: 'not_found',
    description: 'The control has no result yet: the daily run has not checked it.',
  },
  control_not_red: {
    kind: 'unprocessable',
    description: 'Only a RED result needs an approval; the control’s latest result is GREEN or AMBER.',
  },
  already_approved: {
    kind: 'conflict',
    description: 'The control’s RED result of that day is approved already; an approval is permanent.',
  },
  owner_cannot_approve: {
    kind: 'forbidden',
    description:
      'The approver holds the role that owns the control: an owner never approves their own control.',
  },
  requirement_not_found: { kind: 'not_found', description: 'No compliance requirement has this id.' },
  requirement_code_taken: {
    kind: 'conflict',
    description: 'Another compliance requirement has this code.',
  },
  requirement_retired: {
    kind: 'conflict',
    description: 'The compliance requirement is retired; it is kept as it was.',
  },
});
