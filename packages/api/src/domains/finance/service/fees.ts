import type { FeeSource } from './day-sources';

/**
 * IPAY's fees of the orders paid on a day, per currency. The fee rule (contract fee in force when the order
 * was paid, else the platform default) belongs to the settlement domain; until its `ipayFeesForPeriod` is
 * merged the batch books no fee entry.
 */
export const ipayFeesOfDay: FeeSource = () => Promise.resolve([]);
