import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface WebhookReceiver {
  url(path?: string): string;
  received: ReceivedRequest[];
  /** Answers for the next requests, in order; afterwards every request gets a 200. */
  respondWith(...responses: ScriptedResponse[]): void;
  /** The answer to every request of this webhook-id, before any scripted one (deliveries sent in parallel). */
  respondTo(webhookId: string, response: ScriptedResponse): void;
  /** Where the request of this webhook-id (the latest, if sent again) went. */
  requestOf(webhookId: string): ReceivedRequest | undefined;
  /** webhook-ids in the order their requests arrived. */
  webhookIds(): string[];
  /** TCP connections accepted. */
  connections(): number;
  close(): Promise<void>;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : (value ?? ''),
    ]),
  );
}

/** A merchant's webhook receiver on a loopback port, recording every request it gets. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const script: ScriptedResponse[] = [];
  const answers = new Map<string, ScriptedResponse>();
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        path: req.url ?? '/',
        headers: flatHeaders(req.headers),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const answer = answers.get(request.headers['webhook-id'] ?? '') ??
        script.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const webhookIds = () => received.map((request) => request.headers['webhook-id'] ?? '');
  return {
    url: (path = '/webhooks') => `http://127.0.0.1:${port}${path}`,
    received,
    respondWith: (...responses) => script.push(...responses),
    respondTo: (webhookId, response) => answers.set(webhookId, response),
    requestOf: (webhookId) => received.findLast((request) => request.headers['webhook-id'] === webhookId),
    webhookIds,
    connections: () => connections,
    close: () => {
      // Kept-alive connections from the worker would hold the server open.
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
