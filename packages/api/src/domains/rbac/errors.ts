import { defineErrorCodes } from '../../errors/domain-codes';

/** The rbac domain's own failure codes. */
export const RBAC_ERRORS = defineErrorCodes({
  role_name_taken: { kind: 'conflict', description: 'A role with this name already exists there.' },
  system_role_immutable: {
    kind: 'conflict',
    description: "System roles keep the platform's defaults; create a custom role instead.",
  },
});
