import type { AuthSession } from '../domains/auth/schemas';
import { orderBody, payTokenOf } from './factories';
import { http } from './http';
import type { TestPlatform } from './platform';

/**
 * An order of `merchant` for `email`, delivered to `country` (NL unless given), created over HTTP as the merchant
 * would; with `paid` (the default), its session is paid on the pay page's API (payments simulated), so the
 * consumer has bought from the merchant. Returns the order's id.
 */
export async function createTestPurchase(
  platform: TestPlatform,
  merchant: AuthSession,
  email: string,
  options: { country?: string; paid?: boolean } = {},
): Promise<string> {
  const base = orderBody();
  const address = { ...base.customer.address, country: options.country ?? 'NL' };
  const order = await http(platform.baseUrl, 'POST', '/api/orders', {
    token: merchant.token,
    body: { ...base, customer: { ...base.customer, email, address } },
  });
  if (order.status !== 200) throw new Error(`order: ${order.status} ${JSON.stringify(order.body)}`);
  if (options.paid === false) return String(order.body.id);
  const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
    token: merchant.token,
  });
  if (session.status !== 200) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
  const paid = await http(
    platform.baseUrl,
    'POST',
    `/api/session/${payTokenOf(session.body.pay_url)}/start-payment`,
    { body: {} },
  );
  if (paid.status !== 200) throw new Error(`payment: ${paid.status} ${JSON.stringify(paid.body)}`);
  return String(order.body.id);
}
