import { z } from 'zod';

/** One line of an Exact general journal entry: a ledger account by GUID, an amount in the entry's currency. */
export interface GeneralJournalEntryLine {
  GLAccount: string;
  /** Amount in the entry's currency; debit positive, credit negative. */
  AmountFC: number;
  Date: string;
  Description: string;
  /** IPAY's entry id: how a posting finds an entry Exact booked but never confirmed. */
  Notes: string;
}

export interface GeneralJournalEntry {
  JournalCode: string;
  Currency: string;
  GeneralJournalEntryLines: GeneralJournalEntryLine[];
}

/** Exact's OData v2 JSON answers: one object under `d`, a list under `d.results`. */
const CreatedEntry = z.object({ d: z.object({ EntryID: z.uuid() }) });
const EntryLineList = z.object({ d: z.object({ results: z.array(z.object({ EntryID: z.uuid() })) }) });

/** Exact's rate limits, read from every response (resets are epoch milliseconds). */
export interface ExactRateLimits {
  dailyRemaining: number | null;
  dailyResetAt: number | null;
  minutelyRemaining: number | null;
  minutelyResetAt: number | null;
}

/** A limit is spent until `retryAt`: the caller waits or reschedules rather than spend Exact's error budget. */
export class ExactRateLimited extends Error {
  override name = 'ExactRateLimited';
  constructor(readonly retryAt: Date) {
    super(`Exact Online rate limit reached until ${retryAt.toISOString()}`);
  }
}

export class ExactRequestError extends Error {
  override name = 'ExactRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ExactClientOptions {
  baseUrl: string;
  division: number;
  /** A valid access token; given the token Exact just refused, a fresh one (see `exactAccessToken`). */
  accessToken: (stale?: string) => Promise<string>;
}

function headerNumber(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

function readLimits(headers: Headers): ExactRateLimits {
  return {
    dailyRemaining: headerNumber(headers, 'x-ratelimit-remaining'),
    dailyResetAt: headerNumber(headers, 'x-ratelimit-reset'),
    minutelyRemaining: headerNumber(headers, 'x-ratelimit-minutely-remaining'),
    minutelyResetAt: headerNumber(headers, 'x-ratelimit-minutely-reset'),
  };
}

/** When the next request may go, from the last response's headers; null: now. */
function blockedUntil(limits: ExactRateLimits, now = Date.now()): Date | null {
  if (limits.dailyRemaining === 0 && limits.dailyResetAt && limits.dailyResetAt > now) {
    return new Date(limits.dailyResetAt);
  }
  if (limits.minutelyRemaining === 0 && limits.minutelyResetAt && limits.minutelyResetAt > now) {
    return new Date(limits.minutelyResetAt);
  }
  return null;
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: { value?: string } } };
    return body.error?.message?.value ?? text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

/** A hand-written client for the part of Exact Online's REST API that books general journal entries. */
export function createExactClient(options: ExactClientOptions) {
  const api = `${options.baseUrl}/api/v1/${options.division}/generaljournalentry`;
  let limits: ExactRateLimits = {
    dailyRemaining: null,
    dailyResetAt: null,
    minutelyRemaining: null,
    minutelyResetAt: null,
  };

  async function send(path: string, init: { method: string; body?: unknown }): Promise<Response> {
    const waitUntil = blockedUntil(limits);
    if (waitUntil) throw new ExactRateLimited(waitUntil);
    const attempt = (token: string) =>
      fetch(`${api}/${path}`, {
        method: init.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
    const token = await options.accessToken();
    let response = await attempt(token);
    if (response.status === 401) {
      await response.body?.cancel();
      response = await attempt(await options.accessToken(token));
    }
    limits = readLimits(response.headers);
    if (response.status === 429) {
      await response.body?.cancel();
      throw new ExactRateLimited(blockedUntil(limits) ?? new Date(Date.now() + 60_000));
    }
    if (!response.ok) throw new ExactRequestError(response.status, await errorMessage(response));
    return response;
  }

  return {
    /** Books one entry; Exact answers 201 with the entry, whose EntryID IPAY keeps. */
    async createGeneralJournalEntry(entry: GeneralJournalEntry): Promise<{ entryId: string }> {
      const response = await send('GeneralJournalEntries', { method: 'POST', body: entry });
      return { entryId: CreatedEntry.parse(await response.json()).d.EntryID };
    },
    /** The entry a line with these Notes belongs to, if Exact holds one. */
    async findEntryIdByNotes(notes: string): Promise<string | null> {
      const filter = encodeURIComponent(`Notes eq '${notes.replace(/'/g, "''")}'`);
      const response = await send(`GeneralJournalEntryLines?$filter=${filter}&$select=EntryID&$top=1`, {
        method: 'GET',
      });
      return EntryLineList.parse(await response.json()).d.results[0]?.EntryID ?? null;
    },
    limits: () => limits,
  };
}
export type ExactClient = ReturnType<typeof createExactClient>;
