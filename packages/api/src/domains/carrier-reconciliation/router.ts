import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { todayUtc } from '../carrier-tariffs/service/compute-shipment-cost';
import {
  BillingCoverage,
  BillingCoverageInput,
  CarrierInvoiceImportPage,
  CarrierReconciliation,
  CarrierReconciliationPage,
  DEFAULT_COVERAGE_DAYS,
  GetReconciliationInput,
  ListCarrierInvoicesInput,
  ListReconciliationsInput,
} from './schemas';
import { billingCoverage } from './service/billing-coverage';
import { listCarrierInvoices } from './service/invoice-imports';
import { getReconciliation, listReconciliations } from './service/reconciliations';

export const carrierReconciliationRouter = router({
  invoices: permittedProcedure('carrier_invoices', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/carrier-tariffs/{cc}/invoices',
        tags: ['carrier-reconciliation'],
        summary: "A carrier's uploaded invoices, newest first, with their totals per status and the delta",
        description:
          'Operators and finance. Each import: its file, content hash, rows and lines read, per invoice number on the file its date, currency, line count and amount billed, whether matching is `pending` or `done` (`matched_at`), and once done per currency the count, billed, expected and delta (billed − expected) of each reconciliation status.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListCarrierInvoicesInput)
    .output(CarrierInvoiceImportPage)
    .query(({ ctx, input }) => listCarrierInvoices(ctx.db, { scope: ctx.scope, input })),

  reconciliations: permittedProcedure('carrier_invoices', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/carrier-tariffs/{cc}/invoices/{import_id}/reconciliations',
        tags: ['carrier-reconciliation'],
        summary: "An import's reconciliations: each parcel billed, or account-level line, against the engine",
        description:
          'Operators and finance. Filters: `status`, `cause` (a mismatch cause), `tracking_number`, `decision` (`credit_requested`, `excluded`, or `none`). Each row: the lines, billed and expected by charge kind, the delta billed − expected, the causes and a detail in words. 404 when the carrier has no such import.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(ListReconciliationsInput)
    .output(CarrierReconciliationPage)
    .query(({ ctx, input }) => listReconciliations(ctx.db, { scope: ctx.scope, input })),

  reconciliation: permittedProcedure('carrier_invoices', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/carrier-tariffs/{cc}/reconciliations/{id}',
        tags: ['carrier-reconciliation'],
        summary: 'One reconciliation, with the engine’s full cost breakdown',
        description: 'Operators and finance. 404 when the carrier has no such reconciliation.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(GetReconciliationInput)
    .output(CarrierReconciliation)
    .query(({ ctx, input }) => getReconciliation(ctx.db, { scope: ctx.scope, input })),

  billingCoverage: permittedProcedure('carrier_invoices', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/carrier-tariffs/{cc}/billing-coverage',
        tags: ['carrier-reconciliation'],
        summary: "The carrier's shipped parcels no invoice has billed, and invoiced parcels per month",
        description: `Operators and finance. \`items\`: parcels of the carrier shipped at least \`days\` days ago (default ${DEFAULT_COVERAGE_DAYS}) with no line on any matched invoice import, oldest ship date first, paginated. \`periods\`: per month of ship date (the last 24), parcels shipped, invoiced and not invoiced.`,
        errorResponses: [400, 401, 403],
      },
    })
    .input(BillingCoverageInput)
    .output(BillingCoverage)
    .query(({ ctx, input }) => billingCoverage(ctx.db, { scope: ctx.scope, input, today: todayUtc() })),
});
