import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { authorize } from '../../http/authorize';
import { parseParameters } from '../../http/parameters';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { merchantNames } from '../auth/service/merchant-names';
import type { Action } from '../rbac/catalogue';
import { SettlementExportInput, SettlementInput } from './schemas';
import { getSettlement } from './service/settlement';
import {
  renderSettlementPdf,
  settlementCsv,
  settlementFileName,
  writeSettlementXlsx,
} from './service/statement';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FILE_ERRORS = {
  400: { description: 'Invalid period or organization, each field named', content: PROBLEM_CONTENT },
  401: { description: 'Authentication required', content: PROBLEM_CONTENT },
  403: { description: 'Forbidden', content: PROBLEM_CONTENT },
  404: { description: 'No such merchant (or not yours)', content: PROBLEM_CONTENT },
  422: { description: 'The period holds money in another currency than EUR', content: PROBLEM_CONTENT },
} as const;

/** The settlement a request asks for, with the merchant's name, after the same checks as the JSON read. */
async function settlementFor(deps: AppDeps, request: FastifyRequest, action: Action, input: SettlementInput) {
  const { actor, scope } = await authorize(deps, request, 'settlements', action);
  const settlement = await getSettlement(deps.db, {
    actor,
    scope,
    input,
    platformDefaultFeeMinor: deps.config.settlement.defaultFeePerOrderMinor,
  });
  const names = await merchantNames(deps.db, [settlement.organization_id]);
  return { settlement, merchantName: names.get(settlement.organization_id) ?? 'Merchant' };
}

export const settlementPdfRoute: PlainRoute = {
  method: 'GET',
  path: '/api/merchant-portal/ipay/settlement/pdf',
  operation: {
    operationId: 'settlement-pdf',
    tags: ['settlement'],
    summary: 'The settlement as a branded PDF statement for the merchant’s finance team',
    description:
      'The same figures as GET /api/merchant-portal/ipay/settlement, rendered by the platform’s PDF renderer. 503 when the server has no Chromium.',
    security: [{ bearerAuth: [] }],
    requestParams: { query: SettlementInput },
    responses: {
      200: {
        description: 'The PDF',
        content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...FILE_ERRORS,
      503: { description: 'No Chromium to render PDFs', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const input = parseParameters(SettlementInput, request.query, 'query');
      const { settlement, merchantName } = await settlementFor(deps, request, 'read', input);
      const pdf = await renderSettlementPdf(deps.pdf, {
        settlement,
        merchantName,
        issuer: deps.config.statementIssuer,
        issuedOn: new Date().toISOString().slice(0, 10),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${settlementFileName(settlement, 'pdf')}"`)
        .header('x-content-type-options', 'nosniff')
        .send(pdf);
    });
  },
};

export const settlementExportRoute: PlainRoute = {
  method: 'GET',
  path: '/api/merchant-portal/ipay/settlement/export',
  operation: {
    operationId: 'settlement-export',
    tags: ['settlement'],
    summary: 'The settlement for the accountant, as CSV or XLSX',
    description:
      'A header row, one row per day (and fee), then the totals; amounts in euros with two decimals (exact text in CSV, numbers in XLSX). Written by the platform’s one table writer, so no cell is ever read as a formula.',
    security: [{ bearerAuth: [] }],
    requestParams: { query: SettlementExportInput },
    responses: {
      200: {
        description: 'The export',
        content: {
          'text/csv': { schema: z.string() },
          [XLSX_TYPE]: { schema: z.string().meta({ format: 'binary' }) },
        },
      },
      ...FILE_ERRORS,
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const { format, ...input } = parseParameters(SettlementExportInput, request.query, 'query');
      const { settlement, merchantName } = await settlementFor(deps, request, 'export', input);
      const disposition = `attachment; filename="${settlementFileName(settlement, format)}"`;
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', disposition)
          .send(settlementCsv(settlement, merchantName));
      }
      // At most 366 days (a few hundred rows): held whole so a failed write is a problem, not a cut-off file.
      const sink = new PassThrough();
      const [body] = await Promise.all([buffer(sink), writeSettlementXlsx(sink, settlement, merchantName)]);
      return reply.type(XLSX_TYPE).header('content-disposition', disposition).send(body);
    });
  },
};
