import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import {
  AccountMapping,
  AccountMappingList,
  BatchListInput,
  BatchPage,
  BatchPath,
  BuildInput,
  BuildResult,
  FinanceBatch,
  FinanceBatchDetail,
  Payout,
  PostResult,
  Reconciliation,
  ReconciliationInput,
  RecordPayoutInput,
  RejectInput,
  SetAccountMappingInput,
} from './schemas';
import { listAccountMappings, setAccountMapping } from './service/accounts';
import { getBatch, listBatches } from './service/batches';
import { buildDailyBatch } from './service/build';
import { approveBatch, rejectBatch } from './service/decisions';
import { recordPayout } from './service/payouts';
import { requestPostToExact } from './service/post';
import { reconcile } from './service/reconciliation';

const tags = ['finance'];
const batches = '/api/finance/batches';

/** Finance staff build, approve (maker-checker) and post the daily accounting batches, and reconcile cash. */
export const financeRouter = router({
  listBatches: permittedProcedure('finance_batches', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: batches,
        tags,
        summary: 'Daily accounting batches with their status and totals, newest day first',
        errorResponses: [400, 401, 403],
      },
    })
    .input(BatchListInput)
    .output(BatchPage)
    .query(({ ctx, input }) => listBatches(ctx.db, input)),
  buildBatch: permittedProcedure('finance_batches', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: `${batches}/build`,
        tags,
        summary: 'Build or rebuild an Amsterdam day’s batch now (the daily job does it for yesterday)',
        description:
          'Unchanged lines leave the current revision as it is (`changed: false`). Changed lines make a new revision that supersedes an unposted one; the caller is recorded as its builder and so cannot approve it.',
        errorResponses: [400, 401, 403, 409, 422],
      },
    })
    .input(BuildInput)
    .output(BuildResult)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        buildDailyBatch(trx, {
          day: input.day,
          triggeredBy: ctx.actor.userId,
          platformDefaultFeeMinor: ctx.config.settlement.defaultFeePerOrderMinor,
        }),
      ),
    ),
  getBatch: permittedProcedure('finance_batches', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${batches}/{id}`,
        tags,
        summary: 'One batch with its journal entries and lines',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(BatchPath)
    .output(FinanceBatchDetail)
    .query(({ ctx, input }) => getBatch(ctx.db, input.id)),
  approve: permittedProcedure('finance_batches', 'approve')
    .meta({
      openapi: {
        method: 'POST',
        path: `${batches}/{id}/approve`,
        tags,
        summary: 'Approve a pending batch (maker-checker: not by whoever built it)',
        description:
          'The approval is bound to the batch’s content hash and used once, by its posting. A rebuilt day is a new revision that needs a new approval.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(BatchPath)
    .output(FinanceBatch)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => approveBatch(trx, { batchId: input.id, actorId: ctx.actor.userId })),
    ),
  reject: permittedProcedure('finance_batches', 'approve')
    .meta({
      openapi: {
        method: 'POST',
        path: `${batches}/{id}/reject`,
        tags,
        summary: 'Reject a pending batch with a reason; the day is rebuilt as a new revision',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(RejectInput)
    .output(FinanceBatch)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          rejectBatch(trx, { batchId: input.id, actorId: ctx.actor.userId, reason: input.reason }),
        ),
    ),
  postToExact: permittedProcedure('finance_batches', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${batches}/{id}/post-to-exact`,
        tags,
        summary: 'Queue the posting of an approved batch to Exact Online as general journal entries',
        description:
          'A job books the entries one by one and keeps Exact’s EntryID of each, so posting again (or after a failure) never books an entry twice. Without Exact configured: 503 naming the settings.',
        errorResponses: [400, 401, 403, 404, 409, 422, 503],
      },
    })
    .input(BatchPath)
    .output(PostResult)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => requestPostToExact(trx, { batchId: input.id, exact: ctx.config.exact })),
    ),
  accountMappings: permittedProcedure('finance_batches', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/finance/account-mappings',
        tags,
        summary: 'The chart-of-accounts mapping: IPAY account keys to Exact ledger account GUIDs',
        errorResponses: [401, 403],
      },
    })
    .output(AccountMappingList)
    .query(({ ctx }) => listAccountMappings(ctx.db)),
  setAccountMapping: permittedProcedure('finance_batches', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/api/finance/account-mappings/{account_key}',
        tags,
        summary: 'Map an IPAY account key to an Exact ledger account',
        description:
          'Batches built from now on use it; rebuilding a day with a changed mapping makes a new revision.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(SetAccountMappingInput)
    .output(AccountMapping)
    .mutation(({ ctx, input }) => setAccountMapping(ctx.db, { input, actorId: ctx.actor.userId })),
  recordPayout: permittedProcedure('finance_reconciliation', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/finance/payouts',
        tags,
        summary: 'Record a PSP payout from the PSP’s payout report',
        description: 'Idempotent per PSP and payout id; other figures for a recorded payout id are a 409.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(RecordPayoutInput)
    .output(Payout)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => recordPayout(trx, { input, actorId: ctx.actor.userId })),
    ),
  reconciliation: permittedProcedure('finance_reconciliation', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/finance/reconciliation',
        tags,
        summary: 'Accrued (paid and delivered sessions) against settled cash (PSP payouts), per PSP and day',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ReconciliationInput)
    .output(Reconciliation)
    .query(({ ctx, input }) => reconcile(ctx.db, input)),
});
