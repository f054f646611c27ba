import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { CARRIER_RECONCILIATION_EVENTS } from './events';
import { CARRIER_RECONCILIATION_JOBS } from './jobs';
import { carrierReconciliationRouter } from './router';
import { invoiceUploadRoute } from './routes';
import { carrierReconciliationMatchImport } from './tasks/match-import';

/**
 * Carrier invoices read line by line and matched against the parcels shipped and the cost engine: the invoice
 * parsers (`parsers/`), the upload, the matching job, the reconciliations and the billing coverage; see
 * docs/domains/carrier-reconciliation.md.
 */
export const carrierReconciliationDomain = defineDomain({
  name: 'carrier-reconciliation',
  trpc: { carrierReconciliation: carrierReconciliationRouter },
  routes: [invoiceUploadRoute],
  jobs: withHandlers(CARRIER_RECONCILIATION_JOBS, {
    'carrier-reconciliation.match-import': carrierReconciliationMatchImport,
  }),
  events: CARRIER_RECONCILIATION_EVENTS,
});
