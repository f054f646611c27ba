import { sql } from 'kysely';
import type { Db, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { sealSecret } from '../../../platform/secret-box';
import { toTimestamp } from '../../../platform/time';
import type { WebhookHeaders } from '../../integrations/service/webhook-verifiers';
import { recordDomainEvent } from '../../events/service';
import { findCarrierParcel, type CarrierParcel } from '../../payment-sessions/service/locker-parcel';
import { LOCKER_ERRORS } from '../errors';
import type { LockerCall, LockerCallReceipt, LockerCodeStatus } from '../schemas';
import { activeLockerSecrets } from './secrets';
import { parseSignatureHeader, signLockerBody, signedWith, withinWindow } from './signature';

type IssuedCall = Extract<LockerCall, { event_type: 'code_issued' }>;
type OutcomeCall = Exclude<LockerCall, IssuedCall>;

const refused = (why: string) =>
  domainError(LOCKER_ERRORS, 'locker_signature_invalid', `X-IPAY-Signature: ${why}; nothing was stored.`);

/**
 * Which carrier signed the exact bytes received: with a carrier named, only its active secrets; without, every
 * locker carrier's active secrets, each compared in constant time, and the one that verifies names the carrier.
 * Returns the carrier and the signature's canonical value (the HMAC we computed), the key for replays.
 */
async function verifyCall(
  db: Db,
  request: { carrier?: string; raw: Buffer; headers: WebhookHeaders; encryptionKey: Buffer },
): Promise<{ carrier: string; signature: string }> {
  const parsed = parseSignatureHeader(request.headers);
  if (!parsed) throw refused('missing or not t=<unix seconds>,v1=<64 hex digits>');
  if (!withinWindow(parsed)) throw refused('the timestamp is more than 5 minutes from now');
  const secrets = await activeLockerSecrets(db, {
    carrier: request.carrier,
    encryptionKey: request.encryptionKey,
  });
  let signer: { carrier: string; secret: string } | undefined;
  for (const candidate of secrets) {
    if (signedWith(parsed, request.raw, candidate.secret) && !signer) signer = candidate;
  }
  if (!signer) throw refused('no active secret of the carrier signed this body');
  const canonical = signLockerBody(signer.secret, parsed.timestamp, request.raw).toString('hex');
  return { carrier: signer.carrier, signature: `${signer.carrier}:${canonical}` };
}

async function parcelOf(trx: DbTransaction, carrier: string, call: LockerCall): Promise<CarrierParcel> {
  const parcel = await findCarrierParcel(trx, {
    carrier,
    trackingNumber: call.tracking_number,
    ipayReference: call.ipay_reference,
  });
  if (parcel) return parcel;
  const field = call.tracking_number !== undefined ? 'tracking_number' : 'ipay_reference';
  const message = `matches no ${carrier} order known to IPAY`;
  throw domainError(LOCKER_ERRORS, 'locker_parcel_unknown', `${field}: ${message}; nothing was stored.`, {
    errors: [{ field, message, code: 'not_found' }],
  });
}

function eventBase(code: {
  id: string;
  order_id: string;
  carrier_code: string;
  tracking_number: string | null;
  ipay_reference: string | null;
  locker_id: string;
  locker_name: string;
  status: LockerCodeStatus;
}) {
  return {
    lockerCodeId: code.id,
    orderId: code.order_id,
    carrierCode: code.carrier_code,
    trackingNumber: code.tracking_number,
    ipayReference: code.ipay_reference,
    lockerId: code.locker_id,
    lockerName: code.locker_name,
    status: code.status,
  };
}

async function issueCode(
  trx: DbTransaction,
  request: { carrier: string; call: IssuedCall; encryptionKey: Buffer },
): Promise<{ id: string; status: LockerCodeStatus }> {
  const { call } = request;
  if (Date.parse(call.expires_at) <= Date.parse(call.issued_at)) {
    throw AppError.validation('expires_at', 'must be after issued_at', 'too_small');
  }
  const parcel = await parcelOf(trx, request.carrier, call);
  const code = await trx
    .insertInto('locker_codes')
    .values({
      carrier_code: request.carrier,
      order_id: parcel.orderId,
      merchant_id: parcel.merchantId,
      tracking_number: parcel.trackingNumber,
      ipay_reference: parcel.ipayReference,
      locker_id: call.locker.id,
      locker_name: call.locker.name,
      compartment: call.compartment,
      code_sealed: sealSecret(request.encryptionKey, call.pickup_code),
      issued_at: call.issued_at,
      expires_at: call.expires_at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordDomainEvent(trx, {
    type: 'locker.code_issued',
    resourceType: 'locker_code',
    resourceId: code.id,
    organizationId: code.merchant_id,
    data: {
      ...eventBase(code),
      issuedAt: toTimestamp(code.issued_at),
      expiresAt: toTimestamp(code.expires_at),
    },
  });
  return code;
}

/** Collected or taken back: the order's latest code of this carrier moves on once; a final state stays final. */
async function concludeCode(
  trx: DbTransaction,
  request: { carrier: string; call: OutcomeCall },
): Promise<{ id: string; status: LockerCodeStatus }> {
  const parcel = await parcelOf(trx, request.carrier, request.call);
  const latest = await trx
    .selectFrom('locker_codes')
    .selectAll()
    .where('order_id', '=', parcel.orderId)
    .where('carrier_code', '=', request.carrier)
    .orderBy('issued_at', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (!latest) {
    throw domainError(
      LOCKER_ERRORS,
      'locker_code_unknown',
      'This parcel has no locker code; nothing was stored.',
    );
  }
  if (latest.status !== 'ISSUED') return latest;
  const at = request.call.occurred_at;
  const collected = request.call.event_type === 'collected';
  const code = await trx
    .updateTable('locker_codes')
    .set(collected ? { status: 'COLLECTED', collected_at: at } : { status: 'EXPIRED', expired_at: at })
    .where('id', '=', latest.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const base = {
    type: collected ? 'locker.collected' : 'locker.expired',
    resourceType: 'locker_code',
    resourceId: code.id,
    organizationId: code.merchant_id,
  } as const;
  if (base.type === 'locker.collected') {
    await recordDomainEvent(trx, {
      ...base,
      type: 'locker.collected',
      data: { ...eventBase(code), collectedAt: toTimestamp(new Date(at)) },
    });
  } else {
    await recordDomainEvent(trx, {
      ...base,
      type: 'locker.expired',
      data: { ...eventBase(code), expiredAt: toTimestamp(new Date(at)) },
    });
  }
  return code;
}

/**
 * A carrier's locker call: verified on the raw bytes before anything else (a failure stores nothing and is a
 * 401), a signature seen before refused as a replay, the carrier's event id recorded so a repeat is a no-op,
 * then the code issued, collected or expired in the same transaction as its event.
 */
export async function receiveLockerCall(
  db: Db,
  request: {
    carrier?: string;
    raw: Buffer;
    headers: WebhookHeaders;
    encryptionKey: Buffer;
    /** Reads the verified bytes as a call (the transport's parser: 400 naming the fields). */
    parseCall: (raw: Buffer) => LockerCall;
  },
): Promise<LockerCallReceipt> {
  const { carrier, signature } = await verifyCall(db, request);
  const call = request.parseCall(request.raw);
  return db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto('locker_seen_signatures')
      .values({ signature })
      .onConflict((oc) => oc.column('signature').doNothing())
      .returning('signature')
      .executeTakeFirst();
    if (!fresh) throw refused('this signed call was received before (a replay)');
    const event = await trx
      .insertInto('locker_events')
      .values({ carrier_code: carrier, event_id: call.event_id, event_type: call.event_type })
      .onConflict((oc) => oc.columns(['carrier_code', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!event) return duplicateReceipt(trx, carrier, call.event_id);
    const code =
      call.event_type === 'code_issued'
        ? await issueCode(trx, { carrier, call, encryptionKey: request.encryptionKey })
        : await concludeCode(trx, { carrier, call });
    await trx
      .updateTable('locker_events')
      .set({ locker_code_id: code.id })
      .where('carrier_code', '=', carrier)
      .where('event_id', '=', call.event_id)
      .execute();
    return { received: true, receipt: 'accepted', carrier, locker_code_id: code.id, status: code.status };
  });
}

async function duplicateReceipt(
  trx: DbTransaction,
  carrier: string,
  eventId: string,
): Promise<LockerCallReceipt> {
  const first = await trx
    .selectFrom('locker_events')
    .leftJoin('locker_codes', 'locker_codes.id', 'locker_events.locker_code_id')
    .select(['locker_codes.id', 'locker_codes.status'])
    .where('locker_events.carrier_code', '=', carrier)
    .where('locker_events.event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return { received: true, receipt: 'duplicate', carrier, locker_code_id: first.id, status: first.status };
}

/** Signatures older than the window can no longer pass the timestamp check: forgetting them is safe. */
export async function forgetOldSignatures(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('locker_seen_signatures')
    .where('seen_at', '<', sql<Date>`now() - interval '15 minutes'`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
