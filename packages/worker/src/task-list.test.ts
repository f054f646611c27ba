import { JOB_NAMES, type WorkerDeps } from '@ipay/api';
import { describe, expect, it } from 'vitest';
import { cronItems } from './crontab';
import { createTaskList } from './task-list';

// Binding handlers touches no dependency; the tasks only run against a real database in worker.test.ts.
const NO_DEPS = {} as WorkerDeps;

describe('the task list built from the domains', () => {
  it('has a handler for every job of the catalogue, and nothing else', () => {
    expect(Object.keys(createTaskList(NO_DEPS)).sort()).toEqual([...JOB_NAMES].sort());
  });

  it('runs every task the crontab schedules', () => {
    const tasks = createTaskList(NO_DEPS);
    expect(cronItems().filter((item) => !(item.task in tasks))).toEqual([]);
  });
});
