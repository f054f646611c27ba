import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/** One zip part, already packed; `declared` is what its headers claim it unpacks to (a bomb may lie). */
export interface PackedPart {
  name: string;
  packed: Buffer;
  crc: number;
  size: number;
  declared?: number;
  /** 0 stored, 8 deflated. */
  method?: 0 | 8;
}

export function packPart(name: string, content: string | Buffer): PackedPart {
  const data = Buffer.from(content);
  return { name, packed: deflateRawSync(data), crc: crc32(data), size: data.length };
}

/**
 * A part of about `bytes` unpacked bytes, `head`, then `unit` over and over, then `tail`, deflated as it is
 * generated: the bomb is never held unpacked, so a benchmark can build one without growing its own memory. A
 * `unit` function makes each repetition differ (text that compresses like real data, not like a bomb).
 */
export async function packRepeated(
  name: string,
  content: { head: string; unit: string | ((index: number) => string); tail: string; bytes: number },
): Promise<PackedPart> {
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = 0;
  let size = 0;
  const write = async (data: string) => {
    const bytes = Buffer.from(data);
    crc = crc32(bytes, crc);
    size += bytes.length;
    if (!deflate.write(bytes)) await new Promise((resolve) => deflate.once('drain', resolve));
  };
  const { unit: repeated } = content;
  const unitOf = typeof repeated === 'string' ? () => repeated : repeated;
  await write(content.head);
  const body = content.bytes - content.head.length - content.tail.length;
  let block = '';
  for (let index = 0, written = 0; ; index += 1) {
    const unit = unitOf(index);
    written += unit.length;
    if (written > body) break;
    block += unit;
    if (block.length >= 65_536) {
      await write(block);
      block = '';
    }
  }
  await write(block + content.tail);
  deflate.end();
  await done;
  return { name, packed: Buffer.concat(chunks), crc, size };
}

/** A zip of the parts, sizes in the local headers (as Excel writes them), central directory last. */
export function zipOf(parts: PackedPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const method = part.method ?? 8;
    const declared = part.declared ?? part.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(part.crc >>> 0, 14);
    local.writeUInt32LE(part.packed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(part.crc >>> 0, 16);
    central.writeUInt32LE(part.packed.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, part.packed);
    centrals.push(central, name);
    offset += local.length + name.length + part.packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts of a one-sheet workbook whose cells point at shared strings 0, 1, 2…; `sheet` replaces its sheet XML. */
export function workbookParts(sheet?: string): PackedPart[] {
  return [
    packPart(
      '[Content_Types].xml',
      `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    ),
    packPart(
      '_rels/.rels',
      `<?xml version="1.0"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    packPart(
      'xl/workbook.xml',
      `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    packPart(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    packPart(
      'xl/worksheets/sheet1.xml',
      sheet ??
        `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>`,
    ),
  ];
}

/**
 * An XLSX whose shared-strings part unpacks to `sharedStringsBytes` (strings of `stringLength` characters),
 * a few hundred KB on disk: the zip bomb merchants' uploads must survive. `declaredBytes` makes its headers lie.
 */
export async function hostileXlsx(options: {
  sharedStringsBytes: number;
  stringLength?: number;
  declaredBytes?: number;
}): Promise<Buffer> {
  const unit = `<si><t>${'A'.repeat(options.stringLength ?? 1_000)}</t></si>`;
  const shared = await packRepeated('xl/sharedStrings.xml', {
    head: `<?xml version="1.0"?><sst xmlns="${MAIN}">`,
    unit,
    tail: '</sst>',
    bytes: options.sharedStringsBytes,
  });
  return zipOf([...workbookParts(), { ...shared, declared: options.declaredBytes }]);
}
