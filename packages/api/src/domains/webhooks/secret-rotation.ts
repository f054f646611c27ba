import { sql } from 'kysely';
import { openSecret } from '../../platform/secret-box';

/** After a rotation the old secret keeps signing this long (hours), so receivers can switch without a gap. */
const PREVIOUS_SECRET_VALID_HOURS = 24;

/** When a secret replaced now stops signing, by the database clock every process shares. */
export function previousSecretExpiry() {
  return sql<Date>`now() + make_interval(hours => ${PREVIOUS_SECRET_VALID_HOURS})`;
}

/** Whether the replaced secret in `expiresAtColumn` still signs, by the database clock. */
export function previousSecretValid(expiresAtColumn: string) {
  return sql<boolean>`coalesce(${sql.ref(expiresAtColumn)} > now(), false)`;
}

/** The sealed secrets that sign a message now, opened: the current one first, then the previous while valid. */
export function openSigningSecrets(
  encryptionKey: Buffer,
  sealed: { current: string; previous: string | null; previousValid: boolean },
): string[] {
  const current = openSecret(encryptionKey, sealed.current);
  if (!sealed.previous || !sealed.previousValid) return [current];
  return [current, openSecret(encryptionKey, sealed.previous)];
}
