import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../database';
import { startEmbeddedPostgres } from '../embedded';
import { freePort } from '../free-port';
import { migrateToLatest } from '../migrate';
import { runAdminStatement, withDatabase } from './admin';
import './test-database';

async function createMigratedTemplate(serverUrl: string, template: string): Promise<void> {
  await runAdminStatement(serverUrl, `create database ${template}`);
  const handle = createDatabase({ connectionString: withDatabase(serverUrl, template), max: 2 });
  try {
    await migrateToLatest(handle.db, handle.pool);
  } finally {
    await handle.close();
  }
}

/** One PostgreSQL per test run and one migrated template that every test file clones. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let stopServer = (): Promise<void> => Promise.resolve();
  let serverUrl: string;
  if (external) {
    serverUrl = external;
  } else {
    const dataRoot = await mkdtemp(path.join(tmpdir(), 'ipay-test-pg-'));
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataRoot, 'data'),
      port: await freePort(),
      password: randomBytes(12).toString('hex'),
    });
    serverUrl = embedded.connectionString('postgres');
    stopServer = async () => {
      await embedded.stop();
      await rm(dataRoot, { recursive: true, force: true });
    };
  }

  const template = `ipay_template_${randomBytes(5).toString('hex')}`;
  try {
    await createMigratedTemplate(serverUrl, template);
  } catch (error) {
    await stopServer();
    throw error;
  }

  project.provide('ipayTestServerUrl', serverUrl);
  project.provide('ipayTemplateDatabase', template);

  return async () => {
    await runAdminStatement(serverUrl, `drop database if exists ${template} with (force)`);
    await stopServer();
  };
}
