import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactUrl } from '../logging';

/**
 * One line per request, written when it is answered, where Fastify's default writes two (the first with the
 * request serialised before anything is known): method, URL with its secrets redacted, status, milliseconds and
 * client address, under the request's `traceId` like every other line of the request. A 5xx or a request slower
 * than `slowMs` is a `warn`, so that `LOG_LEVEL=warn` keeps exactly those; a 5xx's cause has its own line with
 * its stack (`logServerError`).
 */
export class RequestLog extends LogController {
  readonly #slowMs: number;

  constructor(slowMs: number) {
    super({ requestIdLogLabel: 'traceId' });
    this.#slowMs = slowMs;
  }

  override incomingRequest(): void {
    // Nothing: the answer's line says all of it.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const ms = reply.elapsedTime;
    const line = {
      method: request.method,
      url: redactUrl(request.url),
      status: reply.statusCode,
      ms: Math.round(ms * 10) / 10,
      ip: request.ip,
    };
    if (error) request.log.warn({ ...line, err: error }, 'request errored');
    else if (reply.statusCode >= 500 || ms >= this.#slowMs) request.log.warn(line, 'request answered');
    else request.log.info(line, 'request answered');
  }
}
