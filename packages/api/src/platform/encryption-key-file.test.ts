import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { loadEncryptionKey } from './encryption-key-file';

describe('encryption key', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ipay-key-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('generates a development key once in the data folder and shares it between processes', async () => {
    const config = loadConfig({ IPAY_DATA_DIR: dataDir });
    const [a, b] = await Promise.all([loadEncryptionKey(config), loadEncryptionKey(config)]);
    expect(a).toHaveLength(32);
    expect(b).toEqual(a);
    expect(await loadEncryptionKey(config)).toEqual(a);
    const file = path.join(dataDir, 'encryption-key');
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(a);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('uses IPAY_ENCRYPTION_KEY when it is set, without touching the data folder', async () => {
    const key = randomBytes(32);
    const config = loadConfig({
      IPAY_DATA_DIR: '/nonexistent-dir',
      IPAY_ENCRYPTION_KEY: key.toString('base64'),
    });
    expect(await loadEncryptionKey(config)).toEqual(key);
  });
});
