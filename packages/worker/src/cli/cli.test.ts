import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-process';

describe('the operators’ CLI', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      DATABASE_URL: database.connectionString,
      JWT_KEYS: `cli:${randomBytes(24).toString('hex')}`,
      IPAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
  });
  afterAll(() => database.drop());

  it('creates a platform admin who holds the platform admin role', async () => {
    const result = await runCli(
      ['users', 'create-admin', '--email', 'Ops@IPAY.example', '--name', 'Olga Ops', '--password-stdin'],
      env,
      'a long operator passphrase\n',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Platform admin ops@ipay.example created');
    const roles = await database.db
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select('roles.system_key')
      .where('users.email', '=', 'ops@ipay.example')
      .execute();
    expect(roles).toEqual([{ system_key: 'platform_admin' }]);
    const again = await runCli(
      [
        'users',
        'create-admin',
        '--email',
        'ops@ipay.example',
        '--name',
        'Olga',
        '--password',
        'a long operator passphrase',
      ],
      env,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('An account with this e-mail address already exists.');
  });

  it('names each invalid create-admin option', async () => {
    const result = await runCli(['users', 'create-admin', '--email', 'nope', '--password', 'short'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--email: must be a valid e-mail address');
    expect(result.stderr).toContain('--password: must be at least 10 characters');
    expect(result.stderr).toContain('--name:');
  });

  it('rejects unknown tasks and bad payloads with the reason', async () => {
    const unknown = await runCli(['jobs', 'add', 'orders.explode'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /unknown task; known tasks: payment-sessions\.expire-overdue, [a-z., -]*integrations\.sync\b/,
    );
    const badPayload = await runCli(['jobs', 'add', 'webhooks.deliver', '{"deliveryId":"not-a-uuid"}'], env);
    expect(badPayload.code).toBe(2);
    expect(badPayload.stderr).toContain('payload.deliveryId');
    const notJson = await runCli(['jobs', 'add', 'webhooks.deliver', '{oops'], env);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('payload must be JSON');
  });

  it('adds a job, lists it, retries a failed one and runs the queue once', async () => {
    const deliveryId = crypto.randomUUID();
    const added = await runCli(
      ['jobs', 'add', 'webhooks.deliver', JSON.stringify({ deliveryId }), '--job-key', 'cli-test'],
      env,
    );
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout) as { id: string };
    await database.pool.query(
      "update graphile_worker._private_jobs set last_error = 'boom', attempts = 25 where id = $1",
      [id],
    );

    const failed = await runCli(['jobs', 'list', '--failed'], env);
    expect(JSON.parse(failed.stdout)).toEqual([
      expect.objectContaining({ id, task: 'webhooks.deliver', lastError: 'boom', payload: { deliveryId } }),
    ]);

    const retried = await runCli(['jobs', 'retry', id], env);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id, attempts: 0 });

    const ran = await runCli(['jobs', 'run-once'], env);
    expect(ran.code).toBe(0);
    expect(JSON.parse((await runCli(['jobs', 'list'], env)).stdout)).toEqual([]);

    const missing = await runCli(['jobs', 'retry', id], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`Job ${id} does not exist`);
  });

  it('explains usage for an unknown command', async () => {
    const result = await runCli(['frobnicate'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain('Usage: pnpm ipay');
  });
});
