import { defineDomain } from '../../platform/domain';
import { CARRIER_STATEMENTS_EVENTS } from './events';
import { carrierStatementsRouter } from './router';
import { statementPreviewRoute } from './routes';

/**
 * Credit statements to carriers: invoice lines flagged for credit (or excluded), one statement per invoice import
 * in immutable revisions with their PDFs, sent by e-mail, aged and resolved by credit notes; see
 * docs/domains/carrier-statements.md. The `carrier_statements` resource is the operators' and finance's.
 */
export const carrierStatementsDomain = defineDomain({
  name: 'carrier-statements',
  trpc: { carrierStatements: carrierStatementsRouter },
  routes: [statementPreviewRoute],
  events: CARRIER_STATEMENTS_EVENTS,
});
