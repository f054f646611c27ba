import { z } from 'zod';

/** ISO 4217 alphabetic code. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
  .describe('ISO 4217 currency code');

/** Money is an integer number of minor units (cents) plus its currency; never a float. */
export const Money = z
  .object({
    amountMinor: z.number().int().describe('Amount in minor units, e.g. 1999 for €19.99'),
    currency: CurrencyCode,
  })
  .meta({ id: 'Money' });
export type Money = z.infer<typeof Money>;
