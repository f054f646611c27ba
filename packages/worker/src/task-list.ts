import {
  DOMAINS,
  domainTasks,
  JOB_CATALOGUE,
  type DomainTask,
  type JobName,
  type WorkerDeps,
} from '@ipay/api';
import type { TaskList } from 'graphile-worker';

/** Every declared job's handler, from the domain descriptors. */
const TASKS = domainTasks(DOMAINS);

function bind(name: JobName, task: DomainTask, deps: WorkerDeps): TaskList[string] {
  return async (payload, helpers) => {
    // Parsed again at run time: a job enqueued by an older release may carry an older shape.
    const parsed: unknown = JOB_CATALOGUE[name].payload.parse(payload);
    await task.handler(parsed as never, {
      ...deps,
      logger: helpers.logger,
      jobId: helpers.job.id,
      attempt: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
    });
  };
}

function taskFor(name: JobName): DomainTask {
  const task = TASKS.get(name);
  // registry.test.ts keeps the catalogue and the descriptors equal; this guards a release that skipped it.
  if (!task) throw new Error(`no domain declares a handler for job ${name}`);
  return task;
}

/** Every task, or only `only`: a worker that lacks a task leaves its jobs queued for another worker. */
export function createTaskList(deps: WorkerDeps, only?: readonly JobName[]): TaskList {
  const names = only ?? [...TASKS.keys()].filter((name): name is JobName => name in JOB_CATALOGUE);
  return Object.fromEntries(names.map((name) => [name, bind(name, taskFor(name), deps)]));
}
