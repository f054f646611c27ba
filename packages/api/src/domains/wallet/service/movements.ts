import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { requestFingerprint } from '../../../platform/idempotency';
import { WALLET_ERRORS } from '../errors';
import type { CreditWalletInput, PlatformAccount, Transfer, TransferInput } from '../schemas';
import { executeMovement, resolvePending, type MovementResult, type TransferRow } from './ledger';

/** What one sender may send per currency per UTC day, in minor units (1,000.00). */
export const DAILY_TRANSFER_LIMIT_MINOR = 100_000;

export function transferOf(row: TransferRow, from: string, to: string): Transfer {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    amountMinor: row.amount_minor,
    currency: row.currency,
    from,
    to,
    note: row.note,
    createdAt: row.created_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  };
}

function resultTransfer(result: MovementResult): Transfer {
  return transferOf(result.row, result.debit.label, result.credit.label);
}

/**
 * A credit from the platform into a consumer's wallet: a goodwill credit by an operator (out of
 * `promotions`) or a refund as app credit (out of `refunds_payable`). `idempotencyKey` is per caller.
 */
export async function creditWallet(
  trx: DbTransaction,
  options: {
    input: CreditWalletInput;
    source: Extract<PlatformAccount, 'promotions' | 'refunds_payable'>;
    idempotencyKey: string;
    createdBy: string;
  },
): Promise<Transfer> {
  const { input } = options;
  const result = await executeMovement(trx, {
    externalId: `credit:${options.createdBy}:${options.idempotencyKey}`,
    requestHash: requestFingerprint('wallet.credit', { ...input, source: options.source }),
    kind: 'credit',
    debit: { platform: options.source },
    credit: { email: input.email.toLowerCase() },
    currency: input.currency,
    amountMinor: input.amountMinor,
    note: input.reason,
    createdBy: options.createdBy,
  });
  return resultTransfer(result);
}

async function sentToday(trx: DbTransaction, accountId: string): Promise<number> {
  const row = await trx
    .selectFrom('ledger_transfers')
    .select(sql<number>`coalesce(sum(amount_minor), 0)::bigint`.as('sent'))
    .where('debit_account_id', '=', accountId)
    .where('kind', '=', 'transfer')
    .where('state', '<>', 'voided')
    .where('created_at', '>=', sql<Date>`date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`)
    .executeTakeFirstOrThrow();
  return row.sent;
}

/**
 * A consumer sends money from their wallet to another address's (opened on first use, so it waits for someone
 * who has not signed in yet). The Idempotency-Key, scoped to the sender, is the transfer's external id.
 */
export async function transferBetweenWallets(
  trx: DbTransaction,
  options: {
    from: string;
    input: TransferInput;
    idempotencyKey: string;
    createdBy: string;
    dailyLimitMinor?: number;
  },
): Promise<Transfer> {
  const { input } = options;
  const from = options.from.toLowerCase();
  const to = input.to.toLowerCase();
  if (to === from) {
    throw domainError(WALLET_ERRORS, 'transfer_to_self', 'A wallet cannot send money to itself.', {
      errors: [{ field: 'to', message: 'is your own address', code: 'transfer_to_self' }],
    });
  }
  const limit = options.dailyLimitMinor ?? DAILY_TRANSFER_LIMIT_MINOR;
  const result = await executeMovement(trx, {
    externalId: `transfer:${from}:${options.idempotencyKey}`,
    requestHash: requestFingerprint('wallet.transfer', { ...input, to }),
    kind: 'transfer',
    debit: { email: from },
    credit: { email: to },
    currency: input.currency,
    amountMinor: input.amount,
    note: input.note ?? null,
    createdBy: options.createdBy,
    // The sender's account is locked here, so two transfers of one sender cannot both slip under the limit.
    check: async (tx, debit) => {
      const sent = await sentToday(tx, debit.id);
      if (sent > limit) {
        throw domainError(
          WALLET_ERRORS,
          'daily_limit_exceeded',
          `Transfers of ${input.currency} are limited to ${limit} minor units per day; ${sent - input.amount} were sent today.`,
          {
            errors: [
              { field: 'amount', message: 'exceeds today’s transfer limit', code: 'daily_limit_exceeded' },
            ],
          },
        );
      }
    },
  });
  return resultTransfer(result);
}

/**
 * Reserves `amountMinor` of a wallet for paying a payment session: a pending transfer into
 * `wallet_payments`, posted when the session is paid (`postWalletHold`) and voided when it is not
 * (`voidWalletHold`). `holdId` (e.g. `payment-session:<id>`) is the external id: holding twice holds once.
 */
export async function holdFromWallet(
  trx: DbTransaction,
  options: {
    email: string;
    currency: string;
    amountMinor: number;
    holdId: string;
    note?: string;
    createdBy: string;
  },
): Promise<Transfer> {
  const email = options.email.toLowerCase();
  const result = await executeMovement(trx, {
    externalId: options.holdId,
    requestHash: requestFingerprint('wallet.hold', {
      email,
      currency: options.currency,
      amountMinor: options.amountMinor,
    }),
    kind: 'payment',
    debit: { email },
    credit: { platform: 'wallet_payments' },
    currency: options.currency,
    amountMinor: options.amountMinor,
    note: options.note ?? null,
    createdBy: options.createdBy,
    pending: true,
  });
  return resultTransfer(result);
}

/** A transfer row with both sides named as transfers show them. */
export async function labelled(trx: DbTransaction, row: TransferRow): Promise<Transfer> {
  const accounts = await trx
    .selectFrom('ledger_accounts')
    .select(['id', sql<string>`coalesce(owner_email, 'platform:' || platform_code)`.as('label')])
    .where('id', 'in', [row.debit_account_id, row.credit_account_id])
    .execute();
  const label = (id: string) => accounts.find((a) => a.id === id)?.label ?? id;
  return transferOf(row, label(row.debit_account_id), label(row.credit_account_id));
}

export async function postWalletHold(trx: DbTransaction, holdId: string): Promise<Transfer> {
  return labelled(trx, await resolvePending(trx, { externalId: holdId, outcome: 'posted' }));
}

export async function voidWalletHold(trx: DbTransaction, holdId: string): Promise<Transfer> {
  return labelled(trx, await resolvePending(trx, { externalId: holdId, outcome: 'voided' }));
}
