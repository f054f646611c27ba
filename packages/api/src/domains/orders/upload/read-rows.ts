import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../../../errors/app-error';

export type UploadFormat = 'csv' | 'xlsx';

/** One line of the sheet as text cells; `row` is its 1-based line in the file (the header is row 1). */
export interface SheetRow {
  row: number;
  cells: string[];
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
    yield { row: record.info.lines, cells: record.record };
  }
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

async function* xlsxRows(stream: Readable): AsyncGenerator<SheetRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  });
  // Only the first sheet holds orders; later sheets (notes, lookups) are skipped.
  for await (const sheet of workbook) {
    for await (const row of sheet) {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      const cells = Array.from(values, (value) => cellText(value));
      if (cells.some((cell) => cell !== '')) yield { row: row.number, cells };
    }
    return;
  }
}

/** The sheet's rows, header first, read as they stream in. A file that cannot be parsed is a 422. */
export async function* readSheet(stream: Readable, format: UploadFormat): AsyncGenerator<SheetRow> {
  try {
    yield* format === 'xlsx' ? xlsxRows(stream) : csvRows(stream);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('unprocessable', `The file is not a readable ${format.toUpperCase()}: ${reason}`, {
      errors: [
        { field: 'file', message: `is not a readable ${format.toUpperCase()}`, code: 'unreadable_file' },
      ],
      cause: error,
    });
  }
}
