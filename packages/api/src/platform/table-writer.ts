import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';

/**
 * The one writer for every CSV and XLSX the platform hands out. Cells come from merchants, carriers and shops,
 * so a cell such as `=HYPERLINK("http://evil.example","Click")` must reach whoever opens the file as text, never
 * as a formula (OWASP, "CSV Injection"): text that starts with a formula trigger gets a leading single quote,
 * every text field is quoted, and real numbers stay numbers.
 */
export type TableCell = string | number | boolean | Date | null | undefined;
export type TableRow = readonly TableCell[];

/**
 * What spreadsheet programs read as the start of a formula or a command: OWASP's list (`=`, `+`, `-`, `@`,
 * tab, carriage return), line feed (a cell can start with one inside quotes), and the full-width forms some
 * locales' Excel also evaluates.
 */
const FORMULA_TRIGGERS = /^[=+\-@\t\r\n＝＋－＠]/;
/** A plain decimal number: a negative one starts with `-` but evaluates to nothing but itself. */
const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Whether a text cell would start a formula in a spreadsheet program (plain numbers excepted). */
export function isFormulaLike(text: string): boolean {
  return FORMULA_TRIGGERS.test(text) && !PLAIN_NUMBER.test(text);
}

/** Text as it is safe to write: formula-like text prefixed with a single quote, everything else unchanged. */
export function neutraliseText(text: string): string {
  return isFormulaLike(text) ? `'${text}` : text;
}

type SafeCell = string | number | boolean | Date | null;

function safeCell(cell: TableCell): SafeCell {
  if (cell === undefined || cell === null) return null;
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : String(cell);
  if (typeof cell === 'string') return neutraliseText(cell);
  return cell;
}

function csvCell(cell: TableCell): string | number | null {
  const safe = safeCell(cell);
  if (safe instanceof Date) return safe.toISOString();
  if (typeof safe === 'boolean') return String(safe);
  return safe;
}

/**
 * CSV text for rows, header included. Every text field is quoted, so a separator inside a cell (a `;` read by
 * a Dutch Excel in a comma file) cannot start a new cell that begins with a trigger.
 */
export function csvText(rows: Iterable<TableRow>): string {
  return stringify(
    Array.from(rows, (row) => row.map(csvCell)),
    { quoted_string: true },
  );
}

/** CSV text page by page: the caller's rows are never gathered whole. */
export async function* csvStream(
  pages: AsyncIterable<readonly TableRow[]> | Iterable<readonly TableRow[]>,
): AsyncGenerator<string> {
  for await (const page of pages) {
    if (page.length) yield csvText(page);
  }
}

/** An XLSX cell: plain negative numbers written as text come out as numbers, so no text cell starts with `-`. */
function xlsxCell(cell: TableCell): ExcelJS.CellValue {
  if (typeof cell === 'string' && PLAIN_NUMBER.test(cell) && cell.startsWith('-')) return Number(cell);
  return safeCell(cell);
}

/**
 * One worksheet of rows, streamed into `output` with exceljs' WorkbookWriter (rows are committed as they come,
 * not held). Values are written as values: exceljs only writes a formula for a `{ formula }` object, which this
 * writer never passes on.
 */
export async function writeXlsx(
  output: Writable,
  sheetName: string,
  pages: AsyncIterable<readonly TableRow[]> | Iterable<readonly TableRow[]>,
): Promise<void> {
  // Loaded on the first XLSX written, not at start (about 9 MiB resident that most processes never use).
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(sheetName);
  for await (const page of pages) {
    for (const row of page) sheet.addRow(row.map(xlsxCell)).commit();
  }
  sheet.commit();
  await workbook.commit();
}

/**
 * Several small worksheets (a template), built in memory and written whole. Not streamed: exceljs' streaming
 * writer stores the workbook part and its relations after the sheets, where a streaming reader (ours, for
 * uploads) sees neither the sheet names nor, without shared strings, reads the sheets before the end.
 */
export async function writeXlsxSheets(
  output: Writable,
  sheets: ReadonlyArray<{ name: string; rows: readonly TableRow[] }>,
): Promise<void> {
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  for (const { name, rows } of sheets) {
    const sheet = workbook.addWorksheet(name);
    for (const row of rows) sheet.addRow(row.map(xlsxCell));
  }
  await workbook.xlsx.write(output);
}
