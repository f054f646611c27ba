import { AppError } from '../../errors/app-error';
import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { scopeCovers, type DataScope } from '../rbac/catalogue';
import {
  Approval,
  ApproveInput,
  ChainVerification,
  CreateRequirementInput,
  Overview,
  Register,
  RegisterInput,
  Requirement,
  RetireRequirementInput,
  RunInput,
  Snapshots,
  SnapshotsInput,
  UpdateRequirementInput,
} from './schemas';
import { approveControl, verifyApprovalChain } from './service/approvals';
import { getOverview } from './service/overview';
import { createRequirement, listRegister, retireRequirement, updateRequirement } from './service/register';
import { runDailyControls } from './service/run-controls';
import { listSnapshots } from './service/snapshots';

const tags = ['internal-controls'];

/** Controls, snapshots and the register span every merchant: only a platform-wide grant reaches them. */
function requireAllScope(scope: DataScope): void {
  if (!scopeCovers(scope, 'all')) {
    throw new AppError('forbidden', 'Internal controls are IPAY’s own: they need a platform-wide grant.');
  }
}

export const internalControlsRouter = router({
  overview: permittedProcedure('internal_controls', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/internal-controls/overview',
        tags,
        summary: 'Today’s daily controls and the last 30 days',
        description:
          'Every control’s result of today (status, metric, thresholds, owner, evidence ids, approval) and, per day of the last 30, how many were GREEN, AMBER and RED and how many RED results have no approval. `today.ranAt` is null until the daily job ran.',
        errorResponses: [401, 403],
      },
    })
    .output(Overview)
    .query(({ ctx }) => {
      requireAllScope(ctx.scope);
      return getOverview(ctx.db, new Date());
    }),

  verifyApprovals: permittedProcedure('internal_controls', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/internal-controls/approvals/verify',
        tags,
        summary: 'Verify the approval chain',
        description:
          'Recomputes every approval’s SHA-256 hash in chain order; `valid` is false, with the first broken position, when an approval was changed, removed or reordered.',
        errorResponses: [401, 403],
      },
    })
    .output(ChainVerification)
    .query(({ ctx }) => {
      requireAllScope(ctx.scope);
      return verifyApprovalChain(ctx.db);
    }),

  run: permittedProcedure('internal_controls', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/internal-controls/run',
        tags,
        summary: 'Run every control now',
        description:
          'Runs the daily controls now and stores them as today’s results (replacing an earlier run of today; approvals stay). Returns the overview. Safe to repeat.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(RunInput)
    .output(Overview)
    .mutation(async ({ ctx }) => {
      requireAllScope(ctx.scope);
      const now = new Date();
      await runDailyControls(ctx.db, { now });
      return getOverview(ctx.db, now);
    }),

  approve: permittedProcedure('internal_controls', 'approve')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/internal-controls/{control_id}/approve',
        tags,
        summary: 'Approve a RED control (CFO)',
        description:
          'Approves the control’s latest result, which must be RED (422 otherwise). The approval is permanent and appended to a hash chain; a second approval of the same result is a 409. A holder of the role that owns the control cannot approve it (403).',
        errorResponses: [400, 401, 403, 404, 409, 422],
      },
    })
    .input(ApproveInput)
    .output(Approval)
    .mutation(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return ctx.db.transaction().execute((trx) =>
        approveControl(trx, {
          controlId: input.control_id,
          initials: input.initials,
          note: input.note,
          actor: ctx.actor,
          now: new Date(),
        }),
      );
    }),
});

export const dataIntegrityRouter = router({
  snapshots: permittedProcedure('compliance', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/data-integrity/snapshots',
        tags,
        summary: 'Daily data-integrity snapshots',
        description:
          'Per critical table and day (30 days kept): row count, the sum of its money column and a hash of its rows, with the difference to the day before.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(SnapshotsInput)
    .output(Snapshots)
    .query(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return listSnapshots(ctx.db, input);
    }),
});

export const complianceRouter = router({
  register: permittedProcedure('compliance', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/compliance/register',
        tags,
        summary: 'The compliance register',
        description:
          'Each requirement (GDPR, PSD2, PCI scope, carrier and PSP terms, …) with its owner, evidence, the daily controls covering it with their latest status, and its next review date.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(RegisterInput)
    .output(Register)
    .query(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return listRegister(ctx.db, { includeRetired: input.includeRetired, now: new Date() });
    }),

  create: permittedProcedure('compliance', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/admin/compliance/register',
        tags,
        summary: 'Add a requirement to the register',
        description:
          'A code already used is a 409 naming `code`; an unknown control id is a 400 naming `controlIds`.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateRequirementInput)
    .output(Requirement)
    .mutation(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return ctx.db
        .transaction()
        .execute((trx) => createRequirement(trx, { input, userId: ctx.actor.userId, now: new Date() }));
    }),

  update: permittedProcedure('compliance', 'update')
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/api/admin/compliance/register/{id}',
        tags,
        summary: 'Change a requirement',
        description: 'Changes the fields given; a retired requirement is a 409.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(UpdateRequirementInput)
    .output(Requirement)
    .mutation(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return ctx.db
        .transaction()
        .execute((trx) => updateRequirement(trx, { input, userId: ctx.actor.userId, now: new Date() }));
    }),

  retire: permittedProcedure('compliance', 'delete')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/admin/compliance/register/{id}/retire',
        tags,
        summary: 'Retire a requirement',
        description: 'Keeps it in the register, read-only, with the reason; retiring it again is a 409.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(RetireRequirementInput)
    .output(Requirement)
    .mutation(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return ctx.db.transaction().execute((trx) =>
        retireRequirement(trx, {
          id: input.id,
          reason: input.reason,
          userId: ctx.actor.userId,
          now: new Date(),
        }),
      );
    }),
});
