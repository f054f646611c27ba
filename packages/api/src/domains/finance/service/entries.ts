import { createHash } from 'node:crypto';
import type { DaySources } from './day-sources';

/** A journal entry before it is stored: lines sum to zero in its currency; debits positive, credits negative. */
export interface DraftEntry {
  entry_key: string;
  description: string;
  currency: string;
  lines: DraftLine[];
}

export interface DraftLine {
  account_key: string;
  gl_account: string | null;
  amount_minor: number;
  description: string;
}

const SAFE_WORD = /^[a-z_]{1,40}$/;

/** An account key segment from data (a PSP or platform account code), kept to the key alphabet. */
function word(value: string): string {
  const lower = value.toLowerCase();
  return SAFE_WORD.test(lower) ? lower : 'other';
}

/** Where money a payment collected sits until it is paid out: the PSP owes it, or it left a wallet. */
function receivable(psp: string): string {
  return psp === 'wallet' ? 'wallet_liability' : `psp_receivable:${word(psp)}`;
}

function entry(key: string, description: string, currency: string, lines: Array<[string, number]>) {
  return {
    entry_key: key,
    description,
    currency,
    lines: lines.map(([account_key, amount_minor]) => ({
      account_key,
      gl_account: null,
      amount_minor,
      description,
    })),
  };
}

/**
 * A return refund is the merchant's money going back: the card part leaves the PSP receivable like any
 * refund; the wallet credit and the merchant-funded bonus become the consumer's wallet balance.
 */
function returnRefundEntry(day: string, r: DaySources['returnRefunds'][number]): DraftEntry {
  const count = `(${r.count})`;
  if (r.kind === 'card') {
    return entry(
      `return_refunds:${word(r.psp)}:${r.currency}`,
      `${day} return refunds through ${r.psp} ${count}`,
      r.currency,
      [
        ['merchant_payable', r.amount_minor],
        [receivable(r.psp), -r.amount_minor],
      ],
    );
  }
  const what = r.kind === 'bonus' ? 'return bonuses' : 'return wallet credits';
  return entry(
    `${r.kind === 'bonus' ? 'return_bonuses' : 'return_credits'}:${r.currency}`,
    `${day} ${what} ${count}`,
    r.currency,
    [
      ['merchant_payable', r.amount_minor],
      ['wallet_liability', -r.amount_minor],
    ],
  );
}

/** The day's entries, one per source group; amounts are the day's sums, so each entry balances by design. */
export function composeEntries(day: string, sources: DaySources): DraftEntry[] {
  const entries: DraftEntry[] = [];
  for (const c of sources.collected) {
    entries.push(
      entry(
        `payments:${word(c.psp)}:${c.currency}`,
        `${day} payments collected through ${c.psp} (${c.count})`,
        c.currency,
        [
          [receivable(c.psp), c.amount_minor],
          ['merchant_payable', -c.amount_minor],
        ],
      ),
    );
  }
  for (const f of sources.fees) {
    entries.push(
      entry(`fees:${f.currency}`, `${day} IPAY fees on ${f.count} paid orders`, f.currency, [
        ['merchant_payable', f.fee_minor],
        ['ipay_fee_revenue', -f.fee_minor],
      ]),
    );
  }
  for (const r of sources.refunded) {
    entries.push(
      entry(
        `refunds:${word(r.psp)}:${r.currency}`,
        `${day} refunds through ${r.psp} (${r.count})`,
        r.currency,
        [
          ['merchant_payable', r.amount_minor],
          [receivable(r.psp), -r.amount_minor],
        ],
      ),
    );
  }
  for (const r of sources.returnRefunds) {
    entries.push(returnRefundEntry(day, r));
  }
  for (const w of sources.walletCredits) {
    entries.push(
      entry(
        `wallet_credits:${word(w.source)}:${w.currency}`,
        `${day} wallet credits from ${w.source} (${w.count})`,
        w.currency,
        [
          [`wallet_funding:${word(w.source)}`, w.amount_minor],
          ['wallet_liability', -w.amount_minor],
        ],
      ),
    );
  }
  for (const p of sources.payouts) {
    entries.push(
      entry(
        `payouts:${word(p.psp)}:${p.currency}`,
        `${day} ${p.psp} payouts arrived (${p.count})`,
        p.currency,
        [
          ['bank', p.gross_minor - p.fee_minor],
          ['psp_fee_expense', p.fee_minor],
          [`psp_receivable:${word(p.psp)}`, -p.gross_minor],
        ],
      ),
    );
  }
  return entries
    .map((e) => ({ ...e, lines: e.lines.filter((line) => line.amount_minor !== 0) }))
    .filter((e) => e.lines.length > 0)
    .sort((a, b) => a.entry_key.localeCompare(b.entry_key));
}

/** The mapped Exact ledger account of each line (null where the key has no mapping yet). */
export function mapAccounts(entries: DraftEntry[], mapping: ReadonlyMap<string, string>): DraftEntry[] {
  return entries.map((e) => ({
    ...e,
    lines: e.lines.map((line) => ({ ...line, gl_account: mapping.get(line.account_key) ?? null })),
  }));
}

/**
 * What is still to book once what Exact already holds for the day is taken off: per entry key and account,
 * computed minus booked. Both sides balance, so the difference does too; an entry with nothing left drops out.
 */
export function subtractBooked(entries: DraftEntry[], booked: DraftEntry[]): DraftEntry[] {
  const byKey = new Map(booked.map((e) => [e.entry_key, e]));
  const keys = [...new Set([...entries.map((e) => e.entry_key), ...byKey.keys()])].sort();
  const out: DraftEntry[] = [];
  for (const key of keys) {
    const now = entries.find((e) => e.entry_key === key);
    const before = byKey.get(key);
    const template = now ?? before;
    if (!template) continue;
    const amounts = new Map<string, number>();
    for (const line of now?.lines ?? [])
      amounts.set(line.account_key, (amounts.get(line.account_key) ?? 0) + line.amount_minor);
    for (const line of before?.lines ?? [])
      amounts.set(line.account_key, (amounts.get(line.account_key) ?? 0) - line.amount_minor);
    const lines = [...amounts]
      .filter(([, amount]) => amount !== 0)
      .map(([account_key, amount_minor]) => ({
        account_key,
        amount_minor,
        gl_account: null,
        description: before ? `Correction: ${template.description}` : template.description,
      }));
    if (lines.length)
      out.push({ ...template, description: lines[0]?.description ?? template.description, lines });
  }
  return out;
}

/** Every entry's lines sum to zero; the builder refuses a batch where one does not. */
export function unbalancedEntries(entries: DraftEntry[]): string[] {
  return entries
    .filter((e) => e.lines.reduce((sum, line) => sum + line.amount_minor, 0) !== 0)
    .map((e) => e.entry_key);
}

/**
 * SHA-256 over the canonical form: entries by key, lines by account, only what is booked (keys, currencies,
 * ledger accounts, amounts). A mapping change is a content change; a reworded description is not.
 */
export function contentHash(entries: DraftEntry[]): string {
  const canonical = [...entries]
    .sort((a, b) => a.entry_key.localeCompare(b.entry_key))
    .map((e) => [
      e.entry_key,
      e.currency,
      [...e.lines]
        .sort((a, b) => a.account_key.localeCompare(b.account_key) || a.amount_minor - b.amount_minor)
        .map((line) => [line.account_key, line.gl_account, line.amount_minor]),
    ]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
