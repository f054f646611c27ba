// Handlers live with their domains now (`@ipay/api`'s DOMAINS); the types stay importable from here.
export type { TaskContext, TaskHandler, WorkerDeps } from '@ipay/api';
