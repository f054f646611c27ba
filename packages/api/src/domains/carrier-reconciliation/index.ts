import { defineDomain } from '../../platform/domain';

/**
 * Carrier invoices read line by line and (next) matched against the parcels shipped. So far the domain has its
 * invoice parsers (`parsers/`) and no endpoints; see docs/domains/carrier-reconciliation.md.
 */
export const carrierReconciliationDomain = defineDomain({ name: 'carrier-reconciliation' });
