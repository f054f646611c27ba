import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookListener } from './webhook-listener';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('the local webhook listener (pnpm ipay webhooks listen)', () => {
  let server: Server;
  let url: string;
  let printed = '';
  beforeAll(async () => {
    server = await startWebhookListener({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      write: (text) => (printed += text),
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ipay/webhooks`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  function signed(body: string, secret = SECRET) {
    const id = `evt_${randomBytes(4).toString('hex')}`;
    const timestamp = new Date();
    const signature = new Webhook(secret).sign(id, timestamp, body);
    return {
      id,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
    };
  }

  it('prints a delivery signed with the secret as verified and answers 204', async () => {
    const body = JSON.stringify({ type: 'session.paid', data: { id: 'x', amountMinor: 4993 } });
    const { id, headers } = signed(body);
    const res = await fetch(url, { method: 'POST', headers, body });
    expect(res.status).toBe(204);
    expect(printed).toContain(`POST /ipay/webhooks webhook-id=${id} (signature verified)`);
    expect(printed).toContain('"amountMinor": 4993');
  });

  it('answers 401 to a delivery signed with another secret, so retries can be watched', async () => {
    const body = JSON.stringify({ type: 'session.paid', data: {} });
    const { id, headers } = signed(body, `whsec_${randomBytes(32).toString('base64')}`);
    const res = await fetch(url, { method: 'POST', headers, body });
    expect(res.status).toBe(401);
    expect(printed).toContain(`webhook-id=${id} (signature REFUSED: no webhook-signature matches`);
  });
});
