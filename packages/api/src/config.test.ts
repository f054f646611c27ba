import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to a local development setup', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      jwtKeys: [],
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('treats empty values from a .env file as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '', CORS_ORIGINS: '' })).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
      corsOrigins: [],
    });
  });

  it('parses JWT key lists and refuses short secrets', () => {
    const keys = loadConfig({ JWT_KEYS: `new:${'a'.repeat(32)}, old:${'b'.repeat(40)}` }).jwtKeys;
    expect(keys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(() => loadConfig({ JWT_KEYS: 'k:short' })).toThrow(ConfigError);
  });

  it('requires JWT_KEYS in production and both admin variables or neither', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('JWT_KEYS is required in production');
    expect(() => loadConfig({ IPAY_ADMIN_EMAIL: 'a@b.co' })).toThrow(
      'IPAY_ADMIN_EMAIL and IPAY_ADMIN_PASSWORD',
    );
  });

  it('requires a 32-byte IPAY_ENCRYPTION_KEY in production and refuses a malformed one anywhere', () => {
    const jwt = `k:${'a'.repeat(32)}`;
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_KEYS: jwt })).toThrow(
      'IPAY_ENCRYPTION_KEY is required in production',
    );
    const key = Buffer.alloc(32, 9).toString('base64');
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_KEYS: jwt, IPAY_ENCRYPTION_KEY: key }).encryptionKey,
    ).toEqual(Buffer.alloc(32, 9));
    expect(() => loadConfig({ IPAY_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      '32 random bytes',
    );
    expect(() => loadConfig({ IPAY_ENCRYPTION_KEY: `${key.slice(0, -2)}!!` })).toThrow('32 random bytes');
    expect(loadConfig({}).encryptionKey).toBeUndefined();
  });

  it('refuses private webhook URLs unless told otherwise, and keeps e-mail in the outbox without Resend', () => {
    const defaults = loadConfig({});
    expect(defaults.webhooks.allowPrivateUrls).toBe(false);
    expect(defaults.email.resend).toBeUndefined();
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }).webhooks.allowPrivateUrls).toBe(true);
    expect(() => loadConfig({ RESEND_API_KEY: 're_123' })).toThrow('EMAIL_FROM is required');
    expect(loadConfig({ RESEND_API_KEY: 're_123', EMAIL_FROM: 'IPAY <a@b.co>' }).email).toEqual({
      from: 'IPAY <a@b.co>',
      resend: { apiKey: 're_123', baseUrl: 'https://api.resend.com' },
    });
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/PORT: .*; LOG_LEVEL: /);
  });
});
