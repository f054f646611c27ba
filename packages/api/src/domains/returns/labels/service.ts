import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Database, Db, DbExecutor } from '@ipay/db';
import type { Config } from '../../../config';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import type { DataScope } from '../../rbac/catalogue';
import { scopeFilter, type ScopedActor } from '../../../platform/data-scope';
import { toTimestamp } from '../../../platform/time';
import { RETURNS_ERRORS } from '../errors';
import { RETURN_LABEL_ERRORS } from './errors';
import { loadReturnCase, lockReturnCase } from '../service/load-case';
import { transitionReturn } from '../service/transitions';
import { openReturnToken, returnTokenHash } from '../service/token';
import { createSendcloudClient, type SendcloudClientOptions } from '../sendcloud/client';
import { SendcloudError, sendcloudNotConfigured, toSendcloudProblem } from '../sendcloud/errors';
import { composeLabel } from './overlay';
import type { CreateLabelInput, ReturnLabelOutput } from './schemas';
import { sendcloudReturnRequest } from './sendcloud-request';
import { nextExternalReference, withdrawAnnouncement } from './withdraw-label';

export interface LabelDeps {
  config: Pick<Config, 'publicUrl' | 'sendcloud'>;
  /** Opens the case's sealed portal token, for the QR. */
  encryptionKey: Buffer;
  /** Tests shorten the back-off. */
  sendcloudOptions?: SendcloudClientOptions;
}

const LABEL_COLUMNS = [
  'return_id',
  'sendcloud_return_id',
  'sendcloud_parcel_id',
  'shipping_option_code',
  'paper_size',
  'tracking_number',
  'carrier_code',
  'sha256',
  'pdf',
  'composed_at',
] as const;
type LabelRow = Pick<Selectable<Database['return_labels']>, (typeof LABEL_COLUMNS)[number]>;

async function findLabel(db: DbExecutor, returnId: string): Promise<LabelRow | undefined> {
  return db
    .selectFrom('return_labels')
    .select(LABEL_COLUMNS)
    .where('return_id', '=', returnId)
    .executeTakeFirst();
}

function labelPath(token: string): string {
  return `/api/returns/${encodeURIComponent(token)}/label`;
}

function labelOutput(label: LabelRow, status: string, token: string): ReturnLabelOutput {
  return {
    returnId: label.return_id,
    status,
    sendcloudReturnId: label.sendcloud_return_id,
    sendcloudParcelId: label.sendcloud_parcel_id,
    trackingNumber: label.tracking_number,
    carrierCode: label.carrier_code,
    paperSize: label.paper_size,
    sha256: label.sha256 ?? '',
    sizeBytes: label.pdf?.length ?? 0,
    labelPath: labelPath(token),
    createdAt: toTimestamp(label.composed_at ?? new Date(0)),
  };
}

/** Sendcloud's failures become problems here, so the caller gets a 422 or 503 instead of a 500. */
async function sendcloudCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SendcloudError) throw toSendcloudProblem(error);
    throw error;
  }
}

/**
 * The return label of an APPROVED case: announced with Sendcloud (validated first, so a bad address costs
 * nothing), its PDF fetched and composed with the IPAY overlay, stored with its SHA-256, and the case moved to
 * LABEL_CREATED. Idempotent: a case that has its label gets the same one back. The announcement is committed
 * before the PDF is fetched, so a retry after a failed download reuses it instead of booking a second return; a
 * label that is not a PDF withdraws the announcement (cancelled at Sendcloud) and leaves the case APPROVED.
 */
export async function createReturnLabel(
  db: Db,
  deps: LabelDeps,
  options: { actor: ScopedActor; scope: DataScope; input: CreateLabelInput },
): Promise<ReturnLabelOutput> {
  const { actor, scope, input } = options;
  const visible = await db
    .selectFrom('return_cases')
    .select(['id', 'status', 'token_sealed'])
    .where('id', '=', input.returnId)
    .where(scopeFilter(scope, actor, { organization: 'return_cases.organization_id' }))
    .executeTakeFirst();
  if (!visible) throw domainError(RETURNS_ERRORS, 'return_not_found', `No return case ${input.returnId}.`);
  const token = openReturnToken(deps.encryptionKey, visible.token_sealed);
  const existing = await findLabel(db, visible.id);
  if (existing?.pdf) return labelOutput(existing, visible.status, token);
  if (!deps.config.sendcloud) throw sendcloudNotConfigured();
  const client = createSendcloudClient(deps.config.sendcloud, deps.sendcloudOptions);

  const announced = existing ?? (await announce(db, client, visible.id, actor, input));
  const [details, carrierPdf] = await Promise.all([
    client.getReturn(announced.sendcloud_return_id),
    client.fetchLabelPdf(announced.sendcloud_parcel_id, announced.paper_size),
  ]).catch(async (error: unknown) => {
    if (!(error instanceof SendcloudError)) throw error;
    if (error.failure !== 'label_not_pdf') throw toSendcloudProblem(error);
    throw await withdrawAnnouncement(db, client, { returnId: visible.id, announced, cause: error });
  });
  const composed = await composeLabel(carrierPdf, `${deps.config.publicUrl}/returns/${token}`);
  const trackingNumber = details.tracking_number ?? null;
  const optionCode =
    details.shipping_option?.code ?? details.shipping_product?.code ?? input.shippingOptionCode;
  const carrierCode = optionCode.split(':')[0] ?? null;

  return db.transaction().execute(async (trx) => {
    await lockReturnCase(trx, visible.id);
    const settled = await findLabel(trx, visible.id);
    if (settled?.pdf) {
      const row = await trx
        .selectFrom('return_cases')
        .select('status')
        .where('id', '=', visible.id)
        .executeTakeFirstOrThrow();
      return labelOutput(settled, row.status, token);
    }
    const label = await trx
      .updateTable('return_labels')
      .set({
        pdf: composed.pdf,
        sha256: createHash('sha256').update(composed.pdf).digest('hex'),
        tracking_number: trackingNumber,
        carrier_code: carrierCode,
        composed_at: new Date(),
      })
      .where('return_id', '=', visible.id)
      .returning(LABEL_COLUMNS)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('return_cases')
      .set({
        sendcloud_parcel_id: announced.sendcloud_parcel_id,
        tracking_number: trackingNumber,
        carrier_code: carrierCode,
        updated_at: new Date(),
      })
      .where('id', '=', visible.id)
      .execute();
    const moved = await transitionReturn(trx, {
      returnId: visible.id,
      to: 'LABEL_CREATED',
      occurredAt: new Date(),
      source: scope === 'all' ? 'operator' : 'merchant',
      actorId: actor.userId,
    });
    return labelOutput(label, moved.status, token);
  });
}

/** Validate, then announce, with the case locked: two calls at once announce once. */
async function announce(
  db: Db,
  client: ReturnType<typeof createSendcloudClient>,
  returnId: string,
  actor: ScopedActor,
  input: CreateLabelInput,
): Promise<LabelRow> {
  return db.transaction().execute(async (trx) => {
    const row = await lockReturnCase(trx, returnId);
    const raced = await findLabel(trx, returnId);
    if (raced) return raced;
    if (row?.status !== 'APPROVED') {
      throw domainError(
        RETURN_LABEL_ERRORS,
        'return_label_not_allowed',
        `A label is made for an APPROVED return; this one is ${row?.status ?? 'gone'}.`,
      );
    }
    const loaded = await loadReturnCase(trx, returnId);
    if (!loaded.merchantAddress) {
      throw domainError(
        RETURN_LABEL_ERRORS,
        'return_address_missing',
        'The merchant has no return address: set it in the return settings first.',
      );
    }
    const weightGrams = input.weightGrams ?? loaded.parcel.weightGrams;
    if (!weightGrams) {
      throw new AppError('validation_failed', 'weightGrams: the order has no parcel weight; give one', {
        errors: [{ field: 'weightGrams', message: 'required: the order has no parcel weight' }],
      });
    }
    const request = sendcloudReturnRequest(loaded, loaded.merchantAddress, {
      shippingOptionCode: input.shippingOptionCode,
      contract: input.contract,
      weightGrams,
      externalReference: await nextExternalReference(trx, returnId),
    });
    await sendcloudCall(() => client.validateReturn(request));
    const announced = await sendcloudCall(() => client.announceReturn(request));
    return trx
      .insertInto('return_labels')
      .values({
        return_id: returnId,
        sendcloud_return_id: announced.return_id,
        sendcloud_parcel_id: announced.parcel_id,
        shipping_option_code: input.shippingOptionCode,
        paper_size: input.paperSize,
        created_by: actor.userId,
      })
      .returning(LABEL_COLUMNS)
      .executeTakeFirstOrThrow();
  });
}

/** The composite label by the portal token (the token is the consumer's credential); 404 until it exists. */
export async function getPortalLabel(
  db: DbExecutor,
  token: string,
): Promise<{ pdf: Buffer; sha256: string; fileName: string }> {
  const label = await db
    .selectFrom('return_cases')
    .innerJoin('return_labels', 'return_labels.return_id', 'return_cases.id')
    .select(['return_labels.pdf', 'return_labels.sha256', 'return_cases.merchant_reference'])
    .where('return_cases.token_hash', '=', returnTokenHash(token))
    .executeTakeFirst();
  if (!label?.pdf || !label.sha256) {
    throw new AppError('not_found', 'No return label for this return yet.', {
      code: 'return_label_not_found',
    });
  }
  const reference = label.merchant_reference.replace(/[^\w-]/g, '_').slice(0, 60);
  return { pdf: label.pdf, sha256: label.sha256, fileName: `return-label-${reference}.pdf` };
}
