import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded';
import { freePort } from './free-port';
import { until } from './testing';

async function answers(server: RunningPostgres): Promise<boolean> {
  const client = new pg.Client({
    connectionString: server.connectionString(),
    connectionTimeoutMillis: 2_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('the embedded PostgreSQL supervisor', () => {
  let root: string;
  const reports: string[] = [];
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ipay-embedded-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const start = async (folder: string, restart: { attempts: number; initialDelayMs: number }) =>
    startEmbeddedPostgres({
      dataDir: path.join(root, folder),
      port: await freePort(),
      password: randomBytes(8).toString('hex'),
      onSupervision: (level, message) => reports.push(`${level}: ${message}`),
      restart,
    });

  it('starts a killed server again, and does not restart one that was stopped', async () => {
    const server = await start('restarts', { attempts: 5, initialDelayMs: 100 });
    const killed = server.pid;
    expect(killed).toBeGreaterThan(0);
    process.kill(killed!, 'SIGKILL');
    const restarted = await until(
      () => (server.pid && server.pid !== killed ? server.pid : undefined),
      'a restart',
    );
    expect(await answers(server)).toBe(true);
    expect(reports.join('\n')).toMatch(`PostgreSQL (pid ${killed}) exited unexpectedly with signal SIGKILL`);
    expect(reports.join('\n')).toMatch(`PostgreSQL is running again (pid ${restarted}`);

    const reported = reports.length;
    await server.stop();
    expect(server.pid).toBeUndefined();
    expect(await answers(server)).toBe(false);
    expect(reports.slice(reported)).toEqual([]);
  }, 60_000);

  it('gives up after the configured number of failed restarts, saying so', async () => {
    const server = await start('gives-up', { attempts: 2, initialDelayMs: 10 });
    // A data folder that is gone makes every restart fail.
    await rename(path.join(root, 'gives-up'), path.join(root, 'moved'));
    process.kill(server.pid!, 'SIGKILL');
    await until(() => reports.find((r) => r.includes('giving up')), 'the supervisor to give up');
    expect(reports.filter((r) => /restart attempt \d failed/.test(r))).toHaveLength(2);
    expect(reports.at(-1)).toBe('error: PostgreSQL did not come back after 2 restarts; giving up');
    await server.stop();
  }, 60_000);
});
