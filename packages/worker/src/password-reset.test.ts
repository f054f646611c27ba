import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@ipay/api';
import { createTestMerchant, createTestPlatform, http, type TestPlatform } from '@ipay/api/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';

interface SentEmail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

describe('password reset through the worker', () => {
  let platform: TestPlatform;
  const sent: SentEmail[] = [];
  const resend = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      sent.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SentEmail);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `re_${sent.length}` }));
    });
  });

  beforeAll(async () => {
    platform = await createTestPlatform({ env: { PUBLIC_URL: 'https://app.ipay.test' } });
    await new Promise<void>((resolve) => resend.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => resend.close(resolve));
    await platform.close();
  });

  const runQueue = () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PUBLIC_URL: 'https://app.ipay.test',
      IPAY_ENCRYPTION_KEY: platform.config.encryptionKey!.toString('base64'),
      RESEND_API_KEY: 're_test',
      RESEND_BASE_URL: `http://127.0.0.1:${(resend.address() as AddressInfo).port}`,
      EMAIL_FROM: 'IPAY <accounts@ipay.example>',
    });
    return runDueJobsOnce({
      db: platform.database.db,
      pool: platform.database.pool,
      logger: pino({ level: 'silent' }),
      config,
      encryptionKey: config.encryptionKey!,
      tasks: ['auth.send-password-reset', 'notifications.send-email'],
    });
  };

  it('mails a reset link (text and HTML) to a known address only, and the link sets a new password once', async () => {
    const merchant = await createTestMerchant(platform);
    const ask = (email: string) =>
      http(platform.baseUrl, 'POST', '/api/auth/password-reset/request', { body: { email } });
    expect((await ask(merchant.user.email)).status).toBe(202);
    expect((await ask('nobody-here@example.test')).status).toBe(202);
    await runQueue();
    await runQueue();

    expect(sent.map((mail) => mail.to)).toEqual([[merchant.user.email]]);
    const [mail] = sent;
    const token = /https:\/\/app\.ipay\.test\/password-reset\/([A-Za-z0-9_-]{43})/.exec(
      mail?.text ?? '',
    )?.[1];
    expect(token).toBeDefined();
    expect(mail?.html).toContain(`href="https://app.ipay.test/password-reset/${token}"`);

    const confirm = () =>
      http(platform.baseUrl, 'POST', '/api/auth/password-reset/confirm', {
        body: { token, newPassword: 'the new passphrase here' },
      });
    expect((await confirm()).status).toBe(200);
    expect((await confirm()).status).toBe(410);
    const login = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      body: { email: merchant.user.email, password: 'the new passphrase here' },
    });
    expect(login.status).toBe(200);
  });
});
