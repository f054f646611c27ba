import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { CountryCode, OrderCurrency } from '../orders/schemas';
import { CarrierCode, ServiceCode } from '../partners/schemas';

export { CarrierCode, ServiceCode };

export const IsoDate = z.iso.date().describe('A calendar date, YYYY-MM-DD');

/** Rates are exact decimals carried as text ("12.5"), at most 4 decimals: never a binary float. */
export const Percent = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, 'must be a decimal percentage such as 12.5 (at most 4 decimals)')
  .refine((value) => Number(value) <= 100, 'must be at most 100')
  .describe('A percentage as an exact decimal string, e.g. "12.5" for 12.5 %');

const Grams = z.int().positive().max(10_000_000);
const Minor = z.int().min(0).max(1e11);

// ── the tariff document stored with each version (read whole by the engine) ──────────────────────────────

export const ZoneRule = z.object({
  country: z.string().regex(/^[A-Z]{2}$/),
  postcodeFrom: z.string().nullable().describe('Inclusive; compared on the postcode’s first characters'),
  postcodeTo: z.string().nullable(),
  zone: z.string().min(1).max(32),
});
export type ZoneRule = z.infer<typeof ZoneRule>;

export const WeightBreak = z.object({
  upToGrams: Grams.describe('Upper-inclusive weight limit of the break'),
  priceMinor: Minor,
});
export type WeightBreak = z.infer<typeof WeightBreak>;

export const ZoneRates = z.object({
  zone: z.string().min(1).max(32),
  breaks: z.array(WeightBreak).min(1).describe('Ascending by upToGrams'),
  additional: z
    .object({ stepGrams: Grams, priceMinor: Minor })
    .nullable()
    .describe('Price per started step above the last break; null: the last break is the maximum weight'),
});
export type ZoneRates = z.infer<typeof ZoneRates>;

export const SURCHARGE_CONDITIONS = ['always', 'oversize', 'remote_postcode', 'residential'] as const;
export const Surcharge = z.object({
  code: z.string().min(1).max(32),
  name: z.string().min(1).max(200),
  kind: z.enum(['fixed', 'percent']).describe('fixed: amountMinor; percent: percent of the base price'),
  amountMinor: Minor.nullable(),
  percent: Percent.nullable(),
  condition: z.enum(SURCHARGE_CONDITIONS),
  thresholdCm: z
    .int()
    .positive()
    .nullable()
    .describe('oversize: applies when the longest side exceeds this many centimetres'),
  fuelApplies: z.boolean().describe('Whether the fuel surcharge is also charged on this surcharge'),
});
export type Surcharge = z.infer<typeof Surcharge>;

export const PostcodeRange = z.object({
  country: z.string().regex(/^[A-Z]{2}$/),
  postcodeFrom: z.string().min(1),
  postcodeTo: z.string().min(1),
});
export type PostcodeRange = z.infer<typeof PostcodeRange>;

export const TariffBody = z.object({
  zones: z.array(ZoneRule),
  rates: z.array(ZoneRates),
  surcharges: z.array(Surcharge),
  remoteAreas: z.array(PostcodeRange),
});
export type TariffBody = z.infer<typeof TariffBody>;

// ── reading ───────────────────────────────────────────────────────────────────────────────────────────────

export const TariffService = z
  .object({ carrier: z.string(), code: z.string(), name: z.string(), updatedAt: Timestamp })
  .meta({ id: 'TariffService' });
export type TariffService = z.infer<typeof TariffService>;

export const TariffCarrier = z
  .object({
    code: z.string().describe('The carrier code orders carry in `carrier_code`'),
    name: z.string(),
    services: z.array(TariffService),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'TariffCarrier' });
export type TariffCarrier = z.infer<typeof TariffCarrier>;
export const TariffCarrierPage = pageOf(TariffCarrier);

export const ListCarriersInput = PageInput.extend({
  q: z.string().trim().min(1).max(200).optional().describe('Part of the code or name, in any case'),
});
export type ListCarriersInput = z.infer<typeof ListCarriersInput>;

export const CarrierInput = z.object({ carrier: CarrierCode });
export const ServiceInput = CarrierInput.extend({ service: ServiceCode });

export const TariffVersionSummary = z
  .object({
    id: z.uuid(),
    carrier: z.string(),
    service: z.string(),
    origin: z.string(),
    effectiveFrom: IsoDate,
    currency: z.string(),
    volumetricDivisor: z.int().describe('Volumetric kg = L × W × H (cm) / divisor'),
    weightStepGrams: z.int().describe('Chargeable weight is rounded up to a multiple of this'),
    layout: z.string().describe('The workbook layout it was imported from'),
    fileName: z.string(),
    createdBy: z.uuid().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'TariffVersionSummary' });
export type TariffVersionSummary = z.infer<typeof TariffVersionSummary>;
export const TariffVersionPage = pageOf(TariffVersionSummary);

export const TariffVersion = TariffVersionSummary.extend({ tariff: TariffBody }).meta({
  id: 'TariffVersion',
});
export type TariffVersion = z.infer<typeof TariffVersion>;

export const ListVersionsInput = PageInput.extend({
  carrier: CarrierCode,
  service: ServiceCode.optional(),
  origin: CountryCode.optional(),
});
export type ListVersionsInput = z.infer<typeof ListVersionsInput>;
export const VersionInput = z.object({ carrier: CarrierCode, id: z.uuid().describe('Tariff version id') });

// ── fuel ──────────────────────────────────────────────────────────────────────────────────────────────────

export const FuelDiscountMode = z
  .enum(['of_surcharge', 'points'])
  .describe(
    'of_surcharge: rate = published × (1 − discount / 100); points: rate = published − discount (percentage points)',
  );

export const SetFuelInput = z
  .object({
    carrier: CarrierCode,
    publishedPercent: Percent.describe('The carrier\'s published fuel surcharge, e.g. "16.75"'),
    discountPercent: Percent.describe('IPAY’s contractual discount on it, e.g. "30" or "2.5"'),
    discountMode: FuelDiscountMode,
    effectiveFrom: IsoDate.describe('Applies to shipments from this date on'),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .describe('Why (e.g. the carrier’s monthly index); kept in the history'),
  })
  .refine(
    (input) =>
      input.discountMode !== 'points' || Number(input.discountPercent) <= Number(input.publishedPercent),
    {
      path: ['discountPercent'],
      message: 'in points may not exceed the published percentage',
    },
  );
export type SetFuelInput = z.infer<typeof SetFuelInput>;

export const FuelSurcharge = z
  .object({
    id: z.uuid(),
    carrier: z.string(),
    publishedPercent: z.string(),
    discountPercent: z.string(),
    discountMode: FuelDiscountMode,
    effectivePercent: z.string().describe('The rate charged after IPAY’s discount, exact'),
    effectiveFrom: IsoDate,
    reason: z.string(),
    createdBy: z.uuid().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'FuelSurcharge' });
export type FuelSurcharge = z.infer<typeof FuelSurcharge>;
export const FuelSurchargePage = pageOf(FuelSurcharge);
export const ListFuelInput = PageInput.extend({ carrier: CarrierCode });
export type ListFuelInput = z.infer<typeof ListFuelInput>;

// ── costs ─────────────────────────────────────────────────────────────────────────────────────────────────

const Dimension = z
  .number()
  .positive()
  .max(1000)
  .refine((value) => Number.isInteger(value * 10), 'must have at most one decimal')
  .describe('Centimetres, at most one decimal');

export const Shipment = z.object({
  origin: CountryCode.describe('The country the parcel ships from'),
  destination: z.object({
    country: CountryCode,
    postcode: z.string().trim().max(16).default('').describe('Selects postcode-range zones and remote areas'),
  }),
  weightGrams: Grams.describe('Actual (scale) weight in grams'),
  dimensionsCm: z
    .object({ length: Dimension, width: Dimension, height: Dimension })
    .describe('Outer dimensions for the volumetric weight'),
  residential: z.boolean().default(false).describe('Delivered to a private address (residential surcharges)'),
  shipDate: IsoDate.optional().describe(
    'The tariff and fuel surcharge in force on this date; today (UTC) by default',
  ),
});
export type Shipment = z.infer<typeof Shipment>;

export const CostPreviewInput = Shipment.extend({
  carriers: z.array(CarrierCode).max(1000).optional().describe('Only these carriers'),
  services: z.array(ServiceCode).max(1000).optional().describe('Only these service codes'),
});
export type CostPreviewInput = z.infer<typeof CostPreviewInput>;

export const CarrierCostPreviewInput = Shipment.extend({
  carrier: CarrierCode,
  services: z.array(ServiceCode).max(1000).optional().describe('Only these service codes'),
});

export const CostBreakdown = z
  .object({
    carrier: z.string(),
    service: z.string(),
    tariffVersionId: z.uuid(),
    effectiveFrom: IsoDate.describe('Effective date of the tariff version used'),
    currency: z.string(),
    weight: z.object({
      actualGrams: z.int(),
      volumetricGrams: z.int().describe('ceil(L × W × H in mm³ / divisor): L × W × H cm / divisor in kg'),
      volumetricDivisor: z.int(),
      weightStepGrams: z.int(),
      chargeableGrams: z.int().describe('max(actual, volumetric) rounded up to the weight step'),
    }),
    zone: z.string(),
    weightBreak: z.object({
      upToGrams: z.int().describe('The break used (the last one when above it)'),
      priceMinor: z.int(),
      additionalSteps: z.int().describe('Started steps above the last break'),
      additionalStepGrams: z.int().nullable(),
      additionalStepPriceMinor: z.int().nullable(),
    }),
    baseMinor: z.int().describe('Break price plus additional steps'),
    surcharges: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        kind: z.enum(['fixed', 'percent']),
        percent: z.string().nullable(),
        fuelApplies: z.boolean(),
        amountMinor: z.int(),
      }),
    ),
    fuel: z.object({
      surchargeId: z.uuid().nullable().describe('The fuel history entry used; null when none is on file'),
      baseMinor: z.int().describe('Base plus the surcharges fuel applies to'),
      publishedPercent: z.string(),
      discountPercent: z.string(),
      discountMode: FuelDiscountMode.nullable(),
      effectivePercent: z.string(),
      publishedAmountMinor: z.int().describe('Fuel at the published rate'),
      ipayDiscountMinor: z.int().describe('Published fuel amount minus the fuel charged'),
      amountMinor: z.int().describe('Fuel charged'),
    }),
    totalMinor: z.int().describe('Base + surcharges + fuel charged'),
  })
  .meta({ id: 'CostBreakdown' });
export type CostBreakdown = z.infer<typeof CostBreakdown>;

export const NotApplicable = z.object({
  carrier: z.string(),
  service: z.string(),
  tariffVersionId: z.uuid(),
  reason: z.enum(['no_zone', 'over_max_weight']),
  detail: z.string(),
});
export type NotApplicable = z.infer<typeof NotApplicable>;

export const CostPreview = z
  .object({
    shipDate: IsoDate,
    items: z.array(CostBreakdown).describe('Every applicable carrier × service, cheapest total first'),
    notApplicable: z
      .array(NotApplicable)
      .describe('Tariffs in force that cannot carry this shipment (no zone, too heavy)'),
  })
  .meta({ id: 'CostPreview' });
export type CostPreview = z.infer<typeof CostPreview>;

// ── import ────────────────────────────────────────────────────────────────────────────────────────────────

export const TARIFF_LAYOUTS = ['ipay', 'ups', 'dhl_express'] as const;
export type TariffLayout = (typeof TARIFF_LAYOUTS)[number];

/** Form fields beside the file; the carrier's own layouts name no IPAY carrier or service, so the form does. */
export const ImportOptions = z.object({
  dry_run: z.enum(['true', 'false']).default('false').describe('Show what would change; write nothing'),
  carrier: CarrierCode.optional().describe('UPS and DHL layouts: the carrier code'),
  carrier_name: z.string().trim().min(1).max(200).optional().describe('UPS and DHL layouts: its name'),
  service: ServiceCode.optional().describe('UPS and DHL layouts: the service code'),
  service_name: z.string().trim().min(1).max(200).optional(),
  origin: CountryCode.optional().describe('UPS and DHL layouts: the origin country'),
  effective_from: IsoDate.optional().describe('UPS and DHL layouts: effective date'),
  currency: OrderCurrency.optional().describe('UPS and DHL layouts: currency (default EUR)'),
  volumetric_divisor: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional()
    .describe('UPS and DHL layouts: volumetric divisor (default 5000)'),
  weight_step_grams: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional()
    .describe('UPS and DHL layouts: weight rounding step in grams (default 500)'),
});
export type ImportOptions = z.infer<typeof ImportOptions>;

const CountChange = z.object({ added: z.int(), removed: z.int(), changed: z.int() });

export const TariffChange = z.object({
  carrier: z.string(),
  carrierName: z.string(),
  service: z.string(),
  origin: z.string(),
  effectiveFrom: IsoDate,
  status: z
    .enum(['new', 'changed', 'unchanged'])
    .describe('Against the newest version with the same carrier, service and origin'),
  newCarrier: z.boolean(),
  newService: z.boolean(),
  zones: CountChange.describe('Zone-map rules'),
  breaks: CountChange.describe('Weight breaks (and additional-step prices), by zone and weight'),
  surcharges: CountChange,
  versionId: z
    .uuid()
    .nullable()
    .describe('The version created (real run); null on a dry run or when unchanged'),
});
export type TariffChange = z.infer<typeof TariffChange>;

export const CellError = z.object({
  sheet: z.string(),
  row: z.int().describe('1-based row in the sheet'),
  column: z.string().describe('Column letter, e.g. C'),
  message: z.string(),
});
export type CellError = z.infer<typeof CellError>;

export const ImportResult = z
  .object({
    layout: z.enum(TARIFF_LAYOUTS),
    dryRun: z.boolean(),
    changes: z.array(TariffChange),
    errors: z.array(CellError).describe('Every cell error; a real run with any imports nothing (422)'),
  })
  .meta({ id: 'TariffImportResult' });
export type ImportResult = z.infer<typeof ImportResult>;
