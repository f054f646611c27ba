import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import type { DomainEvent } from '../../events/schemas';
import type { DomainEventConsumer } from '../../events/service';
import { PAYMENT_SESSION_EVENTS } from '../../payment-sessions/events';
import { requestFingerprint } from '../../../platform/idempotency';
import { executeMovement, resolvePending } from './ledger';

const RefundEvent = PAYMENT_SESSION_EVENTS['session.refunded'].payload;

/** What a session event means for the wallet holds paying it; undefined for the events it ignores. */
function actionOf(event: DomainEvent): 'post' | 'void' | 'refund' | undefined {
  switch (event.type) {
    case 'session.paid':
      return 'post';
    case 'session.expired':
    case 'session.cancelled':
      return 'void';
    case 'session.refunded':
    case 'session.payment_refunded':
      return event.data.psp === 'wallet' ? 'refund' : undefined;
    default:
      return undefined;
  }
}

async function resolveHolds(trx: DbTransaction, sessionId: string, outcome: 'posted' | 'voided') {
  const pending = await trx
    .selectFrom('wallet_session_holds as h')
    .innerJoin('ledger_transfers as t', 't.id', 'h.transfer_id')
    .select('t.id')
    .where('h.session_id', '=', sessionId)
    .where('t.state', '=', 'pending')
    .orderBy('t.id')
    .execute();
  for (const hold of pending) await resolvePending(trx, { transferId: hold.id, outcome });
}

/**
 * A refunded wallet payment goes back to the wallet that paid it as a new transfer (the posted one is never
 * edited), its external id the refund id the payments domain gave it: a batch relayed again moves nothing.
 */
async function refundToWallet(trx: DbTransaction, event: DomainEvent): Promise<void> {
  const refund = RefundEvent.safeParse(event.data);
  if (!refund.success) return;
  const paidFrom = await trx
    .selectFrom('wallet_session_holds as h')
    .innerJoin('ledger_transfers as t', 't.id', 'h.transfer_id')
    .innerJoin('ledger_accounts as a', 'a.id', 't.debit_account_id')
    .select('a.owner_email')
    .where('h.session_id', '=', event.resourceId)
    .where('t.state', '=', 'posted')
    .executeTakeFirst();
  if (!paidFrom?.owner_email) return;
  const { data } = refund;
  await executeMovement(trx, {
    externalId: data.refundId,
    requestHash: requestFingerprint('wallet.refund', { paymentId: data.paymentId, amount: data.amountMinor }),
    kind: 'refund',
    debit: { platform: 'wallet_payments' },
    credit: { email: paidFrom.owner_email },
    currency: data.currency,
    amountMinor: data.amountMinor,
    note: `refund of payment ${data.ipayReference}`,
    createdBy: 'system:payment-sessions',
  });
}

/**
 * The wallet's side of payment sessions, run by the relay in stream order: a paid session posts its pending
 * wallet hold, an expired or cancelled one voids it, and a refunded wallet payment returns to the wallet. Each
 * event runs under a savepoint: one that fails (which only a bug could make it do) is skipped rather than
 * stopping the relay for every other consumer; its hold then stays pending, shown held in the wallet.
 */
export const settleSessionWalletHolds: DomainEventConsumer = async (trx, events) => {
  for (const event of events) {
    const action = actionOf(event);
    if (!action) continue;
    await sql`savepoint wallet_session_event`.execute(trx);
    try {
      if (action === 'refund') await refundToWallet(trx, event);
      else await resolveHolds(trx, event.resourceId, action === 'post' ? 'posted' : 'voided');
      await sql`release savepoint wallet_session_event`.execute(trx);
    } catch {
      await sql`rollback to savepoint wallet_session_event`.execute(trx);
    }
  }
};
