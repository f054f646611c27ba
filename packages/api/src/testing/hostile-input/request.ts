/** What a hostile case sends: bytes as they go on the wire (path already percent-encoded by the case). */
export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** The valid request a case starts from: its inputs before one of them is made hostile. */
export interface BaseRequest {
  method: string;
  pathTemplate: string;
  /** Raw (not yet encoded) value of each path parameter. */
  pathValues: Record<string, string>;
  /** Raw value of each query parameter sent by default. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The JSON (or multipart fields) body, when the operation has one. */
  body?: unknown;
  contentType?: string;
}

export interface HostileCase {
  /** The kind of input, the grouping key of a failure report ("body.nul", "path.long"…). */
  kind: string;
  /** Which input was made hostile and how ("items.0.quantity = \"3\""). */
  target: string;
  build(): HostileRequest;
}

const RAW_MARKER = /"@@raw(\d+)@@"/g;

/** JSON text in which `raw(text)` placeholders are replaced by text JSON.stringify cannot produce (1e400, dupes). */
export function jsonWithRaw(build: (raw: (text: string) => string) => unknown): string {
  const raws: string[] = [];
  const value = build((text) => `@@raw${raws.push(text) - 1}@@`);
  return JSON.stringify(value).replace(RAW_MARKER, (_, index: string) => raws[Number(index)] ?? '');
}

export function encodePath(
  template: string,
  values: Record<string, string>,
  raw: Record<string, string> = {},
) {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name in raw ? (raw[name] ?? '') : encodeURIComponent(values[name] ?? ''),
  );
}

/** Query string from already-encoded pairs. */
export function encodeQuery(pairs: Array<[string, string]>): string {
  return pairs.length ? `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}` : '';
}

export function encodedPairs(query: Record<string, string>): Array<[string, string]> {
  return Object.entries(query).map(([key, value]) => [encodeURIComponent(key), encodeURIComponent(value)]);
}

/** A multipart/form-data body; a field with a filename is sent as a file part. */
export function multipartBody(
  boundary: string,
  parts: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>,
): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"`
      : `form-data; name="${part.name}"`;
    const type = part.filename ? `\r\nContent-Type: ${part.type ?? 'text/csv'}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
