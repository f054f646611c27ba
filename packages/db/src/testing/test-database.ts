import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../database';
import { runAdminStatement, withDatabase } from './admin';

declare module 'vitest' {
  export interface ProvidedContext {
    ipayTestServerUrl: string;
    ipayTemplateDatabase: string;
  }
}

export interface TestDatabase extends DatabaseHandle {
  connectionString: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function adminQuery(statement: string): Promise<void> {
  return runAdminStatement(inject('ipayTestServerUrl'), statement);
}

/** A fresh database cloned from the migrated template: no rows shared with any other test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `ipay_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name} template ${inject('ipayTemplateDatabase')}`);
  const connectionString = withDatabase(inject('ipayTestServerUrl'), name);
  const handle = createDatabase({ connectionString, max: 5 });
  return {
    ...handle,
    connectionString,
    drop: async () => {
      await handle.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
