import { defineErrorCodes } from '../../errors/domain-codes';

/** The webhooks domain's own failure codes. */
export const WEBHOOK_ERRORS = defineErrorCodes({
  url_refused: {
    kind: 'validation_failed',
    description: 'The endpoint URL is not a public HTTPS address (private, loopback or unresolvable).',
  },
  endpoint_disabled: {
    kind: 'conflict',
    description: 'A delivery is redelivered to an endpoint that is disabled; re-enable it first.',
  },
});
