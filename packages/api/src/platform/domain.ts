import type { AnyRouter } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import type { ZodOpenApiOperationObject } from 'zod-openapi';
import type { AppDeps } from '../context';
import type { EventDefinitions } from './event-definitions';
import type { EventStreamSettings } from '../domains/events/event-stream';
import type { RoleGrants } from '../domains/rbac/system-roles';
import type { DomainTask } from '../jobs/task';

export type PlainRouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the server passes every plain route when registering it. */
export interface RouteContext {
  deps: AppDeps;
  /** The route's Fastify URL, derived from its documented path: register exactly this. */
  url: string;
  /** Server options meant for one route (tests shorten the event stream's heartbeat). */
  options: { eventStream?: Partial<EventStreamSettings> };
}

/**
 * A route Fastify serves directly (no tRPC procedure): inbound webhooks, files, uploads, streams. Its OpenAPI
 * operation travels with it, so a route cannot be served undocumented or documented unserved.
 */
export interface PlainRoute {
  method: PlainRouteMethod;
  /** The OpenAPI path (`/api/orders/uploads/{id}/rejected.csv`); Fastify serves it as `…/:id/…`. */
  path: string;
  operation: ZodOpenApiOperationObject;
  /** Registers this one route (in its own scope when it needs its own body parser). */
  register: (app: FastifyInstance, context: RouteContext) => void | Promise<void>;
}

/**
 * A page for people (HTML, not API): the consumer's pay page, the benefit card page and their form POSTs. Pages
 * are not operations of the OpenAPI document; they are declared here so the server registers exactly these and
 * `served-routes.test.ts` can tell a declared page from a route slipped in undocumented. The server registers
 * every page in one scope that reads HTML form bodies and answers with the pages' security headers.
 */
export interface PageRoute {
  method: 'GET' | 'POST';
  /** The page's path in the OpenAPI style (`/pay/{token}`); Fastify serves it as `/pay/:token`. */
  path: string;
  /** What a person finds there, one line. */
  summary: string;
  register: (app: FastifyInstance, context: Omit<RouteContext, 'options'>) => void | Promise<void>;
}

/** A periodic task: graphile-worker's crontab entry. */
export interface CronEntry {
  task: string;
  /** Standard five-field cron, UTC. */
  match: string;
  /** Stable: graphile-worker keeps each identifier's last run to avoid double runs. */
  identifier: string;
}

/**
 * Something a domain keeps running beside each API server, such as a LISTEN that keeps a per-process cache
 * current: started before the server takes requests; the stop it returns is awaited when the server closes.
 */
export type ServerCompanion = (deps: AppDeps) => Promise<() => Promise<void>>;

/** Everything the platform needs to know about one domain; see docs/adding-a-domain.md. */
export interface DomainDescriptor {
  /** The folder name: `orders`, `payment-sessions`. Job names start with it. */
  name: string;
  /** Routers merged into the app router under these keys (`{ paymentSessions: … }`): the tRPC and REST paths. */
  trpc?: Record<string, AnyRouter>;
  /** Plain Fastify routes with their OpenAPI operations. */
  routes?: readonly PlainRoute[];
  /** Pages for people (server-rendered HTML and their form POSTs); not in the OpenAPI document. */
  pages?: readonly PageRoute[];
  /** The domain's jobs (its `jobs.ts`) with the worker's handlers for them. */
  jobs?: Record<string, DomainTask>;
  cron?: readonly CronEntry[];
  /** The event types the domain records: its `events.ts` catalogue (payload schemas, subscribable or not). */
  events?: EventDefinitions;
  /** Permissions the domain's resources give the system roles by default (reconciled on every start). */
  grants?: RoleGrants;
  /** What runs beside each API server while it serves (`ServerCompanion`). */
  companions?: readonly ServerCompanion[];
}

/** Declares a domain; `const` keeps the routers' types, so the app router stays typed for the SDK. */
export function defineDomain<const D extends DomainDescriptor>(descriptor: D): D {
  return descriptor;
}

/** `/api/orders/uploads/{id}/rejected.csv` → `/api/orders/uploads/:id/rejected.csv`. */
export function fastifyUrl(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}
