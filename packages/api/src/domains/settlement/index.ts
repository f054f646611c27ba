import { defineDomain } from '../../platform/domain';
import { settlementRouter } from './router';
import { settlementExportRoute, settlementPdfRoute } from './routes';

/**
 * Merchant settlement: each merchant's IPAY fee per order with its append-only history, and what IPAY owes the
 * merchant for a period (gross, fees at the fee in force when each order was paid, refunds and returns, net,
 * per Amsterdam day) as JSON, PDF statement, CSV and XLSX; see docs/domains/settlement.md. `ipayFeesForPeriod`
 * (service/fees.ts) is the same arithmetic for finance's journal lines.
 */
export const settlementDomain = defineDomain({
  name: 'settlement',
  trpc: { settlement: settlementRouter },
  routes: [settlementPdfRoute, settlementExportRoute],
});
