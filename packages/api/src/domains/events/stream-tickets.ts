import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { toTimestamp } from '../../platform/time';
import { getActor, type Actor } from '../auth/service';
import { requireScope } from '../rbac/service';
import { findStreamPosition, type StreamViewer } from './event-feed';
import { DomainEvent, STREAM_TICKET_TTL_SECONDS, type StreamTicket } from './schemas';

export const EVENT_STREAM_PATH = '/api/events/stream';

function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

/**
 * A single-use ticket for opening the event stream: EventSource cannot send an Authorization header, and a
 * JWT in a URL would end up in access logs. Only its hash is stored.
 */
export async function issueStreamTicket(
  db: DbExecutor,
  options: { actor: Actor; publicUrl: string },
): Promise<StreamTicket> {
  const ticket = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('stream_tickets')
    .values({
      hash: hashTicket(ticket),
      user_id: options.actor.userId,
      organization_id: options.actor.organizationId,
      // The database clock, so that every API process agrees on when a ticket expires.
      expires_at: sql<Date>`now() + make_interval(secs => ${STREAM_TICKET_TTL_SECONDS})`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return {
    ticket,
    expiresAt: toTimestamp(row.expires_at),
    streamUrl: `${options.publicUrl}${EVENT_STREAM_PATH}?token=${ticket}`,
  };
}

function rejectedTicket(message: string): AppError {
  return new AppError(
    'unauthenticated',
    `The stream ticket ${message}; get a new one from POST /api/events/stream-tickets.`,
    { errors: [{ field: 'token', message, code: 'invalid_ticket' }] },
  );
}

/**
 * Uses up a ticket (the update is the check, so two requests racing with one ticket cannot both win) and
 * returns whom it speaks for as they are now: an account disabled or a permission revoked since the ticket
 * was issued no longer opens a stream.
 */
export async function redeemStreamTicket(db: DbExecutor, ticket: string | undefined): Promise<StreamViewer> {
  if (!ticket) throw rejectedTicket('is required');
  const row = await db
    .updateTable('stream_tickets')
    .set({ used_at: sql<Date>`now()` })
    .where('hash', '=', hashTicket(ticket))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['user_id', 'organization_id'])
    .executeTakeFirst();
  if (!row) throw rejectedTicket('is unknown, expired or already used');
  const actor = await getActor(db, { userId: row.user_id, organizationId: row.organization_id });
  if (!actor) throw new AppError('unauthenticated', 'This account no longer exists or is disabled.');
  return { actor, scope: requireScope(actor.permissions, 'events', 'read') };
}

/** The stream position to resume after, from the `Last-Event-ID` header or the `lastEventId` parameter. */
export async function resumePosition(
  db: DbExecutor,
  lastEventId: { field: string; value: string },
): Promise<number> {
  const { field, value } = lastEventId;
  if (!DomainEvent.shape.id.safeParse(value).success)
    throw AppError.validation(field, 'must be an event id (a UUID)', 'invalid_uuid');
  const position = await findStreamPosition(db, value);
  if (position === undefined) throw AppError.validation(field, 'is not a known event id', 'unknown_event');
  return position;
}

export async function purgeExpiredStreamTickets(db: DbExecutor): Promise<number> {
  const result = await db
    .deleteFrom('stream_tickets')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
