import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import { toProblem } from '../../errors/to-problem';
import { parseParameters } from '../../http/parameters';
import { sendProblem } from '../../http/problem-reply';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { EventHub } from './event-hub';
import { EventStreamHeaders, EventStreamQuery } from './schemas';
import {
  DEFAULT_EVENT_STREAM_SETTINGS,
  serveEventStream,
  type EventStreamRequest,
  type EventStreamSettings,
  type StreamSink,
} from './event-stream';
import { EVENT_STREAM_PATH, redeemStreamTicket, resumePosition } from './stream-tickets';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's fan-out of committed domain events to its open streams. */
    eventHub: EventHub;
  }
}

function firstString(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

// Each parameter once, as text; what the text must be (a live ticket, a known event id) is checked on use.
const StreamParameters = z.object({ token: z.string().optional(), lastEventId: z.string().optional() });

/** The header wins over the parameter: EventSource sends the newer id in the header when it reconnects. */
function lastEventIdOf(
  request: FastifyRequest,
  parameter: string | undefined,
): { field: string; value: string } | undefined {
  const header = firstString(request.headers['last-event-id']);
  if (header !== undefined) return { field: 'Last-Event-ID', value: header };
  return parameter === undefined ? undefined : { field: 'lastEventId', value: parameter };
}

async function admit(deps: AppDeps, request: FastifyRequest): Promise<EventStreamRequest> {
  const query = parseParameters(StreamParameters, request.query, 'query');
  const viewer = await redeemStreamTicket(deps.db, query.token);
  const lastEventId = lastEventIdOf(request, query.lastEventId);
  return { viewer, resumeAfter: lastEventId ? await resumePosition(deps.db, lastEventId) : undefined };
}

/**
 * Frames go straight onto the response, with no stream in between: a frame is one shared Buffer, queued by
 * reference, and writes made in one tick leave in one system call (Node corks a response within a tick).
 */
function responseSink(response: ServerResponse): StreamSink {
  return {
    write: (chunk) => response.write(chunk),
    bufferedBytes: () => response.writableLength,
    drained: () =>
      new Promise<void>((resolve) => {
        const settle = () => {
          response.off('drain', settle);
          response.off('close', settle);
          resolve();
        };
        response.on('drain', settle);
        response.on('close', settle);
      }),
    end: () => response.end(),
    abort: () => response.destroy(),
  };
}

/** The headers Fastify's hooks set so far (trace id, CORS, security headers), for a response written by hand. */
function headersOf(reply: FastifyReply): Record<string, string | number | string[]> {
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) headers[name] = value;
  return headers;
}

async function openStream(
  deps: AppDeps,
  hub: EventHub,
  settings: EventStreamSettings,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  let streamRequest: EventStreamRequest;
  try {
    streamRequest = await admit(deps, request);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return sendProblem(reply, toProblem(error, request.id));
  }
  // Fastify would pipe a stream body through its own send path; the stream writes the response itself.
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    ...headersOf(reply),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  const stream = serveEventStream(deps.db, {
    hub,
    request: streamRequest,
    sink: responseSink(response),
    settings,
    logger: request.log,
  });
  response.once('close', stream.stop);
  return reply;
}

/**
 * `GET /api/events/stream`: a plain route, because SSE is a long streaming response tRPC cannot carry. The
 * hub starts with the server and, before the server closes, ends the open streams (an open response would
 * otherwise keep it from closing); its listening connection is closed with the server.
 */
export const eventStreamRoute: PlainRoute = {
  method: 'GET',
  path: EVENT_STREAM_PATH,
  operation: {
    operationId: 'events-stream',
    tags: ['events'],
    summary: 'Live event stream (Server-Sent Events)',
    description:
      'Committed domain events of your `events:read` scope as they happen, as `text/event-stream`. ' +
      'Authenticate with a ticket from `POST /api/events/stream-tickets` (single use, 60 seconds). Each ' +
      'event is `id: <event id>`, `event: <type>` and `data: <DomainEvent JSON>`; a `: heartbeat` comment ' +
      'comes every 15 seconds. To resume without gaps, reconnect with a new ticket and `Last-Event-ID` (or ' +
      '`lastEventId`): every later event of your scope is replayed in stream order, then the stream goes live.',
    requestParams: { query: EventStreamQuery, header: EventStreamHeaders },
    responses: {
      200: {
        description: 'The stream; it stays open until the client disconnects or the server shuts down',
        content: {
          'text/event-stream': {
            schema: z
              .string()
              .describe('SSE frames whose `data` is a DomainEvent (see components.schemas.DomainEvent)'),
            example:
              'id: 5b0c…\nevent: order.created\ndata: {"id":"5b0c…","type":"order.created",…}\n\n: heartbeat\n\n',
          },
        },
      },
      400: { description: 'Invalid Last-Event-ID or lastEventId', content: PROBLEM_CONTENT },
      401: { description: 'Missing, unknown, expired or used ticket', content: PROBLEM_CONTENT },
      403: { description: 'The ticket holder no longer has events:read', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url, options }) {
    const hub = new EventHub({
      db: deps.db,
      pool: deps.pool,
      logger: deps.logger.child({ component: 'event-hub' }),
    });
    const resolved = { ...DEFAULT_EVENT_STREAM_SETTINGS, ...options.eventStream };
    app.decorate('eventHub', hub);
    app.addHook('onReady', () => hub.start());
    app.addHook('preClose', (done) => {
      hub.endStreams();
      done();
    });
    app.addHook('onClose', () => hub.stop());
    app.get(url, (request, reply) => openStream(deps, hub, resolved, request, reply));
  },
};
