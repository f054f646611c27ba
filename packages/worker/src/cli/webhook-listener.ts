import { createServer, type IncomingMessage, type Server } from 'node:http';
import { IpayWebhookError, verifyWebhook } from '@ipay/sdk';

export interface WebhookListenerOptions {
  host: string;
  port: number;
  /** The endpoint's `whsec_…` secret; without it deliveries are shown but not verified. */
  secret?: string;
  write: (text: string) => void;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function verdict(secret: string | undefined, body: Buffer, request: IncomingMessage): string | undefined {
  if (!secret) return undefined;
  try {
    verifyWebhook({ secret, body, headers: request.headers });
    return 'signature verified';
  } catch (error) {
    if (error instanceof IpayWebhookError) return `signature REFUSED: ${error.message}`;
    throw error;
  }
}

function pretty(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A local receiver for trying webhooks on a developer's machine: prints every delivery and verifies it with
 * the SDK's own verifier, as a merchant's receiver would. A refused signature answers 401, so the platform's
 * retries can be watched too.
 */
export function startWebhookListener(options: WebhookListenerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    void readBody(request).then(
      (body) => {
        const check = verdict(options.secret, body, request);
        const id = request.headers['webhook-id'] ?? '-';
        options.write(
          `${new Date().toISOString()} ${request.method} ${request.url} webhook-id=${String(id)}` +
            `${check ? ` (${check})` : ''}\n${pretty(body)}\n`,
        );
        response.writeHead(check?.startsWith('signature REFUSED') ? 401 : 204).end();
      },
      () => response.destroy(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
