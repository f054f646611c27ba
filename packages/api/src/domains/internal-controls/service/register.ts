import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { CONTROLS_BY_ID } from '../controls';
import { INTERNAL_CONTROLS_ERRORS } from '../errors';
import type { ControlStatus, CreateRequirementInput, Requirement, UpdateRequirementInput } from '../schemas';
import { dayOf } from './run-controls';

/** The requirement columns, the review day as text (pg reads a `date` as a local-midnight Date). */
const REQUIREMENT_COLUMNS = [
  'id',
  'code',
  'area',
  'title',
  'owner',
  'evidence',
  'control_ids',
  sql<string>`next_review_on::text`.as('next_review_on'),
  'retired_at',
  'retired_reason',
  'updated_at',
] as const;

type RequirementRow = {
  id: string;
  code: string;
  area: string;
  title: string;
  owner: string;
  evidence: string;
  control_ids: string[];
  next_review_on: string;
  retired_at: Date | null;
  retired_reason: string | null;
  updated_at: Date;
};

function checkControlIds(controlIds: readonly string[] | undefined): void {
  const unknown = (controlIds ?? []).filter((id) => !CONTROLS_BY_ID.has(id));
  if (unknown.length) {
    throw AppError.validation(
      'controlIds',
      `no daily control has the id ${unknown.join(', ')}`,
      'unknown_control',
    );
  }
}

/** Each control's latest status, for the register's coverage column. */
async function latestStatuses(db: DbExecutor): Promise<Map<string, ControlStatus>> {
  const rows = await db
    .selectFrom('internal_control_results')
    .select(['control_id', 'status'])
    .distinctOn('control_id')
    .orderBy('control_id')
    .orderBy('run_date', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.control_id, row.status]));
}

function toRequirement(
  row: RequirementRow,
  statuses: Map<string, ControlStatus>,
  today: string,
): Requirement {
  return {
    id: row.id,
    code: row.code,
    area: row.area,
    title: row.title,
    owner: row.owner,
    evidence: row.evidence,
    controlIds: row.control_ids,
    controls: row.control_ids.map((controlId) => ({ controlId, status: statuses.get(controlId) ?? null })),
    nextReviewOn: row.next_review_on,
    reviewOverdue: row.retired_at === null && row.next_review_on < today,
    retiredAt: row.retired_at?.toISOString() ?? null,
    retiredReason: row.retired_reason,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The register by area and code; retired requirements only when asked. */
export async function listRegister(
  db: DbExecutor,
  options: { includeRetired: boolean; now: Date },
): Promise<{ items: Requirement[] }> {
  let query = db
    .selectFrom('compliance_requirements')
    .select(REQUIREMENT_COLUMNS)
    .orderBy('area')
    .orderBy('code');
  if (!options.includeRetired) query = query.where('retired_at', 'is', null);
  const rows = await query.execute();
  const statuses = await latestStatuses(db);
  return { items: rows.map((row) => toRequirement(row, statuses, dayOf(options.now))) };
}

async function lockRequirement(trx: DbTransaction, id: string): Promise<RequirementRow> {
  const row = await trx
    .selectFrom('compliance_requirements')
    .select(REQUIREMENT_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) {
    throw domainError(INTERNAL_CONTROLS_ERRORS, 'requirement_not_found', `No requirement has the id ${id}.`);
  }
  if (row.retired_at) {
    throw domainError(INTERNAL_CONTROLS_ERRORS, 'requirement_retired', `${row.code} is retired.`);
  }
  return row;
}

export async function createRequirement(
  trx: DbTransaction,
  request: { input: CreateRequirementInput; userId: string; now: Date },
): Promise<Requirement> {
  const { input } = request;
  checkControlIds(input.controlIds);
  const row = await trx
    .insertInto('compliance_requirements')
    .values({
      code: input.code,
      area: input.area,
      title: input.title,
      owner: input.owner,
      evidence: input.evidence,
      control_ids: input.controlIds,
      next_review_on: input.nextReviewOn,
      updated_by: request.userId,
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .returning(REQUIREMENT_COLUMNS)
    .executeTakeFirst();
  if (!row) {
    throw domainError(INTERNAL_CONTROLS_ERRORS, 'requirement_code_taken', `${input.code} exists already.`, {
      errors: [{ field: 'code', message: 'is taken by another requirement' }],
    });
  }
  return toRequirement(row, await latestStatuses(trx), dayOf(request.now));
}

export async function updateRequirement(
  trx: DbTransaction,
  request: { input: UpdateRequirementInput; userId: string; now: Date },
): Promise<Requirement> {
  const { id, controlIds, nextReviewOn, ...text } = request.input;
  checkControlIds(controlIds);
  await lockRequirement(trx, id);
  const row = await trx
    .updateTable('compliance_requirements')
    .set({
      ...text,
      ...(controlIds ? { control_ids: controlIds } : {}),
      ...(nextReviewOn ? { next_review_on: nextReviewOn } : {}),
      updated_by: request.userId,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning(REQUIREMENT_COLUMNS)
    .executeTakeFirstOrThrow();
  return toRequirement(row, await latestStatuses(trx), dayOf(request.now));
}

/** A retired requirement stays in the register, read-only, with why it was retired. */
export async function retireRequirement(
  trx: DbTransaction,
  request: { id: string; reason: string; userId: string; now: Date },
): Promise<Requirement> {
  await lockRequirement(trx, request.id);
  const row = await trx
    .updateTable('compliance_requirements')
    .set({
      retired_at: request.now,
      retired_reason: request.reason,
      updated_by: request.userId,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', request.id)
    .returning(REQUIREMENT_COLUMNS)
    .executeTakeFirstOrThrow();
  return toRequirement(row, await latestStatuses(trx), dayOf(request.now));
}
