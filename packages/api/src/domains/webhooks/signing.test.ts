import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSigningSecret, sign, signatureHeader } from './signing';

describe('webhook signing', () => {
  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('signs exactly as the standardwebhooks library does', () => {
    const secret = generateSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"type":"session.paid","data":{"amountMinor":1999}}';
    const ours = sign(secret, { id: 'evt_1', timestamp, body });
    expect(ours).toBe(new Webhook(secret).sign('evt_1', new Date(timestamp * 1000), body));
  });

  it('lists one signature per secret, which standardwebhooks accepts with either secret', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const message = { id: 'evt_2', timestamp: Math.floor(Date.now() / 1000), body: '{"a":1}' };
    const header = signatureHeader([current, previous], message);
    expect(header.split(' ')).toHaveLength(2);
    const headers = {
      'webhook-id': message.id,
      'webhook-timestamp': String(message.timestamp),
      'webhook-signature': header,
    };
    expect(new Webhook(current).verify(message.body, headers)).toEqual({ a: 1 });
    expect(new Webhook(previous).verify(message.body, headers)).toEqual({ a: 1 });
    expect(() => new Webhook(generateSigningSecret()).verify(message.body, headers)).toThrow();
  });
});
