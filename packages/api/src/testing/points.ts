import type { AuthSession } from '../domains/auth/schemas';
import { DOMAIN_EVENT_CONSUMERS } from '../domains/events/consumers';
import { drainDomainEvents } from '../domains/events/relay';
import { signInTestConsumer, type TestConsumer } from './consumer';
import { createTestMerchant, orderBody, uniqueEmail } from './factories';
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

/**
 * A consumer who has earned points: `orders` orders (at least one) to a new address (the default body, 49 points
 * each by the installed platform rule; `merchants[i]` takes order i where given), paid, relayed to points, then
 * signed in. `order` is the first order, `lastOrder` the last.
 */
export async function earnTestPoints(
  platform: TestPlatform,
  options: { prefix: string; orders?: number; merchants?: Array<AuthSession | undefined> },
): Promise<{ email: string; consumer: TestConsumer; order: TestPaidOrder; lastOrder: TestPaidOrder }> {
  const email = uniqueEmail(options.prefix);
  const order = await payTestOrder(platform, { email, merchant: options.merchants?.[0] });
  let lastOrder = order;
  for (let i = 1; i < (options.orders ?? 1); i += 1) {
    lastOrder = await payTestOrder(platform, { email, merchant: options.merchants?.[i] });
  }
  await relayTestEvents(platform);
  return { email, consumer: await signInTestConsumer(platform, email), order, lastOrder };
}
