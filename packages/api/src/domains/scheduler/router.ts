import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { z } from 'zod';
import { RunNowResult, SchedulerStatus, SchedulerSummary, SyncLog, SyncLogInput } from './schemas';
import { enqueueSyncs, getSchedulerStatus, getSchedulerSummary, getSyncLog } from './service';

const tags = ['scheduler'];

export const schedulerRouter = router({
  status: permittedProcedure('scheduler', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/scheduler/status',
        tags,
        summary: 'Is the 15-minute sync running, when next, how did the last pass go',
      },
    })
    .input(z.void())
    .output(SchedulerStatus)
    .query(({ ctx }) => getSchedulerStatus(ctx.db)),

  runNow: permittedProcedure('scheduler', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/admin/scheduler/run-now',
        tags,
        summary: 'Sync every connected integration now, including those backing off',
        errorResponses: [401, 403],
      },
    })
    .input(z.void())
    .output(RunNowResult)
    .mutation(({ ctx }) => enqueueSyncs(ctx.db, 'run_now')),

  syncLog: permittedProcedure('scheduler', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/scheduler/sync-log',
        tags,
        summary: 'The latest 100 sync runs of each merchant × provider',
      },
    })
    .input(SyncLogInput)
    .output(SyncLog)
    .query(({ ctx, input }) => getSyncLog(ctx.db, input)),

  summary: permittedProcedure('scheduler', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/scheduler/summary',
        tags,
        summary: 'Per provider: runs, failures, orders imported, last success',
      },
    })
    .input(z.void())
    .output(SchedulerSummary)
    .query(({ ctx }) => getSchedulerSummary(ctx.db)),
});
