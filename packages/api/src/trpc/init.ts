import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { RequestContext } from '../context';
import { toProblem } from '../errors/to-problem';

export type ProcedureMeta = {
  /** Mutations honour `Idempotency-Key` unless they opt out (e.g. login, which creates nothing). */
  idempotent?: boolean;
};

export const t = initTRPC
  .context<RequestContext>()
  .meta<OpenApiMeta<ProcedureMeta>>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const { problem, retryAfterSeconds } = toProblem(error, ctx?.traceId ?? 'unknown');
      if (problem.status >= 500) ctx?.logger.error({ err: error.cause ?? error }, 'request failed');
      return {
        code: shape.code,
        message: problem.detail,
        data: { code: shape.data.code, httpStatus: problem.status, path: shape.data.path, problem, retryAfterSeconds },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
