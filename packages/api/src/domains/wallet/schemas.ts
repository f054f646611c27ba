import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';

/**
 * The platform's side of every wallet movement, one account per currency each: credits are paid out of
 * `promotions` (goodwill) or `refunds_payable` (refunds as app credit), top-ups arrive through
 * `topups_in_transit`, and a payment session paid from a wallet lands in `wallet_payments`.
 */
export const PLATFORM_ACCOUNTS = [
  'refunds_payable',
  'promotions',
  'topups_in_transit',
  'wallet_payments',
] as const;
export const PlatformAccount = z.enum(PLATFORM_ACCOUNTS).describe('A platform ledger account');
export type PlatformAccount = z.infer<typeof PlatformAccount>;

export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
  .describe('ISO 4217 currency code');

/** A wallet is keyed by the lower-case address, so money can wait for someone who has not signed in yet. */
export const WalletEmail = z
  .email('must be a valid e-mail address')
  .max(254)
  .toLowerCase()
  .describe('E-mail address of the wallet holder (need not have signed in yet)');

export const AmountMinor = z
  .int()
  .min(1)
  .max(100_000_000)
  .describe('Amount in minor units (1999 is €19.99), at least 1');

export const TransferState = z.enum(['pending', 'posted', 'voided']);
export const TransferKind = z.enum(['credit', 'transfer', 'payment', 'refund']);

export const CreditWalletInput = z.object({
  email: WalletEmail,
  amountMinor: AmountMinor,
  currency: CurrencyCode,
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe('Why the operator grants this credit; kept on the transfer'),
});
export type CreditWalletInput = z.infer<typeof CreditWalletInput>;

export const TransferInput = z.object({
  to: WalletEmail.describe('E-mail address of the recipient (need not have signed in yet)'),
  amount: AmountMinor,
  currency: CurrencyCode,
  note: z.string().trim().max(500).optional().describe('Shown to both sides'),
});
export type TransferInput = z.infer<typeof TransferInput>;

export const WalletPayInput = z.object({
  session_id: z.uuid().describe('The payment session to pay (of an order that carries my address)'),
  amount: AmountMinor.optional().describe(
    'How much of the amount due to pay from the wallet, in minor units; by default all of it',
  ),
  currency: CurrencyCode.optional().describe('When given, must be the session’s currency'),
});
export type WalletPayInput = z.infer<typeof WalletPayInput>;

export const WalletPayCancelInput = z.object({
  session_id: z.uuid().describe('The payment session whose wallet part to take back'),
});

export const Transfer = z
  .object({
    id: z.uuid(),
    kind: TransferKind,
    state: TransferState,
    amountMinor: z.int(),
    currency: z.string(),
    from: z.string().describe('The debited account: an e-mail address or `platform:<account>`'),
    to: z.string().describe('The credited account: an e-mail address or `platform:<account>`'),
    note: z.string().nullable(),
    createdAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable().describe('When a pending transfer was posted or voided'),
  })
  .meta({ id: 'WalletTransfer' });
export type Transfer = z.infer<typeof Transfer>;

export const WalletSessionPayment = z
  .object({
    sessionId: z.uuid(),
    sessionStatus: z.string().describe('The payment session’s status now: PAID when the wallet paid it all'),
    currency: z.string(),
    amountMinor: z.int().describe('The session’s whole amount'),
    walletMinor: z.int().describe('The part held in (or paid from) the wallet; 0 when none'),
    amountDueMinor: z
      .int()
      .describe('What is left to pay by card on the pay page while the session waits for payment; else 0'),
    hold: Transfer.nullable().describe(
      'The wallet’s hold for the session: pending until the session is paid (then posted) or not (voided)',
    ),
  })
  .meta({ id: 'WalletSessionPayment' });
export type WalletSessionPayment = z.infer<typeof WalletSessionPayment>;

/** A transfer as one wallet sees it: `direction` says whether it took money out or brought money in. */
export const WalletTransfer = Transfer.extend({ direction: z.enum(['in', 'out']) }).meta({
  id: 'WalletStatementLine',
});
export type WalletTransfer = z.infer<typeof WalletTransfer>;

export const WalletBalance = z.object({
  currency: z.string(),
  availableMinor: z.int().describe('Posted balance less pending holds: what can be spent now'),
  pendingMinor: z.int().describe('Held for payments not yet settled (pending debits)'),
  incomingMinor: z.int().describe('Pending credits, not yet spendable'),
  postedMinor: z.int().describe('Balance of posted transfers'),
});
export type WalletBalance = z.infer<typeof WalletBalance>;

export const BalanceInput = PageInput.extend({
  currency: CurrencyCode.optional().describe('Only this currency’s transfers'),
});
export type BalanceInput = z.infer<typeof BalanceInput>;

export const BalanceOutput = z.object({
  email: z.string(),
  balances: z.array(WalletBalance),
  transfers: pageOf(WalletTransfer).describe('Most recent first'),
});
export type BalanceOutput = z.infer<typeof BalanceOutput>;

export const AdminBalanceInput = BalanceInput.extend({ email: WalletEmail });

export const LedgerCheck = z.object({
  checkedAt: z.iso.datetime(),
  balanced: z.boolean().describe('Every currency sums to zero and every account matches its transfers'),
  currencies: z.array(
    z.object({
      currency: z.string(),
      accounts: z.int(),
      postedSumMinor: z.int().describe('Σ (debits − credits) posted over all accounts: zero when balanced'),
      pendingSumMinor: z.int().describe('Σ (debits − credits) pending over all accounts: zero when balanced'),
      balanced: z.boolean(),
    }),
  ),
  accountsNotMatchingTransfers: z
    .array(z.uuid())
    .describe('Accounts whose stored balances differ from the sums of their transfers (at most 100)'),
});
export type LedgerCheck = z.infer<typeof LedgerCheck>;
