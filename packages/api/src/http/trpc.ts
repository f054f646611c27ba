import type { AnyRouter } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequestContext, type AppDeps } from '../context';
import { ERROR_KINDS, type ErrorKindName } from '../errors/app-error';
import { Problem } from '../errors/problem';
import { toProblem, withTraceId } from '../errors/to-problem';
import { PROBLEM_CONTENT_TYPE } from './problem-reply';
import { logServerError } from './server-errors';

export const TRPC_PREFIX = '/trpc';

const KIND_BY_STATUS = new Map<number, ErrorKindName>(
  (Object.entries(ERROR_KINDS) as Array<[ErrorKindName, { status: number }]>).map(([kind, { status }]) => [
    status,
    kind,
  ]),
);

/** A problem answered before tRPC ran (body limit, unstorable text, bad URL) in tRPC's error envelope. */
function trpcEnvelope(problem: Problem): unknown {
  const code = ERROR_KINDS[KIND_BY_STATUS.get(problem.status) ?? 'internal'].trpc;
  return {
    error: {
      message: problem.detail,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus: problem.status, problem },
    },
  };
}

interface TrpcErrorItem {
  error?: { message?: string; data?: { problem?: unknown } };
}

/** tRPC's own error answers (one, or one per call of a batch), their problems given the request's trace id. */
function withRequestTraceId(items: TrpcErrorItem[], traceId: string): void {
  for (const item of items) {
    const problem = Problem.safeParse(item.error?.data?.problem);
    if (!problem.success || !item.error?.data) continue;
    item.error.data.problem = withTraceId(problem.data, traceId);
    item.error.message = (item.error.data.problem as Problem).detail;
  }
}

function rewriteErrorPayload(request: FastifyRequest, isProblem: boolean, payload: string): string {
  const body = JSON.parse(payload) as unknown;
  if (isProblem) {
    const problem = Problem.safeParse(body);
    return problem.success ? JSON.stringify(trpcEnvelope(problem.data)) : payload;
  }
  withRequestTraceId((Array.isArray(body) ? body : [body]) as TrpcErrorItem[], request.id);
  return JSON.stringify(body);
}

const isFailure = (status: number) => status >= 400 || status === 207;

/**
 * The text of a failed answer: the transport's problem (a string), or tRPC's own (a fetch Response, whose
 * status and headers Fastify would only apply after this hook, so they are applied here).
 */
async function failedPayloadText(reply: FastifyReply, payload: unknown): Promise<string | undefined> {
  if (typeof payload === 'string') return isFailure(reply.statusCode) ? payload : undefined;
  if (!(payload instanceof Response) || !isFailure(payload.status)) return undefined;
  void reply.code(payload.status);
  payload.headers.forEach((value, name) => void reply.header(name, value));
  return payload.text();
}

/**
 * tRPC at /trpc for the SDK. Every error there travels in tRPC's envelope with the problem in `data.problem`,
 * the transport's own refusals included, so the SDK reports them all the same way.
 */
export async function registerTrpcRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  procedures: AnyRouter,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply, payload) => {
      const isProblem = String(reply.getHeader('content-type') ?? '').startsWith(PROBLEM_CONTENT_TYPE);
      const text = await failedPayloadText(reply, payload);
      if (text === undefined) return payload;
      void reply.type('application/json');
      try {
        return rewriteErrorPayload(request, isProblem, text);
      } catch {
        return text;
      }
    });
    await scope.register(fastifyTRPCPlugin, {
      prefix: TRPC_PREFIX,
      trpcOptions: {
        router: procedures,
        createContext: ({ req }: { req: FastifyRequest }) =>
          createRequestContext(deps, { traceId: req.id, ip: req.ip, headers: req.headers, logger: req.log }),
        onError: ({ error, req }: { error: unknown; req: FastifyRequest }) => logServerError(req, error),
        // The problem travels in tRPC's body; the wait it asks for (a rate limit, an outage) belongs in the header too.
        responseMeta: ({ errors }: { errors: readonly unknown[] }) => {
          const retryAfter = errors.map((error) => toProblem(error, '').retryAfterSeconds).find(Boolean);
          return retryAfter ? { headers: { 'retry-after': String(retryAfter) } } : {};
        },
      },
    });
  });
}
