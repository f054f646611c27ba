import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { scopeFilter } from '../../platform/data-scope';
import type { Actor } from '../auth/service';
import type { DataScope } from '../rbac/catalogue';
import type { DomainEvent } from './schemas';
import { eventRowToEvent } from './service';

/**
 * The stream is ordered by `domain_events.stream_position`, which a sequence hands out when a row is
 * inserted, not when its transaction commits: position 7 can commit, and be read, while position 6 is
 * still in flight. A reader that moved its cursor past 7 would never see 6. So a reader only trusts the
 * positions up to a *horizon* once every transaction that might still commit a lower one has ended:
 *
 * 1. read the highest committed position (a snapshot S);
 * 2. then list the transactions holding a RowExclusiveLock on domain_events. An insert takes that lock
 *    before its default draws the position, and keeps it until commit or rollback, so any transaction that
 *    held an uncommitted position below the horizon at S either is in this list or has ended since;
 * 3. wait until all of them have ended, then read the rows up to the horizon with a fresh snapshot.
 *
 * Writers that touched domain_events without an event (marking one dispatched) are waited for too; they
 * are short. A long transaction that records an event holds the stream back until it ends: keep them short.
 * For any one resource, position order is also its `sequence` order (the per-resource counter row is
 * locked before the position is drawn).
 */
export interface FeedHorizon {
  position: number;
  /** Virtual transaction ids that may still commit a position at or below `position`. */
  openWriters: string[];
}

/** An event with its place in the stream, and who caused it (for the `own` data scope). */
export interface FeedEvent {
  position: number;
  actorUserId: string | null;
  event: DomainEvent;
}

/** Whom a stream is for: the ticket holder as they are now, and their `events:read` scope. */
export interface StreamViewer {
  actor: Actor;
  scope: DataScope;
}

export async function readFeedHorizon(db: DbExecutor): Promise<FeedHorizon> {
  const { position } = await db
    .selectFrom('domain_events')
    .select(sql<number>`coalesce(max(stream_position), 0)::int8`.as('position'))
    .executeTakeFirstOrThrow();
  // A separate, later statement: it must see every writer that was in flight when the position was read.
  const { rows } = await sql<{ writers: string[] }>`
    select coalesce(array_agg(distinct virtualtransaction), '{}') as writers
    from pg_locks
    where locktype = 'relation'
      and database = (select oid from pg_database where datname = current_database())
      and relation = 'domain_events'::regclass
      and mode = 'RowExclusiveLock'`.execute(db);
  return { position, openWriters: rows[0]?.writers ?? [] };
}

/** Whether any of these transactions is still running (a running transaction always holds some lock). */
export async function writersStillOpen(db: DbExecutor, writers: string[]): Promise<boolean> {
  if (!writers.length) return false;
  const { rows } = await sql<{ open: boolean }>`
    select exists (select 1 from pg_locks where virtualtransaction = any(${writers}::text[])) as open`.execute(
    db,
  );
  return rows[0]?.open ?? false;
}

export async function findStreamPosition(db: DbExecutor, eventId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('domain_events')
    .select('stream_position')
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row?.stream_position;
}

/**
 * Events with `after < position <= upTo`, in stream order; only the viewer's when a viewer is given. Call it
 * only with an `upTo` the horizon has cleared.
 */
export async function readFeed(
  db: DbExecutor,
  range: { after: number; upTo: number; limit: number; viewer?: StreamViewer },
): Promise<FeedEvent[]> {
  let query = db
    .selectFrom('domain_events')
    .select([
      'id',
      'type',
      'resource_type',
      'resource_id',
      'sequence',
      'organization_id',
      'actor_user_id',
      'payload',
      'occurred_at',
      'stream_position',
    ])
    .where('stream_position', '>', range.after)
    .where('stream_position', '<=', range.upTo);
  if (range.viewer) {
    const { scope, actor } = range.viewer;
    query = query.where(
      scopeFilter(scope, actor, {
        organization: 'domain_events.organization_id',
        owner: 'domain_events.actor_user_id',
      }),
    );
  }
  const rows = await query.orderBy('stream_position').limit(range.limit).execute();
  return rows.map((row) => ({
    position: row.stream_position,
    actorUserId: row.actor_user_id,
    event: eventRowToEvent(row),
  }));
}

/** The in-memory twin of the scope filter in `readFeed`, for events fanned out live. */
export function canSee(viewer: StreamViewer, feedEvent: FeedEvent): boolean {
  switch (viewer.scope) {
    case 'all':
      return true;
    case 'organization':
      return feedEvent.event.organizationId === viewer.actor.organizationId;
    case 'own':
      return feedEvent.actorUserId === viewer.actor.userId;
  }
}
