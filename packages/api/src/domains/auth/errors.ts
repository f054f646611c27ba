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
});
