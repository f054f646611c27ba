import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';

const KEY_BYTES = 32;

function decode(value: string, source: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${source} must be ${KEY_BYTES} bytes, base64-encoded`);
  return key;
}

/**
 * The platform's master secret (IPAY_ENCRYPTION_KEY), from which purpose-bound keys are derived. Without one
 * (development), a key is generated once and kept in the data folder, so restarts and sibling processes agree.
 */
export async function loadMasterKey(config: Config): Promise<Buffer> {
  if (config.encryptionKey) return decode(config.encryptionKey, 'IPAY_ENCRYPTION_KEY');
  const file = path.join(config.dataDir, 'encryption-key');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing) return decode(existing, file);
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  return decode(await readFile(file, 'utf8'), file);
}

/** A key for one purpose only (HKDF-SHA256), so no two features ever share key material. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `ipay:${purpose}`, KEY_BYTES));
}
