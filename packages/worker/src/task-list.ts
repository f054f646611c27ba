import { JOB_CATALOGUE, type JobName } from '@ipay/api';
import type { TaskList } from 'graphile-worker';
import { benefitCardsDeliverCard } from './tasks/benefit-cards-deliver-card';
import { benefitCardsProcessOrder } from './tasks/benefit-cards-process-order';
import { eventsDispatch } from './tasks/events-dispatch';
import { integrationsProcessWebhook } from './tasks/integrations-process-webhook';
import { integrationsScheduleSyncs } from './tasks/integrations-schedule-syncs';
import { integrationsSync } from './tasks/integrations-sync';
import { maintenancePurgeExpired } from './tasks/maintenance-purge-expired';
import { notificationsSendEmail } from './tasks/notifications-send-email';
import { ordersFailAbandonedUploads } from './tasks/orders-fail-abandoned-uploads';
import { ordersProcessUpload } from './tasks/orders-process-upload';
import { paymentSessionsExpireOverdue } from './tasks/payment-sessions-expire-overdue';
import type { TaskHandler, WorkerDeps } from './tasks/task-context';
import { webhooksDeliver } from './tasks/webhooks-deliver';

/** One handler per catalogue entry; the compiler rejects a missing or extra task. */
const HANDLERS: { [N in JobName]: TaskHandler<N> } = {
  'events.dispatch': eventsDispatch,
  'payment-sessions.expire-overdue': paymentSessionsExpireOverdue,
  'integrations.schedule-syncs': integrationsScheduleSyncs,
  'integrations.sync': integrationsSync,
  'integrations.process-webhook': integrationsProcessWebhook,
  'maintenance.purge-expired': maintenancePurgeExpired,
  'webhooks.deliver': webhooksDeliver,
  'notifications.send-email': notificationsSendEmail,
  'benefit-cards.process-order': benefitCardsProcessOrder,
  'benefit-cards.deliver-card': benefitCardsDeliverCard,
  'orders.process-upload': ordersProcessUpload,
  'orders.fail-abandoned-uploads': ordersFailAbandonedUploads,
};

function bind<N extends JobName>(name: N, deps: WorkerDeps): TaskList[string] {
  return async (payload, helpers) => {
    // Parsed again at run time: a job enqueued by an older release may carry an older shape.
    const parsed = JOB_CATALOGUE[name].payload.parse(payload) as Parameters<TaskHandler<N>>[0];
    await HANDLERS[name](parsed, {
      ...deps,
      logger: helpers.logger,
      jobId: helpers.job.id,
      attempt: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
    });
  };
}

/** Every task, or only `only`: a worker that lacks a task leaves its jobs queued for another worker. */
export function createTaskList(deps: WorkerDeps, only?: readonly JobName[]): TaskList {
  const names = only ?? (Object.keys(HANDLERS) as JobName[]);
  return Object.fromEntries(names.map((name) => [name, bind(name, deps)]));
}
