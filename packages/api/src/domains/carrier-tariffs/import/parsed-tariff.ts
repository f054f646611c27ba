import type { PostcodeRange, Surcharge, TariffBody, WeightBreak, ZoneRule } from '../schemas';
import type { CellErrors } from './sheet-cells';

/** One tariff read from a workbook, ready to be compared with the stored versions and written as a new one. */
export interface ParsedTariff {
  carrier: string;
  carrierName: string;
  service: string;
  serviceName: string;
  origin: string;
  effectiveFrom: string;
  currency: string;
  volumetricDivisor: number;
  weightStepGrams: number;
  body: TariffBody;
}

interface CellRef {
  sheet: string;
  row: number;
  column: number;
}

/** A tariff while its sheets are read: breaks keyed by weight so a repeated one is caught. */
export interface TariffDraft extends Omit<ParsedTariff, 'body'> {
  /** Where the tariff is declared (its row, or the sheet header for the carriers' own layouts). */
  sheet: string;
  row: number;
  zones: ZoneRule[];
  /** The first cell naming each zone, for "zone X has no prices". */
  zoneRows: Map<string, CellRef>;
  breaks: Map<string, Map<number, WeightBreak>>;
  additional: Map<string, { stepGrams: number; priceMinor: number }>;
  surcharges: Surcharge[];
  remoteAreas: PostcodeRange[];
}

/** The draft as a tariff, or `undefined` after naming what is missing (a tariff without zones or prices). */
export function finishTariff(draft: TariffDraft, errors: CellErrors): ParsedTariff | undefined {
  const name = `${draft.carrier} ${draft.service} from ${draft.origin}`;
  if (!draft.zones.length) {
    errors.add(draft.sheet, draft.row, 0, `the tariff ${name} has no zones`);
    return undefined;
  }
  let complete = true;
  for (const [zone, ref] of draft.zoneRows) {
    if (!draft.breaks.get(zone)?.size) {
      errors.add(ref.sheet, ref.row, ref.column, `zone ${zone} of ${name} has no weight breaks`);
      complete = false;
    }
  }
  if (!complete) return undefined;
  const { zones, zoneRows, breaks, additional, surcharges, remoteAreas } = draft;
  return {
    carrier: draft.carrier,
    carrierName: draft.carrierName,
    service: draft.service,
    serviceName: draft.serviceName,
    origin: draft.origin,
    effectiveFrom: draft.effectiveFrom,
    currency: draft.currency,
    volumetricDivisor: draft.volumetricDivisor,
    weightStepGrams: draft.weightStepGrams,
    body: {
      zones,
      rates: [...zoneRows.keys()].map((zone) => ({
        zone,
        breaks: [...(breaks.get(zone)?.values() ?? [])].sort((a, b) => a.upToGrams - b.upToGrams),
        additional: additional.get(zone) ?? null,
      })),
      surcharges,
      remoteAreas,
    },
  };
}
