import type { Writable } from 'node:stream';
import { writeXlsxSheets, type TableRow } from '../../../platform/table-writer';
import { IPAY_SHEETS } from './ipay-layout';

/**
 * The IPAY tariff workbook with its headers and one complete example tariff (PostNL-like parcels from NL and
 * BE): importing the template as it is loads that example, which the walk-through in the docs relies on.
 */
const EXAMPLE: Record<keyof typeof IPAY_SHEETS, TableRow[]> = {
  Tariffs: [
    ['POSTNL', 'PostNL', 'PARCEL', 'Parcel', 'NL', '2026-01-01', 'EUR', 5000, 500],
    ['POSTNL', 'PostNL', 'PARCEL', 'Parcel', 'BE', '2026-01-01', 'EUR', 5000, 500],
  ],
  Zones: ['NL', 'BE'].flatMap((origin): TableRow[] => [
    ['POSTNL', 'PARCEL', origin, 'NL', '', '', origin === 'NL' ? '1' : '2'],
    ['POSTNL', 'PARCEL', origin, 'BE', '', '', origin === 'BE' ? '1' : '2'],
    ['POSTNL', 'PARCEL', origin, 'DE', '', '', '2'],
    ['POSTNL', 'PARCEL', origin, 'FR', '', '', '3'],
    ['POSTNL', 'PARCEL', origin, 'FR', '20000', '20999', '4'],
  ]),
  Rates: ['NL', 'BE'].flatMap((origin): TableRow[] =>
    (
      [
        [
          '1',
          [
            ['2', '6.95'],
            ['5', '8.95'],
            ['10', '12.95'],
            ['23', '16.95'],
          ],
          '0.75',
        ],
        [
          '2',
          [
            ['2', '9.50'],
            ['5', '12.50'],
            ['10', '17.50'],
            ['23', '24.50'],
          ],
          '1.10',
        ],
        [
          '3',
          [
            ['2', '12.50'],
            ['5', '16.00'],
            ['10', '22.00'],
            ['23', '31.00'],
          ],
          '1.40',
        ],
        [
          '4',
          [
            ['2', '18.00'],
            ['5', '24.00'],
            ['10', '33.00'],
            ['23', '45.00'],
          ],
          '2.10',
        ],
      ] as const
    ).flatMap(([zone, breaks, perKg]): TableRow[] => [
      ...breaks.map(([kg, price]): TableRow => ['POSTNL', 'PARCEL', origin, zone, kg, '', price]),
      ['POSTNL', 'PARCEL', origin, zone, '', '1', perKg],
    ]),
  ),
  Surcharges: ['NL', 'BE'].flatMap((origin): TableRow[] => [
    [
      'POSTNL',
      'PARCEL',
      origin,
      'OVERSIZE',
      'Oversize (longest side above 100 cm)',
      'fixed',
      '15.00',
      'oversize',
      100,
      'yes',
    ],
    ['POSTNL', 'PARCEL', origin, 'REMOTE', 'Remote area', 'percent', '10', 'remote_postcode', '', 'yes'],
    [
      'POSTNL',
      'PARCEL',
      origin,
      'RESIDENTIAL',
      'Residential delivery',
      'fixed',
      '0.50',
      'residential',
      '',
      'no',
    ],
  ]),
  'Remote areas': [['POSTNL', 'NL', '1791', '1797']],
};

export async function writeTariffTemplate(output: Writable): Promise<void> {
  await writeXlsxSheets(
    output,
    (Object.keys(IPAY_SHEETS) as Array<keyof typeof IPAY_SHEETS>).map((name) => ({
      name,
      rows: [[...IPAY_SHEETS[name]], ...EXAMPLE[name]],
    })),
  );
}
