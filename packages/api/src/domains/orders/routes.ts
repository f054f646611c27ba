import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../context';
import { authorize } from '../../http/authorize';
import { orderCsvTemplate } from './csv-template';

/** File downloads tRPC cannot carry. */
export function registerOrderFileRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/orders/sample.csv', async (request, reply) => {
    await authorize(deps, request, 'orders', 'read');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="ipay-orders-sample.csv"')
      .send(orderCsvTemplate());
  });
}
