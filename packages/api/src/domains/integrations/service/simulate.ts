import type { DbTransaction } from '@ipay/db';
import { randomInt } from 'node:crypto';
import type { Actor } from '../../auth/service';
import { getProvider } from '../registry';
import { importPlatformOrder } from './import-order';
import { merchantIdOf } from './merchant';

/** Fires a realistic sample order in the platform's own shape through its mapper and the normal import. */
export async function simulatePlatformOrder(trx: DbTransaction, request: { actor: Actor; provider: string }) {
  merchantIdOf(request.actor);
  const provider = getProvider(request.provider);
  const seed = String(randomInt(100_000, 999_999_999));
  const mapped = provider.mapOrder(provider.sampleOrder(seed));
  const { outcome, order } = await importPlatformOrder(trx, { actor: request.actor, provider, mapped });
  return { provider: provider.id, platform_order_id: mapped.platformOrderId, outcome, order };
}
