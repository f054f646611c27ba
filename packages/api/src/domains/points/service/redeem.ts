import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { requestFingerprint } from '../../../platform/idempotency';
import { WALLET_ERRORS } from '../../wallet/errors';
import { creditWallet } from '../../wallet/service/movements';
import { POINTS_ERRORS } from '../errors';
import type { RedeemInput, Redemption } from '../schemas';
import { availablePoints } from './balance';
import { platformRule } from './rules';

interface RedemptionRow {
  id: string;
  request_hash: string;
  points: number;
  amount_minor: number;
  currency: string;
  wallet_transfer_id: string | null;
  created_at: Date;
}

const REDEMPTION_COLUMNS = [
  'id',
  'request_hash',
  'points',
  'amount_minor',
  'currency',
  'wallet_transfer_id',
  'created_at',
] as const;

async function redemptionOf(trx: DbTransaction, row: RedemptionRow, email: string): Promise<Redemption> {
  if (!row.wallet_transfer_id) throw new Error(`redemption ${row.id} has no wallet credit`);
  return {
    id: row.id,
    points: row.points,
    amountMinor: row.amount_minor,
    currency: row.currency,
    walletTransferId: row.wallet_transfer_id,
    availablePoints: await availablePoints(trx, email),
    createdAt: row.created_at.toISOString(),
  };
}

/** The spendable lots, earliest expiry first, locked: two redemptions of one consumer queue in the same order. */
async function lockSpendableLots(trx: DbTransaction, email: string) {
  return trx
    .selectFrom('points_lots')
    .select(['id', 'remaining'])
    .where('owner_email', '=', email)
    .where('state', '=', 'active')
    .where('remaining', '>', 0)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('expires_at')
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** How much of each lot a spend of `points` takes, oldest expiry first. */
export function allocate(lots: { id: string; remaining: number }[], points: number) {
  const takes: { id: string; take: number }[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    takes.push({ id: lot.id, take });
    left -= take;
  }
  return takes;
}

/**
 * Turns `points` into wallet credit at the platform rule's rate, in one transaction: the earliest-expiring lots
 * are spent first, and the credit is paid out of the `promotions` account by the wallet's `creditWallet`. The
 * Idempotency-Key, scoped to the consumer, names the redemption: the same key and body return the first one.
 */
export async function redeemPoints(
  trx: DbTransaction,
  options: { email: string; consumerId: string; input: RedeemInput; idempotencyKey: string },
): Promise<Redemption> {
  const email = options.email.toLowerCase();
  const { points } = options.input;
  const rule = await platformRule(trx);
  const currency = rule.redeemCurrency ?? 'EUR';
  const amountMinor = points * (rule.redeemMinorPerPoint ?? 1);
  const requestHash = requestFingerprint('points.redeem', options.input);
  const createdBy = `consumer:${options.consumerId}`;

  const inserted = await trx
    .insertInto('points_redemptions')
    .values({
      owner_email: email,
      idempotency_key: options.idempotencyKey,
      request_hash: requestHash,
      points,
      currency,
      amount_minor: amountMinor,
      created_by: createdBy,
    })
    .onConflict((oc) => oc.columns(['owner_email', 'idempotency_key']).doNothing())
    .returning(REDEMPTION_COLUMNS)
    .executeTakeFirst();
  if (!inserted) {
    const first = await trx
      .selectFrom('points_redemptions')
      .select(REDEMPTION_COLUMNS)
      .where('owner_email', '=', email)
      .where('idempotency_key', '=', options.idempotencyKey)
      .executeTakeFirstOrThrow();
    if (first.request_hash !== requestHash) {
      throw domainError(
        WALLET_ERRORS,
        'idempotency_key_reused',
        `This Idempotency-Key already made redemption ${first.id} from a different request; nothing was redeemed now.`,
        {
          errors: [
            {
              field: 'Idempotency-Key',
              message: 'reused with a different request',
              code: 'idempotency_key_reused',
            },
          ],
        },
      );
    }
    return redemptionOf(trx, first, email);
  }

  const lots = await lockSpendableLots(trx, email);
  const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (available < points) {
    throw domainError(
      POINTS_ERRORS,
      'insufficient_points',
      `${available} points are available; ${points} were asked.`,
      { errors: [{ field: 'points', message: 'exceeds the available points', code: 'insufficient_points' }] },
    );
  }
  const takes = allocate(lots, points);
  await sql`
    update points_lots l set remaining = l.remaining - t.take, spent = l.spent + t.take
      from unnest(${takes.map((t) => t.id)}::uuid[], ${takes.map((t) => t.take)}::int[]) as t(id, take)
     where l.id = t.id`.execute(trx);
  const transfer = await creditWallet(trx, {
    input: { email, amountMinor, currency, reason: `${points} points redeemed` },
    source: 'promotions',
    idempotencyKey: `points-redemption:${inserted.id}`,
    createdBy,
  });
  const row = await trx
    .updateTable('points_redemptions')
    .set({ wallet_transfer_id: transfer.id })
    .where('id', '=', inserted.id)
    .returning(REDEMPTION_COLUMNS)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('points_entries')
    .values({
      owner_email: email,
      kind: 'spent',
      points,
      redemption_id: row.id,
      note: 'redeemed for wallet credit',
    })
    .execute();
  return redemptionOf(trx, row, email);
}
