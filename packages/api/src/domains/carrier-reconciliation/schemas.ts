import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
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
