import type { Action, DataScope, Resource } from '../domains/rbac/catalogue';
import type { Actor } from '../domains/auth/service';
import { consumerTokenRefused } from '../domains/auth/tokens';
import { consumerForToken, type SignedInConsumer } from '../domains/consumer/service';
import { CONSUMER_ERRORS } from '../domains/consumer/errors';
import { domainError } from '../errors/domain-codes';
import type { RequestContext } from '../context';
import { requireScope } from '../domains/rbac/permissions';
import { TRPCError } from '@trpc/server';
import { AppError, ERROR_KINDS } from '../errors/app-error';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  parseIdempotencyKey,
  releaseIdempotencyKey,
  requestFingerprint,
} from '../platform/idempotency';
import { consumeRateLimit } from '../platform/rate-limit';
import { t } from './init';

/** Whose stored responses a key names: a staff user's, a consumer's, or the anonymous callers'. */
function ownerOf(credentials: RequestContext['credentials']): string {
  if (credentials.kind === 'valid') return `user:${credentials.claims.userId}`;
  if (credentials.kind === 'consumer') return `consumer:${credentials.claims.consumerId}`;
  return 'public';
}

/**
 * `Idempotency-Key` on any mutation: the first response is stored for 24 hours and replayed for the same
 * key and request; a different request under the same key is a 409.
 */
const idempotency = t.middleware(async ({ ctx, type, path, meta, getRawInput, next }) => {
  if (type !== 'mutation' || meta?.idempotent === false || meta?.idempotencyKey) return next();
  const key = parseIdempotencyKey(ctx.headers[IDEMPOTENCY_KEY_HEADER]);
  if (!key) return next();
  const owner = ownerOf(ctx.credentials);
  const claim = { owner, key, fingerprint: requestFingerprint(path, await getRawInput()) };
  const outcome = await claimIdempotencyKey(ctx.db, claim, ctx.encryptionKey);
  if (outcome.kind === 'replay')
    return { ok: true as const, data: outcome.response, marker: 'middlewareMarker' as never };
  const result = await next();
  if (result.ok) await completeIdempotencyKey(ctx.db, claim, result.data, ctx.encryptionKey);
  else await releaseIdempotencyKey(ctx.db, claim);
  return result;
});

/**
 * Every procedure's result passes here. An AppError gets its own tRPC code, so in-process callers see FORBIDDEN
 * rather than INTERNAL_SERVER_ERROR. A procedure marked `changesAccess` (disable, roles, permissions,
 * sign-outs) has committed its change when it returns: this process then forgets every cached actor, so the
 * very next request is judged on the new state; other processes hear of it from the database (see
 * `ActorCache`). One middleware for both because each level of tRPC's chain copies the call's options.
 */
const settle = t.middleware(async ({ ctx, meta, next }) => {
  const result = await next();
  if (meta?.changesAccess) ctx.actors.forgetAll();
  if (result.ok || !(result.error.cause instanceof AppError)) return result;
  const cause = result.error.cause;
  return {
    ...result,
    error: new TRPCError({ code: ERROR_KINDS[cause.kind].trpc, message: cause.detail, cause }),
  };
});

const baseProcedure = t.procedure.use(settle);

export const publicProcedure = baseProcedure.use(idempotency);

/** The signed-in, active staff user the request acts for; otherwise a 401. */
async function signedInActor(ctx: RequestContext): Promise<Actor> {
  const { credentials } = ctx;
  if (credentials.kind === 'none') {
    throw new AppError('unauthenticated', 'Sign in and send "Authorization: Bearer <token>".');
  }
  if (credentials.kind === 'invalid') throw credentials.error;
  if (credentials.kind === 'consumer') throw consumerTokenRefused();
  const actor: Actor | undefined = await ctx.actors.actorFor(ctx.db, credentials.claims);
  if (!actor) throw new AppError('unauthenticated', 'This account no longer exists or is disabled.');
  return actor;
}

// Authentication and permission come before a replay, so a disabled user or a revoked permission gets no
// stored response back either.
const signedInProcedure = baseProcedure.use(async ({ ctx, next }) =>
  next({ ctx: { actor: await signedInActor(ctx) } }),
);

/** A signed-in, active staff user; their merged permissions are on `ctx.actor`. */
export const authedProcedure = signedInProcedure.use(idempotency);

/**
 * The one-line permission declaration of a procedure: `permittedProcedure('orders', 'read')`. The widest data
 * scope the actor holds for it is on `ctx.scope`, for the service's queries. Sign-in and permission are one
 * middleware (one copy of the context, not two).
 */
export function permittedProcedure(resource: Resource, action: Action) {
  return baseProcedure
    .use(async ({ ctx, next }) => {
      const actor = await signedInActor(ctx);
      const scope: DataScope = requireScope(actor.permissions, resource, action);
      return next({ ctx: { actor, scope } });
    })
    .use(idempotency);
}

/**
 * A consumer signed in by magic link (a token of the `ipay:consumer` audience whose session is neither signed out
 * nor expired): `ctx.consumer` is `{ id, email, sessionId }`. Staff tokens are refused, as consumer tokens are by
 * every staff procedure. Consumers hold no roles: the audience is the permission, and the services scope every
 * query to `ctx.consumer`. REST documents it with the `consumerAuth` bearer scheme (`openapi/document.ts`).
 */
export const consumerProcedure = baseProcedure
  .meta({ audience: 'consumer' })
  .use(async ({ ctx, next }) => {
    const { credentials } = ctx;
    if (credentials.kind === 'none') {
      throw new AppError(
        'unauthenticated',
        'Sign in with a magic link and send "Authorization: Bearer <token>".',
      );
    }
    if (credentials.kind === 'invalid') throw credentials.error;
    if (credentials.kind === 'valid') {
      throw domainError(
        CONSUMER_ERRORS,
        'consumer_token_required',
        'This endpoint takes a consumer token (magic link); a staff token is not accepted here.',
      );
    }
    const consumer: SignedInConsumer = await consumerForToken(ctx.db, credentials.claims);
    return next({ ctx: { consumer } });
  })
  .use(idempotency);

/** Limits a procedure per client address, e.g. `rateLimitedByIp('register', 20, 3600)`. */
export function rateLimitedByIp(name: string, limit: number, windowSeconds: number) {
  return t.middleware(async ({ ctx, next }) => {
    await consumeRateLimit(ctx.db, { key: `${name}:ip:${ctx.ip}`, limit, windowSeconds });
    return next();
  });
}

/**
 * Limits a procedure per signed-in user or consumer (use after authedProcedure or consumerProcedure), e.g. OTP
 * attempts per driver, transfers per consumer.
 */
export function rateLimitedByUser(name: string, limit: number, windowSeconds: number) {
  return t.middleware(async ({ ctx, next }) => {
    const owner = ownerOf(ctx.credentials);
    // A staff user's key stays `<name>:user:<userId>`; a consumer's is `<name>:user:consumer:<id>`.
    const user = owner === 'public' ? `ip:${ctx.ip}` : owner.replace(/^user:/, '');
    await consumeRateLimit(ctx.db, { key: `${name}:user:${user}`, limit, windowSeconds });
    return next();
  });
}
