import { defineDomain } from '../../platform/domain';
import { driverRouter } from './router';

export const driverDomain = defineDomain({
  name: 'driver',
  trpc: { driver: driverRouter },
});
