import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { openSecret, sealSecret } from '../../../platform/secret-box';
import { toTimestamp } from '../../../platform/time';
import { LOCKER_ERRORS } from '../errors';
import type { CreatedLockerSecret, LockerSecret } from '../schemas';

/** A rotation keeps the replaced secret verifying this long unless the operator names another time. */
const PREVIOUS_SECRET_VALID_HOURS = 24;
const MAX_ACTIVE_SECRETS = 2;

const activeNow = sql<boolean>`retired_at is null and (retires_at is null or retires_at > now())`;

function selectSecrets(db: DbExecutor) {
  return db
    .selectFrom('locker_carrier_secrets')
    .select([
      'id',
      'carrier_code',
      'secret_sealed',
      'created_at',
      'retires_at',
      'retired_at',
      activeNow.as('active'),
    ]);
}
type SecretRow = Awaited<ReturnType<ReturnType<typeof selectSecrets>['executeTakeFirstOrThrow']>>;

function secretRowToSecret(row: SecretRow): LockerSecret {
  return {
    id: row.id,
    carrier_code: row.carrier_code,
    created_at: toTimestamp(row.created_at),
    retires_at: row.retires_at ? toTimestamp(row.retires_at) : null,
    retired_at: row.retired_at ? toTimestamp(row.retired_at) : null,
    active: row.active,
  };
}

/** One carrier's secrets change one at a time, so two rotations at once cannot leave three active. */
async function lockCarrier(trx: DbTransaction, carrier: string): Promise<SecretRow[]> {
  await sql`select pg_advisory_xact_lock(hashtext(${`lockers.secrets:${carrier}`}))`.execute(trx);
  return selectSecrets(trx)
    .where('carrier_code', '=', carrier)
    .where(activeNow)
    .orderBy('created_at', 'desc')
    .execute();
}

async function insertSecret(
  trx: DbTransaction,
  request: { carrier: string; createdBy: string; encryptionKey: Buffer },
): Promise<CreatedLockerSecret> {
  const secret = `lsk_${randomBytes(32).toString('base64url')}`;
  const row = await trx
    .insertInto('locker_carrier_secrets')
    .values({
      carrier_code: request.carrier,
      secret_sealed: sealSecret(request.encryptionKey, secret),
      created_by: request.createdBy,
    })
    .returning([
      'id',
      'carrier_code',
      'secret_sealed',
      'created_at',
      'retires_at',
      'retired_at',
      sql<boolean>`true`.as('active'),
    ])
    .executeTakeFirstOrThrow();
  return { ...secretRowToSecret(row), secret };
}

/** A new signing secret for the carrier, shown once; refused while two are active (rotate instead). */
export async function createLockerSecret(
  trx: DbTransaction,
  request: { carrier: string; createdBy: string; encryptionKey: Buffer },
): Promise<CreatedLockerSecret> {
  const active = await lockCarrier(trx, request.carrier);
  if (active.length >= MAX_ACTIVE_SECRETS) {
    throw domainError(
      LOCKER_ERRORS,
      'locker_secret_limit',
      `${request.carrier} already has ${MAX_ACTIVE_SECRETS} active secrets; retire one or rotate.`,
    );
  }
  return insertSecret(trx, request);
}

/**
 * Rotation: a new secret verifies at once; the newest secret active until now keeps verifying until
 * `previousValidUntil` (default 24 hours), any older one stops now. So at most two are ever active.
 */
export async function rotateLockerSecret(
  trx: DbTransaction,
  request: { carrier: string; createdBy: string; encryptionKey: Buffer; previousValidUntil?: string },
): Promise<CreatedLockerSecret> {
  const [newest, ...older] = await lockCarrier(trx, request.carrier);
  if (newest) {
    const until = request.previousValidUntil
      ? sql<Date>`${request.previousValidUntil}::timestamptz`
      : sql<Date>`now() + make_interval(hours => ${PREVIOUS_SECRET_VALID_HOURS})`;
    await trx
      .updateTable('locker_carrier_secrets')
      .set({ retires_at: sql<Date>`least(coalesce(retires_at, ${until}), ${until})` })
      .where('id', '=', newest.id)
      .execute();
  }
  if (older.length) {
    await trx
      .updateTable('locker_carrier_secrets')
      .set({ retired_at: sql<Date>`now()` })
      .where(
        'id',
        'in',
        older.map((row) => row.id),
      )
      .execute();
  }
  return insertSecret(trx, request);
}

/** Stops a secret verifying now (the end of a rotation, or a leaked secret). Retiring twice is a no-op. */
export async function retireLockerSecret(
  trx: DbTransaction,
  request: { carrier: string; id: string },
): Promise<LockerSecret> {
  await lockCarrier(trx, request.carrier);
  const row = await trx
    .updateTable('locker_carrier_secrets')
    .set({ retired_at: sql<Date>`coalesce(retired_at, now())` })
    .where('id', '=', request.id)
    .where('carrier_code', '=', request.carrier)
    .returning([
      'id',
      'carrier_code',
      'secret_sealed',
      'created_at',
      'retires_at',
      'retired_at',
      sql<boolean>`false`.as('active'),
    ])
    .executeTakeFirst();
  if (!row)
    throw domainError(
      LOCKER_ERRORS,
      'locker_secret_unknown',
      `${request.carrier} has no secret ${request.id}.`,
    );
  return secretRowToSecret(row);
}

/** A carrier's secrets, newest first, without their values. */
export async function listLockerSecrets(db: DbExecutor, carrier: string): Promise<LockerSecret[]> {
  const rows = await selectSecrets(db)
    .where('carrier_code', '=', carrier)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(secretRowToSecret);
}

/** The secrets that verify calls now, opened: of one carrier, or of every carrier when none is named. */
export async function activeLockerSecrets(
  db: DbExecutor,
  request: { carrier?: string; encryptionKey: Buffer },
): Promise<Array<{ carrier: string; secret: string }>> {
  let query = selectSecrets(db).where(activeNow);
  if (request.carrier) query = query.where('carrier_code', '=', request.carrier);
  const rows = await query.orderBy('carrier_code').orderBy('created_at', 'desc').execute();
  return rows.map((row) => ({
    carrier: row.carrier_code,
    secret: openSecret(request.encryptionKey, row.secret_sealed),
  }));
}
