import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, DbPool } from '@ipay/db';
import type { Actor } from '../../auth/service';
import { mapColumns } from './column-mapping';
import { assertMerchantUpload, tooManyRows, type ParkedFile } from './park-upload';
import { cellOf, UNREADABLE } from './read-rows';
import { deleteUpload, insertReceivingUpload, setReceived } from './repository';
import { JS_TRIM_CHARACTERS } from './set-import';

/**
 * CSV uploads parsed by PostgreSQL: the header line is read and mapped here, the body goes to `COPY … FROM STDIN
 * (FORMAT csv)` into a temporary table as it streams in, and one INSERT … SELECT parks its rows as the parser
 * path parks them (order_upload_rows: line number, merchant reference, cells). This process never holds more
 * than the chunk in flight.
 *
 * COPY is stricter than the parser the upload has always used (csv-parse: any of three delimiters anywhere,
 * ragged rows, empty lines skipped, bytes that are not UTF-8 read as U+FFFD, spaces around quoted cells). Every
 * file it would read otherwise, or refuse, goes the parser's way instead, from a copy spooled to disk as the
 * body streamed in: COPY is the fast path for regular files, never a new contract.
 */

/** The header must end within this many bytes; a longer one takes the parser's path. */
const MAX_HEADER_BYTES = 1_048_576;
/** More columns than this take the parser's path (a table holds at most 1,600). */
const MAX_COPY_COLUMNS = 500;
const DELIMITERS = [',', ';', '\t'] as const;
type Delimiter = (typeof DELIMITERS)[number];
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * What COPY reads otherwise than csv-parse: `\.` at the start of a line (the end-of-data mark of older servers),
 * and spaces or tabs between a quote and its delimiter (csv-parse trims them; COPY keeps the quotes as text).
 */
const COPY_DIFFERS = /(?:^|\n)\\\.|(?:^|[\n\r,;\t])[ \t\f]+"|"[ \t\f]+(?:[\n\r,;\t]|$)/;

/** Raised to stop a COPY whose file must take the parser's path. */
class TakeParserPath extends Error {}

export interface CopyRequest {
  pool: DbPool;
  actor: Actor;
  fileName: string;
  maxRows: number;
  bytesRead: () => number;
}

/** The parked file, or the whole file again (from the spool) for the parser's path. */
export type CopyOutcome =
  { parked: ParkedFile; replay?: undefined } | { parked?: undefined; replay: Readable };

/** The end of the header record: the first line feed outside quotes, or -1. */
function headerEnd(buffer: Buffer): number {
  let quoted = false;
  for (let index = 0; index < buffer.length; index += 1) {
    const byte = buffer[index];
    if (byte === QUOTE) quoted = !quoted;
    else if (byte === NEWLINE && !quoted) return index;
  }
  return -1;
}

/** The header's cells as the parser reads them, and the one delimiter they use; undefined: not that regular. */
function readHeader(bytes: Buffer): { headers: string[]; delimiter: Delimiter } | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const options = { trim: true, relax_column_count: true, skip_empty_lines: true };
  const records: string[][] = parse(text, { ...options, delimiter: [...DELIMITERS] });
  const headers = records[0]?.map(cellOf);
  if (records.length !== 1 || !headers || headers.length < 2 || headers.length > MAX_COPY_COLUMNS)
    return undefined;
  if (headers.some((cell) => cell.includes(UNREADABLE))) return undefined;
  const delimiter = DELIMITERS.find(
    (candidate) => parse(text, { ...options, delimiter: candidate })[0]?.length === headers.length,
  );
  return delimiter ? { headers, delimiter } : undefined;
}

function lineFeeds(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/** The file spooled to disk as it is read, so the parser's path can read it whole if COPY cannot. */
class Spool {
  private written = 0;

  private constructor(
    private readonly folder: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(): Promise<Spool> {
    const folder = await mkdtemp(path.join(tmpdir(), 'ipay-upload-'));
    return new Spool(folder, await open(path.join(folder, 'upload.csv'), 'w'));
  }

  /** Each chunk at its own offset: a write still in flight when the next starts cannot reorder the file. */
  async write(chunk: Buffer): Promise<void> {
    const at = this.written;
    this.written += chunk.length;
    await this.handle.write(chunk, 0, chunk.length, at);
  }

  /** The whole file again; the spool deletes itself once it has been read or has failed. */
  async replay(): Promise<Readable> {
    await this.handle.close();
    const stream = createReadStream(path.join(this.folder, 'upload.csv'));
    stream.once('close', () => void this.remove());
    return stream;
  }

  async remove(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.folder, { recursive: true, force: true });
  }
}

/**
 * The parked row of each COPY'd record, as the parser path parks it: cells trimmed as csv-parse trims them,
 * a rejected.csv formula guard dropped (cellOf), the reference read as parkUpload reads it (the last non-empty
 * cell of the automatic mapping's reference columns), and the line the record ends on (csv-parse's `lines`):
 * the header's lines plus, for every record so far, one line and the line feeds inside its cells.
 */
function parkingStatement(columns: number, referenceColumns: number[]): string {
  const indexes = Array.from({ length: columns }, (_, index) => index);
  const trimmed = indexes.map((index) => `btrim(coalesce(c${index}, ''), E' \\t\\r\\n\\f') as t${index}`);
  // The guard's patterns only match a cell that starts with a quote: that cheap test goes first.
  const cells = indexes.map(
    (index) => `case when starts_with(t${index}, '''') and t${index} ~ '^''[=+\\-@\\t\\r\\n＝＋－＠]'
      and substr(t${index}, 2) !~ '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$' then substr(t${index}, 2) else t${index} end`,
  );
  const references = [...referenceColumns]
    .reverse()
    .map((index) => `nullif(btrim(cells ->> ${index}, $3), '')`);
  const joined = indexes.map((index) => `coalesce(c${index}, '')`).join(' || ');
  // `offset 0` keeps the inner select whole, so that each cell is trimmed once rather than once per use.
  return `
    insert into order_upload_rows (upload_id, row_number, merchant_reference, cells)
    select $1::uuid, $2::int + (sum(1 + feeds) over (order by ord))::int,
      ${references.length ? `coalesce(${references.join(', ')})` : 'null'}, cells
    from (
      select ord, jsonb_build_array(${cells.join(', ')}) as cells, feeds
      from (
        select ord, ${trimmed.join(', ')},
          case when strpos(${joined}, E'\\n') = 0 then 0
            else length(${joined}) - length(replace(${joined}, E'\\n', '')) end as feeds
        from upload_copy
        offset 0
      ) trimmed
    ) copied`;
}

/**
 * Parks a CSV upload through COPY (see the top of this file), or hands the whole file back for the parser's
 * path when COPY would read it otherwise. A failure of the file part itself (the size limit, a form cut short)
 * is thrown as it is; the upload, once recorded, is deleted on any failure.
 */
export async function parkCsvByCopy(
  db: Db,
  source: AsyncIterable<Buffer>,
  request: CopyRequest,
): Promise<CopyOutcome> {
  assertMerchantUpload(request.actor);
  const spool = await Spool.create();
  const chunks = source[Symbol.asyncIterator]();
  let sourceError: unknown;
  const next = async (): Promise<Buffer | undefined> => {
    let read: IteratorResult<Buffer>;
    try {
      read = await chunks.next();
    } catch (error) {
      sourceError = error;
      throw error;
    }
    if (read.done) return undefined;
    await spool.write(read.value);
    return read.value;
  };
  const parserPath = async (): Promise<CopyOutcome> => {
    while (await next());
    return { replay: await spool.replay() };
  };
  try {
    let head = Buffer.alloc(0);
    let end = -1;
    let finished = false;
    while (end === -1 && !finished && head.length <= MAX_HEADER_BYTES) {
      const chunk = await next();
      if (chunk) head = Buffer.concat([head, chunk]);
      else finished = true;
      end = headerEnd(head);
    }
    if (end === -1 && !finished) return await parserPath();
    const headerBytes = head.subarray(
      head.subarray(0, 3).equals(BOM) ? 3 : 0,
      end === -1 ? head.length : end + 1,
    );
    const header = readHeader(headerBytes);
    if (!header) return await parserPath();
    const body = end === -1 ? Buffer.alloc(0) : head.subarray(end + 1);
    const parked = await copyBody(
      db,
      { ...request, header, headerLines: Math.max(1, lineFeeds(headerBytes)) },
      body,
      next,
    );
    if (!parked) return await parserPath();
    await spool.remove();
    return { parked };
  } catch (error) {
    await spool.remove();
    throw sourceError ?? error;
  }
}

async function copyBody(
  db: Db,
  request: CopyRequest & { header: { headers: string[]; delimiter: Delimiter }; headerLines: number },
  first: Buffer,
  next: () => Promise<Buffer | undefined>,
): Promise<ParkedFile | undefined> {
  const { headers, delimiter } = request.header;
  const client = await request.pool.connect();
  let uploadId: string | undefined;
  // A COPY stopped half-way leaves its connection in no state worth returning to the pool.
  let stopped = false;
  try {
    const columns = headers.map((_, index) => `c${index} text`).join(', ');
    await client.query(`create temp table upload_copy (ord int generated always as identity, ${columns})`);
    async function* body(): AsyncGenerator<Buffer> {
      let tail = '';
      for (let chunk: Buffer | undefined = first; chunk; chunk = await next()) {
        const text = chunk.toString('latin1');
        if (COPY_DIFFERS.test(tail + text)) throw new TakeParserPath();
        tail = text.slice(-4);
        if (chunk.length) yield chunk;
      }
    }
    const names = headers.map((_, index) => `c${index}`).join(', ');
    const quotedDelimiter = delimiter === '\t' ? "E'\\t'" : `'${delimiter}'`;
    const copy = copyFrom(
      `copy upload_copy (${names}) from stdin with (format csv, delimiter ${quotedDelimiter})`,
    );
    try {
      await pipeline(Readable.from(body()), client.query(copy));
    } catch (error) {
      // PostgreSQL refusing the body (ragged rows, an empty line, bytes that are not UTF-8) or the guard above:
      // the parser's path reads it as it always has. Anything else (the file part failing) is thrown.
      stopped = true;
      if (error instanceof TakeParserPath || (error as { severity?: unknown }).severity) return undefined;
      throw error;
    }
    const rowsTotal = Number(copy.rowCount);
    if (rowsTotal > request.maxRows) throw tooManyRows(request.maxRows);
    const mapping = mapColumns(headers);
    const referenceColumns = mapping.flatMap((m, index) => (m.field === 'merchant_reference' ? [index] : []));
    const upload = await insertReceivingUpload(db, {
      merchantId: request.actor.organizationId,
      createdBy: request.actor.userId,
      fileName: request.fileName,
      format: 'csv',
      headers,
      mapping,
    });
    uploadId = upload.id;
    const parameters = [upload.id, request.headerLines];
    if (referenceColumns.length) parameters.push(JS_TRIM_CHARACTERS);
    await client.query(parkingStatement(headers.length, referenceColumns), parameters);
    const { rows: preview } = await client.query<{ row_number: number; cells: string[] }>(
      'select row_number, cells from order_upload_rows where upload_id = $1 order by row_number limit 10',
      [upload.id],
    );
    await setReceived(db, upload.id, { rowsTotal, sizeBytes: request.bytesRead() });
    return {
      uploadId: upload.id,
      fileName: request.fileName,
      format: 'csv',
      sizeBytes: request.bytesRead(),
      headers,
      rowsTotal,
      preview: preview.map((row) => ({ row: row.row_number, cells: row.cells })),
      referenceColumn: mapping.findIndex((m) => m.field === 'merchant_reference'),
    };
  } catch (error) {
    if (uploadId) await deleteUpload(db, uploadId).catch(() => undefined);
    throw error;
  } finally {
    if (!stopped) await client.query('drop table if exists pg_temp.upload_copy').catch(() => undefined);
    client.release(stopped);
  }
}
