import { defineErrorCodes } from '../../errors/domain-codes';

/** The settlement domain's own failure codes, thrown with `domainError`. */
export const SETTLEMENT_ERRORS = defineErrorCodes({
  merchant_not_found: {
    kind: 'not_found',
    description:
      'No merchant organization has this id (partners, sponsors and the operator have no IPAY fee).',
  },
  fee_change_not_retroactive: {
    kind: 'unprocessable',
    description:
      'A fee change cannot take effect in the past: orders already paid keep the fee they were paid under.',
  },
  nothing_to_change: {
    kind: 'validation_failed',
    description: 'The change sets neither `ipay_fee_per_order_eur` nor `ipay_contract_signed_at`.',
  },
  organization_required: {
    kind: 'validation_failed',
    description: 'An operator reads one merchant’s settlement at a time: `organization` names it.',
  },
  settlement_currency_mixed: {
    kind: 'unprocessable',
    description:
      'The merchant collected money in more than one currency in the period; a settlement is in one currency.',
  },
});
