import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { fetchPage, type Page } from '../../../platform/pagination';
import type { PageInput } from '../../../platform/pagination-schemas';
import { scopeFilter } from '../../../platform/data-scope';
import { sealSecret } from '../../../platform/secret-box';
import { toTimestamp } from '../../../platform/time';
import { createUser } from '../../auth/service';
import { generateSigningSecret, previousSecretExpiry } from '../../webhooks/service/outbound';
import { checkEndpointUrl, type WebhookSettings } from '../../webhooks/service/settings';
import type {
  CreateProductInput,
  CreateProgramInput,
  CreateSponsorUserInput,
  ListProgramsInput,
  Product,
  Program,
  ProgramWithSecret,
  SponsorUser,
} from '../schemas';
import type { DeliveryChannel } from '../schemas';
import { assertOperator, type ScopedRequest } from './context';

async function assertSponsor(db: DbExecutor, organizationId: string): Promise<void> {
  const organization = await db
    .selectFrom('organizations')
    .select('type')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  if (organization?.type !== 'sponsor') {
    throw AppError.validation('organizationId', 'is not a sponsor organization', 'not_found');
  }
}

export async function createSponsorUser(
  trx: DbTransaction,
  request: ScopedRequest & { input: CreateSponsorUserInput },
): Promise<SponsorUser> {
  assertOperator(request.scope, 'Creating sponsor users');
  const { input } = request;
  await assertSponsor(trx, input.organizationId);
  const userId = await createUser(trx, {
    organizationId: input.organizationId,
    username: input.username,
    email: input.email,
    name: input.name,
    password: input.password,
    roleKey: input.role,
    createdBy: request.actor.userId,
  });
  return {
    id: userId,
    organizationId: input.organizationId,
    username: input.username,
    email: input.email,
    name: input.name,
    role: input.role,
  };
}

type ProductRow = {
  id: string;
  code: string;
  name: string;
  category: string;
  card_provider: string;
  face_value_minor: number;
  currency: string;
  card_validity_days: number | null;
  created_at: Date;
};

export function productRowToProduct(row: ProductRow): Product {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    category: row.category,
    cardProvider: row.card_provider,
    faceValueMinor: Number(row.face_value_minor),
    currency: row.currency,
    cardValidityDays: row.card_validity_days,
    createdAt: toTimestamp(row.created_at),
  };
}

export async function createProduct(
  trx: DbTransaction,
  request: ScopedRequest & { input: CreateProductInput },
): Promise<Product> {
  assertOperator(request.scope, 'Creating products');
  const { input } = request;
  const row = await trx
    .insertInto('benefit_products')
    .values({
      code: input.code,
      name: input.name,
      category: input.category,
      card_provider: input.cardProvider,
      face_value_minor: input.faceValueMinor,
      currency: input.currency,
      card_validity_days: input.cardValidityDays ?? null,
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    throw new AppError('conflict', `Product code ${input.code} is already used.`, {
      errors: [{ field: 'code', message: 'is already used', code: 'already_exists' }],
    });
  }
  return productRowToProduct(row);
}

export async function listProducts(db: DbExecutor, page: PageInput): Promise<Page<Product>> {
  const result = await fetchPage(db.selectFrom('benefit_products').selectAll(), page, {
    orderBy: ['benefit_products.code'],
  });
  return { ...result, items: result.items.map(productRowToProduct) };
}

type ProgramRow = {
  id: string;
  organization_id: string;
  code: string;
  name: string;
  delivery_channel: string;
  webhook_url: string | null;
  external_id_required: boolean;
  active: boolean;
  currency: string;
  budget_balance_minor: number;
  created_at: Date;
};

async function productCodesOf(db: DbExecutor, programIds: string[]): Promise<Map<string, string[]>> {
  const byProgram = new Map<string, string[]>(programIds.map((id) => [id, []]));
  if (!programIds.length) return byProgram;
  const rows = await db
    .selectFrom('benefit_program_products')
    .innerJoin('benefit_products', 'benefit_products.id', 'benefit_program_products.product_id')
    .select(['benefit_program_products.program_id', 'benefit_products.code'])
    .where('benefit_program_products.program_id', 'in', programIds)
    .orderBy('benefit_products.code')
    .execute();
  for (const row of rows) byProgram.get(row.program_id)?.push(row.code);
  return byProgram;
}

function programRowToProgram(row: ProgramRow, productCodes: string[]): Program {
  return {
    id: row.id,
    organizationId: row.organization_id,
    code: row.code,
    name: row.name,
    productCodes,
    deliveryChannel: row.delivery_channel as DeliveryChannel,
    webhookUrl: row.webhook_url,
    externalIdRequired: row.external_id_required,
    active: row.active,
    budget: { balanceMinor: Number(row.budget_balance_minor), currency: row.currency },
    createdAt: toTimestamp(row.created_at),
  };
}

const programColumns = [
  'benefit_programs.id',
  'benefit_programs.organization_id',
  'benefit_programs.code',
  'benefit_programs.name',
  'benefit_programs.delivery_channel',
  'benefit_programs.webhook_url',
  'benefit_programs.external_id_required',
  'benefit_programs.active',
  'benefit_programs.currency',
  'benefit_programs.budget_balance_minor',
  'benefit_programs.created_at',
] as const;

/** A program the caller may see, or a 404 (another sponsor's program does not exist for them). */
export async function getProgram(
  db: DbExecutor,
  request: ScopedRequest & { programId: string },
): Promise<Program> {
  const row = await db
    .selectFrom('benefit_programs')
    .select(programColumns)
    .where('id', '=', request.programId)
    .where(scopeFilter(request.scope, request.actor, { organization: 'benefit_programs.organization_id' }))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Program ${request.programId} does not exist.`);
  return programRowToProgram(row, (await productCodesOf(db, [row.id])).get(row.id) ?? []);
}

/** A program's webhook URL must reach the public internet like any webhook endpoint's: a 400 naming `webhookUrl`. */
export async function checkProgramWebhookUrl(url: string, settings: WebhookSettings): Promise<void> {
  try {
    await checkEndpointUrl(url, settings);
  } catch (error) {
    if (error instanceof AppError && error.errors?.[0]) {
      throw AppError.validation('webhookUrl', error.errors[0].message, error.errors[0].code);
    }
    throw error;
  }
}

/**
 * The products a program lists: each must exist and be in the program's budget currency, else a 400 naming
 * `productCodes`. Card providers may differ within a program: one provider per order is checked when ordering.
 */
export async function programProducts(
  db: DbExecutor,
  productCodes: string[],
  currency: string,
): Promise<Array<{ id: string; code: string }>> {
  const codes = [...new Set(productCodes)];
  const products = await db
    .selectFrom('benefit_products')
    .select(['id', 'code', 'currency'])
    .where('code', 'in', codes)
    .execute();
  const unknown = codes.filter((code) => !products.some((p) => p.code === code));
  if (unknown.length) {
    throw AppError.validation('productCodes', `unknown product codes: ${unknown.join(', ')}`, 'not_found');
  }
  const otherCurrency = products.find((p) => p.currency !== currency);
  if (otherCurrency) {
    throw AppError.validation(
      'productCodes',
      `${otherCurrency.code} is in ${otherCurrency.currency}, the program budget in ${currency}`,
      'currency_mismatch',
    );
  }
  return products;
}

/**
 * Creates a program with its products. A webhook program gets a signing secret, sealed at rest and shown
 * in this response only; its URL must reach the public internet like any webhook endpoint's.
 */
export async function createProgram(
  trx: DbTransaction,
  request: ScopedRequest & {
    input: CreateProgramInput;
    settings: { encryptionKey: Buffer; allowPrivateUrls: boolean };
  },
): Promise<ProgramWithSecret> {
  assertOperator(request.scope, 'Creating programs');
  const { input, settings } = request;
  await assertSponsor(trx, input.organizationId);
  if (input.deliveryChannel === 'webhook' && !input.webhookUrl) {
    throw AppError.validation('webhookUrl', 'is required for the webhook delivery channel', 'required');
  }
  if (input.webhookUrl) await checkProgramWebhookUrl(input.webhookUrl, settings);
  const products = await programProducts(trx, input.productCodes, input.currency);
  const secret = input.deliveryChannel === 'webhook' ? generateSigningSecret() : null;
  const row = await trx
    .insertInto('benefit_programs')
    .values({
      organization_id: input.organizationId,
      code: input.code,
      name: input.name,
      delivery_channel: input.deliveryChannel,
      webhook_url: input.webhookUrl ?? null,
      webhook_secret_encrypted: secret ? sealSecret(settings.encryptionKey, secret) : null,
      external_id_required: input.externalIdRequired,
      currency: input.currency,
    })
    .onConflict((oc) => oc.columns(['organization_id', 'code']).doNothing())
    .returning([
      'id',
      'organization_id',
      'code',
      'name',
      'delivery_channel',
      'webhook_url',
      'external_id_required',
      'active',
      'currency',
      'budget_balance_minor',
      'created_at',
    ])
    .executeTakeFirst();
  if (!row) {
    throw new AppError('conflict', `This sponsor already has a program ${input.code}.`, {
      errors: [{ field: 'code', message: 'is already used by this sponsor', code: 'already_exists' }],
    });
  }
  const program = row;
  await trx
    .insertInto('benefit_program_products')
    .values(products.map((p) => ({ program_id: program.id, product_id: p.id })))
    .execute();
  return {
    ...programRowToProgram(program, products.map((p) => p.code).sort()),
    webhookSecret: secret,
  };
}

/**
 * Issues a webhook program a new signing secret, returned in this response only. The previous one keeps
 * signing beside it for 24 hours (a second signature in `webhook-signature`), so the sponsor's receiver can
 * switch without refusing a card in between; a second rotation within that time drops the oldest at once.
 */
export async function rotateProgramWebhookSecret(
  trx: DbTransaction,
  request: ScopedRequest & { programId: string; settings: { encryptionKey: Buffer } },
): Promise<ProgramWithSecret> {
  assertOperator(request.scope, 'Rotating a program secret');
  const before = await trx
    .selectFrom('benefit_programs')
    .select(['id', 'delivery_channel', 'webhook_secret_encrypted'])
    .where('id', '=', request.programId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw new AppError('not_found', `Program ${request.programId} does not exist.`);
  if (before.delivery_channel !== 'webhook' || !before.webhook_secret_encrypted) {
    throw new AppError(
      'conflict',
      `Program ${before.id} delivers by ${before.delivery_channel}; only webhook programs have a signing secret.`,
    );
  }
  const secret = generateSigningSecret();
  await trx
    .updateTable('benefit_programs')
    .set({
      webhook_secret_encrypted: sealSecret(request.settings.encryptionKey, secret),
      previous_webhook_secret_encrypted: before.webhook_secret_encrypted,
      previous_webhook_secret_expires_at: previousSecretExpiry(),
    })
    .where('id', '=', before.id)
    .execute();
  return { ...(await getProgram(trx, { ...request, programId: before.id })), webhookSecret: secret };
}

export async function listPrograms(
  db: DbExecutor,
  request: ScopedRequest & { input: ListProgramsInput },
): Promise<Page<Program>> {
  let query = db
    .selectFrom('benefit_programs')
    .select(programColumns)
    .where(scopeFilter(request.scope, request.actor, { organization: 'benefit_programs.organization_id' }));
  if (request.input.organizationId) {
    query = query.where('benefit_programs.organization_id', '=', request.input.organizationId);
  }
  const page = await fetchPage(query, request.input, {
    orderBy: ['benefit_programs.created_at', 'benefit_programs.id'],
  });
  const codes = await productCodesOf(
    db,
    page.items.map((row) => row.id),
  );
  return { ...page, items: page.items.map((row) => programRowToProgram(row, codes.get(row.id) ?? [])) };
}
