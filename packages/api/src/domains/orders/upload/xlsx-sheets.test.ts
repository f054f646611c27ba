import { describe, expect, it } from 'vitest';
import { workbookSheets } from './xlsx-sheets';

const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
  <Relationship Target="/xl/worksheets/sheet1.xml" Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
  <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`;

const workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <workbookPr/>
  <sheets>
    <sheet name="Rates &amp; zones" sheetId="7" r:id="rId3"/>
    <sheet r:id="rId1" sheetId="1" name="Z&#252;rich &#x2013; notes"/>
    <sheet name="Dangling" sheetId="9" r:id="rId99"/>
  </sheets>
</workbook>`;

describe('the sheet index of a workbook', () => {
  it('lists the sheets in the workbook order with their names unescaped and their parts resolved', () => {
    expect(workbookSheets(workbook, rels)).toEqual([
      { name: 'Rates & zones', part: 'xl/worksheets/sheet2.xml' },
      { name: 'Zürich – notes', part: 'xl/worksheets/sheet1.xml' },
    ]);
  });

  it('lists nothing for a workbook without its index parts', () => {
    expect(workbookSheets('', '')).toEqual([]);
  });
});
