import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { FieldError } from '../../../errors/problem';
import { SendcloudError } from './errors';
import { SendcloudAnnounced, SendcloudErrorBody, SendcloudReturn, type SendcloudReturnRequest } from './wire';

export interface SendcloudCredentials {
  publicKey: string;
  secretKey: string;
  /** `https://panel.sendcloud.sc/api/v3` in production; tests point it at `startFakeSendcloud`. */
  baseUrl: string;
}

export interface SendcloudClientOptions {
  /** Attempts per call, the first included; 429 and 5xx (and no answer at all) are retried. */
  attempts?: number;
  /** The first back-off; doubled per retry, unless Sendcloud's `Retry-After` asks for longer. */
  backoffMs?: number;
  /** The longest wait IPAY accepts from a `Retry-After`; beyond it the call fails as rate-limited. */
  maxWaitMs?: number;
  timeoutMs?: number;
}

export type LabelPaperSize = 'a4' | 'a6';

export interface SendcloudClient {
  /** POST /returns/validate: is this return announceable? Costs nothing at the carrier. */
  validateReturn(request: SendcloudReturnRequest): Promise<void>;
  /** POST /returns/announce-synchronously: books the return with the carrier and waits for its answer. */
  announceReturn(request: SendcloudReturnRequest): Promise<SendcloudAnnounced>;
  /** GET /returns/{id}: the tracking number and shipping option once announced. */
  getReturn(returnId: number): Promise<SendcloudReturn>;
  /** GET /parcels/{id}/documents/label as PDF; a carrier that answers with anything else is `label_not_pdf`. */
  fetchLabelPdf(parcelId: number, paperSize: LabelPaperSize): Promise<Buffer>;
  /**
   * PATCH /returns/{id}/cancel: asks Sendcloud to cancel an announced return. Only a request: Sendcloud passes it
   * to carriers that take cancellations, and refuses it (4xx) for those that do not.
   */
  cancelReturn(returnId: number): Promise<void>;
}

interface Call {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  accept: string;
}

const DEFAULTS = { attempts: 4, backoffMs: 500, maxWaitMs: 30_000, timeoutMs: 30_000 };

/** A typed client for Sendcloud's v3 API (Basic auth with the integration's public and secret key). */
export function createSendcloudClient(
  credentials: SendcloudCredentials,
  options: SendcloudClientOptions = {},
): SendcloudClient {
  const settings = { ...DEFAULTS, ...options };
  const authorization = `Basic ${Buffer.from(`${credentials.publicKey}:${credentials.secretKey}`).toString('base64')}`;
  const base = credentials.baseUrl.replace(/\/$/, '');

  async function send(call: Call): Promise<Response> {
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= settings.attempts;
      let response: Response;
      try {
        response = await fetch(`${base}${call.path}`, {
          method: call.method,
          headers: {
            authorization,
            accept: call.accept,
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (cause) {
        if (last) throw new SendcloudError('unavailable', `no answer from ${call.path} (${String(cause)})`);
        await sleep(settings.backoffMs * 2 ** (attempt - 1));
        continue;
      }
      if (response.status !== 429 && response.status < 500) return response;
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      await response.body?.cancel();
      const waitMs = Math.max(retryAfterMs ?? 0, settings.backoffMs * 2 ** (attempt - 1));
      if (last || waitMs > settings.maxWaitMs) {
        const failure = response.status === 429 ? 'rate_limited' : 'unavailable';
        throw new SendcloudError(
          failure,
          `${call.path} answered ${response.status} after ${attempt} attempts`,
          {
            status: response.status,
            retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
          },
        );
      }
      await sleep(waitMs);
    }
  }

  async function json<T extends z.ZodType>(call: Call, schema: T): Promise<z.infer<T>> {
    const response = await send(call);
    if (!response.ok) throw await failureOf(call.path, response);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new SendcloudError('unavailable', `${call.path} answered an unexpected body`);
    return parsed.data;
  }

  return {
    async validateReturn(request) {
      const response = await send({
        method: 'POST',
        path: '/returns/validate',
        body: request,
        accept: 'application/json',
      });
      if (!response.ok) throw await failureOf('/returns/validate', response);
      await response.body?.cancel();
    },
    announceReturn: (request) =>
      json(
        {
          method: 'POST',
          path: '/returns/announce-synchronously',
          body: request,
          accept: 'application/json',
        },
        SendcloudAnnounced,
      ),
    getReturn: (returnId) =>
      json({ method: 'GET', path: `/returns/${returnId}`, accept: 'application/json' }, SendcloudReturn),
    async cancelReturn(returnId) {
      const path = `/returns/${returnId}/cancel`;
      const response = await send({ method: 'PATCH', path, accept: 'application/json' });
      if (!response.ok) throw await failureOf(path, response);
      await response.body?.cancel();
    },
    async fetchLabelPdf(parcelId, paperSize) {
      const path = `/parcels/${parcelId}/documents/label?paper_size=${paperSize}`;
      const response = await send({ method: 'GET', path, accept: 'application/pdf' });
      if (!response.ok) throw await failureOf(path, response);
      const type = response.headers.get('content-type') ?? '';
      const bytes = Buffer.from(await response.arrayBuffer());
      if (!type.startsWith('application/pdf') || bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
        throw new SendcloudError(
          'label_not_pdf',
          `the carrier's label came as ${type || 'an unknown type'}, not PDF: the IPAY overlay needs a PDF label (choose a shipping option whose carrier prints PDF labels)`,
        );
      }
      return bytes;
    },
  };
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function failureOf(path: string, response: Response): Promise<SendcloudError> {
  const parsed = SendcloudErrorBody.safeParse(await response.json().catch(() => undefined));
  const body = parsed.success ? parsed.data : {};
  const fields: FieldError[] = (body.errors ?? []).map((error) => ({
    field: error.field ?? 'sendcloud',
    message: error.message ?? error.detail ?? 'rejected',
    code: error.code,
  }));
  const message = body.error?.message ?? fields.map((field) => `${field.field}: ${field.message}`).join('; ');
  const status = response.status;
  if (status === 401 || status === 403) {
    return new SendcloudError(
      'unauthorized',
      `${path} refused the credentials (${status}): check SENDCLOUD_PUBLIC_KEY and SENDCLOUD_SECRET_KEY`,
      { status },
    );
  }
  if (status === 404) return new SendcloudError('not_found', `${path} not found`, { status });
  if (status === 406 || status === 415) {
    return new SendcloudError('label_not_pdf', `${path} has no PDF for this carrier (${status})`, { status });
  }
  return new SendcloudError('rejected', message || `${path} answered ${status}`, {
    status,
    fields:
      fields.length > 0
        ? fields
        : [
            {
              field: 'sendcloud',
              message: body.error?.message ?? `answered ${status}`,
              code: body.error?.code,
            },
          ],
  });
}
