import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { RequestContext } from '../context';
import { ERROR_KINDS } from '../errors/app-error';
import { toProblem } from '../errors/to-problem';

export type ProcedureMeta = {
  /** Mutations honour `Idempotency-Key` unless they opt out (e.g. login, which creates nothing). */
  idempotent?: boolean;
  /**
   * `required`: the procedure makes `Idempotency-Key` its own record's unique id (a ledger transfer's external
   * id), in the same transaction as the change; the middleware's stored responses stay out, and the header is
   * documented as required.
   */
  idempotencyKey?: 'required';
  /** The REST status of a success when not 200: 202 for a request accepted and acted on later. */
  successStatus?: 202;
  /**
   * The procedure can take access away or change it (account status, roles, role permissions, sign-outs):
   * this process's cached actors are dropped once it has run (`trpc/procedures.ts`).
   */
  changesAccess?: true;
  /**
   * Set by `consumerProcedure`: the procedure takes a consumer's token (magic link), not a staff user's; the
   * OpenAPI document gives it the `consumerAuth` security scheme instead of `bearerAuth`.
   */
  audience?: 'consumer';
};

export const t = initTRPC
  .context<RequestContext>()
  .meta<OpenApiMeta<ProcedureMeta>>()
  .create({
    // The problem details travel in `data.problem` on both surfaces; the REST layer unwraps them. Without a
    // context (the failure came before it) the trace id is filled in, and 5xx logged, by the transport.
    errorFormatter({ shape, error, ctx }) {
      const { kind, problem, retryAfterSeconds } = toProblem(error, ctx?.traceId ?? 'unknown');
      const code = ERROR_KINDS[kind].trpc;
      return {
        code: TRPC_ERROR_CODES_BY_KEY[code],
        message: problem.detail,
        data: { code, httpStatus: problem.status, path: shape.data.path, problem, retryAfterSeconds },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
