import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { CostBreakdown } from '../carrier-tariffs/schemas';
import { integerParameter } from '../../platform/parameters';
import { Timestamp } from '../../platform/time';

/** The carrier invoice formats read: each carrier's own file, and a header-mapped CSV for the others. */
export const INVOICE_FORMATS = ['ups-billing-data', 'dhl-express-csv', 'generic-csv'] as const;
export const InvoiceFormat = z.enum(INVOICE_FORMATS);
export type InvoiceFormat = z.infer<typeof InvoiceFormat>;

/**
 * What a charge is, as reconciliation compares it with the cost engine: the base (weight) price, fuel, another
 * surcharge, a tax, or anything else (information lines, adjustments the format does not classify).
 */
export const CHARGE_KINDS = ['base', 'fuel', 'surcharge', 'tax', 'other'] as const;
export const ChargeKind = z.enum(CHARGE_KINDS);
export type ChargeKind = z.infer<typeof ChargeKind>;

/** One charge of a carrier invoice, whatever the carrier's format. */
export const InvoiceLine = z.object({
  lineNumber: z
    .number()
    .int()
    .describe('1, 2, 3, … over the whole file: a row with several charges gives several'),
  sourceRow: z
    .number()
    .int()
    .describe("The line of the file the charge was read from (the file's own numbering)"),
  invoiceNumber: z.string(),
  invoiceDate: z.iso.date(),
  trackingNumber: z
    .string()
    .nullable()
    .describe(
      'The match key: the piece’s tracking number, normalised as orders store it; null for account-level charges',
    ),
  shipmentNumber: z
    .string()
    .nullable()
    .describe("The carrier's shipment number (UPS lead shipment, DHL waybill); shown, never used to match"),
  shipDate: z.iso.date().nullable(),
  billedWeightGrams: z.number().int().nullable(),
  zone: z.string().nullable(),
  chargeKind: ChargeKind,
  chargeCode: z.string().describe("The carrier's code of the charge"),
  chargeDescription: z.string(),
  amountMinor: z.number().int().describe('Billed amount in minor units; negative for credits'),
  currency: z.string().length(3),
});
export type InvoiceLine = z.infer<typeof InvoiceLine>;

/** A cell that could not be read: its row in the file, its column (number and name, or header), and why. */
export const InvoiceCellError = z.object({
  row: z.number().int(),
  column: z.string(),
  message: z.string(),
});
export type InvoiceCellError = z.infer<typeof InvoiceCellError>;

export const DATE_FORMATS = ['YYYY-MM-DD', 'YYYYMMDD', 'DD-MM-YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY'] as const;

const HeaderName = z.string().trim().min(1).max(100);

/**
 * How a carrier without a format of its own maps its invoice CSV: which header holds what, and how its numbers
 * and dates are written. Kept per carrier as configuration.
 */
export const GenericInvoiceMapping = z
  .object({
    delimiter: z.enum([',', ';', '\t']).default(','),
    decimalSeparator: z.enum(['.', ',']).default('.'),
    dateFormat: z.enum(DATE_FORMATS).default('YYYY-MM-DD'),
    weightUnit: z.enum(['kg', 'g', 'lb']).default('kg'),
    columns: z.object({
      trackingNumber: HeaderName,
      amount: HeaderName,
      shipDate: HeaderName.optional(),
      billedWeight: HeaderName.optional(),
      zone: HeaderName.optional(),
      chargeCode: HeaderName.optional(),
      chargeDescription: HeaderName.optional(),
      currency: HeaderName.optional(),
      invoiceNumber: HeaderName.optional(),
      invoiceDate: HeaderName.optional(),
    }),
    /** Values for what the file does not carry per row (one invoice per file, one currency). */
    invoice: z
      .object({
        number: z.string().min(1).optional(),
        date: z.iso.date().optional(),
        currency: z.string().length(3).optional(),
      })
      .default({}),
    /** The kind of each charge code the carrier uses; codes not listed are `other`. */
    chargeKinds: z.record(z.string(), ChargeKind).default({}),
  })
  .refine((m) => m.columns.currency ?? m.invoice.currency, {
    message: 'needs a currency column or invoice.currency',
    path: ['invoice', 'currency'],
  })
  .refine((m) => m.columns.invoiceNumber ?? m.invoice.number, {
    message: 'needs an invoice number column or invoice.number',
    path: ['invoice', 'number'],
  })
  .refine((m) => m.columns.invoiceDate ?? m.invoice.date, {
    message: 'needs an invoice date column or invoice.date',
    path: ['invoice', 'date'],
  });
export type GenericInvoiceMapping = z.infer<typeof GenericInvoiceMapping>;
export type GenericInvoiceMappingInput = z.input<typeof GenericInvoiceMapping>;

export const CarrierCodeParam = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_-]{2,32}$/, 'must be a carrier code such as UPS or DHL_EXPRESS')
  .describe('Carrier code, as orders carry it in `carrier_code`');

/** The form fields of an invoice upload beside its file; they must come before the file part. */
export const InvoiceUploadOptions = z.object({
  format: InvoiceFormat.optional().describe(
    'The file format; by default `ups-billing-data` for UPS, `dhl-express-csv` for DHL and DHL_EXPRESS; other carriers send `generic-csv` with a mapping',
  ),
  mapping: z
    .string()
    .max(65_536)
    .optional()
    .describe('For `generic-csv`: the header mapping as JSON (GenericInvoiceMapping)'),
});
export type InvoiceUploadOptions = z.infer<typeof InvoiceUploadOptions>;

export const InvoiceTotals = z.object({
  invoiceNumber: z.string(),
  invoiceDate: z.string(),
  currency: z.string(),
  lines: z.number().int(),
  amountMinor: z.number().int().describe('Sum of the lines billed on this invoice, in minor units'),
});

/** What matching makes of one parcel as one import bills it, or of one account-level line. */
export const RECONCILIATION_STATUSES = [
  'MATCHED',
  'MISMATCH',
  'UNMATCHED_IN_DB',
  'ACCOUNT_CHARGE',
  'DUPLICATE_ON_INVOICE',
] as const;
export const ReconciliationStatus = z
  .enum(RECONCILIATION_STATUSES)
  .describe(
    '`MATCHED`: within the carrier tolerance of the engine; `MISMATCH`: outside it (see causes and detail); `UNMATCHED_IN_DB`: no parcel with this tracking number; `ACCOUNT_CHARGE`: a line without tracking number; `DUPLICATE_ON_INVOICE`: the base charge billed twice, on this import or an earlier one',
  );
export type ReconciliationStatus = z.infer<typeof ReconciliationStatus>;

export const MISMATCH_CAUSES = ['weight', 'zone', 'surcharge', 'fuel', 'price'] as const;
export const MismatchCause = z
  .enum(MISMATCH_CAUSES)
  .describe(
    '`weight`: billed weight ≠ chargeable weight; `zone`: invoice zone ≠ engine zone; `surcharge`/`fuel`: those sums differ; `price`: the amounts differ for none of those reasons',
  );
export type MismatchCause = z.infer<typeof MismatchCause>;

export const DECISIONS = ['credit_requested', 'excluded'] as const;

const StatusTotals = z.object({
  count: z.number().int(),
  billed_minor: z.number().int(),
  expected_minor: z.number().int().describe('Sum over the rows with an expected cost'),
  delta_minor: z.number().int().describe('billed − expected, over the rows with an expected cost'),
});

export const ReconciliationTotals = z
  .object({
    currency: z.string(),
    by_status: z.object(
      Object.fromEntries(RECONCILIATION_STATUSES.map((status) => [status, StatusTotals])) as Record<
        ReconciliationStatus,
        typeof StatusTotals
      >,
    ),
    billed_minor: z.number().int(),
    expected_minor: z.number().int(),
    delta_minor: z.number().int().describe('billed − expected over every compared row of the import'),
  })
  .meta({ id: 'ReconciliationTotals' });
export type ReconciliationTotals = z.infer<typeof ReconciliationTotals>;

/** What the invoice billed for one parcel (or one account-level line), by charge kind. */
export const BilledCharges = z
  .object({
    baseMinor: z.number().int(),
    fuelMinor: z.number().int(),
    surchargeMinor: z.number().int(),
    otherMinor: z.number().int().describe('Charges of no kind the engine prices; compared within the total'),
    taxMinor: z.number().int().describe('Taxes billed: not compared (the engine prices net of tax)'),
    baseCharges: z
      .number()
      .int()
      .describe('Base charges billed, credits deducted: more than 1 is a duplicate'),
    billedWeightGrams: z.number().int().nullable(),
    zone: z.string().nullable(),
    shipmentNumber: z.string().nullable(),
    surcharges: z.array(
      z.object({ code: z.string(), description: z.string(), amountMinor: z.number().int() }),
    ),
  })
  .meta({ id: 'BilledCharges' });
export type BilledCharges = z.infer<typeof BilledCharges>;

export const CarrierReconciliation = z
  .object({
    id: z.uuid(),
    import_id: z.uuid(),
    carrier_code: z.string(),
    tracking_number: z.string().nullable(),
    parcel_id: z.uuid().nullable(),
    order_id: z.uuid().nullable(),
    status: ReconciliationStatus,
    mismatch_causes: z.array(MismatchCause),
    detail: z.string().nullable().describe('Why, in words: the causes, a missing tariff, an earlier bill'),
    line_numbers: z.array(z.number().int()).describe('The invoice lines of this row'),
    invoice_number: z.string(),
    ship_date: z.iso.date().nullable(),
    currency: z.string(),
    billed_minor: z.number().int().describe('Every charge billed but taxes'),
    expected_minor: z.number().int().nullable().describe("The engine's total; null when not computed"),
    delta_minor: z.number().int().nullable().describe('billed − expected'),
    billed: BilledCharges,
    expected: CostBreakdown.nullable().describe(
      "The engine's breakdown at the parcel's ship date; null when not computed (or billed on an earlier import)",
    ),
    decision: z.enum(DECISIONS).nullable(),
    decision_reason: z.string().nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'CarrierReconciliation' });
export type CarrierReconciliation = z.infer<typeof CarrierReconciliation>;

export const ListReconciliationsInput = PageInput.extend({
  cc: CarrierCodeParam,
  import_id: z.uuid(),
  status: ReconciliationStatus.optional(),
  cause: MismatchCause.optional().describe('Only rows naming this cause'),
  tracking_number: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .optional()
    .describe('Only this tracking number (spaces and case ignored)'),
  decision: z
    .enum([...DECISIONS, 'none'])
    .optional()
    .describe('Only rows with this last decision; `none`: no decision'),
});
export type ListReconciliationsInput = z.infer<typeof ListReconciliationsInput>;
export const CarrierReconciliationPage = pageOf(CarrierReconciliation);

export const GetReconciliationInput = z.object({ cc: CarrierCodeParam, id: z.uuid() });
export type GetReconciliationInput = z.infer<typeof GetReconciliationInput>;

export const DEFAULT_COVERAGE_DAYS = 30;

export const BillingCoverageInput = PageInput.extend({
  cc: CarrierCodeParam,
  days: integerParameter(z.int().min(0).max(3650).default(DEFAULT_COVERAGE_DAYS)).describe(
    `Parcels shipped at least this many days ago with no invoice line are listed (default ${DEFAULT_COVERAGE_DAYS})`,
  ),
});
export type BillingCoverageInput = z.infer<typeof BillingCoverageInput>;

export const UninvoicedParcel = z.object({
  id: z.uuid().describe('The parcel (piece) id'),
  order_id: z.uuid(),
  merchant_reference: z.string(),
  tracking_number: z.string(),
  ship_date: z.iso.date(),
  days_since_ship: z.number().int(),
});

export const BillingCoverage = pageOf(UninvoicedParcel)
  .extend({
    days: z.number().int(),
    shipped_on_or_before: z.iso.date().describe('The listed parcels shipped on or before this date'),
    periods: z
      .array(
        z.object({
          month: z.string().describe('YYYY-MM of the ship date'),
          shipped: z.number().int(),
          invoiced: z.number().int().describe('Billed on a matched import of this carrier'),
          not_invoiced: z.number().int(),
        }),
      )
      .describe('Every month with shipped parcels of this carrier, newest first (at most 24)'),
  })
  .meta({ id: 'BillingCoverage' });
export type BillingCoverage = z.infer<typeof BillingCoverage>;

export const CarrierInvoiceImport = z
  .object({
    id: z.uuid(),
    carrier_code: z.string(),
    format: InvoiceFormat,
    file_name: z.string(),
    content_hash: z.string().describe('SHA-256 of the file: the same file is imported once per carrier'),
    size_bytes: z.number().int(),
    rows: z.number().int().describe('Data rows read (the header not counted)'),
    lines: z.number().int().describe('Invoice lines stored (a DHL shipment row gives one per charge)'),
    invoices: z.array(InvoiceTotals).describe('Per invoice number on the file'),
    created_at: Timestamp,
    matching: z
      .enum(['pending', 'done'])
      .describe('`pending` until the matching job has compared every line with its parcel; then `done`'),
    matched_at: Timestamp.nullable().describe('When the lines were matched; null while pending'),
    totals: z
      .array(ReconciliationTotals)
      .describe(
        'Per currency billed: totals per status and the delta billed − expected; empty while pending',
      ),
  })
  .meta({ id: 'CarrierInvoiceImport' });
export type CarrierInvoiceImport = z.infer<typeof CarrierInvoiceImport>;

export const InvoiceUploadResult = z
  .object({
    import: CarrierInvoiceImport,
    already_imported: z
      .boolean()
      .describe('True when this very file (same content hash) was imported before: nothing new was stored'),
  })
  .meta({ id: 'InvoiceUploadResult' });
export type InvoiceUploadResult = z.infer<typeof InvoiceUploadResult>;

export const ListCarrierInvoicesInput = PageInput.extend({ cc: CarrierCodeParam });
export type ListCarrierInvoicesInput = z.infer<typeof ListCarrierInvoicesInput>;
export const CarrierInvoiceImportPage = pageOf(CarrierInvoiceImport);
