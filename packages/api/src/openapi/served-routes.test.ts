import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS } from '../domains';
import { fastifyUrl } from '../platform/domain';
import { pageRoutes, plainRoutes } from '../platform/registry';
import { createTestPlatform, http, type TestPlatform } from '../testing';
import { buildOpenApiDocument } from './document';

const OPERATION_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Served but deliberately not in the OpenAPI document: transports and documents, not operations.
 * - `/trpc/*`: the tRPC transport for the SDK (the same procedures as the REST operations).
 * - `/*`: trpc-to-openapi's catch-all, which serves exactly the procedures' documented REST operations (checked
 *   below by calling each of them).
 * - `/docs…`: the interactive reference (swagger-ui's HTML and assets).
 * - `/api/openapi.json`: the document itself.
 * HEAD and OPTIONS (Fastify's automatic HEAD for every GET, CORS preflight) are never documented.
 * Pages for people (`/pay/{token}`, `/card/{code}`, their form POSTs, their stylesheet) are HTML, not API
 * operations: they are not in the document, but each is declared in its domain's `pages` and checked below.
 */
const UNDOCUMENTED = [/^\/trpc\//, /^\/\*$/, /^\/docs(\/|$)/, /^\/api\/openapi\.json$/];
const UNDOCUMENTED_METHODS = new Set(['HEAD', 'OPTIONS']);

function served(routes: RouteOptions[]): Set<string> {
  const keys = new Set<string>();
  for (const route of routes) {
    for (const method of [route.method].flat()) keys.add(`${method} ${route.url}`);
  }
  return keys;
}

function documentedOperations(): Array<{ method: string; path: string }> {
  const document = buildOpenApiDocument('http://localhost');
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    OPERATION_METHODS.filter((method) => item?.[method]).map((method) => ({
      method: method.toUpperCase(),
      path,
    })),
  );
}

describe('the routes Fastify serves and the OpenAPI document', () => {
  let platform: TestPlatform;
  const routes: RouteOptions[] = [];
  beforeAll(async () => {
    platform = await createTestPlatform({ onRoute: (route) => routes.push(route) });
  });
  afterAll(() => platform.close());

  it('documents every route it serves (apart from the commented allow-list and the declared pages)', () => {
    const documented = new Set([
      ...documentedOperations().map((op) => `${op.method} ${fastifyUrl(op.path)}`),
      ...pageRoutes(DOMAINS).map((page) => `${page.method} ${fastifyUrl(page.path)}`),
    ]);
    const undocumented = [...served(routes)].filter((key) => {
      const [method = '', url = ''] = key.split(' ');
      if (UNDOCUMENTED_METHODS.has(method) || UNDOCUMENTED.some((pattern) => pattern.test(url))) return false;
      return !documented.has(key);
    });
    expect(undocumented).toEqual([]);
  });

  it("serves every domain's plain route at its documented method and path", () => {
    const keys = served(routes);
    const missing = plainRoutes(DOMAINS)
      .map((route) => `${route.method} ${fastifyUrl(route.path)}`)
      .filter((key) => !keys.has(key));
    expect(missing).toEqual([]);
  });

  it("serves every domain's page at its declared method and path, outside the API's paths", () => {
    const keys = served(routes);
    const pages = pageRoutes(DOMAINS).map((page) => `${page.method} ${fastifyUrl(page.path)}`);
    expect(pages.filter((key) => !keys.has(key))).toEqual([]);
    expect(pages.filter((key) => /^\S+ \/(api|trpc|docs|identity|organization)(\/|$)/.test(key))).toEqual([]);
    const documented = new Set(documentedOperations().map((op) => `${op.method} ${fastifyUrl(op.path)}`));
    expect(pages.filter((key) => documented.has(key))).toEqual([]);
  });

  it('answers every declared page with HTML (or its stylesheet, or a redirect to a page), never "no route"', async () => {
    for (const page of pageRoutes(DOMAINS)) {
      const url = page.path.replace(/\{[^}]+\}/g, 'unknown-but-well-formed-0000000000');
      const response = await fetch(`${platform.baseUrl}${url}`, {
        method: page.method,
        headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
        body: page.method === 'POST' ? 'psp=simulate' : undefined,
        redirect: 'manual',
      });
      // A page for the signed-in (the consumer's parcels) sends others to its sign-in page.
      if (response.status === 303) {
        expect(response.headers.get('location'), `${page.method} ${page.path}`).toMatch(/^\/[a-z]/);
        continue;
      }
      expect(response.headers.get('content-type'), `${page.method} ${page.path}`).toMatch(
        /^text\/(html|css)/,
      );
    }
  });

  it('answers every documented operation with something other than "no route"', async () => {
    const unrouted: string[] = [];
    for (const { method, path } of documentedOperations()) {
      // Any value fits the parameters' syntax well enough to be routed; what it then answers does not matter.
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');
      const response = await http<{ detail?: string }>(platform.baseUrl, method, url, {
        headers: { accept: 'application/json' },
      });
      // The event stream answers 401 without a ticket before it streams, so it cannot hang the loop.
      if (response.status === 404 && /^No route|^No procedure|not found/i.test(response.body?.detail ?? ''))
        unrouted.push(`${method} ${path}: ${response.body.detail}`);
    }
    expect(unrouted).toEqual([]);
  });

  it('notices an unrouted request (so the check above can fail)', async () => {
    const response = await http<{ detail?: string }>(platform.baseUrl, 'GET', '/api/no-such-route');
    expect(response.status).toBe(404);
    expect(response.body.detail).toMatch(/^No route|^No procedure|not found/i);
  });
});
