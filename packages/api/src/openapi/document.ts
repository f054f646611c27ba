import { generateOpenApiDocument, type OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { DomainEvent, EventStreamHeaders, EventStreamQuery } from '../domains/events/schemas';
import { ERROR_KINDS } from '../errors/app-error';
import { Problem } from '../errors/problem';
import { UploadResult } from '../domains/orders/upload/schemas';
import { appRouter } from '../router';
import type { ProcedureMeta } from '../trpc/init';
import { webhookOperations } from './webhooks';

type OpenApiDocument = ReturnType<typeof generateOpenApiDocument>;

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const STATUS_TITLES = new Map<number, string>(
  Object.values(ERROR_KINDS).map((kind) => [kind.status, kind.title]),
);

const RAW_WEBHOOK_BODY = {
  required: true,
  content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
};

/** Routes served by Fastify directly (no tRPC procedure): documented here by hand. */
const PLAIN_ROUTES: ZodOpenApiPathsObject = {
  '/api/orders/sample.csv': {
    get: {
      operationId: 'orders-sampleCsv',
      tags: ['orders'],
      summary: 'A CSV template with every column the order upload accepts and one example row',
      security: [{ bearerAuth: [] }],
      responses: {
        200: { description: 'The template', content: { 'text/csv': { schema: z.string() } } },
        401: { description: 'Authentication required', content: PROBLEM_CONTENT },
        403: { description: 'Forbidden', content: PROBLEM_CONTENT },
      },
    },
  },
  '/api/orders/upload': {
    post: {
      operationId: 'orders-uploadFile',
      tags: ['orders'],
      summary: 'Upload orders as CSV or XLSX (multipart/form-data)',
      description:
        'Columns are mapped from their headers (case, accents, spaces and punctuation ignored; English, Dutch, German and French synonyms). Rows sharing merchant_reference form one order. Every order goes through the same creation as POST /api/orders, so uploading a file again creates no duplicates. Files above 1,000 rows are imported by a job: the answer is 202 with the upload to poll at GET /api/orders/uploads/{id}.',
      security: [{ bearerAuth: [] }],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              file: z
                .string()
                .describe('The CSV (comma, semicolon or tab separated) or XLSX file (first sheet)'),
              mapping: z
                .string()
                .optional()
                .describe('JSON object: column header → field name, or null to ignore'),
              dry_run: z
                .enum(['true', 'false'])
                .optional()
                .describe('Validate and preview only; write nothing'),
              strict: z.enum(['true', 'false']).optional().describe('Create nothing if any row is invalid'),
            }),
          },
        },
      },
      responses: {
        200: {
          description: 'Dry run, or imported in the request',
          content: { 'application/json': { schema: UploadResult } },
        },
        202: {
          description: 'Queued for the import job',
          content: { 'application/json': { schema: UploadResult } },
        },
        400: { description: 'Missing file or invalid options', content: PROBLEM_CONTENT },
        401: { description: 'Authentication required', content: PROBLEM_CONTENT },
        403: { description: 'Forbidden', content: PROBLEM_CONTENT },
        413: {
          description: 'The file exceeds the size limit (stated in the problem)',
          content: PROBLEM_CONTENT,
        },
        415: { description: 'Not multipart/form-data', content: PROBLEM_CONTENT },
        422: {
          description: 'Unreadable file, a required column missing, or over the row limit',
          content: PROBLEM_CONTENT,
        },
      },
    },
  },
  '/api/orders/uploads/{id}/rejected.csv': {
    get: {
      operationId: 'orders-uploadRejectedCsv',
      tags: ['orders'],
      summary: "An upload's rejected rows as CSV: row, reason, column, then the file's own columns",
      security: [{ bearerAuth: [] }],
      requestParams: { path: z.object({ id: z.uuid().describe('Upload id') }) },
      responses: {
        200: { description: 'The rejected rows', content: { 'text/csv': { schema: z.string() } } },
        400: { description: 'Invalid id', content: PROBLEM_CONTENT },
        401: { description: 'Authentication required', content: PROBLEM_CONTENT },
        403: { description: 'Forbidden', content: PROBLEM_CONTENT },
        404: { description: 'No such upload in your scope', content: PROBLEM_CONTENT },
      },
    },
  },
  '/api/integrations/{provider}/webhook': {
    post: {
      operationId: 'integrations-webhook',
      tags: ['integrations'],
      summary: "A shop's order push, verified with the provider's own signature scheme on the raw body",
      description:
        'Point the shop at the `webhook_path` of GET /api/integrations/{provider}. Shopify (X-Shopify-Hmac-Sha256) and WooCommerce (X-WC-Webhook-Signature; its unsigned ping answers 200) are verified with the connection secret, deduplicated on the delivery id and imported by a job.',
      requestParams: {
        path: z.object({ provider: z.string() }),
        query: z.object({ integration: z.uuid().describe('The connection, from webhook_path') }),
      },
      requestBody: RAW_WEBHOOK_BODY,
      responses: {
        200: {
          description: 'Received',
          content: {
            'application/json': {
              schema: z.object({
                received: z.literal(true),
                receipt: z.enum(['ping', 'accepted', 'duplicate']),
              }),
            },
          },
        },
        401: { description: 'Bad or missing signature; nothing stored', content: PROBLEM_CONTENT },
        404: { description: 'Unknown provider', content: PROBLEM_CONTENT },
        409: { description: 'This provider does not push webhooks', content: PROBLEM_CONTENT },
      },
    },
  },
  '/api/payments/webhook': {
    post: {
      operationId: 'payments-stripeWebhook',
      tags: ['payments'],
      summary: 'Stripe webhook (Stripe-Signature verified on the raw body)',
      description:
        'checkout.session.completed and payment_intent.succeeded mark the session paid; payment_intent.payment_failed is recorded. Each Stripe event id is processed once.',
      requestBody: RAW_WEBHOOK_BODY,
      responses: {
        200: {
          description: 'Received',
          content: { 'application/json': { schema: z.object({ received: z.literal(true) }) } },
        },
        401: { description: 'Bad or missing signature; nothing stored', content: PROBLEM_CONTENT },
        503: { description: 'Stripe is not configured', content: PROBLEM_CONTENT },
      },
    },
  },
  '/api/webhooks/multisafepay': {
    post: {
      operationId: 'payments-multisafepayWebhook',
      tags: ['payments'],
      summary:
        'MultiSafepay notification (Auth header verified; the order is then fetched from MultiSafepay)',
      requestBody: RAW_WEBHOOK_BODY,
      responses: {
        200: { description: 'OK', content: { 'text/plain': { schema: z.literal('OK') } } },
        401: { description: 'Bad or missing Auth header; nothing stored', content: PROBLEM_CONTENT },
        503: { description: 'MultiSafepay is not configured', content: PROBLEM_CONTENT },
      },
    },
  },
  '/healthz': {
    get: {
      operationId: 'health-live',
      tags: ['operations'],
      summary: 'Liveness: the process is up',
      responses: {
        200: {
          description: 'Up',
          content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
        },
      },
    },
  },
  '/readyz': {
    get: {
      operationId: 'health-ready',
      tags: ['operations'],
      summary: 'Readiness: the database answers and its migrations are current',
      responses: {
        200: {
          description: 'Ready',
          content: {
            'application/json': {
              schema: z.object({ status: z.literal('ready'), migrations: z.literal('current') }),
            },
          },
        },
        503: { description: 'Not ready', content: PROBLEM_CONTENT },
      },
    },
  },
  '/api/events/stream': {
    get: {
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
  },
};

function nonIdempotentOperationIds(): Set<string> {
  const ids = new Set<string>();
  for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
    const meta = (procedure as unknown as { _def: { meta?: OpenApiMeta<ProcedureMeta> } })._def.meta;
    if (meta?.idempotent === false) ids.add(path.replace(/\./g, '-'));
  }
  return ids;
}

/** Rewrites trpc-to-openapi's error responses to the product's problem details and documents Idempotency-Key. */
function applyConventions(document: OpenApiDocument): OpenApiDocument {
  const skipIdempotency = nonIdempotentOperationIds();
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const responses = (operation as { responses: unknown }).responses as Record<
        string,
        { description: string; content?: unknown }
      >;
      for (const status of Object.keys(responses)) {
        if (Number(status) < 400) continue;
        responses[status] = {
          description: STATUS_TITLES.get(Number(status)) ?? 'Error',
          content: PROBLEM_CONTENT,
        };
      }
      responses.default = { description: 'Any other error, as problem details', content: PROBLEM_CONTENT };
      // OpenAPI requires it of every path parameter; a parameter read by a preprocess looks optional to the
      // generator.
      for (const parameter of (operation as { parameters?: Array<{ in?: string; required?: boolean }> })
        .parameters ?? []) {
        if (parameter.in === 'path') parameter.required = true;
      }
      const operationId = (operation as { operationId?: string }).operationId ?? '';
      if (['post', 'put', 'patch', 'delete'].includes(method) && !skipIdempotency.has(operationId)) {
        const parameters = ((operation as { parameters?: unknown[] }).parameters ??= []);
        parameters.push({
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Retry-safe key (1–255 visible ASCII): the same key and body replay the first response for 24 h; another body is a 409.',
          schema: { type: 'string', maxLength: 255 },
        });
      }
    }
  }
  return document;
}

export function buildOpenApiDocument(publicUrl: string): OpenApiDocument {
  const document = applyConventions(
    generateOpenApiDocument(appRouter, {
      title: 'IPAY platform API',
      version: '0.1.0',
      description:
        'Pay-on-delivery e-commerce and the iQpay benefit-card Order API. Errors are RFC 9457 problem details; ' +
        'money is integer minor units with an ISO 4217 currency; timestamps are ISO 8601 UTC.',
      baseUrl: publicUrl,
      docsUrl: `${publicUrl}/docs`,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      paths: PLAIN_ROUTES,
      defs: { Problem, DomainEvent },
    }),
  );
  // Outside the paths: what we POST to merchants (OpenAPI 3.1 `webhooks`), from the event catalogue.
  return { ...document, webhooks: webhookOperations() };
}
