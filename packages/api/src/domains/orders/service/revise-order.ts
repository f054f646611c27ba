import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { ORDER_ERRORS } from '../errors';
import { scopeFilter } from '../../../platform/data-scope';
import { recordDomainEvent } from '../../events/service';
import type { CreateOrderInput, Order, OrderStatus } from '../schemas';
import { getOrder, insertOrderItems, orderContent, prepareOrder, type ScopedRequest } from './index';

/** What the shop may still change: before a payment is asked for, anything; while one waits, not the amount. */
const REVISABLE: OrderStatus[] = ['OPEN', 'PAYMENT_PENDING'];
const AMOUNT_FIELDS = ['currency', 'items', 'shipping_minor', 'discount_minor'] as const;

const itemKey = (item: { sku: string; name: string; quantity: number; unit_price_minor: number }) =>
  [item.sku, item.name, item.quantity, item.unit_price_minor].join('\u0000');

/** The fields of `input` that differ from the order as IPAY has it; empty when the shop changed nothing. */
export function changedOrderFields(order: Order, input: CreateOrderInput): string[] {
  const { customer } = order;
  const wanted = input.customer;
  const checks: Array<[string, boolean]> = [
    ['customer.name', customer.name !== wanted.name],
    ['customer.email', customer.email !== wanted.email.toLowerCase()],
    ['customer.phone', (customer.phone ?? null) !== (wanted.phone ?? null)],
    ['customer.address.line1', customer.address.line1 !== wanted.address.line1],
    ['customer.address.line2', (customer.address.line2 ?? null) !== (wanted.address.line2 ?? null)],
    ['customer.address.postal_code', customer.address.postal_code !== wanted.address.postal_code],
    ['customer.address.city', customer.address.city !== wanted.address.city],
    ['customer.address.country', customer.address.country !== wanted.address.country],
    ['currency', order.currency !== input.currency],
    ['items', order.items.map(itemKey).join('\n') !== input.items.map(itemKey).join('\n')],
    ['shipping_minor', order.shipping_minor !== input.shipping_minor],
    ['discount_minor', order.discount_minor !== input.discount_minor],
  ];
  return checks.filter(([, differs]) => differs).map(([field]) => field);
}

/**
 * Takes a changed version of an order from its source (a shop re-synced or pushed it) and announces it as
 * `order.updated`. An order not asked to be paid yet takes every change; one whose payment session is
 * waiting keeps its amount (the consumer may be paying it) but takes a corrected address or name; a paid,
 * delivered or cancelled order changes no more. A refused change is a 409 naming what differs.
 */
export async function reviseOrder(
  trx: DbTransaction,
  request: ScopedRequest & { id: string; input: CreateOrderInput },
): Promise<{ order: Order; changed: string[] }> {
  const { actor, scope, input } = request;
  const locked = await trx
    .selectFrom('orders')
    .select(['id', 'status'])
    .where('id', '=', request.id)
    .where(scopeFilter(scope, actor, { organization: 'orders.merchant_id', owner: 'orders.created_by' }))
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw new AppError('not_found', `Order ${request.id} does not exist.`);
  const current = await getOrder(trx, { actor, scope: 'all', id: locked.id });
  const changed = changedOrderFields(current, input);
  if (!changed.length) return { order: current, changed };

  const prepared = prepareOrder(input);
  const { total } = prepared;
  const amountChanged = changed.some((field) => (AMOUNT_FIELDS as readonly string[]).includes(field));
  if (!REVISABLE.includes(current.status)) {
    throw domainError(
      ORDER_ERRORS,
      'order_not_open',
      `Order ${current.merchant_reference} is ${current.status}; its change of ${changed.join(', ')} was not applied.`,
    );
  }
  const askedAmount = total !== current.total_minor || input.currency !== current.currency;
  if (current.status === 'PAYMENT_PENDING' && amountChanged && askedAmount) {
    throw domainError(
      ORDER_ERRORS,
      'payment_amount_pending',
      `Order ${current.merchant_reference} waits for a payment of ${current.total_minor} ${current.currency}; the new total ${total} ${input.currency} was not applied. Cancel the order to ask again.`,
    );
  }

  // The new fingerprint lets a retried create of this version find it, as it would have found the first.
  await trx
    .updateTable('orders')
    .set({ ...orderContent(prepared), updated_at: sql<Date>`now()` })
    .where('id', '=', current.id)
    .execute();
  if (changed.includes('items')) {
    await trx.deleteFrom('order_items').where('order_id', '=', current.id).execute();
    await insertOrderItems(trx, [{ orderId: current.id, items: prepared.items }]);
  }
  const order = await getOrder(trx, { actor, scope: 'all', id: current.id });
  await recordDomainEvent(trx, {
    type: 'order.updated',
    resourceType: 'order',
    resourceId: order.id,
    organizationId: order.merchant_id,
    actorUserId: actor.userId,
    data: {
      orderId: order.id,
      merchantReference: order.merchant_reference,
      changed,
      totalMinor: order.total_minor,
      currency: order.currency,
    },
  });
  return { order, changed };
}
