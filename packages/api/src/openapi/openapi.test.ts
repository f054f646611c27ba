import { validate as validateWithReadme } from '@readme/openapi-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_CODES } from '../domains/error-codes';
import { appRouter } from '../router';
import { createTestPlatform, http, type TestPlatform } from '../testing';
import { buildOpenApiDocument } from './document';
import { coverage, readSeedEndpoints } from './endpoint-coverage';

interface DeclaredRoute {
  procedure: string;
  method: string;
  path: string;
}

function declaredRoutes(): DeclaredRoute[] {
  return Object.entries(appRouter._def.procedures).flatMap(([procedure, value]) => {
    const meta = (value as unknown as { _def: { meta?: OpenApiMeta } })._def.meta;
    return meta?.openapi ? [{ procedure, method: meta.openapi.method, path: meta.openapi.path }] : [];
  });
}

function pattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

describe('OpenAPI document', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { PUBLIC_URL: 'https://ipay.example' } });
  });
  afterAll(() => platform.close());

  it('is a valid OpenAPI 3.1 document according to an independent validator', async () => {
    const res = await http(platform.baseUrl, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("passes @readme/openapi-parser's validation, which also requires unique operationIds", async () => {
    const res = await http(platform.baseUrl, 'GET', '/api/openapi.json');
    // The parser dereferences in place: it gets its own copy.
    const result = await validateWithReadme(structuredClone(res.body));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('describes every error as problem details and every retryable mutation with Idempotency-Key', () => {
    const document = buildOpenApiDocument('https://ipay.example');
    const register = document.paths?.['/api/auth/register']?.post;
    expect(register?.responses?.['409']).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(register?.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    );
    const login = document.paths?.['/api/auth/login']?.post;
    expect(login?.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }));
    expect(login?.security).toBeUndefined();
    expect(document.paths?.['/api/auth/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
  });

  it("documents every domain error code on Problem.code and on its domain's error responses", () => {
    const document = buildOpenApiDocument('https://ipay.example');
    const code = (document.components?.schemas?.Problem as { properties: { code: { description: string } } })
      .properties.code;
    for (const codes of Object.values(DOMAIN_ERROR_CODES)) {
      for (const name of Object.keys(codes)) expect(code.description).toContain(`\`${name}\``);
    }
    const register = document.paths?.['/api/auth/register']?.post?.responses;
    expect(register?.['409']?.description).toContain('`email_taken`');
    expect(register?.['409']?.description).not.toContain('`reference_taken`');
  });

  it('lists routes so that no templated path shadows a later literal one', () => {
    const routes = declaredRoutes();
    routes.forEach((route, index) => {
      const concrete = route.path.replace(/\{[^}]+\}/g, 'sample');
      const firstMatch = routes.find(
        (candidate) => candidate.method === route.method && pattern(candidate.path).test(concrete),
      );
      expect(firstMatch?.procedure, `${route.method} ${route.path} is shadowed`).toBe(
        routes[index]?.procedure,
      );
    });
  });

  it('serves the auth, rbac and events seed endpoints', async () => {
    const domains = coverage(await readSeedEndpoints());
    const byDomain = Object.fromEntries(domains.map((d) => [d.domain, d]));
    expect(byDomain.auth?.missing).toEqual([]);
    expect(byDomain.rbac?.missing).toEqual([]);
    expect(byDomain.events?.missing).toEqual([]);
    expect(domains.reduce((n, d) => n + d.present.length, 0)).toBeGreaterThanOrEqual(9);
  });

  it('documents the plain event-stream route: its ticket, resume parameters and SSE response', () => {
    const document = buildOpenApiDocument('https://ipay.example');
    const stream = document.paths?.['/api/events/stream']?.get;
    expect(stream?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'token', in: 'query', required: true }),
        expect.objectContaining({ name: 'lastEventId', in: 'query' }),
        expect.objectContaining({ name: 'Last-Event-ID', in: 'header' }),
      ]),
    );
    expect(Object.keys(stream?.responses?.['200']?.content ?? {})).toEqual(['text/event-stream']);
    expect(document.components?.schemas?.DomainEvent).toBeDefined();
    const tickets = document.paths?.['/api/events/stream-tickets']?.post;
    expect(tickets?.security).toEqual([{ bearerAuth: [] }]);
    expect(tickets?.parameters ?? []).not.toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key' }),
    );
  });

  it('renders an interactive reference at /docs that loads the document', async () => {
    const page = await http(platform.baseUrl, 'GET', '/docs/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const initializer = await http(platform.baseUrl, 'GET', '/docs/static/swagger-initializer.js');
    expect(initializer.status).toBe(200);
    expect(initializer.body).toContain('/api/openapi.json');
  });
});
