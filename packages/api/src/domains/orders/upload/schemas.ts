import { z } from 'zod';
import { Timestamp } from '../../../platform/time';
import { ORDER_CSV_COLUMNS } from '../csv-template';

export const ORDER_UPLOAD_STATUSES = ['receiving', 'queued', 'processing', 'completed', 'failed'] as const;
export const OrderUploadStatus = z.enum(ORDER_UPLOAD_STATUSES);
export type OrderUploadStatus = z.infer<typeof OrderUploadStatus>;

const FieldName = z.enum(ORDER_CSV_COLUMNS.map((c) => c.name) as [string, ...string[]]);

const FormFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

/** The form fields beside `file`; all optional. */
export const UploadOptions = z.object({
  mapping: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), FieldName.or(z.literal('')).nullable()))
    .describe('JSON object: file column header → field name (or null to ignore the column)'),
  dry_run: FormFlag.describe('true: validate and preview, write nothing'),
  strict: FormFlag.describe('true: create nothing if any row is invalid'),
});
export type UploadOptions = z.infer<typeof UploadOptions>;

export const MappedColumn = z.object({
  column: z.string().describe("The file's header"),
  field: FieldName.nullable().describe('The field it feeds; null when the column is ignored'),
});

export const RowError = z
  .object({
    row: z.number().int().describe('Line in the file; the header is row 1'),
    column: z
      .string()
      .nullable()
      .describe(
        "The file's columns to blame, comma-separated (every failing column of the row), when there are any",
      ),
    reason: z
      .string()
      .describe(
        "What is wrong with each failing column, ';'-separated; on a row with nothing wrong of its own, the row that made its order fail",
      ),
  })
  .meta({ id: 'OrderUploadRowError' });

export const OrderUpload = z
  .object({
    id: z.uuid(),
    file_name: z.string(),
    format: z.enum(['csv', 'xlsx']),
    size_bytes: z.number().int(),
    strict: z.boolean(),
    status: OrderUploadStatus,
    mapping: z.array(MappedColumn),
    rows_total: z.number().int().describe('Data rows in the file (the header not counted)'),
    rows_processed: z.number().int(),
    progress: z.number().min(0).max(1).describe('rows_processed / rows_total'),
    created_count: z.number().int().describe('Orders created by this upload'),
    existing_count: z
      .number()
      .int()
      .describe('Orders that already existed under the same merchant reference'),
    rejected_count: z.number().int().describe('Rows rejected; download them from rejected_csv_url'),
    error: z.string().nullable().describe('Why a failed upload failed'),
    rejected_csv_url: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
    completed_at: Timestamp.nullable(),
  })
  .meta({ id: 'OrderUpload' });
export type OrderUpload = z.infer<typeof OrderUpload>;

export const UploadPreviewRow = z.object({
  row: z.number().int(),
  values: z.record(z.string(), z.string()).describe('Field → cell text'),
});

export const UploadResult = z
  .object({
    dry_run: z.boolean(),
    format: z.enum(['csv', 'xlsx']),
    rows_total: z.number().int(),
    orders_total: z.number().int().describe('Distinct merchant references'),
    mapping: z.array(MappedColumn),
    preview: z.array(UploadPreviewRow).describe('The first rows as mapped (dry run only)'),
    errors: z
      .array(RowError)
      .describe(
        'Every row error found (an upload handed to a job reports them on its rejected rows instead)',
      ),
    upload: OrderUpload.nullable().describe('The recorded upload; null on a dry run'),
  })
  .meta({ id: 'OrderUploadResult' });
export type UploadResult = z.infer<typeof UploadResult>;

export const OrderUploadIdInput = z.object({ id: z.uuid().describe('Upload id') });
