import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import type { EarnRuleInput, PlatformRuleInput, PointsRule, PointsRuleView } from '../schemas';

const HISTORY_LENGTH = 20;

const RULE_COLUMNS = [
  'merchant_id',
  'points_per_unit',
  'bonus_per_order',
  'validity_days',
  'redeem_currency',
  'redeem_minor_per_point',
  'reason',
  'changed_by',
  'created_at',
] as const;

interface RuleRow {
  merchant_id: string | null;
  points_per_unit: number;
  bonus_per_order: number;
  validity_days: number;
  redeem_currency: string | null;
  redeem_minor_per_point: number | null;
  reason: string;
  changed_by: string;
  created_at: Date;
}

function ruleOf(row: RuleRow): PointsRule {
  return {
    merchantId: row.merchant_id,
    pointsPerUnit: row.points_per_unit,
    bonusPerOrder: row.bonus_per_order,
    validityDays: row.validity_days,
    redeemCurrency: row.redeem_currency,
    redeemMinorPerPoint: row.redeem_minor_per_point,
    reason: row.reason,
    changedBy: row.changed_by,
    changedAt: row.created_at.toISOString(),
  };
}

/** The rows of one rule, newest first: the first is the rule in force, the rest its history. */
function ruleRows(db: DbExecutor, merchantId: string | null, limit: number): Promise<RuleRow[]> {
  return db
    .selectFrom('points_rules')
    .select(RULE_COLUMNS)
    .where('merchant_id', merchantId === null ? 'is' : '=', merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The platform's rule in force; the migration installs one and rules are only ever added, so one exists. */
export async function platformRule(db: DbExecutor): Promise<PointsRule> {
  const [row] = await ruleRows(db, null, 1);
  if (!row) throw new Error('the platform points rule is missing');
  return ruleOf(row);
}

/** A merchant organization by id, else a 404 (an operator asking for any other id, or none at all). */
async function requireMerchant(db: DbExecutor, merchantId: string): Promise<void> {
  const found = await db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', merchantId)
    .where('type', '=', 'merchant')
    .executeTakeFirst();
  if (!found) throw new AppError('not_found', `No merchant ${merchantId}.`);
}

/** A rule with its history and, for a merchant, the rule its paid orders earn by (its own, else the platform's). */
export async function getPointsRule(db: DbExecutor, merchantId: string | null): Promise<PointsRuleView> {
  if (merchantId !== null) await requireMerchant(db, merchantId);
  const rows = (await ruleRows(db, merchantId, HISTORY_LENGTH)).map(ruleOf);
  const current = rows[0] ?? null;
  return {
    merchantId,
    current,
    effective: current ?? (await platformRule(db)),
    history: rows,
  };
}

export type RuleChange =
  { merchantId: null; input: PlatformRuleInput } | { merchantId: string; input: EarnRuleInput };

/** Sets a merchant's rule or the platform's (`merchantId` null) by adding a row: the old one stays as history. */
export async function setPointsRule(
  trx: DbTransaction,
  options: RuleChange & { changedBy: string },
): Promise<PointsRuleView> {
  const { input } = options;
  if (options.merchantId !== null) await requireMerchant(trx, options.merchantId);
  const redemption =
    options.merchantId === null
      ? {
          redeem_currency: options.input.redeemCurrency,
          redeem_minor_per_point: options.input.redeemMinorPerPoint,
        }
      : {};
  await trx
    .insertInto('points_rules')
    .values({
      merchant_id: options.merchantId,
      points_per_unit: input.pointsPerUnit,
      bonus_per_order: input.bonusPerOrder,
      validity_days: input.validityDays,
      reason: input.reason,
      changed_by: options.changedBy,
      ...redemption,
    })
    .execute();
  return getPointsRule(trx, options.merchantId);
}
