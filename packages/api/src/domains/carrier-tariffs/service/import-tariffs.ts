import { sql } from 'kysely';
import type { Db, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import type { FieldError } from '../../../errors/problem';
import type { WorkbookRow } from '../../orders/service/spreadsheet';
import { CARRIER_TARIFFS_ERRORS } from '../errors';
import { contentHash, diffBodies } from '../import/diff';
import { IPAY_EXPECTED, isIpayWorkbook, parseIpayWorkbook } from '../import/ipay-layout';
import type { ParsedTariff } from '../import/parsed-tariff';
import {
  detectMatrixLayout,
  MATRIX_EXPECTED,
  parseMatrixWorkbook,
  type MatrixMeta,
} from '../import/rate-matrix-layout';
import { CellErrors, type Sheets } from '../import/sheet-cells';
import { existingCarriersAndServices, findLatestVersions, upsertCarrier, upsertService } from '../repository';
import {
  TariffBody,
  type CellError,
  type ImportOptions,
  type ImportResult,
  type TariffChange,
  type TariffLayout,
} from '../schemas';
import { forgetHeldTariffStamp } from './tariff-stamp';

/** Rows a tariff workbook may hold across its sheets: 488 carriers' zone maps fit many times over. */
export const MAX_TARIFF_ROWS = 200_000;
/** Cell errors listed in a refusal; a file with more is wrong throughout, and the first ones say how. */
const MAX_LISTED_ERRORS = 1_000;

export interface ParsedWorkbook {
  layout: TariffLayout;
  tariffs: ParsedTariff[];
  errors: CellError[];
}

/** Every sheet's rows in memory (a tariff file is small; bounded by MAX_TARIFF_ROWS and the XLSX limits). */
export async function collectSheets(rows: AsyncIterable<WorkbookRow>, fileName: string): Promise<Sheets> {
  const sheets: Sheets = new Map();
  let count = 0;
  for await (const row of rows) {
    count += 1;
    if (count > MAX_TARIFF_ROWS) {
      throw new AppError(
        'unprocessable',
        `${fileName} is refused: it holds more than ${MAX_TARIFF_ROWS.toLocaleString('en-US')} rows.`,
        {
          errors: [
            { field: 'file', message: `holds more than ${MAX_TARIFF_ROWS} rows`, code: 'too_many_rows' },
          ],
        },
      );
    }
    const sheet = sheets.get(row.sheet) ?? [];
    sheet.push({ row: row.row, cells: row.cells });
    sheets.set(row.sheet, sheet);
  }
  return sheets;
}

function describeSheets(sheets: Sheets): string {
  if (!sheets.size) return 'The workbook has no rows.';
  const found = [...sheets].map(
    ([name, rows]) => `"${name}" headed ${(rows[0]?.cells ?? []).filter(Boolean).slice(0, 8).join(' | ')}`,
  );
  return `Found: ${found.join('; ')}.`;
}

function unknownLayout(fileName: string, sheets: Sheets): AppError {
  const expected = [IPAY_EXPECTED, MATRIX_EXPECTED.ups, MATRIX_EXPECTED.dhl_express];
  return domainError(
    CARRIER_TARIFFS_ERRORS,
    'unknown_tariff_layout',
    `${fileName} matches no tariff layout. Expected one of: ${expected.join('; or ')}. ${describeSheets(sheets)}`,
    { errors: [{ field: 'file', message: 'is not a known tariff layout', code: 'unknown_layout' }] },
  );
}

/** The form fields the carriers' own layouts need, as a 400 naming each one missing. */
function matrixMeta(options: ImportOptions, layout: TariffLayout): MatrixMeta {
  const required = ['carrier', 'service', 'origin', 'effective_from'] as const;
  const missing = required.filter((field) => !options[field]);
  const { carrier, service, origin, effective_from: effectiveFrom } = options;
  if (!carrier || !service || !origin || !effectiveFrom) {
    throw new AppError(
      'validation_failed',
      `A ${layout} file names no IPAY carrier, service or origin: send them as form fields.`,
      {
        errors: missing.map((field) => ({
          field,
          message: `is required for the ${layout} layout`,
          code: 'required',
        })),
      },
    );
  }
  return {
    carrier,
    carrierName: options.carrier_name ?? carrier,
    service,
    serviceName: options.service_name ?? service,
    origin,
    effectiveFrom,
    currency: options.currency ?? 'EUR',
    volumetricDivisor: Number(options.volumetric_divisor ?? 5000) || 5000,
    weightStepGrams: Number(options.weight_step_grams ?? 500) || 500,
  };
}

/**
 * Recognises the workbook's layout from its headers and reads its tariffs, collecting every cell error. Touches
 * no database: the caller opens the transaction only once the file is read.
 */
export function parseTariffSheets(
  sheets: Sheets,
  request: { fileName: string; options: ImportOptions },
): ParsedWorkbook {
  const errors = new CellErrors();
  if (isIpayWorkbook(sheets)) {
    return { layout: 'ipay', tariffs: parseIpayWorkbook(sheets, errors), errors: errors.list };
  }
  const layout = detectMatrixLayout(sheets);
  if (!layout) throw unknownLayout(request.fileName, sheets);
  const tariffs = parseMatrixWorkbook(sheets, layout, matrixMeta(request.options, layout), errors);
  return { layout, tariffs, errors: errors.list };
}

function refusal(errors: readonly CellError[]): AppError {
  const listed: FieldError[] = errors.slice(0, MAX_LISTED_ERRORS).map((e) => ({
    field: `${e.sheet}!${e.column}${e.row}`,
    message: `sheet ${e.sheet}, row ${e.row}, column ${e.column}: ${e.message}`,
    code: 'invalid_cell',
  }));
  const more = errors.length > MAX_LISTED_ERRORS ? ` (the first ${MAX_LISTED_ERRORS} are listed)` : '';
  return domainError(
    CARRIER_TARIFFS_ERRORS,
    'tariff_file_invalid',
    `The workbook has ${errors.length} invalid cell${errors.length === 1 ? '' : 's'}${more}; nothing was imported. A dry run (dry_run=true) lists them with what would change.`,
    { errors: listed },
  );
}

/**
 * Compares the parsed tariffs with the newest stored version of each and, unless `dryRun`, writes a new
 * version for each new or changed one (never editing a stored one). A tariff identical to its newest version
 * is left alone, so importing the same file twice creates nothing. Imports are serialised by an advisory lock,
 * so two at once cannot both decide a tariff is new. A file with any cell error imports nothing.
 */
export async function applyTariffImport(
  db: Db,
  request: { parsed: ParsedWorkbook; dryRun: boolean; fileName: string; userId: string },
): Promise<ImportResult> {
  const result = await db.transaction().execute((trx) => compareAndStore(trx, request));
  // This process's next cost preview reads the tariff stamp again, without waiting for the notification.
  if (!request.dryRun) forgetHeldTariffStamp(db);
  return result;
}

async function compareAndStore(
  trx: DbTransaction,
  request: { parsed: ParsedWorkbook; dryRun: boolean; fileName: string; userId: string },
): Promise<ImportResult> {
  const { parsed, dryRun } = request;
  if (parsed.errors.length && !dryRun) throw refusal(parsed.errors);
  if (!dryRun) await sql`select pg_advisory_xact_lock(hashtext('carrier-tariffs.import'))`.execute(trx);
  const keys = parsed.tariffs.map((t) => ({ carrier: t.carrier, service: t.service, origin: t.origin }));
  const latest = new Map(
    (await findLatestVersions(trx, keys)).map((row) => [
      `${row.carrier_code}|${row.service_code}|${row.origin_country}`,
      row,
    ]),
  );
  const known = await existingCarriersAndServices(trx, [...new Set(keys.map((k) => k.carrier))]);
  const knownCarriers = new Set(known.map((k) => k.carrier));
  const knownServices = new Set(known.map((k) => `${k.carrier}|${k.service ?? ''}`));
  const changes: TariffChange[] = [];
  for (const tariff of parsed.tariffs) {
    const previous = latest.get(`${tariff.carrier}|${tariff.service}|${tariff.origin}`);
    const hash = contentHash(tariff);
    const status = !previous ? 'new' : previous.content_hash === hash ? 'unchanged' : 'changed';
    let versionId: string | null = null;
    if (!dryRun && status !== 'unchanged') versionId = await writeVersion(trx, tariff, hash, request);
    changes.push({
      carrier: tariff.carrier,
      carrierName: tariff.carrierName,
      service: tariff.service,
      origin: tariff.origin,
      effectiveFrom: tariff.effectiveFrom,
      status,
      newCarrier: !knownCarriers.has(tariff.carrier),
      newService: !knownServices.has(`${tariff.carrier}|${tariff.service}`),
      ...diffBodies(previous ? TariffBody.parse(previous.body) : undefined, tariff.body),
      versionId,
    });
  }
  return { layout: parsed.layout, dryRun, changes, errors: parsed.errors };
}

async function writeVersion(
  trx: DbTransaction,
  tariff: ParsedTariff,
  hash: string,
  request: { parsed: ParsedWorkbook; fileName: string; userId: string },
): Promise<string> {
  await upsertCarrier(trx, tariff.carrier, tariff.carrierName);
  await upsertService(trx, tariff.carrier, tariff.service, tariff.serviceName);
  const row = await insertVersion(trx, tariff, {
    hash,
    layout: request.parsed.layout,
    fileName: request.fileName,
    userId: request.userId,
  });
  return row.id;
}

/** One new version row (also the benchmark's and tests' way to load tariffs without a workbook). */
export function insertVersion(
  trx: DbTransaction,
  tariff: ParsedTariff,
  source: { hash?: string; layout: string; fileName: string; userId: string | null },
) {
  return trx
    .insertInto('tariff_versions')
    .values({
      carrier_code: tariff.carrier,
      service_code: tariff.service,
      origin_country: tariff.origin,
      effective_from: tariff.effectiveFrom,
      currency: tariff.currency,
      volumetric_divisor: tariff.volumetricDivisor,
      weight_step_grams: tariff.weightStepGrams,
      body: JSON.stringify(tariff.body),
      content_hash: source.hash ?? contentHash(tariff),
      layout: source.layout,
      file_name: source.fileName,
      created_by: source.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Stores a tariff (carrier, service and version) without a workbook: for tests, benchmarks and fixtures. */
export async function storeTariff(
  trx: DbTransaction,
  tariff: ParsedTariff,
  userId: string | null = null,
): Promise<string> {
  await upsertCarrier(trx, tariff.carrier, tariff.carrierName);
  await upsertService(trx, tariff.carrier, tariff.service, tariff.serviceName);
  return (await insertVersion(trx, tariff, { layout: 'api', fileName: '', userId })).id;
}

export type { ParsedTariff };
