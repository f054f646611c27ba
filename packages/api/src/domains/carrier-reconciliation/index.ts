import { defineDomain } from '../../platform/domain';
import { carrierReconciliationRouter } from './router';
import { invoiceUploadRoute } from './routes';

/**
 * Carrier invoices, read line by line and (next) matched against the parcels shipped: so far the invoice parsers
 * (`parsers/`), the upload that stores an invoice and its lines, and the list of uploads; see
 * docs/domains/carrier-reconciliation.md.
 */
export const carrierReconciliationDomain = defineDomain({
  name: 'carrier-reconciliation',
  trpc: { carrierReconciliation: carrierReconciliationRouter },
  routes: [invoiceUploadRoute],
});
