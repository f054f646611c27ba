import { sql } from 'kysely';
import { prepared, type DbExecutor } from '@ipay/db';
import { scopeFilter } from '../../platform/data-scope';
import type { Actor } from '../auth/service';
import type { DataScope } from '../rbac/catalogue';
import type { DomainEvent } from './schemas';
import { eventRowToEvent } from './service';

/**
 * The stream is ordered by `domain_events.stream_position`, which a deferred trigger draws when the writing
 * transaction commits, under a lock held until that commit is visible (migration
 * 2026_11_26_000001_commit_ordered_stream). Positions are therefore commit-ordered: once a reader sees a
 * position, every lower one has committed too, and a cursor can move past whatever it has read without
 * ever skipping a slower writer. Positions of transactions that roll back leave harmless gaps. For any
 * one resource, position order is also its `sequence` order: the per-resource counter row stays locked
 * until the writer commits.
 */

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

/**
 * The highest committed position, where a new reader starts. Prepared: the hub asks after every wake-up while no
 * stream is open, and planning `max` (which looks at every index of the table) cost three times its run.
 */
export async function latestStreamPosition(db: DbExecutor): Promise<number> {
  const { rows } = await sql<{ position: number }>`${prepared}
    select coalesce(max(stream_position), 0)::int8 as position from domain_events`.execute(db);
  return rows[0]?.position ?? 0;
}

export async function findStreamPosition(db: DbExecutor, eventId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('domain_events')
    .select('stream_position')
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row?.stream_position ?? undefined;
}

/** Events with `after < position` (and `<= upTo` when given), in stream order; only the viewer's when given. */
async function readFeed(
  db: DbExecutor,
  range: { after: number; upTo?: number; limit: number; viewer?: StreamViewer },
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
    .where('stream_position', '>', range.after);
  if (range.upTo !== undefined) query = query.where('stream_position', '<=', range.upTo);
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
    // Not null: the row matched a comparison on it.
    position: Number(row.stream_position),
    actorUserId: row.actor_user_id,
    event: eventRowToEvent(row),
  }));
}

/** `readFeed` page after page until the range is read; leaving the loop early reads no further. */
export async function* readFeedPages(
  db: DbExecutor,
  range: { after: number; upTo?: number; limit: number; viewer?: StreamViewer },
): AsyncGenerator<FeedEvent[]> {
  let after = range.after;
  while (range.upTo === undefined || after < range.upTo) {
    const page = await readFeed(db, { ...range, after });
    const last = page.at(-1);
    if (!last) return;
    yield page;
    if (page.length < range.limit) return;
    after = last.position;
  }
}

/**
 * Whose events a stream receives live: everyone's, one organization's, or those one user caused. The in-memory
 * twin of the scope filter in `readFeed`, in a form the hub can index streams by, so that fanning an event out
 * costs the streams that see it, not every open stream.
 */
export type Audience =
  { kind: 'all' } | { kind: 'organization'; organizationId: string } | { kind: 'user'; userId: string };

export function audienceOf(viewer: StreamViewer): Audience {
  switch (viewer.scope) {
    case 'all':
      return { kind: 'all' };
    // Events carry no carrier code: `carrier` sees the organization's, as scopeFilter does without one.
    case 'organization':
    case 'carrier':
      return { kind: 'organization', organizationId: viewer.actor.organizationId };
    case 'own':
      return { kind: 'user', userId: viewer.actor.userId };
  }
}
