import type { DbExecutor } from '@ipay/db';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { ListSmsOutboxInput, SmsMessage } from '../schemas';
import { assertOperator, type ScopedRequest } from './context';

/** Every SMS the platform sent or keeps (no gateway configured): operators only, SMS carry no organization. */
export async function listSmsOutbox(
  db: DbExecutor,
  request: ScopedRequest & { input: ListSmsOutboxInput },
): Promise<Page<SmsMessage>> {
  assertOperator(request.scope, 'Reading the SMS outbox');
  let query = db.selectFrom('sms_outbox').selectAll();
  if (request.input.to) query = query.where('to', '=', request.input.to);
  const page = await fetchPage(query, request.input, {
    orderBy: ['sms_outbox.created_at', 'sms_outbox.id'],
  });
  return {
    ...page,
    items: page.items.map((row) => ({
      id: row.id,
      to: row.to,
      text: row.text,
      status: row.status,
      providerMessageId: row.provider_message_id,
      lastError: row.last_error,
      createdAt: toTimestamp(row.created_at),
    })),
  };
}
