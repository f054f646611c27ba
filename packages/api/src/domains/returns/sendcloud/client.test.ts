import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_SENDCLOUD_KEYS, startFakeSendcloud, type FakeSendcloud } from '../../../testing/fake-sendcloud';
import { createSendcloudClient, retryAfter, type SendcloudClient } from './client';
import { SendcloudError, toSendcloudProblem } from './errors';
import type { SendcloudReturnRequest } from './wire';

const request = (overrides: Partial<SendcloudReturnRequest> = {}): SendcloudReturnRequest => ({
  from_address: {
    name: 'J. Jansen',
    address_line_1: 'Stadhuisplein',
    house_number: '50',
    postal_code: '1013 AB',
    city: 'Amsterdam',
    country_code: 'NL',
  },
  to_address: {
    name: 'Shop B.V.',
    address_line_1: 'Insulindelaan',
    house_number: '115',
    postal_code: '5642 CV',
    city: 'Eindhoven',
    country_code: 'NL',
  },
  ship_with: { type: 'shipping_option_code', shipping_option_code: 'dpd:return/return' },
  weight: { value: 0.8, unit: 'kg' },
  ...overrides,
});

async function failureOf(promise: Promise<unknown>): Promise<SendcloudError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SendcloudError);
  return error as SendcloudError;
}

describe('the Sendcloud client', () => {
  let fake: FakeSendcloud;
  let client: SendcloudClient;

  beforeAll(async () => {
    fake = await startFakeSendcloud();
    client = createSendcloudClient({ ...FAKE_SENDCLOUD_KEYS, baseUrl: fake.url }, { backoffMs: 1 });
  });
  afterAll(() => fake.close());

  it('validates, announces, reads the return and downloads its label as PDF with Basic auth', async () => {
    await client.validateReturn(request());
    const announced = await client.announceReturn(request());
    const stored = await client.getReturn(announced.return_id);
    const pdf = await client.fetchLabelPdf(announced.parcel_id, 'a6');

    expect(stored.tracking_number).toMatch(/^3SRET/);
    expect(stored.shipping_option?.code).toBe('dpd:return/return');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const basic = `Basic ${Buffer.from('sc-public-test:sc-secret-test').toString('base64')}`;
    expect(fake.requests.every((recorded) => recorded.headers.authorization === basic)).toBe(true);
  });

  it('names the fields Sendcloud refuses, parcel items outside the EU among them', async () => {
    const outsideEu = request({
      from_address: { ...request().from_address, country_code: 'CH', postal_code: '8001' },
    });
    const error = await failureOf(client.validateReturn(outsideEu));

    expect(error.failure).toBe('rejected');
    expect(error.details.fields).toEqual([
      expect.objectContaining({ field: 'parcel_items', code: 'required' }),
    ]);
    const problem = toSendcloudProblem(error);
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.field).toBe('parcel_items');
  });

  it('retries 429 and 5xx, waiting as Retry-After asks', async () => {
    const before = fake.requests.length;
    fake.failNext(429, 1, '0');
    fake.failNext(503, 1);

    await client.validateReturn(request());

    expect(fake.requests.length - before).toBe(3);
  });

  it('gives up after its attempts with a 503 that carries the Retry-After', async () => {
    fake.failNext(429, 4, '1');
    const error = await failureOf(client.validateReturn(request()));

    expect(error.failure).toBe('rate_limited');
    const problem = toSendcloudProblem(error);
    expect(problem.status).toBe(503);
    expect(problem.retryAfterSeconds).toBe(1);
  });

  it('does not wait longer than it accepts: a Retry-After of an hour fails at once', async () => {
    const before = fake.requests.length;
    fake.failNext(429, 1, '3600');
    const error = await failureOf(client.validateReturn(request()));

    expect(error.failure).toBe('rate_limited');
    expect(fake.requests.length - before).toBe(1);
  });

  it('refuses a ZPL-only carrier label as unprocessable, since the overlay needs a PDF', async () => {
    const announced = await client.announceReturn(
      request({ ship_with: { type: 'shipping_option_code', shipping_option_code: 'zpl:return/return' } }),
    );
    const error = await failureOf(client.fetchLabelPdf(announced.parcel_id, 'a6'));

    expect(error.failure).toBe('label_not_pdf');
    expect(toSendcloudProblem(error).status).toBe(422);
  });

  it('tells wrong credentials apart from a refused request', async () => {
    const wrong = createSendcloudClient({ publicKey: 'x', secretKey: 'y', baseUrl: fake.url });
    const error = await failureOf(wrong.validateReturn(request()));

    expect(error.failure).toBe('unauthorized');
    expect(toSendcloudProblem(error).status).toBe(503);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfter('7')).toBe(7000);
    expect(retryAfter('Mon, 30 Nov 2026 10:00:10 GMT', Date.parse('2026-11-30T10:00:00Z'))).toBe(10_000);
    expect(retryAfter('soon')).toBeUndefined();
  });
});
