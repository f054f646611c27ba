import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Config, JwtKey } from '../../config';

const KeyFile = z.array(z.object({ kid: z.string().min(1), secret: z.string().min(32) })).min(1);

/**
 * The configured JWT keys, or, when none are configured (development), a key generated once and kept in the
 * data folder so tokens survive restarts and every local process shares it.
 */
export async function loadJwtKeys(config: Config): Promise<JwtKey[]> {
  if (config.jwtKeys.length) return config.jwtKeys;
  const file = path.join(config.dataDir, 'jwt-keys.json');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing) return KeyFile.parse(JSON.parse(existing));
  const keys: JwtKey[] = [
    { kid: `dev-${Date.now().toString(36)}`, secret: randomBytes(48).toString('base64url') },
  ];
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  return KeyFile.parse(JSON.parse(await readFile(file, 'utf8')));
}
