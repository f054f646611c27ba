import type { AuthSession } from '../domains/auth/schemas';
import { DOMAIN_EVENT_CONSUMERS } from '../domains/events/consumers';
import { drainDomainEvents } from '../domains/events/relay';
import { createTestMerchant, orderBody } from './factories';
import { http } from './http';
import type { TestPlatform } from './platform';

export interface TestPaidOrder {
  merchant: AuthSession;
  orderId: string;
  sessionId: string;
}

/**
 * An order of `email` (the default body: 49.93 EUR) paid through the simulated PSP, over HTTP as the merchant
 * and the consumer's pay page would. Its `session.paid` reaches points only when the relay runs
 * (`relayTestEvents`).
 */
export async function payTestOrder(
  platform: TestPlatform,
  options: { email: string; merchant?: AuthSession },
): Promise<TestPaidOrder> {
  const merchant = options.merchant ?? (await createTestMerchant(platform));
  const body = orderBody();
  const order = await http(platform.baseUrl, 'POST', '/api/orders', {
    token: merchant.token,
    body: { ...body, customer: { ...body.customer, email: options.email } },
  });
  if (order.status !== 200) throw new Error(`order failed: ${JSON.stringify(order.body)}`);
  const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
    token: merchant.token,
  });
  const token = new URL(session.body.pay_url).pathname.split('/').pop() ?? '';
  const paid = await http(platform.baseUrl, 'POST', `/api/session/${token}/start-payment`, { body: {} });
  if (paid.body.status !== 'PAID') throw new Error(`payment failed: ${JSON.stringify(paid.body)}`);
  return { merchant, orderId: order.body.id, sessionId: session.body.id };
}

/** Runs the event relay as the worker would, until every committed event went to every consumer. */
export function relayTestEvents(platform: TestPlatform): Promise<number> {
  return drainDomainEvents(platform.database.db, { consumers: DOMAIN_EVENT_CONSUMERS });
}
