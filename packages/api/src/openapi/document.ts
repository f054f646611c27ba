import { generateOpenApiDocument, type OpenApiMeta } from 'trpc-to-openapi';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { DOMAINS } from '../domains';
import { DomainEvent } from '../domains/events/schemas';
import { ERROR_KINDS } from '../errors/app-error';
import { Problem } from '../errors/problem';
import { plainRoutes } from '../platform/registry';
import { appRouter } from '../router';
import { problemCodeDescription, responseCodesNote } from './error-codes';
import { PROBLEM_CONTENT } from './operation-parts';
import type { ProcedureMeta } from '../trpc/init';
import { webhookOperations } from './webhooks';

type OpenApiDocument = ReturnType<typeof generateOpenApiDocument>;

const STATUS_TITLES = new Map<number, string>(
  Object.values(ERROR_KINDS).map((kind) => [kind.status, kind.title]),
);

/** The operations of the routes Fastify serves directly, declared with the routes by their domains. */
function plainPaths(): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of plainRoutes(DOMAINS)) {
    const method = route.method.toLowerCase() as Lowercase<typeof route.method>;
    paths[route.path] = { ...paths[route.path], [method]: route.operation };
  }
  return paths;
}

function operationIdsWhere(test: (meta: OpenApiMeta<ProcedureMeta> | undefined) => boolean): Set<string> {
  const ids = new Set<string>();
  for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
    const meta = (procedure as unknown as { _def: { meta?: OpenApiMeta<ProcedureMeta> } })._def.meta;
    if (test(meta)) ids.add(path.replace(/\./g, '-'));
  }
  return ids;
}

/** Operations answering a success with another status than 200 (`successStatus` in their meta). */
function successStatusByOperationId(): Map<string, number> {
  const statuses = new Map<string, number>();
  for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
    const meta = (procedure as unknown as { _def: { meta?: OpenApiMeta<ProcedureMeta> } })._def.meta;
    if (meta?.successStatus) statuses.set(path.replace(/\./g, '-'), meta.successStatus);
  }
  return statuses;
}

/** Operations of `consumerProcedure`: they take the consumer's token, not a staff user's. */
function consumerOperationIds(): Set<string> {
  const ids = new Set<string>();
  for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
    const meta = (procedure as unknown as { _def: { meta?: OpenApiMeta<ProcedureMeta> } })._def.meta;
    if (meta?.audience === 'consumer') ids.add(path.replace(/\./g, '-'));
  }
  return ids;
}

/**
 * The two bearer schemes: staff users' tokens (`POST /api/auth/login`) and consumers' tokens (magic link). Each
 * protected operation names the one it accepts; trpc-to-openapi lists every scheme, so the document narrows it.
 */
const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A staff user's token (audience `ipay:staff`) from `POST /api/auth/login`",
  },
  consumerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A consumer's token (audience `ipay:consumer`) from `POST /api/consumer/magic-link/redeem`; refused by every other endpoint",
  },
} as const;

/** Rewrites trpc-to-openapi's error responses to the product's problem details and documents Idempotency-Key. */
function applyConventions(document: OpenApiDocument): OpenApiDocument {
  const skipIdempotency = operationIdsWhere((meta) => meta?.idempotent === false);
  const keyRequired = operationIdsWhere((meta) => meta?.idempotencyKey === 'required');
  const successStatuses = successStatusByOperationId();
  const consumerOperations = consumerOperationIds();
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const responses = (operation as { responses: unknown }).responses as Record<
        string,
        { description: string; content?: unknown }
      >;
      const tags = (operation as { tags?: string[] }).tags ?? [];
      const errorStatuses = Object.keys(responses)
        .map(Number)
        .filter((status) => status >= 400);
      for (const status of errorStatuses) {
        responses[status] = {
          description: `${STATUS_TITLES.get(status) ?? 'Error'}${responseCodesNote(tags, status, errorStatuses)}`,
          content: PROBLEM_CONTENT,
        };
      }
      responses.default = {
        description: `Any other error, as problem details${responseCodesNote(tags, 'default', errorStatuses)}`,
        content: PROBLEM_CONTENT,
      };
      // OpenAPI requires it of every path parameter; a parameter read by a preprocess looks optional to the
      // generator.
      for (const parameter of (operation as { parameters?: Array<{ in?: string; required?: boolean }> })
        .parameters ?? []) {
        if (parameter.in === 'path') parameter.required = true;
      }
      const operationId = (operation as { operationId?: string }).operationId ?? '';
      const secured = operation as { security?: Array<Record<string, string[]>> };
      if (secured.security) {
        secured.security = [consumerOperations.has(operationId) ? { consumerAuth: [] } : { bearerAuth: [] }];
      }
      const successStatus = successStatuses.get(operationId);
      if (successStatus && responses[200]) {
        responses[successStatus] = responses[200];
        delete responses[200];
      }
      if (['post', 'put', 'patch', 'delete'].includes(method) && !skipIdempotency.has(operationId)) {
        const parameters = ((operation as { parameters?: unknown[] }).parameters ??= []);
        const required = keyRequired.has(operationId);
        parameters.push({
          name: 'Idempotency-Key',
          in: 'header',
          required,
          description: required
            ? 'Required retry-safe key (1–255 visible ASCII), kept for good as the id of what this request creates: the same key and body return the first result; another body is a 409.'
            : 'Retry-safe key (1–255 visible ASCII): the same key and body replay the first response for 24 h; another body is a 409.',
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
      securitySchemes: SECURITY_SCHEMES,
      paths: plainPaths(),
      defs: { Problem, DomainEvent },
    }),
  );
  // The codes are declared by the domains, which problem.ts (zod only, shared with the SDK) cannot import.
  const code = (
    document.components?.schemas?.Problem as { properties?: Record<string, { description?: string }> }
  )?.properties?.code;
  if (code) code.description = problemCodeDescription(code.description ?? '');
  // Outside the paths: what we POST to merchants (OpenAPI 3.1 `webhooks`), from the event catalogue.
  return { ...document, webhooks: webhookOperations() };
}
