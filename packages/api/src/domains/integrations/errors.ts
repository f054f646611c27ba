import { defineErrorCodes } from '../../errors/domain-codes';

/** The integrations domain's own failure codes. */
export const INTEGRATION_ERRORS = defineErrorCodes({
  unknown_provider: { kind: 'not_found', description: 'The provider id is not one of the integrations.' },
  provider_not_connected: {
    kind: 'conflict',
    description: 'The provider has no stored credentials: connect it first.',
  },
  provider_has_no_client: {
    kind: 'conflict',
    description: 'The provider has no live API client (its orders come in through simulate).',
  },
  simulate_only_provider: {
    kind: 'unprocessable',
    description: 'Connecting a provider that has no live API client: its orders come in through simulate.',
  },
  provider_not_configured: {
    kind: 'conflict',
    description: 'The provider does not push orders by webhook here, or has no webhook secret configured.',
  },
  credentials_refused: {
    kind: 'unprocessable',
    description: 'The provider did not accept the credentials given to connect.',
  },
});
