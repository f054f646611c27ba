import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import { readFeedPages, type FeedEvent } from './event-feed';
import type { DomainEventConsumer } from './service';

/** The cursor row of the one relay that feeds DOMAIN_EVENT_CONSUMERS (created by its migration). */
export const DISPATCH_RELAY = 'dispatch';

export const DEFAULT_RELAY_BATCH_SIZE = 1_000;

/**
 * What one pass did: `relayed` events handed over (0: nothing was past the cursor), or `busy` when another
 * relay holds the cursor right now.
 */
export type RelayOutcome = { busy: true } | { busy: false; relayed: number; position: number };

/**
 * Hands the next batch of committed events past the relay's cursor to the consumers and moves the cursor past
 * them, in one transaction: a batch is handed over exactly when the cursor passes it, so a crash or a failing
 * consumer leaves the cursor where it was and the next pass hands the same batch over again. The cursor row is
 * locked FOR UPDATE SKIP LOCKED: one relay works at a time, another finds it busy and returns at once.
 * Positions are commit-ordered (see event-feed.ts), so moving past the last event read never skips a writer
 * that commits later.
 */
export async function relayDomainEvents(
  db: Db,
  options: { consumers: readonly DomainEventConsumer[]; batchSize?: number; relay?: string },
): Promise<RelayOutcome> {
  const relay = options.relay ?? DISPATCH_RELAY;
  return db.transaction().execute(async (trx) => {
    const cursor = await trx
      .selectFrom('event_relay_cursors')
      .select('position')
      .where('name', '=', relay)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!cursor) {
      const exists = await trx
        .selectFrom('event_relay_cursors')
        .select('name')
        .where('name', '=', relay)
        .executeTakeFirst();
      if (!exists) throw new Error(`event relay ${relay} has no cursor row`);
      return { busy: true };
    }
    const after = cursor.position;
    const limit = options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
    const page = await readFeedPages(trx, { after, limit }).next();
    const batch: FeedEvent[] = page.done ? [] : page.value;
    const last = batch.at(-1);
    if (!last) return { busy: false, relayed: 0, position: after };
    const events = batch.map((entry) => entry.event);
    for (const consume of options.consumers) await consume(trx, events);
    await trx
      .updateTable('event_relay_cursors')
      .set({ position: last.position, updated_at: sql<Date>`now()` })
      .where('name', '=', relay)
      .execute();
    return { busy: false, relayed: batch.length, position: last.position };
  });
}

/** Relays batch after batch until nothing is past the cursor or another relay holds it; returns how many. */
export async function drainDomainEvents(
  db: Db,
  options: { consumers: readonly DomainEventConsumer[]; batchSize?: number; relay?: string },
): Promise<number> {
  let total = 0;
  for (;;) {
    const outcome = await relayDomainEvents(db, options);
    if (outcome.busy || outcome.relayed === 0) return total;
    total += outcome.relayed;
  }
}
