import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
/** Standard Webhooks asks for at least 24 random bytes; 32 matches the HMAC-SHA256 block of security. */
const SECRET_BYTES = 32;

/** A new endpoint signing secret, `whsec_<base64>`, in the format standardwebhooks and Svix libraries read. */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export interface SignedMessage {
  /** `webhook-id`: the event id, the same on every attempt so receivers can dedupe. */
  id: string;
  /** `webhook-timestamp`: unix seconds of this attempt. */
  timestamp: number;
  body: string;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the bytes the secret's base64 encodes. */
export function sign(secret: string, message: SignedMessage): string {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('not a whsec_ signing secret');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${message.id}.${message.timestamp}.${message.body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per valid secret, space-separated (new secret first). */
export function signatureHeader(secrets: string[], message: SignedMessage): string {
  return secrets.map((secret) => sign(secret, message)).join(' ');
}
