import { z } from 'zod';
import { authorize } from '../../http/authorize';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { orderCsvTemplate } from './csv-template';

/** A file download tRPC cannot carry. */
export const sampleCsvRoute: PlainRoute = {
  method: 'GET',
  path: '/api/orders/sample.csv',
  operation: {
    operationId: 'orders-sampleCsv',
    tags: ['orders'],
    summary: 'A CSV template with every column the order upload accepts and one example row',
    security: [{ bearerAuth: [] }],
    responses: {
      200: { description: 'The template', content: { 'text/csv': { schema: z.string() } } },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      await authorize(deps, request, 'orders', 'read');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="ipay-orders-sample.csv"')
        .send(orderCsvTemplate());
    });
  },
};
