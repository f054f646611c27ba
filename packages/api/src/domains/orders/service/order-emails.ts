import type { DbExecutor } from '@ipay/db';
import type { EmailDelivery } from '../../notifications/schemas';
import { emailsRegarding } from '../../notifications/service';
import { getOrder, type ScopedRequest } from './index';

/**
 * The e-mails sent to the order's consumer (door code, locker reminders) with what Resend reported, so the merchant
 * sees a bounced address. The order's read scope applies: another merchant's order is a 404.
 */
export async function getOrderEmails(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<{ items: EmailDelivery[] }> {
  const order = await getOrder(db, request);
  return { items: await emailsRegarding(db, { kind: 'order', id: order.id }) };
}
