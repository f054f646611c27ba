import {
  encodedPairs,
  encodePath,
  encodeQuery,
  multipartBody,
  type BaseRequest,
  type HostileRequest,
} from './request';

export interface MultipartPart {
  name: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}

export const BOUNDARY = 'hostile-boundary-7d1f';

export interface Change {
  /** Path parameters replaced by raw (already encoded or deliberately malformed) text. */
  rawPath?: Record<string, string>;
  /** The whole query string as encoded pairs, instead of the base's. */
  query?: Array<[string, string]>;
  /** Headers set (a string) or removed (undefined) over the base's. */
  headers?: Record<string, string | undefined>;
  /** Bytes sent instead of the base body; `null` sends no body. */
  body?: string | Buffer | null;
}

function baseBody(base: BaseRequest): { body?: Buffer | string; contentType?: string } {
  if (base.body === undefined || !base.contentType) return {};
  if (base.contentType === 'multipart/form-data') {
    return {
      body: multipartBody(BOUNDARY, base.body as MultipartPart[]),
      contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    };
  }
  return { body: JSON.stringify(base.body), contentType: base.contentType };
}

/** The base request with one change applied, as bytes for the wire. */
export function render(base: BaseRequest, change: Change = {}): HostileRequest {
  const path =
    encodePath(base.pathTemplate, base.pathValues, change.rawPath) +
    encodeQuery(change.query ?? encodedPairs(base.query));
  const { body, contentType } = baseBody(base);
  const headers: Record<string, string> = { ...base.headers };
  if (contentType) headers['content-type'] = contentType;
  for (const [name, value] of Object.entries(change.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const finalBody = change.body === null ? undefined : (change.body ?? body);
  return { method: base.method, path, headers, body: finalBody };
}
