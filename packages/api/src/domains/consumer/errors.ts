import { defineErrorCodes } from '../../errors/domain-codes';

/** The consumer domain's own failure codes (`code: { kind, description }`), thrown with `domainError`. */
export const CONSUMER_ERRORS = defineErrorCodes({
  // Redeeming a link that is unknown, used or past its 15 minutes: one answer, so it says nothing of which.
  magic_link_invalid: {
    kind: 'validation_failed',
    description: 'The sign-in link is unknown, already used or expired; ask for a new one.',
  },
  // A consumer token whose session was signed out, has expired, or whose consumer is gone.
  consumer_session_ended: {
    kind: 'unauthenticated',
    description: 'This consumer session was signed out or has ended; sign in with a new link.',
  },
  // A staff user's token on a consumer endpoint.
  consumer_token_required: {
    kind: 'unauthenticated',
    description: 'This endpoint takes a consumer token (magic link), not a staff token.',
  },
});
