import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startFakeServer, type FakeServer } from './fake-server';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTRIES_PATH = /^\/api\/v1\/(\d+)\/generaljournalentry\/GeneralJournalEntries$/;
const LINES_PATH = /^\/api\/v1\/(\d+)\/generaljournalentry\/GeneralJournalEntryLines\?(.*)$/;

export interface FakeExactLine {
  GLAccount: string;
  AmountFC: number;
  Date: string;
  Description: string;
  Notes: string;
}

export interface FakeExactEntry {
  EntryID: string;
  division: number;
  JournalCode: string;
  Currency: string;
  GeneralJournalEntryLines: FakeExactLine[];
}

export interface FakeExactOptions {
  clientId: string;
  clientSecret: string;
  division: number;
  /** The ledger accounts (GUIDs) the division has; a line on any other is refused. */
  glAccounts: string[];
  minutelyLimit?: number;
  dailyLimit?: number;
}

export interface FakeExact extends FakeServer {
  /** The refresh token the app got from its authorization-code grant: valid once. */
  initialRefreshToken: string;
  entries: FakeExactEntry[];
  /**
   * Token endpoint calls: successful rotations, refresh tokens presented a second time (burned), and refreshes
   * refused because the access token still had over 30 s to live (Exact's `TooEarlyToRefreshTokens`).
   */
  refreshes: { rotated: number; reused: number; tooEarly: number };
  /** API answers Exact counts against its error budget (400, 401, 403, 404), and requests refused for it. */
  errorBudget: { errors: number; blocked: number };
  /** Requests received on the REST API (not the token endpoint). */
  apiRequests(): number;
  /** Every issued access token expires now, as after Exact's 10 minutes. */
  expireAccessTokens(): void;
  /** The next journal entry POST is booked, then the connection dies before the answer (a worker crash). */
  dropAnswerOnNextPost(): void;
  /** The next `count` journal entry POSTs are refused with 400 (as Exact refuses an entry) and book nothing. */
  refuseNextPosts(count: number): void;
  /** Spends the per-minute limit: the next call answers 429 until `resetInMs` from now. */
  exhaustMinutelyLimit(resetInMs: number): void;
  /** Spends the daily limit: every call answers 429 until the next UTC midnight, Exact's daily reset. */
  exhaustDailyLimit(): void;
  /** Fresh minutely and daily limits and an empty error budget, as on a new day. */
  resetLimits(): void;
}

function odataError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify({ error: { code: '', message: { lang: '', value: message } } }));
}

/**
 * Speaks the slice of Exact Online the finance domain uses, with Exact's rules that matter for posting:
 * OAuth2 refresh-token grant with 10-minute access tokens and single-use refresh tokens (a reused one is
 * refused, and counted), Bearer access on the REST API, general journal entries whose lines name known
 * ledger accounts by GUID and sum to zero, OData v2 JSON (`{ d: … }`), and the rate-limit headers on every
 * answer (minutely and daily, resets in UTC epoch milliseconds) with 429 once a limit is spent (carrying only the
 * spent limit's headers, as Exact does). Its error budget: more than 10 answers of 400/401/403/404 on one
 * endpoint within an hour block further requests to it for the hour. A refresh while the access token has
 * over 30 s left is refused (400, `Reason: TooEarlyToRefreshTokens`) without spending the refresh token.
 */
export async function startFakeExact(options: FakeExactOptions): Promise<FakeExact> {
  const accounts = new Set(options.glAccounts.map((a) => a.toLowerCase()));
  const refreshTokens = new Map<string, 'valid' | 'used'>();
  const accessTokens = new Map<string, number>();
  /** The access token issued beside each refresh token: Exact refuses a refresh while it still lives. */
  const issuedWith = new Map<string, string>();
  const entries: FakeExactEntry[] = [];
  const refreshes = { rotated: 0, reused: 0, tooEarly: 0 };
  const errorBudget = { errors: 0, blocked: 0 };
  const errorsAt = new Map<string, number[]>();
  let apiRequests = 0;
  const minutelyLimit = options.minutelyLimit ?? 60;
  const dailyLimit = options.dailyLimit ?? 5000;
  const limits = { minutely: minutelyLimit, minutelyReset: Date.now() + 60_000, daily: dailyLimit };
  let dropNextPost = false;
  let refusePosts = 0;
  const initialRefreshToken = `rt_${randomBytes(16).toString('hex')}`;
  refreshTokens.set(initialRefreshToken, 'valid');

  const dailyHeaders = (): Record<string, string> => {
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    return {
      'x-ratelimit-limit': String(dailyLimit),
      'x-ratelimit-remaining': String(Math.max(0, limits.daily)),
      'x-ratelimit-reset': String(midnight.getTime()),
    };
  };
  const minutelyHeaders = (): Record<string, string> => ({
    'x-ratelimit-minutely-limit': String(minutelyLimit),
    'x-ratelimit-minutely-remaining': String(Math.max(0, limits.minutely)),
    'x-ratelimit-minutely-reset': String(limits.minutelyReset),
  });
  function rateHeaders(): Record<string, string> {
    if (Date.now() >= limits.minutelyReset) {
      limits.minutely = minutelyLimit;
      limits.minutelyReset = Date.now() + 60_000;
    }
    return { ...dailyHeaders(), ...minutelyHeaders() };
  }

  /** Exact counts 400, 401, 403 and 404 against an endpoint's hourly error budget. */
  function countError(endpoint: string, status: number): void {
    if (![400, 401, 403, 404].includes(status)) return;
    errorBudget.errors += 1;
    errorsAt.set(endpoint, [...recentErrors(endpoint), Date.now()]);
  }
  function recentErrors(endpoint: string): number[] {
    return (errorsAt.get(endpoint) ?? []).filter((at) => at > Date.now() - 3_600_000);
  }
  function apiError(response: ServerResponse, endpoint: string, status: number, message: string) {
    countError(endpoint, status);
    odataError(response, status, message, rateHeaders());
  }

  function sendOData(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ) {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }

  function validEntry(body: unknown): string | FakeExactEntry['GeneralJournalEntryLines'] {
    const entry = body as Partial<FakeExactEntry> | null;
    const lines = entry?.GeneralJournalEntryLines;
    if (!entry?.JournalCode || !entry.Currency || !Array.isArray(lines) || lines.length < 2) {
      return 'JournalCode, Currency and at least two GeneralJournalEntryLines are required';
    }
    for (const line of lines) {
      if (typeof line.GLAccount !== 'string' || !GUID.test(line.GLAccount)) return 'GLAccount must be a GUID';
      if (!accounts.has(line.GLAccount.toLowerCase())) return `GLAccount ${line.GLAccount} does not exist`;
      if (typeof line.AmountFC !== 'number' || !Number.isFinite(line.AmountFC))
        return 'AmountFC must be a number';
    }
    const cents = lines.reduce((sum, line) => sum + Math.round(line.AmountFC * 100), 0);
    if (cents !== 0) return 'The entry is not balanced: the lines do not sum to zero';
    return lines;
  }

  const server = await startFakeServer((request, response) => {
    if (request.method === 'POST' && request.path === '/api/oauth2/token') {
      const form = new URLSearchParams(request.body);
      if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
        return sendOData(response, 400, { error: 'invalid_client' }, {});
      }
      const presented = form.get('refresh_token') ?? '';
      const state = refreshTokens.get(presented);
      if (form.get('grant_type') !== 'refresh_token' || state !== 'valid') {
        if (state === 'used') refreshes.reused += 1;
        return sendOData(response, 400, { error: 'invalid_grant' }, {});
      }
      const paired = issuedWith.get(presented);
      if (paired && (accessTokens.get(paired) ?? 0) - Date.now() > 30_000) {
        refreshes.tooEarly += 1;
        const reason = 'Rate limit exceeded: access_token not expired';
        return sendOData(
          response,
          400,
          { error: 'access_denied', error_description: reason },
          { reason: `TooEarlyToRefreshTokens: ${reason}` },
        );
      }
      refreshTokens.set(presented, 'used');
      refreshes.rotated += 1;
      const access = `at_${randomBytes(16).toString('hex')}`;
      const refresh = `rt_${randomBytes(16).toString('hex')}`;
      accessTokens.set(access, Date.now() + 600_000);
      refreshTokens.set(refresh, 'valid');
      issuedWith.set(refresh, access);
      return sendOData(
        response,
        200,
        { access_token: access, token_type: 'bearer', expires_in: '600', refresh_token: refresh },
        {},
      );
    }
    apiRequests += 1;
    const entriesMatch = ENTRIES_PATH.exec(request.path);
    const linesMatch = LINES_PATH.exec(request.path);
    const endpoint = request.path.split('?')[0] ?? '';
    const division = Number((entriesMatch ?? linesMatch)?.[1]);
    if (recentErrors(endpoint).length > 10) {
      errorBudget.blocked += 1;
      return odataError(
        response,
        429,
        'Too many errors: the app key is blocked for this endpoint for an hour',
      );
    }
    if (!entriesMatch && !linesMatch) return apiError(response, endpoint, 404, `No resource ${request.path}`);
    if (division !== options.division)
      return apiError(response, endpoint, 403, 'Forbidden: not your division');
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    const expires = accessTokens.get(token);
    if (!expires || expires <= Date.now()) return apiError(response, endpoint, 401, 'Unauthorized');
    rateHeaders();
    if (limits.daily <= 0) return odataError(response, 429, 'Too many requests', dailyHeaders());
    if (limits.minutely <= 0) return odataError(response, 429, 'Too many requests', minutelyHeaders());
    limits.minutely -= 1;
    limits.daily -= 1;
    const after = rateHeaders();
    if (linesMatch && request.method === 'GET') {
      const filter = new URLSearchParams(linesMatch[2]).get('$filter') ?? '';
      const notes = /^Notes eq '(.*)'$/.exec(filter)?.[1]?.replace(/''/g, "'");
      const results = entries
        .filter((e) => e.GeneralJournalEntryLines.some((line) => line.Notes === notes))
        .map((e) => ({ EntryID: e.EntryID }));
      return sendOData(response, 200, { d: { results } }, after);
    }
    if (!entriesMatch || request.method !== 'POST')
      return odataError(response, 405, 'Method not allowed', after);
    const refuse = (message: string) => {
      countError(endpoint, 400);
      odataError(response, 400, message, after);
    };
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return refuse('The body is not JSON');
    }
    const lines = validEntry(body);
    if (typeof lines === 'string') return refuse(lines);
    if (refusePosts > 0) {
      refusePosts -= 1;
      return refuse('Journal: the journal is blocked');
    }
    const entry = body as FakeExactEntry;
    const stored = {
      EntryID: randomUUID(),
      division,
      JournalCode: entry.JournalCode,
      Currency: entry.Currency,
      GeneralJournalEntryLines: lines,
    };
    entries.push(stored);
    if (dropNextPost) {
      dropNextPost = false;
      response.socket?.destroy();
      return;
    }
    sendOData(response, 201, { d: { ...stored, EntryNumber: entries.length } }, after);
  });
  return {
    ...server,
    initialRefreshToken,
    entries,
    refreshes,
    errorBudget,
    apiRequests: () => apiRequests,
    expireAccessTokens: () => {
      for (const token of accessTokens.keys()) accessTokens.set(token, 0);
    },
    dropAnswerOnNextPost: () => {
      dropNextPost = true;
    },
    refuseNextPosts: (count: number) => {
      refusePosts = count;
    },
    exhaustMinutelyLimit: (resetInMs: number) => {
      limits.minutely = 0;
      limits.minutelyReset = Date.now() + resetInMs;
    },
    exhaustDailyLimit: () => {
      limits.daily = 0;
    },
    resetLimits: () => {
      limits.daily = dailyLimit;
      limits.minutely = minutelyLimit;
      limits.minutelyReset = Date.now() + 60_000;
      errorsAt.clear();
    },
  };
}
