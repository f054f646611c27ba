import type { DbExecutor } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { withJsonText } from '../../../platform/json-text';
import type { CompiledFuel, CompiledTariff } from '../engine/compiled-tariff';
import { byTotal, computeCost } from '../engine/compute-cost';
import { previewJson } from '../engine/preview-json';
import { CARRIER_TARIFFS_ERRORS } from '../errors';
import type { CostBreakdown, CostPreview, CostPreviewInput, NotApplicable } from '../schemas';
import { loadTariffsInForce } from './tariffs-in-force';
import { heldTariffStamp } from './tariff-stamp';

export type { CostBreakdown };
export { loadTariffsInForce };

/** Today in UTC: a ship date is a calendar date, and the platform's clock is UTC. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

interface LoadedSet {
  tariffs: readonly CompiledTariff[];
  fuel: ReadonlyMap<string, CompiledFuel>;
}

/** Every tariff in force for the shipment, cheapest first, and those that cannot carry it. */
export function previewLoaded(
  loaded: LoadedSet,
  input: Omit<CostPreviewInput, 'carriers' | 'services'>,
  shipDate: string,
): CostPreview {
  const items: CostBreakdown[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const tariff of loaded.tariffs) {
    const result = computeCost(tariff, loaded.fuel.get(tariff.source.carrier) ?? null, input);
    if (result.ok) items.push(result.cost);
    else notApplicable.push(result.notApplicable);
  }
  return { shipDate, items: items.sort(byTotal), notApplicable };
}

/**
 * POST …/cost-preview: what the shipment costs with every (or the chosen) carrier × service. `heldStamp`: the
 * API's requests take the tariff stamp this process holds (`heldTariffStamp`) instead of reading it each time.
 */
export async function previewCosts(
  db: DbExecutor,
  input: CostPreviewInput,
  options: { heldStamp?: boolean } = {},
): Promise<CostPreview> {
  const shipDate = input.shipDate ?? todayUtc();
  const loaded = await loadTariffsInForce(db, {
    stamp: options.heldStamp ? await heldTariffStamp(db) : undefined,
    origin: input.origin,
    shipDate,
    carriers: input.carriers?.length ? input.carriers : undefined,
    services: input.services?.length ? input.services : undefined,
  });
  return previewAnswer(loaded, input, shipDate);
}

/**
 * The preview as an answer for the transports: over REST its JSON text is written straight from the tariffs
 * (`previewJson`, the same bytes `JSON.stringify` would give), and the breakdown objects are built only when
 * something reads `items` or `notApplicable` (tRPC, in-process callers), once.
 */
export function previewAnswer(
  loaded: LoadedSet,
  input: Omit<CostPreviewInput, 'carriers' | 'services'>,
  shipDate: string,
): CostPreview {
  let built: CostPreview | undefined;
  const build = () => (built ??= previewLoaded(loaded, input, shipDate));
  const answer: CostPreview = {
    shipDate,
    get items() {
      return build().items;
    },
    get notApplicable() {
      return build().notApplicable;
    },
  };
  return withJsonText(answer, () => previewJson(loaded, input, shipDate));
}

export interface ShipmentCostRequest {
  carrier: string;
  /** Without a service: the cheapest of the carrier's services that can carry the shipment. */
  service?: string;
  origin: string;
  destination: { country: string; postcode: string };
  weightGrams: number;
  dimensionsCm: { length: number; width: number; height: number };
  residential?: boolean;
  shipDate: string;
}

/**
 * What one shipment should have cost at its ship date: the call reconciliation makes per invoice line. Throws
 * `no_tariff_in_force` when the carrier (service) has no tariff for the origin then, `shipment_not_carried`
 * when its tariffs have no zone for the destination or it is above their maximum weight.
 */
export async function computeShipmentCost(
  db: DbExecutor,
  request: ShipmentCostRequest,
): Promise<CostBreakdown> {
  const preview = await previewCosts(db, {
    origin: request.origin,
    destination: request.destination,
    weightGrams: request.weightGrams,
    dimensionsCm: request.dimensionsCm,
    residential: request.residential ?? false,
    shipDate: request.shipDate,
    carriers: [request.carrier],
    services: request.service ? [request.service] : undefined,
  });
  const cheapest = preview.items[0];
  if (cheapest) return cheapest;
  const what = `${request.carrier}${request.service ? ` ${request.service}` : ''} from ${request.origin}`;
  const refusal = preview.notApplicable[0];
  if (refusal) throw domainError(CARRIER_TARIFFS_ERRORS, 'shipment_not_carried', refusal.detail);
  throw domainError(
    CARRIER_TARIFFS_ERRORS,
    'no_tariff_in_force',
    `No tariff of ${what} is in force on ${request.shipDate}.`,
  );
}
