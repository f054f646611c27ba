import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readWorkbook } from '../../orders/service/spreadsheet';
import { IPAY_SHEETS } from './ipay-layout';
import { writeTariffTemplate } from './template';

describe('the tariff workbook template', () => {
  it('reads back whole, read after read, though its shared strings come after its sheets', async () => {
    const output = new PassThrough();
    const [content] = await Promise.all([buffer(output), writeTariffTemplate(output)]);
    const headers = Object.entries(IPAY_SHEETS).map(([sheet, header]) => ({ sheet, cells: [...header] }));
    // exceljs' streaming reader lost every text of this file in about 1 read of 40; 200 reads catch that.
    for (let read = 0; read < 200; read += 1) {
      const firstRows = new Map<string, string[]>();
      for await (const row of readWorkbook(Readable.from([content]), { name: 'tariffs.xlsx' })) {
        if (!firstRows.has(row.sheet)) firstRows.set(row.sheet, row.cells);
      }
      expect([...firstRows].map(([sheet, cells]) => ({ sheet, cells }))).toEqual(headers);
    }
  });
});
