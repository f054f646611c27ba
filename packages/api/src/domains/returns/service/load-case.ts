import type { Selectable } from 'kysely';
import type { Database, DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { findReturnableSession, type OrderAddress } from '../../payment-sessions/service/returnable-session';
import { RETURNS_ERRORS } from '../errors';
import type { ReturnAddress, ReturnItemOutput } from '../schemas';
import { getReturnSettings } from './settings';

export type ReturnCaseRow = Selectable<Database['return_cases']>;

/** A return case with everything a label or a refund needs. */
export interface LoadedReturnCase {
  row: ReturnCaseRow;
  merchantName: string;
  merchantReference: string;
  items: ReturnItemOutput[];
  /** Quantity × unit price over the items, in the case's currency. */
  itemsValueMinor: number;
  /** The consumer's address as the order holds it (the label's from-address). */
  consumerAddress: OrderAddress;
  /** The merchant's return address from its return settings; null while it has none. */
  merchantAddress: ReturnAddress | null;
  /** The outbound parcel as the order holds it. */
  parcel: {
    weightGrams: number | null;
    dimensionsMm: { length: number; width: number; height: number } | null;
  };
}

export async function findReturnItems(db: DbExecutor, returnId: string): Promise<ReturnItemOutput[]> {
  const rows = await db
    .selectFrom('return_items')
    .innerJoin('return_cases', 'return_cases.id', 'return_items.return_id')
    .select([
      'return_items.position',
      'return_items.sku',
      'return_items.description',
      'return_items.quantity',
      'return_items.unit_price_minor',
      'return_items.reason',
      'return_items.reason_text',
      'return_cases.currency',
    ])
    .where('return_items.return_id', '=', returnId)
    .orderBy('return_items.position')
    .execute();
  return rows.map((row) => ({
    position: row.position,
    sku: row.sku,
    description: row.description,
    quantity: row.quantity,
    unitPriceMinor: row.unit_price_minor,
    currency: row.currency,
    reason: row.reason as ReturnItemOutput['reason'],
    reasonText: row.reason_text,
  }));
}

export function itemsValue(items: readonly Pick<ReturnItemOutput, 'quantity' | 'unitPriceMinor'>[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0);
}

/** The case row, locked for the rest of the transaction; undefined when there is none. */
export async function lockReturnCase(
  trx: DbTransaction,
  returnId: string,
): Promise<ReturnCaseRow | undefined> {
  return trx.selectFrom('return_cases').selectAll().where('id', '=', returnId).forUpdate().executeTakeFirst();
}

/** The case with its items and both addresses; a not-found problem when there is no such case. */
export async function loadReturnCase(db: DbExecutor, returnId: string): Promise<LoadedReturnCase> {
  const row = await db.selectFrom('return_cases').selectAll().where('id', '=', returnId).executeTakeFirst();
  if (!row) throw domainError(RETURNS_ERRORS, 'return_not_found', `No return case ${returnId}.`);
  const [items, session, settings] = await Promise.all([
    findReturnItems(db, row.id),
    findReturnableSession(db, { sessionId: row.session_id }),
    getReturnSettings(db, row.organization_id),
  ]);
  if (!session) throw new Error(`return case ${row.id} lost its payment session ${row.session_id}`);
  return {
    row,
    merchantName: session.merchantName,
    merchantReference: session.merchantReference,
    items,
    itemsValueMinor: itemsValue(items),
    consumerAddress: session.address,
    merchantAddress: settings.returnAddress,
    parcel: { weightGrams: session.weightGrams, dimensionsMm: session.dimensionsMm },
  };
}
