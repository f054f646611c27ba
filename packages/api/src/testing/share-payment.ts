import type { AuthSession } from '../domains/auth/schemas';
import { createTestMerchant, orderBody, payTokenOf } from './factories';
import { http } from './http';
import type { TestPlatform } from './platform';

/** An order for `email` at a merchant, with its payment session waiting for payment. */
export async function createTestSessionFor(platform: TestPlatform, email: string, merchant?: AuthSession) {
  const shop = merchant ?? (await createTestMerchant(platform));
  const base = orderBody();
  const order = await http(platform.baseUrl, 'POST', '/api/orders', {
    token: shop.token,
    body: { ...base, customer: { ...base.customer, email } },
  });
  if (order.status !== 200) throw new Error(`order failed: ${JSON.stringify(order.body)}`);
  const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
    token: shop.token,
  });
  if (session.status !== 200) throw new Error(`create-session failed: ${JSON.stringify(session.body)}`);
  return {
    merchant: shop,
    order: order.body,
    session: session.body as { id: string; pay_url: string; expires_at: string; ipay_reference_18: string },
    token: payTokenOf(session.body.pay_url),
  };
}

/** The code at the end of a share URL (`<PUBLIC_URL>/s/<code>`). */
export function shareCodeOf(shareUrl: string): string {
  return new URL(shareUrl).pathname.split('/').pop() ?? '';
}

/** Presses Pay on a share page as a browser would (a same-origin form POST), with a name or none. */
export async function payOnSharePage(
  platform: TestPlatform,
  code: string,
  form: { psp?: string; payer_name?: string } = {},
): Promise<{ status: number; location: string | null; setCookies: string[]; body: string }> {
  const response = await fetch(`${platform.baseUrl}/s/${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ psp: form.psp ?? 'simulate', payer_name: form.payer_name ?? '' }).toString(),
    redirect: 'manual',
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    setCookies: response.headers.getSetCookie(),
    body: await response.text(),
  };
}
