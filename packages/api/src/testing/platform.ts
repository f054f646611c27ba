import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import type { AnyRouter } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { closeAppDeps, createAppDeps } from '../bootstrap';
import { loadConfig, type Config } from '../config';
import { createRequestContext, type AppDeps, type RequestContext } from '../context';
import { DOMAINS } from '../domains';
import { ensureSystemRoles } from '../domains/rbac/service';
import { domainRoleDefaults } from '../platform/registry';
import { buildServer, type ServerOptions } from '../http/server';
import { createLogger } from '../logging';
import { appRouter } from '../router';

export interface TestPlatform {
  database: TestDatabase;
  deps: AppDeps;
  config: Config;
  server: FastifyInstance;
  baseUrl: string;
  /** Calls procedures in-process, as a request from `ip` carrying `token` would. */
  caller(options?: {
    token?: string;
    ip?: string;
    headers?: Record<string, string>;
  }): ReturnType<typeof appRouter.createCaller>;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  env?: Record<string, string>;
  router?: AnyRouter;
  eventStream?: ServerOptions['eventStream'];
  onRoute?: ServerOptions['onRoute'];
  /** Listen on this port instead of any free one (a browser test whose PUBLIC_URL must be the real address). */
  port?: number;
}

/** A fresh database, the system roles, and the real HTTP server on a loopback port. */
export async function createTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const database = await createTestDatabase();
  await ensureSystemRoles(database.db, domainRoleDefaults(DOMAINS));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_KEYS: `test-key:${randomBytes(32).toString('hex')}`,
    IPAY_DATA_DIR: '/nonexistent-test-data-dir',
    IPAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  });
  const deps = await createAppDeps(config, database, createLogger(config));
  const server = await buildServer(deps, {
    router: options.router,
    eventStream: options.eventStream,
    onRoute: options.onRoute,
  });
  const address = await server.listen({ host: '127.0.0.1', port: options.port ?? 0 });

  const contextFor = (
    opts: { token?: string; ip?: string; headers?: Record<string, string> } = {},
  ): RequestContext =>
    createRequestContext(deps, {
      traceId: `test-${randomBytes(4).toString('hex')}`,
      ip: opts.ip ?? '127.0.0.1',
      headers: { ...opts.headers, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      logger: deps.logger,
    });

  return {
    database,
    deps,
    config,
    server,
    baseUrl: address,
    caller: (opts) => appRouter.createCaller(contextFor(opts)),
    close: async () => {
      await server.close();
      await closeAppDeps(deps);
      await database.drop();
    },
  };
}
