import { z } from 'zod';
import { authorize } from '../../http/authorize';
import { parseParameters } from '../../http/parameters';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { StatementPath } from './schemas';
import { previewStatement, renderingOf } from './service/send';

/** The current revision's PDF, shown in the browser: a binary answer tRPC cannot carry. */
export const statementPreviewRoute: PlainRoute = {
  method: 'GET',
  path: '/api/admin/carrier-tariffs/{cc}/statements/{import_id}/preview',
  operation: {
    operationId: 'carrierStatements-preview',
    tags: ['carrier-statements'],
    summary: 'The credit statement’s current revision as PDF, inline',
    description:
      'Rendered the first time a revision is previewed or sent and kept with its SHA-256 (`x-content-sha256`); later previews answer with the same bytes. 503 when the server has no Chromium.',
    security: [{ bearerAuth: [] }],
    requestParams: { path: StatementPath },
    responses: {
      200: {
        description: 'The PDF',
        content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
      },
      400: { description: 'Invalid carrier code or import id', content: PROBLEM_CONTENT },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
      404: { description: 'No statement for this import', content: PROBLEM_CONTENT },
      503: { description: 'No Chromium to render PDFs', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const { scope } = await authorize(deps, request, 'carrier_statements', 'read');
      const path = parseParameters(StatementPath, request.params, 'path');
      const file = await previewStatement(deps.db, { scope, rendering: renderingOf(deps), path });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${file.fileName}"`)
        .header('x-content-sha256', file.sha256)
        .header('x-statement-revision', String(file.revision))
        .header('x-content-type-options', 'nosniff')
        .send(file.pdf);
    });
  },
};
