import { describe, expect, it } from 'vitest';
import { carrierMove, scanTime, verifySendcloudSignature } from './status';

describe('Sendcloud webhooks', () => {
  it('verify the documented vector and refuse a changed body, a changed signature or none', () => {
    const raw = Buffer.from('{"key": "value"}');
    const signature = '1eed4b3d41f4653ac64fd56f1bf1cbfd349e4482cbc11dff7134bd93e5da4b0a';

    expect(verifySendcloudSignature(raw, { 'sendcloud-signature': signature }, 'secretkey')).toBe(true);
    expect(
      verifySendcloudSignature(raw, { 'sendcloud-signature': signature.toUpperCase() }, 'secretkey'),
    ).toBe(true);
    expect(
      verifySendcloudSignature(
        Buffer.from('{"key":"value"}'),
        { 'sendcloud-signature': signature },
        'secretkey',
      ),
    ).toBe(false);
    expect(
      verifySendcloudSignature(raw, { 'sendcloud-signature': `${signature.slice(0, -1)}b` }, 'secretkey'),
    ).toBe(false);
    expect(verifySendcloudSignature(raw, {}, 'secretkey')).toBe(false);
  });

  it('map delivered to RECEIVED, scans on the way to IN_TRANSIT and announcements to nothing', () => {
    expect(carrierMove(11)).toBe('RECEIVED');
    expect(carrierMove(91)).toBe('IN_TRANSIT');
    expect(carrierMove(1000)).toBeUndefined();
    expect(carrierMove(2000)).toBeUndefined();
    expect(carrierMove(62989)).toBe('IN_TRANSIT'); // At customs
    expect(carrierMove(62990)).toBe('IN_TRANSIT'); // At sorting centre
    expect(carrierMove(62991)).toBeUndefined(); // Refused by recipient
    expect(carrierMove(62992)).toBeUndefined(); // Returned to sender: back to the consumer, not received
    expect(carrierMove(80)).toBeUndefined(); // Unable to deliver
  });

  it('read timestamps in milliseconds, and in seconds when they are that small', () => {
    expect(scanTime(1_764_496_800_000).toISOString()).toBe('2025-11-30T10:00:00.000Z');
    expect(scanTime(1_764_496_800).toISOString()).toBe('2025-11-30T10:00:00.000Z');
  });
});
