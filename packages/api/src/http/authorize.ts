import type { FastifyRequest } from 'fastify';
import { createRequestContext, type AppDeps } from '../context';
import type { Actor } from '../domains/auth/service';
import type { Action, DataScope, Resource } from '../domains/rbac/catalogue';
import { requireScope } from '../domains/rbac/permissions';
import { AppError } from '../errors/app-error';
import { consumerTokenRefused } from '../domains/auth/tokens';

/** The same check as `permittedProcedure`, for plain Fastify routes (downloads, uploads, streams). */
export async function authorize(
  deps: AppDeps,
  request: FastifyRequest,
  resource: Resource,
  action: Action,
): Promise<{ actor: Actor; scope: DataScope }> {
  const { credentials } = createRequestContext(deps, {
    traceId: request.id,
    ip: request.ip,
    headers: request.headers,
    logger: request.log,
  });
  if (credentials.kind === 'none')
    throw new AppError('unauthenticated', 'Sign in and send "Authorization: Bearer <token>".');
  if (credentials.kind === 'invalid') throw credentials.error;
  if (credentials.kind === 'consumer') throw consumerTokenRefused();
  const actor = await deps.actors.actorFor(deps.db, credentials.claims);
  if (!actor) throw new AppError('unauthenticated', 'This account no longer exists or is disabled.');
  return { actor, scope: requireScope(actor.permissions, resource, action) };
}
