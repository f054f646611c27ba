import { Listener, type DbExecutor, type DbPool } from '@ipay/db';
import type { RequestLogger } from '../../context';
import type { AccessTokenClaims } from './tokens';
import { actorForClaims, loadActorRecord, type Actor, type ActorRecord } from './service';

/**
 * Announced by the database (triggers of migration `actor_change_notifications`) when a change that can take
 * access away commits: the user's id, or `*` when a role's permissions changed.
 */
export const ACTOR_CHANGES_CHANNEL = 'ipay_actor_changes';
const EVERYONE = '*';

export interface ActorCacheOptions {
  /** How long a loaded actor is used without asking the database again; 0 asks on every request. */
  ttlSeconds: number;
  /** The most users held; the longest held is dropped first. */
  maxEntries: number;
  /** Milliseconds now (tests move it). */
  now?: () => number;
  reconnectDelayMs?: { initial: number; max: number };
}

interface Entry {
  record: ActorRecord;
  expiresAt: number;
}

/**
 * Who each signed-in user is (organization, merged permissions, sign-out cut-off), per process, for a few
 * seconds, so an authenticated request costs no query to learn it. Entries are per user; each token is still
 * checked against the entry (organization, `iat` against the cut-off) on every request.
 *
 * How soon a change that takes access away (disable, removal, role or permission change, sign-out everywhere,
 * password change) is honoured:
 * - in the process that made it, at once: the procedure is marked `changesAccess` and drops every entry once it
 *   has committed (`forgetAll`);
 * - in every other API process, when the database's notification on `ipay_actor_changes` arrives (normally
 *   milliseconds after the commit), whatever made the change (API, worker, CLI, SQL by hand);
 * - and at the latest after `ttlSeconds`, should notifications be lost (the listening connection is down or not yet
 *   up: it drops every entry when lost and again when back).
 * A load that was under way while an entry was dropped is not kept (a generation check), so an answer read
 * before a change cannot be cached after it.
 */
export class ActorCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #reconnectDelay: { initial: number; max: number } | undefined;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<ActorRecord | undefined>>();
  #generation = 0;
  #listener: Listener | undefined;
  /** Servers sharing this cache (tests build a second one on the same deps); the last to stop closes it. */
  #listeners = 0;

  constructor(options: ActorCacheOptions) {
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
    this.#reconnectDelay = options.reconnectDelayMs;
  }

  /** Users held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The active user a verified token speaks for, as `getActor` decides it, from the cache when fresh. */
  async actorFor(
    db: DbExecutor,
    claims: AccessTokenClaims & { issuedAt: number },
  ): Promise<Actor | undefined> {
    return actorForClaims(await this.#record(db, claims.userId), claims);
  }

  forget(userId: string): void {
    this.#generation += 1;
    this.#entries.delete(userId);
    this.#loading.delete(userId);
  }

  forgetAll(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#loading.clear();
  }

  /** Listens for the database's change notifications on a dedicated connection, until `stop`. */
  async listen(pool: DbPool, logger: RequestLogger): Promise<void> {
    if (this.#ttlMs <= 0) return;
    this.#listeners += 1;
    if (this.#listeners > 1) return;
    this.#listener = new Listener({
      pool,
      channels: [ACTOR_CHANGES_CHANNEL],
      name: 'actor cache',
      logger,
      onNotification: (payload) => (payload === EVERYONE ? this.forgetAll() : this.forget(payload)),
      // Whatever changed while nobody listened is unknown: start afresh, when lost and again when back.
      onLost: () => this.forgetAll(),
      onConnect: () => this.forgetAll(),
      reconnectDelayMs: this.#reconnectDelay,
    });
    await this.#listener.start();
  }

  async stop(): Promise<void> {
    this.#listeners = Math.max(0, this.#listeners - 1);
    if (this.#listeners > 0) return;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.stop();
  }

  #record(db: DbExecutor, userId: string): Promise<ActorRecord | undefined> {
    if (this.#ttlMs <= 0) return loadActorRecord(db, userId);
    const entry = this.#entries.get(userId);
    if (entry && entry.expiresAt > this.#now()) return Promise.resolve(entry.record);
    // Concurrent first requests of one user share one load.
    const pending = this.#loading.get(userId);
    if (pending) return pending;
    const generation = this.#generation;
    const load = loadActorRecord(db, userId)
      .then((record) => {
        if (record && generation === this.#generation) this.#store(userId, record);
        return record;
      })
      .finally(() => {
        if (this.#loading.get(userId) === load) this.#loading.delete(userId);
      });
    this.#loading.set(userId, load);
    return load;
  }

  #store(userId: string, record: ActorRecord): void {
    // Shared by every request of the user until it expires: nobody may change it in place.
    Object.freeze(record.actor.permissions);
    Object.freeze(record.actor);
    this.#entries.delete(userId);
    this.#entries.set(userId, { record: Object.freeze(record), expiresAt: this.#now() + this.#ttlMs });
    if (this.#entries.size <= this.#maxEntries) return;
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}
