import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { AppError } from '../../../errors/app-error';
import {
  keepText,
  MAX_SHEET_INDEX_BYTES,
  WORKBOOK_PART,
  WORKBOOK_RELS_PART,
  workbookSheets,
  type XlsxSheet,
} from './xlsx-sheets';

/**
 * What an XLSX upload may unpack to. An XLSX is a zip of XML parts; 1 MB of deflate can unpack to a gigabyte,
 * and exceljs keeps every shared string in memory (about 140 bytes of resident memory per string of 60
 * characters, measured by `pnpm bench`), so the shared text is held to what keeps a request under 100 MiB.
 * Merchants' files stay far inside these: 50,000 order lines (ORDER_UPLOAD_MAX_ROWS) hold some 350,000 distinct
 * texts, about 10 MB of shared-strings XML, and sheets compress about 10 to 1.
 */
export interface XlsxLimits {
  /** Parts in the zip (Excel writes about a dozen). */
  maxEntries: number;
  /** Unpacked bytes of any one part. */
  maxEntryBytes: number;
  /** Unpacked bytes of all parts together. */
  maxTotalBytes: number;
  /** Unpacked to packed bytes of a part, checked from 1 MiB unpacked on (small parts compress oddly). */
  maxRatio: number;
  /** Strings in xl/sharedStrings.xml, all of which the reader keeps in memory. */
  maxSharedStrings: number;
  /** Unpacked bytes of xl/sharedStrings.xml. */
  maxSharedStringsBytes: number;
}

const MiB = 1_048_576;

export const XLSX_LIMITS: XlsxLimits = {
  maxEntries: 1_000,
  maxEntryBytes: 256 * MiB,
  maxTotalBytes: 512 * MiB,
  maxRatio: 200,
  maxSharedStrings: 500_000,
  maxSharedStringsBytes: 32 * MiB,
};

const RATIO_FROM_BYTES = MiB;
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const INDEX_PARTS = [WORKBOOK_PART, WORKBOOK_RELS_PART];

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 65_535;
const ZIP64_MARK = 0xffffffff;
/** The central directory of 1,000 parts with names of 1 KiB; larger is not an XLSX. */
const MAX_DIRECTORY_BYTES = MiB;

interface Entry {
  name: string;
  flags: number;
  method: number;
  packed: number;
  unpacked: number;
  offset: number;
}

const describeBytes = (bytes: number) =>
  bytes >= MiB
    ? `${Math.round(bytes / MiB).toLocaleString('en-US')} MiB`
    : `${bytes.toLocaleString('en-US')} bytes`;

/** The refusals, worded for the merchant: the file, what is wrong, the limit; never a library's message. */
function refuse(fileName: string, problem: string, code: string): AppError {
  return new AppError(
    'unprocessable',
    `${fileName} is refused: ${problem}. Save the sheet again from your spreadsheet program, or upload it as CSV.`,
    { errors: [{ field: 'file', message: problem, code }] },
  );
}

export function unreadableXlsx(fileName: string, cause?: unknown): AppError {
  const problem = 'it is not a readable XLSX workbook (the file is damaged, or not an Excel file)';
  const error = refuse(fileName, problem, 'unreadable_file');
  return cause === undefined
    ? error
    : new AppError(error.kind, error.detail, { code: error.code, errors: error.errors, cause });
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The end-of-central-directory record, searched backwards over the largest possible comment. */
async function centralDirectory(file: FileHandle, size: number, fileName: string) {
  const tailStart = Math.max(0, size - END_RECORD_BYTES - MAX_COMMENT_BYTES);
  const tail = await readAt(file, tailStart, size - tailStart);
  for (let at = tail.length - END_RECORD_BYTES; at >= 0; at -= 1) {
    if (tail.readUInt32LE(at) !== SIG_END) continue;
    const disk = tail.readUInt16LE(at + 4);
    const entries = tail.readUInt16LE(at + 10);
    const bytes = tail.readUInt32LE(at + 12);
    const offset = tail.readUInt32LE(at + 16);
    const end = tailStart + at;
    if (disk !== 0 || entries !== tail.readUInt16LE(at + 8) || offset + bytes > end) break;
    return { entries, bytes, offset };
  }
  throw unreadableXlsx(fileName);
}

function parseDirectory(directory: Buffer, count: number, fileName: string): Entry[] {
  const entries: Entry[] = [];
  let at = 0;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== SIG_CENTRAL)
      throw unreadableXlsx(fileName);
    const nameLength = directory.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    if (next > directory.length) throw unreadableXlsx(fileName);
    entries.push({
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      packed: directory.readUInt32LE(at + 20),
      unpacked: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    });
    at = next;
  }
  return entries;
}

/** What the central directory declares, against the limits, before a byte is unpacked. */
function checkDeclared(entries: Entry[], fileName: string, limits: XlsxLimits): void {
  if (entries.length > limits.maxEntries) {
    throw refuse(
      fileName,
      `it holds ${entries.length.toLocaleString('en-US')} parts, more than the ${limits.maxEntries.toLocaleString('en-US')} an XLSX upload may have`,
      'xlsx_too_many_parts',
    );
  }
  let total = 0;
  for (const entry of entries) {
    // Encrypted parts, other compression methods and ZIP64 sizes are not what spreadsheet programs write.
    if (entry.flags & 1 || (entry.method !== 0 && entry.method !== 8)) throw unreadableXlsx(fileName);
    if (entry.packed === ZIP64_MARK || entry.unpacked === ZIP64_MARK) throw unreadableXlsx(fileName);
    checkUnpacked(entry, entry.unpacked, fileName, limits);
    total += entry.unpacked;
    if (total > limits.maxTotalBytes) {
      throw refuse(
        fileName,
        `its parts unpack to more than ${describeBytes(limits.maxTotalBytes)} together, the limit for an XLSX upload`,
        'xlsx_unpacks_too_large',
      );
    }
  }
}

function checkUnpacked(entry: Entry, unpacked: number, fileName: string, limits: XlsxLimits): void {
  const limit = entry.name === SHARED_STRINGS ? limits.maxSharedStringsBytes : limits.maxEntryBytes;
  if (unpacked > limit) {
    throw refuse(
      fileName,
      `its part ${entry.name} unpacks to more than ${describeBytes(limit)}, the limit for ${entry.name === SHARED_STRINGS ? 'the shared text' : 'one part'} of an XLSX upload`,
      'xlsx_unpacks_too_large',
    );
  }
  if (unpacked >= RATIO_FROM_BYTES && unpacked > limits.maxRatio * Math.max(entry.packed, 1)) {
    const ratio = Math.round(unpacked / Math.max(entry.packed, 1)).toLocaleString('en-US');
    throw refuse(
      fileName,
      `its part ${entry.name} unpacks ${ratio} times larger than it is packed, more than the ${limits.maxRatio} times an XLSX upload may (a zip bomb)`,
      'xlsx_compression_ratio',
    );
  }
}

/** Counts `<si>` elements across chunk edges: each is one string the reader would keep. */
function sharedStringCounter(onCount: (count: number) => void): Transform {
  let count = 0;
  let carry = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const text = carry + chunk.toString('latin1');
      count += text.match(/<si[\s>]/g)?.length ?? 0;
      // A match is 4 characters, so none lies wholly in the 3 carried: none is counted twice.
      carry = text.slice(-3);
      try {
        onCount(count);
        done(null, chunk);
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

/** A sink that counts bytes and throws past `limit`: the part is never held, only measured. */
function measure(limit: number, onOver: () => AppError): Writable {
  let bytes = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > limit ? onOver() : null);
    },
  });
}

/** A compressed stream must not hold the data-descriptor signature before its end: unzipper would cut it there. */
function descriptorScan(fileName: string): Transform {
  let carry = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const view = Buffer.concat([carry, chunk]);
      if (view.includes(DESCRIPTOR)) return done(unreadableXlsx(fileName));
      carry = view.subarray(-3);
      done(null, chunk);
    },
  });
}

/**
 * Unpacks one part as exceljs' unzipper will (the same bytes from the local header on), counting what it
 * yields, and refuses it as soon as it passes what its header declared (already checked against the limits)
 * or, for the shared strings, the string count.
 */
async function verifyEntry(
  path: string,
  file: FileHandle,
  entry: Entry,
  fileName: string,
  limits: XlsxLimits,
  indexParts: Map<string, string>,
) {
  const local = await readAt(file, entry.offset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== SIG_LOCAL) throw unreadableXlsx(fileName);
  const flags = local.readUInt16LE(6);
  const localPacked = local.readUInt32LE(18);
  const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const name = (await readAt(file, entry.offset + 30, local.readUInt16LE(26))).toString('utf8');
  // unzipper reads the local header: it must say what the central directory says.
  const streamed = (flags & 8) !== 0 && localPacked === 0;
  if (
    name !== entry.name ||
    local.readUInt16LE(8) !== entry.method ||
    (!streamed && localPacked !== entry.packed)
  ) {
    throw unreadableXlsx(fileName);
  }
  let end = start + entry.packed;
  if (streamed) {
    if (!(await readAt(file, end, 4)).equals(DESCRIPTOR)) throw unreadableXlsx(fileName);
    end += 16;
  }
  if (entry.packed === 0) {
    if (INDEX_PARTS.includes(entry.name)) indexParts.set(entry.name, '');
    return end;
  }
  const stages: Array<Readable | Writable> = [];
  stages.push(createReadStream(path, { start, end: start + entry.packed - 1 }));
  if (streamed) stages.push(descriptorScan(fileName));
  if (entry.method === 8) stages.push(createInflateRaw());
  if (entry.name === SHARED_STRINGS) {
    stages.push(
      sharedStringCounter((count) => {
        if (count > limits.maxSharedStrings) {
          throw refuse(
            fileName,
            `it holds more than ${limits.maxSharedStrings.toLocaleString('en-US')} different texts, the limit for an XLSX upload`,
            'xlsx_too_many_shared_strings',
          );
        }
      }),
    );
  }
  if (INDEX_PARTS.includes(entry.name)) {
    stages.push(
      keepText(
        MAX_SHEET_INDEX_BYTES,
        () => unreadableXlsx(fileName),
        (text) => indexParts.set(entry.name, text),
      ),
    );
  }
  stages.push(
    measure(entry.unpacked, () =>
      refuse(
        fileName,
        `its part ${entry.name} unpacks to more than its header declares (a zip bomb)`,
        'xlsx_unpacks_too_large',
      ),
    ),
  );
  await pipeline(stages).catch((error: unknown) => {
    throw error instanceof AppError ? error : unreadableXlsx(fileName, error);
  });
  return end;
}

/** Where one part lies in the file: its local header, data and data descriptor, `end` exclusive. */
export interface XlsxPartRange {
  name: string;
  start: number;
  end: number;
}

/** What a checked XLSX holds: its sheets in the workbook's order, its parts in file order, and its directory. */
export interface InspectedXlsx {
  sheets: XlsxSheet[];
  parts: XlsxPartRange[];
  /** The central directory and its end record, from here to the end of the file. */
  directoryStart: number;
}

/**
 * Refuses an XLSX, spooled to `path`, that would unpack beyond the limits or that exceljs' streaming unzip
 * could read differently from its central directory: the parts must lie end to end from the first byte to the
 * central directory, so the parts checked here are exactly the parts exceljs will read, byte for byte. Answers
 * the workbook's sheets in its order, read on the way, and where each part lies.
 */
export async function inspectXlsx(
  path: string,
  fileName: string,
  limits: XlsxLimits = XLSX_LIMITS,
): Promise<InspectedXlsx> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const directory = await centralDirectory(file, size, fileName);
    if (directory.bytes > MAX_DIRECTORY_BYTES) throw unreadableXlsx(fileName);
    const entries = parseDirectory(
      await readAt(file, directory.offset, directory.bytes),
      directory.entries,
      fileName,
    );
    checkDeclared(entries, fileName, limits);
    const indexParts = new Map<string, string>();
    const parts: XlsxPartRange[] = [];
    let next = 0;
    for (const entry of [...entries].sort((a, b) => a.offset - b.offset)) {
      if (entry.offset !== next) throw unreadableXlsx(fileName);
      next = await verifyEntry(path, file, entry, fileName, limits, indexParts);
      parts.push({ name: entry.name, start: entry.offset, end: next });
    }
    if (next !== directory.offset) throw unreadableXlsx(fileName);
    const sheets = workbookSheets(
      indexParts.get(WORKBOOK_PART) ?? '',
      indexParts.get(WORKBOOK_RELS_PART) ?? '',
    );
    return { sheets, parts, directoryStart: directory.offset };
  } finally {
    await file.close();
  }
}
