import { z } from 'zod';
import type { ExactLimits, ExactRateHeaders } from './limits';

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
  /** Exact's minutely, daily and error limits, shared by every worker (see `createExactLimits`). */
  limits: ExactLimits;
}

/** A 429 whose headers name no reset: Exact's minutely window is at most this far away. */
const UNKNOWN_RESET_MS = 60_000;

function headerNumber(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/** Exact's headers: remaining calls, and resets as UTC epoch milliseconds. */
function readRateHeaders(headers: Headers): ExactRateHeaders {
  const instant = (name: string) => {
    const ms = headerNumber(headers, name);
    return ms ? new Date(ms) : null;
  };
  return {
    dailyRemaining: headerNumber(headers, 'x-ratelimit-remaining'),
    dailyResetAt: instant('x-ratelimit-reset'),
    minutelyRemaining: headerNumber(headers, 'x-ratelimit-minutely-remaining'),
    minutelyResetAt: instant('x-ratelimit-minutely-reset'),
  };
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
  const service = 'generaljournalentry';
  const api = `${options.baseUrl}/api/v1/${options.division}/${service}`;

  /** Exact counts errors per endpoint: the resource path, without its query. */
  async function send(resource: string, query: string, init: { method: string; body?: unknown }) {
    const endpoint = `${service}/${resource}`;
    const waitUntil = await options.limits.blockedUntil(endpoint);
    if (waitUntil) throw new ExactRateLimited(waitUntil);
    const attempt = async (token: string) => {
      const response = await fetch(`${api}/${resource}${query}`, {
        method: init.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(init.body ? { 'content-type': 'application/json', prefer: 'return=representation' } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
      await options.limits.record(endpoint, response.status, readRateHeaders(response.headers));
      return response;
    };
    const token = await options.accessToken();
    let response = await attempt(token);
    if (response.status === 401) {
      await response.body?.cancel();
      response = await attempt(await options.accessToken(token));
    }
    if (response.status === 429) {
      await response.body?.cancel();
      const retryAt = await options.limits.blockedUntil(endpoint);
      throw new ExactRateLimited(retryAt ?? new Date(Date.now() + UNKNOWN_RESET_MS));
    }
    if (!response.ok) throw new ExactRequestError(response.status, await errorMessage(response));
    return response;
  }

  return {
    /** Books one entry; Exact answers 201 with the entry, whose EntryID IPAY keeps. */
    async createGeneralJournalEntry(entry: GeneralJournalEntry): Promise<{ entryId: string }> {
      const response = await send('GeneralJournalEntries', '', { method: 'POST', body: entry });
      return { entryId: CreatedEntry.parse(await response.json()).d.EntryID };
    },
    /** The entry a line with these Notes belongs to, if Exact holds one. */
    async findEntryIdByNotes(notes: string): Promise<string | null> {
      const filter = encodeURIComponent(`Notes eq '${notes.replace(/'/g, "''")}'`);
      const response = await send('GeneralJournalEntryLines', `?$filter=${filter}&$select=EntryID&$top=1`, {
        method: 'GET',
      });
      return EntryLineList.parse(await response.json()).d.results[0]?.EntryID ?? null;
    },
  };
}
export type ExactClient = ReturnType<typeof createExactClient>;
