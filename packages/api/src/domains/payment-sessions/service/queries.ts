import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import type { DataScope } from '../../rbac/catalogue';
import { payUrl, selectSessions, sessionRowToSession, sessionScope, type SessionRow } from '../repository';
import type { ListPaymentSessionsInput, PaymentSession, PaymentSessionDetail } from '../schemas';
import { listSessionPayments } from '../../payments/service/session-payments';
import { qrPngDataUrl } from './create-session';

interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
  publicUrl: string;
}

function scoped(request: ScopedRequest) {
  return sessionScope(request.scope, request.actor);
}

export async function listPaymentSessions(
  db: DbExecutor,
  request: ScopedRequest & { input: ListPaymentSessionsInput },
): Promise<Page<PaymentSession>> {
  const { input } = request;
  let query = selectSessions(db).where(scoped(request));
  if (input.status) query = query.where('payment_sessions.status', '=', input.status);
  if (input.country) query = query.where('payment_sessions.country', '=', input.country);
  if (input.carrier) query = query.where('payment_sessions.carrier_code', '=', input.carrier);
  if (input.psp) query = query.where('payment_sessions.psp', '=', input.psp);
  if (input.payment_method) query = query.where('payment_sessions.payment_method', '=', input.payment_method);
  if (input.created_from)
    query = query.where('payment_sessions.created_at', '>=', new Date(input.created_from));
  if (input.created_to) query = query.where('payment_sessions.created_at', '<', new Date(input.created_to));
  const page = await fetchPage(query, input, {
    orderBy: ['payment_sessions.created_at', 'payment_sessions.id'],
    direction: 'desc',
  });
  return { ...page, items: page.items.map((row) => sessionRowToSession(row, request.publicUrl)) };
}

/** The session the actor may see, as its row, or a 404 as if it did not exist. */
export async function findSessionInScope(
  db: DbExecutor,
  request: Omit<ScopedRequest, 'publicUrl'> & { id: string },
): Promise<SessionRow> {
  const row = await selectSessions(db)
    .where('payment_sessions.id', '=', request.id)
    .where(scoped({ ...request, publicUrl: '' }))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Payment session ${request.id} does not exist.`);
  return row;
}

export async function getPaymentSession(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<PaymentSessionDetail> {
  const row = await selectSessions(db)
    .where('payment_sessions.id', '=', request.id)
    .where(scoped(request))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Payment session ${request.id} does not exist.`);
  const events = await db
    .selectFrom('domain_events')
    .select(['id', 'type', 'sequence', 'occurred_at', 'payload'])
    .where('resource_type', '=', 'payment_session')
    .where('resource_id', '=', row.id)
    .orderBy('sequence')
    .execute();
  const handler = await db
    .selectFrom('payment_sessions')
    .innerJoin('organizations', 'organizations.id', 'payment_sessions.handled_by_partner_id')
    .select(['organizations.id', 'organizations.name', 'payment_sessions.handled_at'])
    .where('payment_sessions.id', '=', row.id)
    .executeTakeFirst();
  const payments = await listSessionPayments(db, row.id);
  return {
    ...sessionRowToSession(row, request.publicUrl),
    qr_png_data_url: await qrPngDataUrl(payUrl(request.publicUrl, row.pay_token)),
    handled_by_partner:
      handler?.handled_at != null
        ? { id: handler.id, name: handler.name, handled_at: toTimestamp(handler.handled_at) }
        : null,
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      sequence: e.sequence,
      occurred_at: toTimestamp(e.occurred_at),
      data: e.payload as Record<string, unknown>,
    })),
    payments: payments.map((p) => ({
      id: p.id,
      psp: p.psp,
      psp_payment_id: p.psp_payment_id,
      status: p.status,
      amount_minor: p.amount_minor,
      currency: p.currency,
      payment_method: p.payment_method,
      failure_reason: p.failure_reason,
      needs_refund: p.needs_refund,
      refund_reason: p.refund_reason,
      refunded_at: p.refunded_at ? toTimestamp(p.refunded_at) : null,
      created_at: toTimestamp(p.created_at),
    })),
  };
}
