import { z } from 'zod';
import { CurrencyCode } from '../../platform/money';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';

const Day = z.iso.date().describe('A calendar day in Europe/Amsterdam, YYYY-MM-DD');

/**
 * IPAY's own account names, mapped to Exact ledger accounts by `PUT /api/finance/account-mappings/{account_key}`.
 * `psp_receivable:<psp>` is what a PSP owes IPAY until it pays out.
 */
export const AccountKey = z
  .string()
  .regex(/^[a-z_]{1,40}(:[a-z_]{1,40})?$/, 'lower-case words with underscores, optionally `:<psp>`')
  .describe('IPAY account key, e.g. `merchant_payable`, `ipay_fee_revenue`, `psp_receivable:stripe`');

// ── chart-of-accounts mapping ─────────────────────────────────────────────────────────────────────────────

export const AccountMapping = z
  .object({
    account_key: AccountKey,
    gl_account: z.uuid().describe('The Exact Online general ledger account (its GUID)'),
    description: z.string(),
    updated_by: z.uuid(),
    updated_at: Timestamp,
  })
  .meta({ id: 'FinanceAccountMapping' });
export type AccountMapping = z.infer<typeof AccountMapping>;

export const SetAccountMappingInput = z.object({
  account_key: AccountKey,
  gl_account: z.uuid().describe('The Exact Online general ledger account GUID'),
  description: z.string().trim().min(1).max(200).describe('What the account holds, for the reader'),
});
export type SetAccountMappingInput = z.infer<typeof SetAccountMappingInput>;

export const AccountMappingList = z.object({ items: z.array(AccountMapping) });

// ── batches ───────────────────────────────────────────────────────────────────────────────────────────────

export const BATCH_STATUSES = ['pending', 'approved', 'rejected', 'posted', 'failed', 'superseded'] as const;
export const BatchStatus = z
  .enum(BATCH_STATUSES)
  .describe(
    'pending: waits for a finance approver; approved: may be posted; rejected: needs a rebuild; posted: booked in Exact; failed: posting stopped (post again to resume); superseded: a later revision of the day replaced it',
  );
export type BatchStatus = z.infer<typeof BatchStatus>;

export const JournalLine = z
  .object({
    account_key: AccountKey,
    gl_account: z.uuid().nullable().describe('The mapped Exact ledger account; null while unmapped'),
    amount_minor: z.number().int().describe('Debit positive, credit negative, in minor units'),
    description: z.string(),
  })
  .meta({ id: 'FinanceJournalLine' });
export type JournalLine = z.infer<typeof JournalLine>;

export const JournalEntry = z
  .object({
    id: z.uuid(),
    entry_key: z.string().describe('What the entry books, e.g. `payments:stripe:EUR`'),
    description: z.string(),
    currency: CurrencyCode,
    lines: z.array(JournalLine).describe('Sum to zero'),
    exact_entry_id: z.uuid().nullable().describe('Exact Online’s EntryID once booked'),
    posted_at: Timestamp.nullable(),
  })
  .meta({ id: 'FinanceJournalEntry' });
export type JournalEntry = z.infer<typeof JournalEntry>;

export const BatchTotal = z.object({
  currency: CurrencyCode,
  debit_minor: z.number().int(),
  credit_minor: z.number().int().describe('Equals debit_minor: every entry balances'),
  entry_count: z.number().int(),
});

export const BatchDecision = z.object({
  decided_by: z.uuid(),
  content_hash: z.string(),
  reason: z.string().nullable(),
  used_at: Timestamp.nullable().describe('When a posting consumed the approval (single use)'),
  at: Timestamp,
});

export const FinanceBatch = z
  .object({
    id: z.uuid(),
    day: Day,
    revision: z.number().int(),
    status: BatchStatus,
    content_hash: z
      .string()
      .describe('SHA-256 over the canonical entries and lines: what an approval binds to'),
    built_by: z
      .uuid()
      .nullable()
      .describe('Who built or rebuilt this revision; null: the daily job on its own'),
    totals: z.array(BatchTotal),
    unmapped_accounts: z.array(AccountKey).describe('Account keys with no Exact ledger account yet'),
    approval: BatchDecision.nullable(),
    rejection: BatchDecision.nullable(),
    failure: z.string().nullable(),
    created_at: Timestamp,
    posted_at: Timestamp.nullable(),
  })
  .meta({ id: 'FinanceBatch' });
export type FinanceBatch = z.infer<typeof FinanceBatch>;

export const FinanceBatchDetail = FinanceBatch.extend({ entries: z.array(JournalEntry) }).meta({
  id: 'FinanceBatchDetail',
});
export type FinanceBatchDetail = z.infer<typeof FinanceBatchDetail>;

export const BatchListInput = PageInput.extend({
  status: BatchStatus.optional(),
  from: Day.optional().describe('First day, inclusive'),
  to: Day.optional().describe('Last day, inclusive'),
});
export type BatchListInput = z.infer<typeof BatchListInput>;
export const BatchPage = pageOf(FinanceBatch);

export const BatchPath = z.object({ id: z.uuid().describe('The batch') });
export const RejectInput = BatchPath.extend({
  reason: z.string().trim().min(3).max(1000).describe('Why the batch is rejected; kept with the decision'),
});
export const BuildInput = z.object({ day: Day });

export const BuildResult = z.object({
  changed: z.boolean().describe('false: the day’s lines were unchanged and the latest revision stands'),
  batch: FinanceBatch.nullable().describe('null: nothing to book that day'),
});
export type BuildResult = z.infer<typeof BuildResult>;

export const PostResult = z.object({
  batch_id: z.uuid(),
  status: BatchStatus,
  job_id: z.string().nullable().describe('The queued posting job; null when the batch was already posted'),
});
export type PostResult = z.infer<typeof PostResult>;

// ── payouts and reconciliation ────────────────────────────────────────────────────────────────────────────

export const PSPS = ['stripe', 'multisafepay'] as const;
export const Psp = z.enum(PSPS).describe('The payment service provider');

export const RecordPayoutInput = z.object({
  psp: Psp,
  payout_id: z.string().trim().min(1).max(100).describe('The PSP’s payout id (Stripe `po_…`)'),
  settles_day: Day.describe('The collection day the payout settles'),
  arrival_day: Day.describe('The day the money reached IPAY’s bank account'),
  currency: CurrencyCode,
  gross_minor: z.number().int().min(0).max(1e12).describe('What the PSP collected for the day'),
  fee_minor: z.number().int().min(0).max(1e12).describe('What the PSP kept'),
});
export type RecordPayoutInput = z.infer<typeof RecordPayoutInput>;

export const Payout = RecordPayoutInput.extend({
  id: z.uuid(),
  net_minor: z.number().int(),
  recorded_by: z.uuid(),
  created_at: Timestamp,
  already_recorded: z.boolean().describe('true: this payout id was recorded before with the same figures'),
}).meta({ id: 'PspPayout' });
export type Payout = z.infer<typeof Payout>;

export const ReconciliationInput = z.object({ from: Day, to: Day });
export type ReconciliationInput = z.infer<typeof ReconciliationInput>;

export const ReconciliationRow = z.object({
  psp: z.string(),
  day: Day,
  currency: CurrencyCode,
  accrued_minor: z.number().int().describe('Paid and delivered sessions’ payments collected that day'),
  settled_minor: z.number().int().describe('Gross of the PSP payouts that settle the day'),
  difference_minor: z.number().int().describe('settled − accrued'),
  status: z.enum(['matched', 'short', 'over', 'unsettled']),
});

export const Reconciliation = z
  .object({
    from: Day,
    to: Day,
    rows: z.array(ReconciliationRow),
    differences: z.array(ReconciliationRow).describe('The rows that are not matched'),
  })
  .meta({ id: 'FinanceReconciliation' });
export type Reconciliation = z.infer<typeof Reconciliation>;
