import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbExecutor, JsonValue } from '@ipay/db';
import { AppError } from '../errors/app-error';
import { openSecret, sealSecret } from './secret-box';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const KEY_TTL = sql`interval '24 hours'`;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'replay'; response: JsonValue };

export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = Array.isArray(value) ? value[0] : value;
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw AppError.validation(
      'Idempotency-Key',
      'must be 1 to 255 visible ASCII characters',
      'invalid_header',
    );
  }
  return key;
}

/** Stable over key order, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Stored responses can carry what a caller is shown only once (a webhook signing secret, a session token),
 * so they are sealed at rest. Rows written before sealing are plain JSON and replay as they are.
 */
function sealResponse(sealingKey: Buffer, response: unknown): string {
  return JSON.stringify({ sealed: sealSecret(sealingKey, JSON.stringify(response ?? null)) });
}

function openResponse(sealingKey: Buffer, stored: JsonValue): JsonValue {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored) || typeof stored.sealed !== 'string') {
    return stored;
  }
  return JSON.parse(openSecret(sealingKey, stored.sealed)) as JsonValue;
}

export function requestFingerprint(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\0').update(canonicalJson(input)).digest('hex');
}

/**
 * Claims a key for one request. The same key with the same request replays the stored response; with a
 * different request, or while the first is still running, it is a 409. Keys live for 24 hours.
 */
export async function claimIdempotencyKey(
  db: Db,
  claim: { owner: string; key: string; fingerprint: string },
  sealingKey: Buffer,
): Promise<IdempotencyClaim> {
  await db
    .deleteFrom('idempotency_keys')
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .where('expires_at', '<=', sql<Date>`now()`)
    .execute();
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      owner: claim.owner,
      key: claim.key,
      request_hash: claim.fingerprint,
      expires_at: sql<Date>`now() + ${KEY_TTL}`,
    })
    .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { kind: 'claimed' };

  const existing = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response_status', 'response_body'])
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .executeTakeFirst();
  if (!existing) return claimIdempotencyKey(db, claim, sealingKey);
  if (existing.request_hash !== claim.fingerprint) {
    throw new AppError('conflict', 'This Idempotency-Key was already used with a different request.', {
      errors: [
        {
          field: 'Idempotency-Key',
          message: 'reused with a different request',
          code: 'idempotency_key_reused',
        },
      ],
    });
  }
  if (existing.response_status === null) {
    throw new AppError(
      'conflict',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
    );
  }
  return { kind: 'replay', response: openResponse(sealingKey, existing.response_body) };
}

export async function completeIdempotencyKey(
  db: Db,
  claim: { owner: string; key: string },
  response: unknown,
  sealingKey: Buffer,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ response_status: 200, response_body: sealResponse(sealingKey, response) })
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .execute();
}

/** A failed request leaves nothing behind, so the client may retry it with the same key. */
export async function releaseIdempotencyKey(db: Db, claim: { owner: string; key: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .execute();
}

export async function purgeExpiredIdempotencyKeys(db: DbExecutor): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
