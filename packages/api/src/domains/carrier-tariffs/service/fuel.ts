import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import { decimalText, effectiveFuelUnits, FUEL_SCALE, percentUnits } from '../engine/rates';
import { selectFuel, type FuelRow } from '../repository';
import type { FuelSurcharge, ListFuelInput, SetFuelInput } from '../schemas';
import { getCarrier } from './read-tariffs';
import { forgetHeldTariffStamp } from './tariff-stamp';

/** The rate charged after IPAY's discount, exact: of the surcharge `p × (1 − d/100)`, in points `p − d`. */
export function effectiveFuelPercent(
  published: string,
  discount: string,
  mode: 'of_surcharge' | 'points',
): string {
  return decimalText(effectiveFuelUnits(percentUnits(published), percentUnits(discount), mode), FUEL_SCALE);
}

function fuelRowToFuel(row: FuelRow): FuelSurcharge {
  const mode = row.discount_mode;
  const published = decimalText(percentUnits(row.published_percent), 4);
  const discount = decimalText(percentUnits(row.discount_percent), 4);
  return {
    id: row.id,
    carrier: row.carrier_code,
    publishedPercent: published,
    discountPercent: discount,
    discountMode: mode,
    effectivePercent: effectiveFuelPercent(published, discount, mode),
    effectiveFrom: row.effective_from,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: toTimestamp(row.created_at),
  };
}

/**
 * PUT …/{carrier}/fuel: a new entry in the carrier's fuel history (never an edit). Sending the same values as
 * the newest entry with the same effective date is a no-op that answers that entry, so a retried PUT adds nothing.
 * Once it has committed, this process's next cost preview reads the tariff stamp again.
 */
export async function setFuelSurcharge(
  db: Db,
  request: { input: SetFuelInput; userId: string },
): Promise<FuelSurcharge> {
  const entry = await db.transaction().execute((trx) => addFuelEntry(trx, request));
  forgetHeldTariffStamp(db);
  return entry;
}

async function addFuelEntry(
  trx: DbTransaction,
  request: { input: SetFuelInput; userId: string },
): Promise<FuelSurcharge> {
  const { input } = request;
  await getCarrier(trx, input.carrier);
  const latest = await selectFuel(trx)
    .where('carrier_code', '=', input.carrier)
    .where('effective_from', '=', input.effectiveFrom)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const same =
    latest &&
    percentUnits(latest.published_percent) === percentUnits(input.publishedPercent) &&
    percentUnits(latest.discount_percent) === percentUnits(input.discountPercent) &&
    latest.discount_mode === input.discountMode &&
    latest.reason === input.reason;
  if (same) return fuelRowToFuel(latest);
  const { id } = await trx
    .insertInto('tariff_fuel_surcharges')
    .values({
      carrier_code: input.carrier,
      published_percent: input.publishedPercent,
      discount_percent: input.discountPercent,
      discount_mode: input.discountMode,
      effective_from: input.effectiveFrom,
      reason: input.reason,
      created_by: request.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return fuelRowToFuel(await selectFuel(trx).where('id', '=', id).executeTakeFirstOrThrow());
}

/** A carrier's fuel history, newest entry first. */
export async function listFuelHistory(db: DbExecutor, input: ListFuelInput): Promise<Page<FuelSurcharge>> {
  await getCarrier(db, input.carrier);
  const page = await fetchPage(selectFuel(db).where('carrier_code', '=', input.carrier), input, {
    orderBy: ['tariff_fuel_surcharges.created_at', 'tariff_fuel_surcharges.id'],
    direction: 'desc',
  });
  return { items: page.items.map(fuelRowToFuel), nextCursor: page.nextCursor };
}
