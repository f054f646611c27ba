import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';
import { RECONCILIATION_STATUSES, type ReconciliationStatus } from './schemas';

const StatusCounts = z.object(
  Object.fromEntries(RECONCILIATION_STATUSES.map((status) => [status, z.number().int()])) as Record<
    ReconciliationStatus,
    z.ZodNumber
  >,
);

/**
 * carrier-reconciliation events by type. Schemas only (zod): the SDK and browser code import them. IPAY's own
 * business with its carriers: for operators only, never a merchant.
 */
export const CARRIER_RECONCILIATION_EVENTS = {
  'invoice.mismatch': {
    description:
      'A carrier invoice import was matched and some of its rows need a look (MISMATCH, UNMATCHED_IN_DB, DUPLICATE_ON_INVOICE); operators only',
    subscribable: false,
    operatorWebhook: true,
    payload: z.object({
      importId: z.string(),
      carrierCode: z.string(),
      fileName: z.string(),
      counts: StatusCounts.describe('Reconciliation rows of the import per status'),
      delta: z
        .array(z.object({ currency: z.string(), deltaMinor: z.number().int() }))
        .describe('billed − expected over the compared rows, per currency billed'),
    }),
  },
} satisfies EventDefinitions;
