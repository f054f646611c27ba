import { defineDomain } from '../../platform/domain';
import { schedulerRouter } from './router';

/** The admin view of the integration sync scheduler; its jobs belong to integrations. */
export const schedulerDomain = defineDomain({
  name: 'scheduler',
  trpc: { scheduler: schedulerRouter },
});
