import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { merchantNames } from '../../auth/service/merchant-names';
import { SETTLEMENT_ERRORS } from '../errors';
import type { FeeChange, FeeEur, MerchantFees, UpdateMerchantInput } from '../schemas';

interface FeeChangeRow {
  id: number;
  fee_per_order_minor: number | null;
  previous_fee_per_order_minor: number | null;
  contract_signed_at: Date | null;
  previous_contract_signed_at: Date | null;
  effective_from: Date;
  reason: string;
  changed_by: string | null;
  changed_at: Date;
}

const eur = (amountMinor: number): FeeEur => ({ amount_minor: amountMinor, currency: 'EUR' });
const eurOrNull = (amountMinor: number | null) => (amountMinor === null ? null : eur(amountMinor));

function feeChangeOf(row: FeeChangeRow): FeeChange {
  return {
    id: row.id,
    fee_per_order_eur: eurOrNull(row.fee_per_order_minor),
    previous_fee_per_order_eur: eurOrNull(row.previous_fee_per_order_minor),
    contract_signed_at: row.contract_signed_at?.toISOString() ?? null,
    previous_contract_signed_at: row.previous_contract_signed_at?.toISOString() ?? null,
    effective_from: row.effective_from.toISOString(),
    reason: row.reason,
    changed_by: row.changed_by,
    changed_at: row.changed_at.toISOString(),
  };
}

async function merchantName(db: DbExecutor, merchantId: string): Promise<string> {
  const name = (await merchantNames(db, [merchantId])).get(merchantId);
  if (name === undefined) {
    throw domainError(SETTLEMENT_ERRORS, 'merchant_not_found', `No merchant has the id ${merchantId}.`);
  }
  return name;
}

function historyOf(db: DbExecutor, merchantId: string): Promise<FeeChangeRow[]> {
  return db
    .selectFrom('merchant_fee_changes')
    .select([
      'id',
      'fee_per_order_minor',
      'previous_fee_per_order_minor',
      'contract_signed_at',
      'previous_contract_signed_at',
      'effective_from',
      'reason',
      'changed_by',
      'changed_at',
    ])
    .where('organization_id', '=', merchantId)
    .orderBy('id', 'desc')
    .execute();
}

/** The change in force at `at`: the latest-dated one not after it (the later-made one of two dated alike). */
function inForceAt(history: FeeChangeRow[], at: Date): FeeChangeRow | undefined {
  return history
    .filter((row) => row.effective_from <= at)
    .sort((a, b) => b.effective_from.getTime() - a.effective_from.getTime() || b.id - a.id)[0];
}

/** A merchant's IPAY fee now, its contract date and its whole fee history (newest first). */
export async function getMerchantFees(
  db: DbExecutor,
  request: { merchantId: string; platformDefaultFeeMinor: number },
): Promise<MerchantFees> {
  const name = await merchantName(db, request.merchantId);
  const history = await historyOf(db, request.merchantId);
  const [now] = await sql<{ now: Date }>`select now() as now`.execute(db).then((result) => result.rows);
  const current = inForceAt(history, now?.now ?? new Date());
  const contractFee = current?.fee_per_order_minor ?? null;
  return {
    organization_id: request.merchantId,
    name,
    ipay_fee_per_order_eur: eurOrNull(contractFee),
    ipay_contract_signed_at: current?.contract_signed_at?.toISOString() ?? null,
    fee_source: contractFee === null ? 'platform_default' : 'contract',
    effective_fee_per_order_eur: eur(contractFee ?? request.platformDefaultFeeMinor),
    platform_default_fee_per_order_eur: eur(request.platformDefaultFeeMinor),
    history: history.map(feeChangeOf),
  };
}

/**
 * Appends one change to the merchant's fee history: a field not sent keeps the value of the latest change. The
 * merchant's row is locked so two changes at once each record the other's values as "previous". Sending what is
 * already the latest change (same values, no date) appends nothing, so a retried PATCH is harmless.
 */
export async function changeMerchantFee(
  trx: DbTransaction,
  request: { input: UpdateMerchantInput; changedBy: string; platformDefaultFeeMinor: number },
): Promise<MerchantFees> {
  const { input } = request;
  if (input.ipay_fee_per_order_eur === undefined && input.ipay_contract_signed_at === undefined) {
    throw domainError(
      SETTLEMENT_ERRORS,
      'nothing_to_change',
      'Send ipay_fee_per_order_eur, ipay_contract_signed_at or both.',
      { errors: [{ field: 'ipay_fee_per_order_eur', message: 'or ipay_contract_signed_at is required' }] },
    );
  }
  await merchantName(trx, input.id);
  await trx.selectFrom('organizations').select('id').where('id', '=', input.id).forUpdate().execute();
  const [latest] = await historyOf(trx, input.id);
  const fee =
    input.ipay_fee_per_order_eur === undefined
      ? (latest?.fee_per_order_minor ?? null)
      : (input.ipay_fee_per_order_eur?.amount_minor ?? null);
  const signedAt =
    input.ipay_contract_signed_at === undefined
      ? (latest?.contract_signed_at ?? null)
      : input.ipay_contract_signed_at === null
        ? null
        : new Date(input.ipay_contract_signed_at);
  const unchanged =
    latest !== undefined &&
    input.effective_from === undefined &&
    latest.fee_per_order_minor === fee &&
    latest.contract_signed_at?.getTime() === signedAt?.getTime();
  if (!unchanged) await appendChange(trx, { input, latest, fee, signedAt, changedBy: request.changedBy });
  return getMerchantFees(trx, {
    merchantId: input.id,
    platformDefaultFeeMinor: request.platformDefaultFeeMinor,
  });
}

async function appendChange(
  trx: DbTransaction,
  change: {
    input: UpdateMerchantInput;
    latest: FeeChangeRow | undefined;
    fee: number | null;
    signedAt: Date | null;
    changedBy: string;
  },
): Promise<void> {
  const effectiveFrom = change.input.effective_from
    ? sql<Date>`${new Date(change.input.effective_from)}::timestamptz`
    : sql<Date>`now()`;
  const inserted = await trx
    .insertInto('merchant_fee_changes')
    .values({
      organization_id: change.input.id,
      fee_per_order_minor: change.fee,
      contract_signed_at: change.signedAt,
      previous_fee_per_order_minor: change.latest?.fee_per_order_minor ?? null,
      previous_contract_signed_at: change.latest?.contract_signed_at ?? null,
      effective_from: effectiveFrom,
      reason: change.input.reason,
      changed_by: change.changedBy,
    })
    .returning(sql<boolean>`effective_from < changed_at`.as('retroactive'))
    .executeTakeFirstOrThrow();
  if (inserted.retroactive) {
    throw domainError(
      SETTLEMENT_ERRORS,
      'fee_change_not_retroactive',
      'effective_from is in the past: orders already paid keep the fee they were paid under.',
      { errors: [{ field: 'effective_from', message: 'must not be in the past' }] },
    );
  }
}

/** The fee in force at `start` and every change that takes effect in `[start, end)`, in order. */
export async function feeTimeline(
  db: DbExecutor,
  request: { merchantId: string; start: Date; end: Date },
): Promise<{ atStart: number | null; changes: Array<{ effectiveFrom: Date; fee: number | null }> }> {
  const history = await historyOf(db, request.merchantId);
  const changes = history
    .filter((row) => row.effective_from > request.start && row.effective_from < request.end)
    .sort((a, b) => a.effective_from.getTime() - b.effective_from.getTime() || a.id - b.id)
    .map((row) => ({ effectiveFrom: row.effective_from, fee: row.fee_per_order_minor }));
  return { atStart: inForceAt(history, request.start)?.fee_per_order_minor ?? null, changes };
}
