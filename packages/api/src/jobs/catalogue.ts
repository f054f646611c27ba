import type { z } from 'zod';
import { AUTH_JOBS } from '../domains/auth/jobs';
import { BENEFIT_CARDS_JOBS } from '../domains/benefit-cards/jobs';
import { CARRIER_RECONCILIATION_JOBS } from '../domains/carrier-reconciliation/jobs';
import { INTEGRATIONS_JOBS } from '../domains/integrations/jobs';
import { INTERNAL_CONTROLS_JOBS } from '../domains/internal-controls/jobs';
import { LOCKERS_JOBS } from '../domains/lockers/jobs';
import { NOTIFICATIONS_JOBS } from '../domains/notifications/jobs';
import { ORDERS_JOBS } from '../domains/orders/jobs';
import { PAYMENT_SESSIONS_JOBS } from '../domains/payment-sessions/jobs';
import { POINTS_JOBS } from '../domains/points/jobs';
import { FINANCE_JOBS } from '../domains/finance/jobs';
import { RETURNS_JOBS } from '../domains/returns/jobs';
import { WEBHOOKS_JOBS } from '../domains/webhooks/jobs';
import { MAINTENANCE_JOBS } from '../platform/maintenance/jobs';
import type { JobDefinition } from './define';

/**
 * Every background task with its payload schema: enqueuing is typed against it, the worker parses payloads
 * with it again at run time (old jobs may carry old shapes), and the CLI validates with it.
 *
 * Each domain declares its jobs in its own `jobs.ts`; they are merged here rather than read from the domain
 * descriptors (`domains/index.ts`) because services import this catalogue to enqueue, and the descriptors
 * import those services: reading them here would be an import cycle. `registry.test.ts` fails when this
 * merge and the descriptors' jobs differ.
 */
export const JOB_CATALOGUE = {
  ...PAYMENT_SESSIONS_JOBS,
  ...INTEGRATIONS_JOBS,
  ...MAINTENANCE_JOBS,
  ...WEBHOOKS_JOBS,
  ...NOTIFICATIONS_JOBS,
  ...BENEFIT_CARDS_JOBS,
  ...ORDERS_JOBS,
  ...AUTH_JOBS,
  ...LOCKERS_JOBS,
  ...CARRIER_RECONCILIATION_JOBS,
  ...POINTS_JOBS,
  ...FINANCE_JOBS,
  ...RETURNS_JOBS,
  ...INTERNAL_CONTROLS_JOBS,
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof JOB_CATALOGUE;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_CATALOGUE)[N]['payload']>;
export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export function isJobName(value: string): value is JobName {
  return Object.hasOwn(JOB_CATALOGUE, value);
}
