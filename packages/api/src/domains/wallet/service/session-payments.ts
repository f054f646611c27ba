import type { DbTransaction } from '@ipay/db';
import type { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { requestFingerprint } from '../../../platform/idempotency';
import { PAYMENT_ERRORS } from '../../payments/errors';
import { recordPayment } from '../../payments/service/record-payment';
import type { SessionRow } from '../../payment-sessions/service/transitions';
import {
  amountDueMinor,
  clearWalletPart,
  lockConsumerSession,
  setWalletPart,
} from '../../payment-sessions/service/wallet-part';
import { WALLET_ERRORS } from '../errors';
import type { WalletPayInput, WalletSessionPayment } from '../schemas';
import { executeMovement, priorMovement, resolvePending, transferRowById, type TransferRow } from './ledger';
import { labelled } from './movements';

/** The signed-in consumer paying: the address on their token and their id (for `created_by`). */
export interface WalletPayer {
  id: string;
  email: string;
}

function notPayable(session: SessionRow): AppError {
  return domainError(
    PAYMENT_ERRORS,
    'session_not_payable',
    `This session is ${session.status}; its wallet part can no longer change.`,
  );
}

async function paymentOf(
  trx: DbTransaction,
  session: SessionRow,
  hold: TransferRow | undefined,
): Promise<WalletSessionPayment> {
  const row =
    hold ?? (session.wallet_transfer_id ? await transferRowById(trx, session.wallet_transfer_id) : undefined);
  return {
    sessionId: session.id,
    sessionStatus: session.status,
    currency: session.currency,
    amountMinor: session.amount_minor,
    walletMinor: session.wallet_held_minor,
    amountDueMinor: session.status === 'PENDING_PAYMENT' ? amountDueMinor(session) : 0,
    hold: row ? await labelled(trx, row) : null,
  };
}

function checkRequest(session: SessionRow, input: WalletPayInput): number {
  if (session.status !== 'PENDING_PAYMENT') throw notPayable(session);
  if (input.currency && input.currency !== session.currency) {
    throw domainError(WALLET_ERRORS, 'currency_mismatch', `This session is paid in ${session.currency}.`, {
      errors: [{ field: 'currency', message: `must be ${session.currency}`, code: 'currency_mismatch' }],
    });
  }
  if (session.wallet_held_minor > 0) {
    throw domainError(
      WALLET_ERRORS,
      'wallet_part_held',
      `The wallet already holds ${session.wallet_held_minor} of this session; cancel that part first.`,
      { errors: [{ field: 'session_id', message: 'already has a wallet part', code: 'wallet_part_held' }] },
    );
  }
  const due = amountDueMinor(session);
  const amount = input.amount ?? due;
  if (amount > due) {
    throw domainError(
      WALLET_ERRORS,
      'amount_exceeds_due',
      `The session has ${due} ${session.currency} (minor units) due; ${amount} were asked.`,
      { errors: [{ field: 'amount', message: 'exceeds the amount due', code: 'amount_exceeds_due' }] },
    );
  }
  return amount;
}

/**
 * The consumer pays a payment session of one of their orders from their wallet, all of what is due or part of
 * it: a hold on the wallet. All of it pays the session at once (the same `recordPayment` as a PSP's, provider
 * `wallet`: `session.paid`, the door code, webhooks) and posts the hold in this transaction. Part of it
 * shrinks what the pay page's PSP charges; the hold posts when the session is paid and is voided when it is
 * not (see session-events.ts). The Idempotency-Key, scoped to the consumer, is the hold's external id.
 */
export async function payFromWallet(
  trx: DbTransaction,
  request: { payer: WalletPayer; input: WalletPayInput; idempotencyKey: string },
): Promise<WalletSessionPayment> {
  const { input } = request;
  const email = request.payer.email.toLowerCase();
  const externalId = `wallet-pay:${email}:${request.idempotencyKey}`;
  const requestHash = requestFingerprint('wallet.pay', {
    sessionId: input.session_id,
    amount: input.amount ?? null,
    currency: input.currency ?? null,
  });
  // The session first: every change to it (a PSP's payment, expiry, a second wallet payment) waits here.
  const session = await lockConsumerSession(trx, { id: input.session_id, email });
  const prior = await priorMovement(trx, externalId, requestHash);
  if (prior) return paymentOf(trx, session, prior);

  const amount = checkRequest(session, input);
  const hold = await executeMovement(trx, {
    externalId,
    requestHash,
    kind: 'payment',
    debit: { email },
    credit: { platform: 'wallet_payments' },
    currency: session.currency,
    amountMinor: amount,
    note: `payment ${session.reference}`,
    createdBy: `consumer:${request.payer.id}`,
    pending: true,
  });
  const transferId = hold.row.id;
  await trx
    .insertInto('wallet_session_holds')
    .values({ transfer_id: transferId, session_id: session.id })
    .execute();
  if (amount < amountDueMinor(session)) {
    return paymentOf(trx, await setWalletPart(trx, session, { transferId, amountMinor: amount }), hold.row);
  }

  const outcome = await recordPayment(trx, {
    psp: 'wallet',
    eventId: transferId,
    eventType: 'wallet.payment_held',
    reference: session.reference,
    pspPaymentId: transferId,
    outcome: 'succeeded',
    amountMinor: amount,
    currency: session.currency,
    paymentMethod: 'wallet',
  });
  // The session is locked and was checked above: anything but paid is a bug, and rolls the hold back too.
  if (outcome !== 'paid') throw new Error(`a wallet payment of a pending session was ${outcome}`);
  const posted = await resolvePending(trx, { transferId, outcome: 'posted' });
  return paymentOf(trx, await setWalletPart(trx, session, { transferId, amountMinor: amount }), posted);
}

/**
 * The consumer takes the wallet part of a session that still waits for payment back: the hold is voided and
 * the whole amount is due again. Without a wallet part it answers the session as it is.
 */
export async function cancelWalletPart(
  trx: DbTransaction,
  request: { payer: WalletPayer; sessionId: string },
): Promise<WalletSessionPayment> {
  const session = await lockConsumerSession(trx, { id: request.sessionId, email: request.payer.email });
  if (session.status !== 'PENDING_PAYMENT') throw notPayable(session);
  if (!session.wallet_transfer_id) return paymentOf(trx, session, undefined);
  const voided = await resolvePending(trx, { transferId: session.wallet_transfer_id, outcome: 'voided' });
  return paymentOf(trx, await clearWalletPart(trx, session), voided);
}
