import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { CarrierInvoiceImportPage, ListCarrierInvoicesInput } from './schemas';
import { listCarrierInvoices } from './service/invoice-imports';

export const carrierReconciliationRouter = router({
  invoices: permittedProcedure('carrier_invoices', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/carrier-tariffs/{cc}/invoices',
        tags: ['carrier-reconciliation'],
        summary: "A carrier's uploaded invoices, newest first, with their totals per invoice number",
        description:
          'Operators and finance. Each import: its file, content hash, rows and lines read, and per invoice number on the file its date, currency, line count and amount billed. Matching lines to parcels (statuses, deltas) is not built yet.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListCarrierInvoicesInput)
    .output(CarrierInvoiceImportPage)
    .query(({ ctx, input }) => listCarrierInvoices(ctx.db, { scope: ctx.scope, input })),
});
