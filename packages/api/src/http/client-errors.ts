import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors/app-error';
import { toProblem } from '../errors/to-problem';
import { PROBLEM_CONTENT_TYPE } from './problem-reply';

function refusal(error: { code?: string }): AppError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new AppError('request_timeout', 'The request was not received in time.');
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return new AppError('headers_too_large', 'The request line and headers exceed 16 KiB.');
  return new AppError(
    'validation_failed',
    `The request is not well-formed HTTP (${error.code ?? 'unreadable'}), e.g. a control character in a header.`,
  );
}

/**
 * Requests Node's HTTP parser refuses never reach a route; they are answered here, on the socket, as problem
 * details with a trace id of their own.
 */
export function answerClientError(logger: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const traceId = randomUUID();
    const { problem } = toProblem(refusal(error), traceId);
    logger.debug({ err: error, traceId }, 'malformed request refused');
    if (socket.writable) {
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
          `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Trace-Id: ${traceId}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
