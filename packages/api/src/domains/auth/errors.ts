import { defineErrorCodes } from '../../errors/domain-codes';

/** The auth domain's own failure codes. */
export const AUTH_ERRORS = defineErrorCodes({
  email_taken: { kind: 'conflict', description: 'An account with this e-mail address already exists.' },
  username_taken: { kind: 'conflict', description: 'Another account already signs in with this username.' },
  invalid_credentials: {
    kind: 'unauthenticated',
    description: 'Sign-in refused: unknown e-mail, wrong password or disabled account (never told apart).',
  },
  invalid_token: {
    kind: 'unauthenticated',
    description: 'The bearer token is malformed, wrongly signed, expired or lacks a required claim.',
  },
  wrong_password: {
    kind: 'validation_failed',
    description: 'Password change refused: the current password is not the one the user signs in with.',
  },
  password_reset_invalid: {
    kind: 'validation_failed',
    description: 'The password-reset token is unknown, or its account is disabled or removed.',
  },
  password_reset_used: { kind: 'gone', description: 'The password-reset link was already used.' },
  password_reset_expired: {
    kind: 'gone',
    description: 'The password-reset link is past its 30 minutes; request a new one.',
  },
  invitation_expired: { kind: 'gone', description: 'The invitation is past its 7 days; ask for a new one.' },
  invitation_used: { kind: 'gone', description: 'The invitation was already accepted.' },
  invitation_revoked: {
    kind: 'gone',
    description: 'The invitation was revoked, or replaced by a newer invitation to the same address.',
  },
  role_not_grantable: {
    kind: 'unprocessable',
    description:
      "A role that is not the organization's to give: neither a system role of its kind nor one of its own roles.",
  },
  role_exceeds_granter: {
    kind: 'forbidden',
    description: 'A role holding a permission the granter does not hold themselves.',
  },
  member_outranks_you: {
    kind: 'forbidden',
    description:
      'The member holds permissions you do not hold; only someone holding them can disable, enable or remove them.',
  },
  last_admin: {
    kind: 'conflict',
    description:
      'The change would leave the organization without an active member who can manage its users (users:update).',
  },
  own_account: {
    kind: 'forbidden',
    description: 'Members cannot disable or remove themselves; another admin or IPAY can.',
  },
});
