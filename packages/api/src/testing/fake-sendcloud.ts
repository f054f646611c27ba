import type { ServerResponse } from 'node:http';
import { SendcloudReturnRequest } from '../domains/returns/sendcloud/wire';
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from './fake-server';
import { carrierLabelPdf } from './label-fixtures';

export const FAKE_SENDCLOUD_KEYS = { publicKey: 'sc-public-test', secretKey: 'sc-secret-test' };

/** Shipping option codes the fake knows; `zpl:` carriers print ZPL only, as some real ones do. */
export const FAKE_SHIPPING_OPTIONS = ['dpd:return/return', 'postnl:standard/return', 'zpl:return/return'];

const EU = new Set(
  'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '),
);

interface StoredReturn {
  returnId: number;
  parcelId: number;
  trackingNumber: string;
  shippingOption: string;
  externalReference: string | undefined;
  /** Set by PATCH /returns/{id}/cancel: the booking is withdrawn. */
  cancelled: boolean;
}

export interface FakeSendcloud extends FakeServer {
  returns: StoredReturn[];
  /** The next `times` requests answer `status` (429 or 5xx), with `Retry-After` when given. */
  failNext(status: number, times?: number, retryAfter?: string): void;
  /** While on, cancellations are refused as for a carrier that takes none. */
  refuseCancellations(refuse: boolean): void;
}

/**
 * Speaks the slice of Sendcloud's v3 API the returns domain uses, in its wire format: Basic auth,
 * POST /returns/validate, POST /returns/announce-synchronously, GET /returns/{id},
 * GET /parcels/{id}/documents/label (PDF, or ZPL for `zpl:` options), PATCH /returns/{id}/cancel; validation
 * errors as Sendcloud words them. An external reference is refused a second time, even after a cancellation (the
 * stricter reading of Sendcloud's "unique" reference).
 */
export async function startFakeSendcloud(): Promise<FakeSendcloud> {
  const returns: StoredReturn[] = [];
  const failures: { status: number; retryAfter?: string }[] = [];
  let cancellationsRefused = false;
  const expected = `Basic ${Buffer.from(`${FAKE_SENDCLOUD_KEYS.publicKey}:${FAKE_SENDCLOUD_KEYS.secretKey}`).toString('base64')}`;
  const server = await startFakeServer(async (request, response) => {
    const failure = failures.shift();
    if (failure) {
      response.writeHead(failure.status, {
        'content-type': 'application/json',
        ...(failure.retryAfter ? { 'retry-after': failure.retryAfter } : {}),
      });
      return void response.end(
        JSON.stringify({ errors: [{ code: 'throttled', detail: 'Request was throttled.' }] }),
      );
    }
    if (request.headers.authorization !== expected) {
      return sendJson(response, 401, {
        errors: [{ code: 'authentication_failed', detail: 'Invalid username/password.' }],
      });
    }
    const url = new URL(request.path, 'http://fake');
    if (request.method === 'POST' && url.pathname === '/returns/validate') {
      const errors = validate(request);
      return errors.length > 0
        ? sendJson(response, 400, { errors })
        : sendJson(response, 200, JSON.parse(request.body));
    }
    if (request.method === 'POST' && url.pathname === '/returns/announce-synchronously') {
      return announce(request, response, returns);
    }
    const cancelMatch = /^\/returns\/(\d+)\/cancel$/.exec(url.pathname);
    if (request.method === 'PATCH' && cancelMatch) {
      const stored = returns.find((entry) => entry.returnId === Number(cancelMatch[1]));
      if (!stored) return sendJson(response, 404, { errors: [{ code: 'not_found', detail: 'Not found.' }] });
      if (cancellationsRefused) {
        return sendJson(response, 400, {
          errors: [{ code: 'invalid', detail: 'This carrier does not support cancellation of labels.' }],
        });
      }
      stored.cancelled = true;
      return sendJson(response, 202, { message: 'Cancellation requested successfully' });
    }
    const returnMatch = /^\/returns\/(\d+)$/.exec(url.pathname);
    if (request.method === 'GET' && returnMatch) {
      const stored = returns.find((entry) => entry.returnId === Number(returnMatch[1]));
      if (!stored) return sendJson(response, 404, { errors: [{ code: 'not_found', detail: 'Not found.' }] });
      return sendJson(response, 200, {
        tracking_number: stored.trackingNumber,
        tracking_url: `https://tracking.sendcloud.sc/forward?code=${stored.trackingNumber}`,
        shipping_option: { code: stored.shippingOption },
        shipping_product: { code: stored.shippingOption },
        label_url: `${url.origin}/parcels/${stored.parcelId}/documents/label`,
      });
    }
    const labelMatch = /^\/parcels\/(\d+)\/documents\/label$/.exec(url.pathname);
    if (request.method === 'GET' && labelMatch) {
      const stored = returns.find((entry) => entry.parcelId === Number(labelMatch[1]));
      if (!stored) {
        return sendJson(response, 404, {
          errors: [{ code: 'not_found', status: '404', detail: 'No Parcel matches the given query.' }],
        });
      }
      if (stored.shippingOption.startsWith('zpl:')) {
        response.writeHead(200, { 'content-type': 'application/zpl' });
        return void response.end(`^XA^FO50,50^BCN,100^FD${stored.trackingNumber}^FS^XZ`);
      }
      const paper = url.searchParams.get('paper_size')?.toLowerCase() === 'a4' ? 'a4' : 'a6';
      const { pdf } = await carrierLabelPdf(paper, stored.trackingNumber);
      response.writeHead(200, { 'content-type': 'application/pdf' });
      return void response.end(pdf);
    }
    sendJson(response, 404, { errors: [{ code: 'not_found', detail: 'Not found.' }] });
  });
  return {
    ...server,
    returns,
    failNext(status, times = 1, retryAfter) {
      for (let index = 0; index < times; index += 1) failures.push({ status, retryAfter });
    },
    refuseCancellations(refuse) {
      cancellationsRefused = refuse;
    },
  };
}

interface WireError {
  field: string;
  code: string;
  message: string;
}

function validate(request: RecordedRequest): WireError[] {
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return [{ field: 'non_field_errors', code: 'invalid', message: 'JSON parse error.' }];
  }
  const parsed = SendcloudReturnRequest.safeParse(body);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      field: issue.path.join('.'),
      code: 'invalid',
      message: issue.message,
    }));
  }
  const errors: WireError[] = [];
  const { from_address: from, ship_with: shipWith, parcel_items: items } = parsed.data;
  if (!EU.has(from.country_code) && (items ?? []).length === 0) {
    errors.push({
      field: 'parcel_items',
      code: 'required',
      message: 'This field is required when the return is sent from outside the EU.',
    });
  }
  if (from.country_code === 'NL' && !/^\d{4} ?[A-Z]{2}$/.test(from.postal_code)) {
    errors.push({
      field: 'from_address.postal_code',
      code: 'invalid',
      message: 'The postal code you provided is invalid.',
    });
  }
  if (!FAKE_SHIPPING_OPTIONS.includes(shipWith.shipping_option_code)) {
    errors.push({
      field: 'ship_with.shipping_option_code',
      code: 'invalid_choice',
      message: `"${shipWith.shipping_option_code}" is not a valid choice.`,
    });
  }
  return errors;
}

function announce(request: RecordedRequest, response: ServerResponse, returns: StoredReturn[]): void {
  const errors = validate(request);
  const first = errors[0];
  if (first) {
    return sendJson(response, 400, {
      error: {
        code: first.code,
        request: 'api/v3/returns/announce-synchronously',
        message: `${first.field}: ${first.message}`,
      },
    });
  }
  const body = SendcloudReturnRequest.parse(JSON.parse(request.body));
  const reference = body.external_reference;
  if (reference !== undefined && returns.some((entry) => entry.externalReference === reference)) {
    return sendJson(response, 400, {
      error: {
        code: 'invalid',
        request: 'api/v3/returns/announce-synchronously',
        message: `external_reference: A return with external reference "${reference}" already exists.`,
      },
    });
  }
  const returnId = 10_000 + returns.length + 1;
  const stored = {
    returnId,
    parcelId: 70_000 + returns.length + 1,
    trackingNumber: `3SRET${String(returnId).padStart(10, '0')}`,
    shippingOption: body.ship_with.shipping_option_code,
    externalReference: reference,
    cancelled: false,
  };
  returns.push(stored);
  sendJson(response, 201, { return_id: stored.returnId, parcel_id: stored.parcelId, multi_collo_ids: [] });
}
