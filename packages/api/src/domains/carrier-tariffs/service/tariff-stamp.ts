import { Listener, type DbExecutor } from '@ipay/db';
import type { AppDeps } from '../../../context';
import { readTariffStamp } from '../repository';

/** Announced by the database when a transaction that wrote a tariff table commits (migration 2026_12_07_500001). */
export const TARIFF_CHANGES_CHANNEL = 'ipay_tariff_changes';

interface HeldStamp {
  value: string | undefined;
  /** Bumped by every change heard of: a read under way across one is not kept. */
  generation: number;
  /** Servers sharing one database handle (tests start a second on the same deps); the last to stop ends it. */
  servers: number;
  listener: Listener | undefined;
}

/** Per database handle of this process, while an API server listens for it. */
const held = new WeakMap<DbExecutor, HeldStamp>();

function forget(stamp: HeldStamp): void {
  stamp.value = undefined;
  stamp.generation += 1;
}

/**
 * The tariff stamp as a cost preview needs it, without a query while nothing has changed: held per process and
 * dropped when the database announces a tariff change, so a write elsewhere is seen as soon as its notification
 * arrives (milliseconds after its commit), and one made by this process at once (`forgetHeldTariffStamp`). Read
 * from the database instead when nobody listens for this handle (a worker, a transaction, the listening
 * connection down).
 */
export async function heldTariffStamp(db: DbExecutor): Promise<string> {
  const stamp = held.get(db);
  if (!stamp?.listener?.connected) return readTariffStamp(db);
  if (stamp.value !== undefined) return stamp.value;
  const generation = stamp.generation;
  const value = await readTariffStamp(db);
  if (stamp.listener?.connected && stamp.generation === generation) stamp.value = value;
  return value;
}

/** After this process committed a tariff write: its next preview reads the stamp, not waiting for the notice. */
export function forgetHeldTariffStamp(db: DbExecutor): void {
  const stamp = held.get(db);
  if (stamp) forget(stamp);
}

/** The carrier tariffs' server companion: listens for tariff changes beside each API server. */
export async function watchTariffStamp(deps: AppDeps): Promise<() => Promise<void>> {
  let stamp = held.get(deps.db);
  if (!stamp) {
    stamp = { value: undefined, generation: 0, servers: 0, listener: undefined };
    held.set(deps.db, stamp);
  }
  const watched = stamp;
  watched.servers += 1;
  if (!watched.listener) {
    watched.listener = new Listener({
      pool: deps.pool,
      channels: [TARIFF_CHANGES_CHANNEL],
      name: 'tariff stamp',
      logger: deps.logger,
      onNotification: () => forget(watched),
      // What changed while nobody listened is unknown: read afresh (nothing is held while not connected).
      onConnect: () => forget(watched),
      onLost: () => forget(watched),
    });
    await watched.listener.start();
  }
  return async () => {
    watched.servers -= 1;
    if (watched.servers > 0) return;
    const listener = watched.listener;
    watched.listener = undefined;
    forget(watched);
    await listener?.stop();
  };
}

/** The listening connection's server process while there is one (tests cut it to check the fallback). */
export function tariffStampListenerPid(db: DbExecutor): number | undefined {
  return held.get(db)?.listener?.pid;
}
