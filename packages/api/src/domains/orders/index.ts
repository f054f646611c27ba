import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { ORDERS_JOBS } from './jobs';
import { ordersRouter } from './router';
import { sampleCsvRoute } from './routes';
import { ordersFailAbandonedUploads } from './tasks/fail-abandoned-uploads';
import { ordersProcessUpload } from './tasks/process-upload';
import { rejectedRowsRoute, uploadRoute } from './upload/routes';

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
  events: {
    'order.created': { subscribable: true },
    'order.updated': { subscribable: true },
    'order.cancelled': { subscribable: true },
    'order_upload.progress': { subscribable: false },
    'order_upload.completed': { subscribable: false },
    'order_upload.failed': { subscribable: false },
  },
});
