import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../errors/app-error';
import { writeXlsx } from '../../../platform/table-writer';
import { hostileXlsx, packPart, packRepeated, workbookParts, zipOf } from '../../../testing/hostile-xlsx';
import { inspectXlsx, XLSX_LIMITS } from './xlsx-guard';

const MiB = 1_048_576;

describe('XLSX guard', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'xlsx-guard-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  let count = 0;
  /** The refusal inspectXlsx gives the file, or null when it accepts it. */
  async function refusal(content: Buffer, limits = XLSX_LIMITS): Promise<AppError | null> {
    count += 1;
    const file = path.join(folder, `${count}.xlsx`);
    await writeFile(file, content);
    try {
      await inspectXlsx(file, 'orders.xlsx', limits);
      return null;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return error;
    }
  }

  it('accepts workbooks written by exceljs, whole and streamed (with data descriptors)', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Orders').addRows([
      ['a', 'b'],
      ['c', 1],
    ]);
    expect(await refusal(Buffer.from(await workbook.xlsx.writeBuffer()))).toBeNull();
    const output = new PassThrough();
    const [streamed] = await Promise.all([buffer(output), writeXlsx(output, 'Orders', [[['a', -1]]])]);
    expect(await refusal(streamed)).toBeNull();
    expect(await refusal(zipOf(workbookParts()))).toBeNull();
  });

  it('refuses shared text declared beyond its limit before unpacking it, naming the file, part and limit', async () => {
    const bomb = await hostileXlsx({ sharedStringsBytes: 40 * MiB });
    expect(bomb.length).toBeLessThan(MiB);
    const error = await refusal(bomb);
    expect(error).toMatchObject({ status: 422, errors: [{ field: 'file', code: 'xlsx_unpacks_too_large' }] });
    expect(error?.detail).toBe(
      'orders.xlsx is refused: its part xl/sharedStrings.xml unpacks to more than 32 MiB, the limit for the shared text of an XLSX upload. Save the sheet again from your spreadsheet program, or upload it as CSV.',
    );
  });

  it('refuses a part whose headers understate what it unpacks to, while unpacking it', async () => {
    const error = await refusal(await hostileXlsx({ sharedStringsBytes: 20 * MiB, declaredBytes: 50_000 }));
    expect(error?.detail).toContain('xl/sharedStrings.xml unpacks to more than its header declares');
  });

  it('refuses a part compressed far beyond what spreadsheets compress', async () => {
    const sheet = await packRepeated('xl/worksheets/sheet1.xml', {
      head: '<worksheet><sheetData>',
      unit: '<row/>',
      tail: '</sheetData></worksheet>',
      bytes: 30 * MiB,
    });
    const parts = workbookParts().filter((p) => p.name !== sheet.name);
    const error = await refusal(zipOf([...parts, sheet]));
    expect(error?.errors?.[0]?.code).toBe('xlsx_compression_ratio');
    expect(error?.detail).toMatch(
      /xl\/worksheets\/sheet1\.xml unpacks [\d,]+ times larger .* more than the 200 times/,
    );
  });

  it('refuses more shared strings than the limit, counted while unpacking', async () => {
    // About 2,000 strings of 17 bytes each (`<si><t>A</t></si>`).
    const many = await hostileXlsx({ sharedStringsBytes: 2_000 * 17 + 100, stringLength: 1 });
    expect(await refusal(many, { ...XLSX_LIMITS, maxSharedStrings: 1_950 })).toMatchObject({
      errors: [{ code: 'xlsx_too_many_shared_strings' }],
    });
    expect(await refusal(many, { ...XLSX_LIMITS, maxSharedStrings: 2_000 })).toBeNull();
  });

  it('refuses too many parts', async () => {
    const parts = Array.from({ length: 1_001 }, (_, i) => packPart(`xl/media/${i}.xml`, '<x/>'));
    expect((await refusal(zipOf([...workbookParts(), ...parts])))?.detail).toContain(
      'it holds 1,006 parts, more than the 1,000 an XLSX upload may have',
    );
  });

  it('refuses a part the central directory does not list (a streaming unzip would read it)', async () => {
    const listed = zipOf(workbookParts());
    const hidden = zipOf([packPart('xl/hidden.xml', '<x/>')]);
    // The hidden part's local header and data put in front: the directory's offsets no longer start at 0.
    const hiddenLocal = hidden.subarray(0, hidden.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    expect((await refusal(Buffer.concat([hiddenLocal, listed])))?.errors?.[0]?.code).toBe('unreadable_file');
  });

  it('words a damaged file for the merchant, never with a library message', async () => {
    const good = zipOf(workbookParts());
    const truncated = good.subarray(0, good.length - 30);
    const flipped = Buffer.from(good);
    for (let i = 200; i < 260; i += 1) flipped[i] = 0xff - (flipped[i] ?? 0);
    for (const damaged of [truncated, flipped, Buffer.from('PK\u0003\u0004 not a zip')]) {
      const error = await refusal(damaged);
      expect(error?.detail).toBe(
        'orders.xlsx is refused: it is not a readable XLSX workbook (the file is damaged, or not an Excel file). Save the sheet again from your spreadsheet program, or upload it as CSV.',
      );
    }
  });
});
