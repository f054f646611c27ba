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

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/PORT: .*; LOG_LEVEL: /);
  });
});
