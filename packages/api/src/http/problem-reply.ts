import type { FastifyReply } from 'fastify';
import type { ProblemWithHeaders } from '../errors/to-problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function sendProblem(
  reply: FastifyReply,
  { problem, retryAfterSeconds }: ProblemWithHeaders,
): FastifyReply {
  if (retryAfterSeconds) void reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
