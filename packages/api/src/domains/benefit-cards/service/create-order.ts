import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { BENEFIT_CARD_ERRORS } from '../errors';
import type { FieldError } from '../../../errors/problem';
import { enqueueJob } from '../../../jobs/enqueue';
import { requestFingerprint } from '../../../platform/idempotency';
import type { CreateOrderWithMemberInput, CreateOrderWithMemberOutput } from '../schemas';
import { generateActivationCode } from './activation-code';
import { moveBudget } from './budget';
import type { ScopedRequest } from './context';
import { recordCardEvent } from './card-events';
import { processOrder } from './process-order';

function created(orderId: number): CreateOrderWithMemberOutput {
  return { success: true, statusText: 'Ok', statusCode: null, id: orderId, dependantId: null };
}

function invalid(errors: FieldError[]): AppError {
  return new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
    errors,
  });
}

function findProgram(db: DbExecutor, organizationId: string, code: string) {
  return db
    .selectFrom('benefit_programs')
    .select(['id', 'delivery_channel', 'external_id_required', 'currency', 'active'])
    .where('organization_id', '=', organizationId)
    .where('code', '=', code)
    .executeTakeFirst();
}

/** The products of an order, checked against the program: known, in the program, one card provider. */
async function orderedProducts(db: DbExecutor, programId: string, productCode: string) {
  const codes = productCode
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  if (!codes.length) throw invalid([{ field: 'productCode', message: 'names no product', code: 'required' }]);
  if (new Set(codes).size !== codes.length) {
    throw invalid([{ field: 'productCode', message: 'names a product twice', code: 'duplicate' }]);
  }
  const products = await db
    .selectFrom('benefit_products')
    .leftJoin('benefit_program_products', (join) =>
      join
        .onRef('benefit_program_products.product_id', '=', 'benefit_products.id')
        .on('benefit_program_products.program_id', '=', programId),
    )
    .select([
      'benefit_products.id',
      'benefit_products.code',
      'benefit_products.card_provider',
      'benefit_products.face_value_minor',
      'benefit_products.currency',
      'benefit_program_products.program_id',
    ])
    .where('benefit_products.code', 'in', codes)
    .execute();
  const unknown = codes.filter((code) => !products.some((p) => p.code === code));
  if (unknown.length) {
    throw invalid([
      { field: 'productCode', message: `unknown product code ${unknown.join(', ')}`, code: 'not_found' },
    ]);
  }
  const outside = products.filter((p) => !p.program_id).map((p) => p.code);
  if (outside.length) {
    throw invalid([
      {
        field: 'productCode',
        message: `${outside.join(', ')} is not in this program`,
        code: 'not_in_program',
      },
    ]);
  }
  if (new Set(products.map((p) => p.card_provider)).size > 1) {
    throw invalid([
      {
        field: 'productCode',
        message: 'products of one order must come from the same card provider',
        code: 'mixed_card_providers',
      },
    ]);
  }
  // In the order they were asked for, so cards follow the sponsor's list.
  return codes.map((code) => products.find((p) => p.code === code)!);
}

async function findByExternalTransactionId(
  db: DbExecutor,
  organizationId: string,
  externalTransactionId: string,
) {
  return db
    .selectFrom('benefit_orders')
    .select(['id', 'create_fingerprint'])
    .where('organization_id', '=', organizationId)
    .where('external_transaction_id', '=', externalTransactionId)
    .executeTakeFirst();
}

/**
 * The answer to a request whose externalTransactionId already has an order: the same request again is a
 * replay and gets that order; a different one (another member, product, date…) is refused, since answering
 * success would tell the sponsor a card was issued that never was. Orders from before fingerprints were kept
 * have none to compare with and replay as they always did.
 */
function replayOrConflict(
  existing: { id: number; create_fingerprint: string | null },
  request: { externalTransactionId: string; fingerprint: string },
): CreateOrderWithMemberOutput {
  const orderId = existing.id;
  if (existing.create_fingerprint === null || existing.create_fingerprint === request.fingerprint) {
    return created(orderId);
  }
  throw domainError(
    BENEFIT_CARD_ERRORS,
    'external_transaction_id_conflict',
    `externalTransactionId ${request.externalTransactionId} already belongs to order ${orderId}, created from a different request; nothing was issued. Send a new externalTransactionId for a new order.`,
    {
      errors: [
        {
          field: 'externalTransactionId',
          message: `is already used by order ${orderId} with a different request`,
          code: 'already_exists',
        },
      ],
    },
  );
}

/** Members are the same person by (organization, externalId) when given, else by e-mail; opt-ins are kept current. */
async function upsertMember(trx: DbTransaction, organizationId: string, input: CreateOrderWithMemberInput) {
  const changes = {
    email: input.email.toLowerCase(),
    first_name: input.firstName,
    last_name: input.lastName,
    phone_country_code: input.phoneCountryCode,
    phone: input.phone,
    opt_in_notification: input.optInNotification,
    opt_in_sms_or_email: input.optInForSMSOrEmail,
  };
  const values = { ...changes, organization_id: organizationId, external_id: input.externalId ?? null };
  const update = { ...changes, updated_at: sql<Date>`now()` };
  const row = await trx
    .insertInto('benefit_members')
    .values(values)
    .onConflict((oc) =>
      input.externalId
        ? oc
            .columns(['organization_id', 'external_id'])
            .where('external_id', 'is not', null)
            .doUpdateSet(update)
        : oc.columns(['organization_id', 'email']).where('external_id', 'is', null).doUpdateSet(update),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The iQpay CreateOrderWithMember: validates against the program, upserts the member, issues one card per
 * product (debiting the program budget per card, all or nothing), and delivers now or at `processingDate`.
 * The same request again under its `externalTransactionId` returns the first order and issues nothing; a
 * different request under it is a 409.
 */
export async function createOrderWithMember(
  trx: DbTransaction,
  request: ScopedRequest & { input: CreateOrderWithMemberInput; now?: Date },
): Promise<CreateOrderWithMemberOutput> {
  const { actor, input } = request;
  if (actor.organizationType !== 'sponsor') {
    throw new AppError('forbidden', 'Orders are created by sponsor users, for their own organization.');
  }
  const organizationId = actor.organizationId;
  const program = await findProgram(trx, organizationId, input.programCode);
  if (!program) {
    throw invalid([
      { field: 'programCode', message: 'is not a program of your organization', code: 'not_found' },
    ]);
  }
  const errors: FieldError[] = [];
  if (program.external_id_required && !input.externalId) {
    errors.push({ field: 'externalId', message: 'is required by this program', code: 'required' });
  }
  if (program.delivery_channel === 'webhook' && !input.externalTransactionId) {
    errors.push({
      field: 'externalTransactionId',
      message: 'is required for programs that deliver by webhook',
      code: 'required',
    });
  }
  if (errors.length) throw invalid(errors);
  const products = await orderedProducts(trx, program.id, input.productCode);

  // Key order and defaults do not matter: the parsed input is digested in a canonical form.
  const fingerprint = requestFingerprint('benefit-cards.create-order', input);
  const { externalTransactionId } = input;
  if (externalTransactionId) {
    const existing = await findByExternalTransactionId(trx, organizationId, externalTransactionId);
    if (existing) return replayOrConflict(existing, { externalTransactionId, fingerprint });
  }
  // After the replay above: an order created before the program was archived is still answered as before.
  if (!program.active) {
    throw domainError(
      BENEFIT_CARD_ERRORS,
      'program_archived',
      `Program ${input.programCode} is archived and takes no new orders; nothing was issued.`,
      { errors: [{ field: 'programCode', message: 'is archived', code: 'program_archived' }] },
    );
  }

  const memberId = await upsertMember(trx, organizationId, input);
  const processingDate = input.processingDate ? new Date(input.processingDate) : null;
  const order = await trx
    .insertInto('benefit_orders')
    .values({
      organization_id: organizationId,
      program_id: program.id,
      member_id: memberId,
      product_codes: products.map((p) => p.code),
      external_transaction_id: input.externalTransactionId ?? null,
      status: 'scheduled',
      processing_date: processingDate,
      total_minor: products.reduce((sum, p) => sum + Number(p.face_value_minor), 0),
      currency: program.currency,
      created_by: actor.userId,
      create_fingerprint: fingerprint,
    })
    .onConflict((oc) =>
      oc
        .columns(['organization_id', 'external_transaction_id'])
        .where('external_transaction_id', 'is not', null)
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  // A concurrent request with the same externalTransactionId committed first: answer as if it had been first.
  if (!order) {
    const existing = await findByExternalTransactionId(trx, organizationId, externalTransactionId ?? '');
    if (!existing) throw new Error('an order conflicted on externalTransactionId but none holds it');
    return replayOrConflict(existing, { externalTransactionId: externalTransactionId ?? '', fingerprint });
  }
  const orderId = Number(order.id);

  for (const product of products) {
    const card = await trx
      .insertInto('benefit_cards')
      .values({
        order_id: orderId,
        organization_id: organizationId,
        member_id: memberId,
        product_id: product.id,
        activation_code: generateActivationCode(),
        status: 'pending_activation',
        face_value_minor: product.face_value_minor,
        currency: product.currency,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await moveBudget(trx, {
      programId: program.id,
      kind: 'card_issued',
      amountMinor: -Number(product.face_value_minor),
      orderId,
      cardId: card.id,
      actorUserId: actor.userId,
    });
    await recordCardEvent(trx, {
      cardId: card.id,
      type: 'issued',
      detail: product.code,
      actorUserId: actor.userId,
    });
  }

  const now = request.now ?? new Date();
  if (!processingDate || processingDate <= now) {
    await processOrder(trx, orderId);
  } else {
    await enqueueJob(
      trx,
      'benefit-cards.process-order',
      { orderId },
      { runAt: processingDate, jobKey: processJobKey(orderId) },
    );
  }
  return created(orderId);
}

export function processJobKey(orderId: number): string {
  return `benefit-order:${orderId}`;
}
