import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { scopeFilter } from '../../../platform/data-scope';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { BenefitOrder, Card, ListBenefitOrdersInput } from '../schemas';
import type { ScopedRequest } from './context';

function selectOrders(db: DbExecutor, request: ScopedRequest) {
  return db
    .selectFrom('benefit_orders')
    .innerJoin('benefit_programs', 'benefit_programs.id', 'benefit_orders.program_id')
    .innerJoin('benefit_members', 'benefit_members.id', 'benefit_orders.member_id')
    .select([
      'benefit_orders.id',
      'benefit_orders.organization_id',
      'benefit_orders.product_codes',
      'benefit_orders.external_transaction_id',
      'benefit_orders.status',
      'benefit_orders.processing_date',
      'benefit_orders.total_minor',
      'benefit_orders.currency',
      'benefit_orders.created_at',
      'benefit_orders.processed_at',
      'benefit_orders.cancelled_at',
      'benefit_programs.code as program_code',
      'benefit_programs.delivery_channel',
      'benefit_members.id as member_id',
      'benefit_members.external_id',
      'benefit_members.first_name',
      'benefit_members.last_name',
      'benefit_members.email',
      'benefit_members.phone_country_code',
      'benefit_members.phone',
      'benefit_members.opt_in_notification',
      'benefit_members.opt_in_sms_or_email',
    ])
    .where(scopeFilter(request.scope, request.actor, { organization: 'benefit_orders.organization_id' }));
}
type OrderRow = Awaited<ReturnType<ReturnType<typeof selectOrders>['executeTakeFirstOrThrow']>>;

async function cardsOf(db: DbExecutor, orderIds: number[]): Promise<Map<number, Card[]>> {
  const byOrder = new Map<number, Card[]>(orderIds.map((id) => [id, []]));
  if (!orderIds.length) return byOrder;
  const cards = await db
    .selectFrom('benefit_cards')
    .innerJoin('benefit_products', 'benefit_products.id', 'benefit_cards.product_id')
    .select([
      'benefit_cards.id',
      'benefit_cards.order_id',
      'benefit_products.code',
      'benefit_cards.status',
      'benefit_cards.delivery_status',
      'benefit_cards.face_value_minor',
      'benefit_cards.currency',
      'benefit_cards.activated_at',
      'benefit_cards.expires_at',
      'benefit_cards.replaces_card_id',
    ])
    .where('benefit_cards.order_id', 'in', orderIds)
    .orderBy('benefit_cards.created_at')
    .orderBy('benefit_cards.id')
    .execute();
  const events = cards.length
    ? await db
        .selectFrom('benefit_card_events')
        .select(['card_id', 'type', 'detail', 'created_at'])
        .where(
          'card_id',
          'in',
          cards.map((c) => c.id),
        )
        .orderBy('created_at')
        .execute()
    : [];
  for (const card of cards) {
    byOrder.get(Number(card.order_id))?.push({
      id: card.id,
      productCode: card.code,
      status: card.status,
      deliveryStatus: card.delivery_status,
      faceValueMinor: Number(card.face_value_minor),
      currency: card.currency,
      activatedAt: card.activated_at ? toTimestamp(card.activated_at) : null,
      expiresAt: card.expires_at ? toTimestamp(card.expires_at) : null,
      replacesCardId: card.replaces_card_id,
      events: events
        .filter((e) => e.card_id === card.id)
        .map((e) => ({
          type: e.type,
          detail: e.detail,
          occurredAt: toTimestamp(e.created_at),
        })),
    });
  }
  return byOrder;
}

function orderRowToOrder(row: OrderRow, cards: Card[]): BenefitOrder {
  return {
    id: Number(row.id),
    organizationId: row.organization_id,
    programCode: row.program_code,
    deliveryChannel: row.delivery_channel,
    productCodes: row.product_codes,
    externalTransactionId: row.external_transaction_id,
    status: row.status,
    processingDate: row.processing_date ? toTimestamp(row.processing_date) : null,
    total: { amountMinor: Number(row.total_minor), currency: row.currency },
    member: {
      id: row.member_id,
      externalId: row.external_id,
      firstName: row.first_name,
      lastName: row.last_name,
      email: row.email,
      phoneCountryCode: row.phone_country_code,
      phone: row.phone,
      optInNotification: row.opt_in_notification,
      optInForSMSOrEmail: row.opt_in_sms_or_email,
    },
    cards,
    createdAt: toTimestamp(row.created_at),
    processedAt: row.processed_at ? toTimestamp(row.processed_at) : null,
    cancelledAt: row.cancelled_at ? toTimestamp(row.cancelled_at) : null,
  };
}

async function withCards(db: DbExecutor, row: OrderRow | undefined, what: string): Promise<BenefitOrder> {
  // Another sponsor's order does not exist for the caller.
  if (!row) throw new AppError('not_found', `Order ${what} does not exist.`);
  const cards = await cardsOf(db, [Number(row.id)]);
  return orderRowToOrder(row, cards.get(Number(row.id)) ?? []);
}

export async function getBenefitOrder(
  db: DbExecutor,
  request: ScopedRequest & { id: number },
): Promise<BenefitOrder> {
  const row = await selectOrders(db, request).where('benefit_orders.id', '=', request.id).executeTakeFirst();
  return withCards(db, row, String(request.id));
}

export async function getBenefitOrderByExternalTransactionId(
  db: DbExecutor,
  request: ScopedRequest & { externalTransactionId: string },
): Promise<BenefitOrder> {
  if (request.actor.organizationType !== 'sponsor') {
    throw new AppError(
      'forbidden',
      'External transaction ids are per sponsor: look orders up by id instead.',
    );
  }
  const row = await selectOrders(db, request)
    .where('benefit_orders.organization_id', '=', request.actor.organizationId)
    .where('benefit_orders.external_transaction_id', '=', request.externalTransactionId)
    .executeTakeFirst();
  return withCards(db, row, `with externalTransactionId ${request.externalTransactionId}`);
}

export async function listBenefitOrders(
  db: DbExecutor,
  request: ScopedRequest & { input: ListBenefitOrdersInput },
): Promise<Page<BenefitOrder>> {
  const { input } = request;
  let query = selectOrders(db, request);
  if (input.status) query = query.where('benefit_orders.status', '=', input.status);
  if (input.programCode) query = query.where('benefit_programs.code', '=', input.programCode);
  if (input.externalId) query = query.where('benefit_members.external_id', '=', input.externalId);
  if (input.createdFrom) query = query.where('benefit_orders.created_at', '>=', new Date(input.createdFrom));
  if (input.createdTo) query = query.where('benefit_orders.created_at', '<', new Date(input.createdTo));
  const page = await fetchPage(query, input, {
    orderBy: ['benefit_orders.created_at', 'benefit_orders.id'],
    direction: 'desc',
  });
  const cards = await cardsOf(
    db,
    page.items.map((row) => Number(row.id)),
  );
  return { ...page, items: page.items.map((row) => orderRowToOrder(row, cards.get(Number(row.id)) ?? [])) };
}
