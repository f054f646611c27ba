import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import type { Actor } from '../../auth/service';
import { rolesOfUsers } from '../../rbac/service';
import { CONTROLS_BY_ID } from '../controls';
import type { ControlDefinition } from '../controls/define';
import { INTERNAL_CONTROLS_ERRORS } from '../errors';
import type { Approval, ChainVerification, ControlStatus } from '../schemas';

/** The `previousHash` of the first approval. */
export const GENESIS_HASH = '0'.repeat(64);

/** The approval columns, the day as text (pg reads a `date` as a local-midnight Date). */
export const APPROVAL_COLUMNS = [
  'position',
  'control_id',
  sql<string>`run_date::text`.as('run_date'),
  'status',
  'metric',
  'initials',
  'note',
  'approved_by',
  'approved_at',
  'previous_hash',
  'hash',
] as const;

type ApprovalRow = {
  position: number;
  control_id: string;
  run_date: string;
  status: string;
  metric: string;
  initials: string;
  note: string;
  approved_by: string;
  approved_at: Date;
  previous_hash: string;
  hash: string;
};

/** SHA-256 over every field an approval asserts and the hash before it, in a fixed order. */
export function approvalHash(approval: Omit<Approval, 'position' | 'hash'>): string {
  const content = JSON.stringify([
    approval.controlId,
    approval.runDate,
    approval.status,
    approval.metric,
    approval.initials,
    approval.note,
    approval.approvedBy,
    approval.approvedAt,
    approval.previousHash,
  ]);
  return createHash('sha256').update(content).digest('hex');
}

export function approvalRowToApproval(row: ApprovalRow): Approval {
  return {
    position: Number(row.position),
    controlId: row.control_id,
    runDate: row.run_date,
    status: row.status as ControlStatus,
    metric: Number(row.metric),
    initials: row.initials,
    note: row.note,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at.toISOString(),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

export function getControl(controlId: string): ControlDefinition {
  const control = CONTROLS_BY_ID.get(controlId);
  if (!control) {
    throw domainError(
      INTERNAL_CONTROLS_ERRORS,
      'unknown_control',
      `No daily control has the id ${controlId}.`,
    );
  }
  return control;
}

async function refuseOwner(trx: DbTransaction, control: ControlDefinition, actor: Actor): Promise<void> {
  const roles = (await rolesOfUsers(trx, [actor.userId])).get(actor.userId) ?? [];
  if (roles.some((role) => role.key === control.owner)) {
    throw domainError(
      INTERNAL_CONTROLS_ERRORS,
      'owner_cannot_approve',
      `${control.id} is owned by the ${control.owner} role, which you hold: someone else approves it.`,
    );
  }
}

/**
 * Approves the control's latest result, which must be RED. The approval is appended to the chain under a
 * transaction-scoped advisory lock, so two approvals never link to the same predecessor; it is permanent (the
 * table refuses UPDATE and DELETE, and the chain shows any change made around that).
 */
export async function approveControl(
  trx: DbTransaction,
  request: { controlId: string; initials: string; note: string; actor: Actor; now: Date },
): Promise<Approval> {
  const control = getControl(request.controlId);
  await refuseOwner(trx, control, request.actor);
  const result = await trx
    .selectFrom('internal_control_results')
    .select([sql<string>`run_date::text`.as('run_date'), 'status', 'metric'])
    .where('control_id', '=', control.id)
    .orderBy('run_date', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!result) {
    throw domainError(INTERNAL_CONTROLS_ERRORS, 'control_not_run', `${control.id} has no result yet.`);
  }
  if (result.status !== 'RED') {
    throw domainError(
      INTERNAL_CONTROLS_ERRORS,
      'control_not_red',
      `${control.id} is ${result.status} on ${result.run_date}: only a RED result is approved.`,
    );
  }
  await sql`select pg_advisory_xact_lock(hashtext('internal_control_approvals'))`.execute(trx);
  const approved = await trx
    .selectFrom('internal_control_approvals')
    .select('position')
    .where('control_id', '=', control.id)
    .where('run_date', '=', result.run_date)
    .executeTakeFirst();
  if (approved) {
    throw domainError(
      INTERNAL_CONTROLS_ERRORS,
      'already_approved',
      `${control.id}’s RED result of ${result.run_date} is approved already (approval ${approved.position}).`,
    );
  }
  const last = await trx
    .selectFrom('internal_control_approvals')
    .select('hash')
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  const fields = {
    controlId: control.id,
    runDate: result.run_date,
    status: 'RED' as const,
    metric: Number(result.metric),
    initials: request.initials.toUpperCase(),
    note: request.note,
    approvedBy: request.actor.userId,
    approvedAt: request.now.toISOString(),
    previousHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = approvalHash(fields);
  const row = await trx
    .insertInto('internal_control_approvals')
    .values({
      control_id: fields.controlId,
      run_date: fields.runDate,
      status: fields.status,
      metric: String(fields.metric),
      initials: fields.initials,
      note: fields.note,
      approved_by: fields.approvedBy,
      approved_at: request.now,
      previous_hash: fields.previousHash,
      hash,
    })
    .returning(APPROVAL_COLUMNS)
    .executeTakeFirstOrThrow();
  return approvalRowToApproval(row);
}

/** Recomputes every approval's hash in chain order: a changed field, a removed or reordered row breaks it. */
export async function verifyApprovalChain(db: DbExecutor): Promise<ChainVerification> {
  const rows = await db
    .selectFrom('internal_control_approvals')
    .select(APPROVAL_COLUMNS)
    .orderBy('position')
    .execute();
  let previousHash = GENESIS_HASH;
  for (const row of rows) {
    const approval = approvalRowToApproval(row);
    if (approval.previousHash !== previousHash) {
      return broken(
        rows.length,
        approval.position,
        'its previousHash is not the hash of the approval before it',
      );
    }
    if (approvalHash(approval) !== approval.hash) {
      return broken(rows.length, approval.position, 'its content does not match its hash');
    }
    previousHash = approval.hash;
  }
  return { valid: true, checked: rows.length, brokenAt: null, reason: null };
}

function broken(checked: number, position: number, reason: string): ChainVerification {
  return { valid: false, checked, brokenAt: position, reason: `Approval ${position}: ${reason}.` };
}
