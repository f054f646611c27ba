import { defineErrorCodes } from '../../errors/domain-codes';

/** The carrier-tariffs domain's own failure codes (`code: { kind, description }`), thrown with `domainError`. */
export const CARRIER_TARIFFS_ERRORS = defineErrorCodes({
  no_tariff_in_force: {
    kind: 'unprocessable',
    description: 'The carrier (and service) has no tariff for the origin in force on the ship date.',
  },
  shipment_not_carried: {
    kind: 'unprocessable',
    description:
      'The tariffs in force have no zone for the destination, or the parcel is above their maximum weight.',
  },
  carrier_not_found: { kind: 'not_found', description: 'No tariff carrier has this code.' },
  unknown_tariff_layout: {
    kind: 'unprocessable',
    description:
      'The workbook matches none of the tariff layouts (IPAY workbook, UPS rate sheet, DHL Express rate card).',
  },
  tariff_file_invalid: {
    kind: 'unprocessable',
    description:
      'Cells of the tariff workbook are invalid; each is named by sheet, row and column. Nothing was imported.',
  },
});
