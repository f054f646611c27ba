import { JOB_CATALOGUE, type JobName } from '@ipay/api';
import type { Db } from '@ipay/db';
import type { TaskList } from 'graphile-worker';
import { eventsDispatch } from './tasks/events-dispatch';
import { maintenancePurgeExpired } from './tasks/maintenance-purge-expired';
import { paymentSessionsExpireOverdue } from './tasks/payment-sessions-expire-overdue';
import type { TaskHandler } from './tasks/task-context';

/** One handler per catalogue entry; the compiler rejects a missing or extra task. */
const HANDLERS: { [N in JobName]: TaskHandler<N> } = {
  'events.dispatch': eventsDispatch,
  'payment-sessions.expire-overdue': paymentSessionsExpireOverdue,
  'maintenance.purge-expired': maintenancePurgeExpired,
};

function bind<N extends JobName>(name: N, db: Db): TaskList[string] {
  return async (payload, helpers) => {
    // Parsed again at run time: a job enqueued by an older release may carry an older shape.
    const parsed = JOB_CATALOGUE[name].payload.parse(payload) as Parameters<TaskHandler<N>>[0];
    await HANDLERS[name](parsed, { db, logger: helpers.logger, jobId: helpers.job.id });
  };
}

export function createTaskList(db: Db): TaskList {
  return Object.fromEntries((Object.keys(HANDLERS) as JobName[]).map((name) => [name, bind(name, db)]));
}
