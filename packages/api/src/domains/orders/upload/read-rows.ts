import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { AppError } from '../../../errors/app-error';
import { isFormulaLike } from '../../../platform/table-writer';
import { inspectXlsx, unreadableXlsx, XLSX_LIMITS, type InspectedXlsx, type XlsxLimits } from './xlsx-guard';

export type UploadFormat = 'csv' | 'xlsx';

/** One line of the sheet as text cells; `row` is its 1-based line in the file (the header is row 1). */
export interface SheetRow {
  row: number;
  cells: string[];
}

/**
 * What a cell that cannot be text turns into: PostgreSQL stores no NUL, and bytes that are not UTF-8 are read as
 * this character already. Validation reports a mapped cell holding it as a row error naming the column.
 */
export const UNREADABLE = '\uFFFD';

/** Text PostgreSQL can store: a NUL becomes UNREADABLE. */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', UNREADABLE);
}

/**
 * A cell as it is parked. A leading quote before a formula trigger is the one our table writer adds to
 * rejected.csv: dropped, so a fixed rejected.csv uploads the merchant's own text again.
 */
export function cellOf(text: string): string {
  const storable = storableText(text);
  return storable.startsWith("'") && isFormulaLike(storable.slice(1)) ? storable.slice(1) : storable;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Decides CSV or XLSX by the first bytes (an XLSX is a zip), falling back on the file name, and hands back a
 * stream that still starts at the first byte.
 */
export async function detectFormat(
  file: AsyncIterable<Buffer>,
  fileName: string,
): Promise<{ format: UploadFormat; stream: Readable }> {
  const iterator = file[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const isZip = head.subarray(0, 4).equals(ZIP_MAGIC);
  const format: UploadFormat = isZip || /\.xlsx$/i.test(fileName) ? 'xlsx' : 'csv';
  async function* replay() {
    if (head.length) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { format, stream: Readable.from(replay()) };
}

async function* csvRows(stream: Readable): AsyncGenerator<SheetRow> {
  const parser = stream.pipe(
    parse({
      bom: true,
      // Spreadsheet programs in Dutch, German and French locales export with semicolons.
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }),
  );
  stream.on('error', (error) => parser.destroy(error));
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { row: record.info.lines, cells: record.record.map(cellOf) };
  }
}

function xlsxCellText(value: ExcelJS.CellValue): string {
  return cellOf(cellText(value));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return String(value).trim();
  if ('richText' in value)
    return value.richText
      .map((part) => part.text)
      .join('')
      .trim();
  if ('text' in value) return String(value.text).trim();
  if ('result' in value) return cellText(value.result);
  return '';
}

/** The upload on disk: an XLSX is a zip whose directory comes last, so it is checked whole before it is read. */
async function spool(stream: Readable): Promise<{ file: string; remove: () => Promise<void> }> {
  const folder = await mkdtemp(path.join(tmpdir(), 'ipay-upload-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  const file = path.join(folder, 'upload.xlsx');
  try {
    await pipeline(stream, createWriteStream(file));
    return { file, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

const WORKSHEET_PART = /^xl\/worksheets\/sheet\d+\.xml$/;

/**
 * The checked file's bytes with every worksheet part moved after the other parts. Spreadsheet programs (Excel,
 * and exceljs' own writer) store the shared strings after the sheets; exceljs' streaming reader then spools each
 * sheet to a temporary file to read it later, and on that path it sometimes never sees the shared strings at all
 * (about 2 % of reads of one and the same file lost every text cell). Its unzip reads local headers in sequence
 * and ignores the directory's offsets, so the parts, copied byte for byte in this order, read as the same
 * workbook with every sheet parsed as it streams in.
 */
function sheetsLast(file: string, inspected: InspectedXlsx): Readable {
  const sheets = inspected.parts.filter((part) => WORKSHEET_PART.test(part.name));
  const others = inspected.parts.filter((part) => !WORKSHEET_PART.test(part.name));
  const ranges = [...others, ...sheets].map(({ start, end }) => ({ start, end: end - 1 }));
  return Readable.from(
    (async function* () {
      for (const range of ranges) yield* createReadStream(file, range);
      yield* createReadStream(file, { start: inspected.directoryStart });
    })(),
  );
}

/** One row of a workbook with the name of its sheet. */
export interface WorkbookRow extends SheetRow {
  sheet: string;
}

async function* workbookRows(
  stream: Readable,
  fileName: string,
  limits: XlsxLimits,
  sheets: 'first' | 'all',
): AsyncGenerator<WorkbookRow> {
  const spooled = await spool(stream);
  try {
    const inspected = await inspectXlsx(spooled.file, fileName, limits);
    const listed = inspected.sheets;
    // Loaded on the first XLSX, not at start: most processes never read one, and exceljs costs ~9 MiB resident.
    const { default: excel } = await import('exceljs');
    const workbook = new excel.stream.xlsx.WorkbookReader(sheetsLast(spooled.file, inspected), {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      worksheets: 'emit',
    });
    // exceljs 4.4 fails looking a sheet's name up when xl/workbook.xml comes after the sheet in the zip (its
    // own writer puts it last); the names are the guard's, read from the workbook's index parts.
    Object.assign(workbook, { model: { sheets: [] } });
    const first = listed[0]?.part;
    for await (const sheet of workbook) {
      const { id, name } = sheet as unknown as { id: string; name: string };
      const part = `xl/worksheets/sheet${id}.xml`;
      if (sheets === 'first' && first !== undefined && part !== first) continue;
      const listedName = listed.find((entry) => entry.part === part)?.name ?? name;
      for await (const row of sheet) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        const cells = Array.from(values, (value) => xlsxCellText(value));
        if (cells.some((cell) => cell !== '')) yield { sheet: listedName, row: row.number, cells };
      }
      if (sheets === 'first') return;
    }
  } finally {
    await spooled.remove();
  }
}

async function* xlsxRows(stream: Readable, fileName: string, limits: XlsxLimits): AsyncGenerator<SheetRow> {
  // Only the workbook's first sheet holds orders; other sheets (notes, lookups) are skipped.
  for await (const { row, cells } of workbookRows(stream, fileName, limits, 'first')) yield { row, cells };
}

/**
 * Every sheet's rows, sheet after sheet in the order the file stores them, through the same bounds as an order upload (spooled to disk,
 * checked by xlsx-guard before exceljs reads it, streamed). An unreadable workbook is the same 422.
 */
export async function* readWorkbook(
  stream: Readable,
  file: { name: string; xlsxLimits?: XlsxLimits },
): AsyncGenerator<WorkbookRow> {
  try {
    yield* workbookRows(stream, file.name, file.xlsxLimits ?? XLSX_LIMITS, 'all');
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadableXlsx(file.name, error);
  }
}

/** A file whose header cannot be read as text is not UTF-8 (or not text) throughout: refused whole. */
function checkHeader(row: SheetRow, fileName: string): void {
  if (!row.cells.some((cell) => cell.includes(UNREADABLE))) return;
  const problem =
    'its first row holds characters that are not text (NUL bytes or bytes that are not UTF-8): save it as CSV UTF-8 or XLSX';
  throw new AppError('unprocessable', `${fileName} is refused: ${problem}.`, {
    errors: [{ field: 'file', message: problem, code: 'not_utf8' }],
  });
}

function unreadableCsv(fileName: string, cause: unknown): AppError {
  // csv-parse counts the line it stopped on; its own message is for developers.
  const line = (cause as { lines?: unknown } | null)?.lines;
  const where = typeof line === 'number' ? ` near line ${line}` : '';
  const problem = `it is not a readable CSV file${where} (check the quotes around cells)`;
  return new AppError('unprocessable', `${fileName} is refused: ${problem}.`, {
    errors: [{ field: 'file', message: problem, code: 'unreadable_file' }],
    cause,
  });
}

/**
 * The sheet's rows, header first, read as they stream in (an XLSX from disk once checked, see xlsx-guard). A file
 * that cannot be read is a 422 naming the file and what is wrong, in words for the merchant: a library's own
 * message ("Cannot read properties of undefined") stays in the error's cause.
 */
export async function* readSheet(
  stream: Readable,
  file: { name: string; format: UploadFormat; xlsxLimits?: XlsxLimits },
): AsyncGenerator<SheetRow> {
  try {
    const rows =
      file.format === 'xlsx' ? xlsxRows(stream, file.name, file.xlsxLimits ?? XLSX_LIMITS) : csvRows(stream);
    let header = true;
    for await (const row of rows) {
      if (header) checkHeader(row, file.name);
      header = false;
      yield row;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw file.format === 'xlsx' ? unreadableXlsx(file.name, error) : unreadableCsv(file.name, error);
  }
}
