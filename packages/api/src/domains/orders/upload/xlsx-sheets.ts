import { Transform } from 'node:stream';

/** The parts that say which sheet is which: the sheet list and the relations from its ids to the sheet parts. */
export const WORKBOOK_PART = 'xl/workbook.xml';
export const WORKBOOK_RELS_PART = 'xl/_rels/workbook.xml.rels';

/** Excel writes about 100 bytes per sheet into each; far larger is not a workbook to read. */
export const MAX_SHEET_INDEX_BYTES = 1_048_576;

/** A sheet as the workbook lists it: its name and the zip part holding its cells. */
export interface XlsxSheet {
  name: string;
  part: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/** The attributes of every `<tag …>` element, by local name (a namespace prefix such as `r:` dropped). */
function elements(xml: string, tag: string): Array<Map<string, string>> {
  const found: Array<Map<string, string>> = [];
  for (const element of xml.matchAll(new RegExp(`<(?:\\w+:)?${tag}\\b([^>]*)>`, 'g'))) {
    const attributes = new Map<string, string>();
    for (const [, name = '', value = ''] of (element[1] ?? '').matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) {
      attributes.set(name.replace(/^\w+:/, ''), unescapeXml(value));
    }
    found.push(attributes);
  }
  return found;
}

/** `worksheets/sheet1.xml` and `/xl/worksheets/sheet1.xml` are both the part `xl/worksheets/sheet1.xml`. */
function partOf(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

/**
 * The workbook's sheets in the workbook's order, read from its two index parts. exceljs' streaming reader
 * names a sheet only when xl/workbook.xml came before it in the zip, which writers do not promise (exceljs'
 * own writer stores it last), so the names and the order come from here.
 */
export function workbookSheets(workbookXml: string, relsXml: string): XlsxSheet[] {
  const targets = new Map(elements(relsXml, 'Relationship').map((rel) => [rel.get('Id'), rel.get('Target')]));
  return elements(workbookXml, 'sheet').flatMap((sheet) => {
    const name = sheet.get('name');
    const target = targets.get(sheet.get('id'));
    return name && target ? [{ name, part: partOf(target) }] : [];
  });
}

/** Passes a part through unchanged while keeping its text, up to `limit` bytes (past it `onOver` is thrown). */
export function keepText(limit: number, onOver: () => Error, onText: (text: string) => void): Transform {
  const chunks: Buffer[] = [];
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) return done(onOver());
      chunks.push(chunk);
      done(null, chunk);
    },
    flush(done) {
      onText(Buffer.concat(chunks).toString('utf8'));
      done();
    },
  });
}
