import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { ORDERS_JOBS } from './jobs';
import { ordersRouter } from './router';
import { sampleCsvRoute } from './routes';
import { ordersFailAbandonedUploads } from './tasks/fail-abandoned-uploads';
import { ordersProcessUpload } from './tasks/process-upload';
import { rejectedRowsRoute, uploadRoute } from './upload/routes';
import { ORDER_EVENTS } from './events';

export const ordersDomain = defineDomain({
  name: 'orders',
  trpc: { orders: ordersRouter },
  routes: [sampleCsvRoute, uploadRoute, rejectedRowsRoute],
  jobs: withHandlers(ORDERS_JOBS, {
    'orders.process-upload': ordersProcessUpload,
    'orders.fail-abandoned-uploads': ordersFailAbandonedUploads,
  }),
  cron: [
    {
      task: 'orders.fail-abandoned-uploads',
      match: '37 * * * *',
      identifier: 'fail-abandoned-uploads-hourly',
    },
  ],
  events: ORDER_EVENTS,
});
