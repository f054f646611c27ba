import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { WALLET_ERRORS } from '../errors';
import type { Transfer } from '../schemas';
import { labelOf, resolveAccounts, type AccountKey, type AccountRef } from './accounts';

type TransferKind = Transfer['kind'];

export interface Movement {
  /** Unique per intended movement: the same id again returns the first transfer and moves nothing. */
  externalId: string;
  /** Fingerprint of the request behind `externalId`; a different one under the same id is a 409. */
  requestHash: string;
  kind: TransferKind;
  debit: AccountKey;
  credit: AccountKey;
  currency: string;
  amountMinor: number;
  note: string | null;
  /** `user:<id>`, `consumer:<id>` or `system:<what>`. */
  createdBy: string;
  /** A hold: the amount is reserved on both sides until posted or voided. */
  pending?: boolean;
  /** Run with both accounts locked and the transfer inserted, e.g. the sender's daily limit. */
  check?: (trx: DbTransaction, debit: LockedAccount) => Promise<void>;
}

export interface LockedAccount {
  id: string;
  kind: 'consumer_wallet' | 'platform';
  version: number;
  debits_pending: number;
  debits_posted: number;
  credits_pending: number;
  credits_posted: number;
}

export interface TransferRow {
  id: string;
  kind: TransferKind;
  state: Transfer['state'];
  amount_minor: number;
  currency: string;
  debit_account_id: string;
  credit_account_id: string;
  note: string | null;
  created_at: Date;
  resolved_at: Date | null;
}

export interface MovementResult {
  row: TransferRow;
  debit: AccountRef;
  credit: AccountRef;
  /** The external id had already moved money: this is the first transfer, nothing moved now. */
  replayed: boolean;
}

const TRANSFER_COLUMNS = [
  'id',
  'kind',
  'state',
  'amount_minor',
  'currency',
  'debit_account_id',
  'credit_account_id',
  'note',
  'created_at',
  'resolved_at',
] as const;

export function availableMinor(account: LockedAccount): number {
  return account.credits_posted - account.debits_posted - account.debits_pending;
}

/**
 * Both accounts, locked in id order: two opposite transfers between the same wallets queue instead of
 * deadlocking. `no key update` leaves the key-share locks of concurrent transfer inserts (their foreign keys)
 * unblocked.
 */
async function lockAccounts(trx: DbTransaction, ids: string[]): Promise<Map<string, LockedAccount>> {
  const rows = await trx
    .selectFrom('ledger_accounts')
    .select(['id', 'kind', 'version', 'debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

function lockedOf(accounts: Map<string, LockedAccount>, id: string): LockedAccount {
  const account = accounts.get(id);
  if (!account) throw new Error(`ledger account ${id} vanished`);
  return account;
}

/**
 * Applies one change to both sides in one statement. The version must be the one read under the lock: a
 * writer that bypassed the lock shows up here instead of as a silently lost update.
 */
async function applyBalances(
  trx: DbTransaction,
  debit: LockedAccount,
  credit: LockedAccount,
  change: { pending: number; posted: number },
): Promise<void> {
  const result = await trx
    .updateTable('ledger_accounts')
    .set((eb) => ({
      debits_pending: sql`debits_pending + case when id = ${debit.id}::uuid then ${change.pending}::bigint else 0 end`,
      debits_posted: sql`debits_posted + case when id = ${debit.id}::uuid then ${change.posted}::bigint else 0 end`,
      credits_pending: sql`credits_pending + case when id = ${credit.id}::uuid then ${change.pending}::bigint else 0 end`,
      credits_posted: sql`credits_posted + case when id = ${credit.id}::uuid then ${change.posted}::bigint else 0 end`,
      version: eb('version', '+', 1),
      updated_at: sql`now()`,
    }))
    .where((eb) =>
      eb.or([
        eb.and([eb('id', '=', debit.id), eb('version', '=', debit.version)]),
        eb.and([eb('id', '=', credit.id), eb('version', '=', credit.version)]),
      ]),
    )
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 2) {
    throw domainError(WALLET_ERRORS, 'account_busy', 'A ledger account changed during the transfer; retry.');
  }
}

function replayOrConflict(
  existing: TransferRow & { request_hash: string },
  requestHash: string,
): TransferRow {
  if (existing.request_hash === requestHash) return existing;
  throw domainError(
    WALLET_ERRORS,
    'idempotency_key_reused',
    `This Idempotency-Key already made transfer ${existing.id} from a different request; nothing moved now.`,
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

/**
 * Moves money from `debit` to `credit` as one immutable transfer, posted at once or held as pending. A
 * consumer wallet never goes below zero available (checked here, and by a constraint on the table); platform
 * accounts may, being the other side of every wallet.
 */
/** Where one side's account is found: by what it belongs to, or by id once opened. */
function accountWhere(alias: 'd' | 'c', key: AccountKey | AccountRef, currency: string) {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  if ('id' in key) return sql`${column('id')} = ${key.id}::uuid`;
  const owner =
    'email' in key
      ? sql`${column('kind')} = 'consumer_wallet' and ${column('owner_email')} = ${key.email}`
      : sql`${column('kind')} = 'platform' and ${column('platform_code')} = ${key.platform}`;
  return sql`${owner} and ${column('currency')} = ${currency}`;
}

/**
 * Inserts the transfer, its two accounts looked up in the same statement: nothing comes back when an account
 * is not opened yet or the external id is taken.
 */
async function insertTransfer(
  trx: DbTransaction,
  movement: Movement,
  sides: [AccountKey | AccountRef, AccountKey | AccountRef],
): Promise<TransferRow | undefined> {
  const { rows } = await sql<TransferRow>`
    insert into ledger_transfers (external_id, request_hash, kind, debit_account_id, credit_account_id, currency,
                                  amount_minor, state, note, created_by, resolved_at)
    select ${movement.externalId}, ${movement.requestHash}, ${movement.kind}, d.id, c.id, ${movement.currency},
           ${movement.amountMinor}::bigint, ${movement.pending ? 'pending' : 'posted'}, ${movement.note}::text,
           ${movement.createdBy}, ${movement.pending ? sql`null::timestamptz` : sql`now()`}
      from ledger_accounts d, ledger_accounts c
     where ${accountWhere('d', sides[0], movement.currency)} and ${accountWhere('c', sides[1], movement.currency)}
    on conflict (external_id) do nothing
    returning ${sql.join(TRANSFER_COLUMNS.map((column) => sql.ref(column)))}`.execute(trx);
  return rows[0];
}

/**
 * Moves money from `debit` to `credit` as one immutable transfer, posted at once or held as pending. A
 * consumer wallet never goes below zero available (checked here, and by a constraint on the table); platform
 * accounts may, being the other side of every wallet.
 */
export async function executeMovement(trx: DbTransaction, movement: Movement): Promise<MovementResult> {
  // The usual case, both accounts open and the id new, is one statement; the rest opens accounts first.
  let inserted = await insertTransfer(trx, movement, [movement.debit, movement.credit]);
  let debit: AccountRef;
  let credit: AccountRef;
  if (inserted) {
    debit = { id: inserted.debit_account_id, label: labelOf(movement.debit) };
    credit = { id: inserted.credit_account_id, label: labelOf(movement.credit) };
  } else {
    const accounts = await resolveAccounts(trx, [movement.debit, movement.credit], movement.currency);
    if (!accounts[0] || !accounts[1]) throw new Error('both ledger accounts are resolved');
    [debit, credit] = [accounts[0], accounts[1]];
    inserted = await insertTransfer(trx, movement, [debit, credit]);
  }
  if (!inserted) {
    const existing = await trx
      .selectFrom('ledger_transfers')
      .select([...TRANSFER_COLUMNS, 'request_hash'])
      .where('external_id', '=', movement.externalId)
      .executeTakeFirstOrThrow();
    return { row: replayOrConflict(existing, movement.requestHash), debit, credit, replayed: true };
  }

  const locked = await lockAccounts(trx, [debit.id, credit.id]);
  const debitAccount = lockedOf(locked, debit.id);
  if (debitAccount.kind === 'consumer_wallet' && availableMinor(debitAccount) < movement.amountMinor) {
    throw domainError(
      WALLET_ERRORS,
      'insufficient_funds',
      `The wallet holds ${availableMinor(debitAccount)} ${movement.currency} (minor units) available; ${movement.amountMinor} were asked.`,
      { errors: [{ field: 'amount', message: 'exceeds the available balance', code: 'insufficient_funds' }] },
    );
  }
  await movement.check?.(trx, debitAccount);
  await applyBalances(trx, debitAccount, lockedOf(locked, credit.id), {
    pending: movement.pending ? movement.amountMinor : 0,
    posted: movement.pending ? 0 : movement.amountMinor,
  });
  return { row: inserted, debit, credit, replayed: false };
}

export async function transferRowById(trx: DbTransaction, id: string): Promise<TransferRow | undefined> {
  return trx.selectFrom('ledger_transfers').select(TRANSFER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/**
 * The transfer an external id already made, if any, for callers that must know before deciding anything else:
 * the same request gets it back, a different one under the same id is a 409 `idempotency_key_reused`.
 */
export async function priorMovement(
  trx: DbTransaction,
  externalId: string,
  requestHash: string,
): Promise<TransferRow | undefined> {
  const existing = await trx
    .selectFrom('ledger_transfers')
    .select([...TRANSFER_COLUMNS, 'request_hash'])
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return existing ? replayOrConflict(existing, requestHash) : undefined;
}

/**
 * Ends a hold: `post` turns the reserved amount into a posted transfer on both sides, `void` releases it. The
 * same outcome asked again returns the transfer as it is; the other one is a 409.
 */
export async function resolvePending(
  trx: DbTransaction,
  options: ({ externalId: string } | { transferId: string }) & { outcome: 'posted' | 'voided' },
): Promise<TransferRow> {
  const transfer = await trx
    .selectFrom('ledger_transfers')
    .select(TRANSFER_COLUMNS)
    .where((eb) =>
      'externalId' in options
        ? eb('external_id', '=', options.externalId)
        : eb('id', '=', options.transferId),
    )
    .forUpdate()
    .executeTakeFirst();
  if (!transfer) {
    const which = 'externalId' in options ? options.externalId : options.transferId;
    throw domainError(WALLET_ERRORS, 'transfer_not_found', `No transfer ${which}.`);
  }
  if (transfer.state === options.outcome) return transfer;
  if (transfer.state !== 'pending') {
    throw domainError(WALLET_ERRORS, 'transfer_not_pending', `The transfer is already ${transfer.state}.`);
  }
  const locked = await lockAccounts(trx, [transfer.debit_account_id, transfer.credit_account_id]);
  const amount = transfer.amount_minor;
  await applyBalances(
    trx,
    lockedOf(locked, transfer.debit_account_id),
    lockedOf(locked, transfer.credit_account_id),
    { pending: -amount, posted: options.outcome === 'posted' ? amount : 0 },
  );
  return trx
    .updateTable('ledger_transfers')
    .set({ state: options.outcome, resolved_at: sql<Date>`now()` })
    .where('id', '=', transfer.id)
    .returning(TRANSFER_COLUMNS)
    .executeTakeFirstOrThrow();
}
