import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';

function decode(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

/**
 * The configured IPAY_ENCRYPTION_KEY, or, when none is configured (development and tests; production refuses
 * to start without one), a key generated once and kept in the data folder so every local process shares it
 * and secrets stay readable across restarts.
 */
export async function loadEncryptionKey(config: Config): Promise<Buffer> {
  if (config.encryptionKey) return config.encryptionKey;
  const file = path.join(config.dataDir, 'encryption-key');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing) return decode(existing, file);
  await mkdir(config.dataDir, { recursive: true });
  // Written aside, then linked into place: another process starting at the same moment sees either no
  // file or a complete one, and the first link wins.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    await link(draft, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(draft);
  }
  return decode(await readFile(file, 'utf8'), file);
}
