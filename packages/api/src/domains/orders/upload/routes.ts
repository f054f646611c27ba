import { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../../context';
import { AppError } from '../../../errors/app-error';
import { fieldErrorsFromIssues } from '../../../errors/to-problem';
import { authorize } from '../../../http/authorize';
import { isFileTooLarge, registerMultipartRoute, requireMultipart } from '../../../http/multipart-route';
import { parseParameters } from '../../../http/parameters';
import { PROBLEM_CONTENT } from '../../../openapi/operation-parts';
import type { PlainRoute } from '../../../platform/domain';
import type { Actor } from '../../auth/service';
import { parkCsvByCopy } from './copy-csv';
import { discardUpload, parkUpload, type ParkedFile } from './park-upload';
import { detectFormat, readSheet, storableText } from './read-rows';
import { OrderUploadIdInput, UploadOptions, UploadResult } from './schemas';
import { rejectedRowsCsv, uploadOrders } from './service';

interface Limits {
  maxBytes: number;
  maxRows: number;
}

function tooLarge(limits: Limits): AppError {
  return new AppError('payload_too_large', `The file exceeds the upload limit of ${limits.maxBytes} bytes.`, {
    errors: [{ field: 'file', message: `is larger than ${limits.maxBytes} bytes`, code: 'too_big' }],
  });
}

const FORM_LIMIT_FIELDS = 10;
const FORM_LIMIT_PARTS = 12;

const FORM_LIMIT_REFUSALS: Record<string, string> = {
  FST_FILES_LIMIT: 'holds more than one file: send exactly one, in the part named "file"',
  FST_FIELDS_LIMIT: `holds more than ${FORM_LIMIT_FIELDS} option fields`,
  FST_PARTS_LIMIT: `holds more than ${FORM_LIMIT_PARTS} parts`,
  FST_PROTO_VIOLATION: 'names a field "__proto__", "constructor" or "prototype"',
};

/**
 * Parks the file part's rows as it streams in: bytes counted, rows capped, never the whole file in memory. A file
 * refused on the way leaves nothing behind (see parkUpload).
 */
async function readFilePart(deps: AppDeps, actor: Actor, part: MultipartFile): Promise<ParkedFile> {
  const limits = deps.config.orderUpload;
  let sizeBytes = 0;
  let overLimit = false;
  // The file part's own failure (a form cut short, the size limit) is the cause of whatever the parser then
  // makes of its truncated bytes, whichever of the two reaches this request first.
  let partError: unknown;
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        sizeBytes += chunk.length;
        yield chunk;
      }
    } catch (error) {
      // @fastify/multipart ends the file stream with an error at limits.fileSize.
      if (isFileTooLarge(error)) overLimit = true;
      partError = overLimit ? tooLarge(limits) : error;
      throw partError;
    }
  }
  try {
    // The name is stored with the upload: a NUL in it must not reach PostgreSQL.
    const fileName = storableText(part.filename);
    const { format, stream } = await detectFormat(counted(), fileName);
    const request = { pool: deps.pool, actor, fileName, maxRows: limits.maxRows, bytesRead: () => sizeBytes };
    // A CSV goes to PostgreSQL's COPY unless it is irregular in a way COPY reads otherwise (see copy-csv).
    const copied = format === 'csv' ? await parkCsvByCopy(deps.db, stream, request) : undefined;
    if (copied?.parked) return copied.parked;
    try {
      return await parkUpload(deps.db, {
        ...request,
        format,
        rows: readSheet(copied?.replay ?? stream, { name: fileName, format }),
      });
    } finally {
      // The spooled copy deletes itself when its stream closes, read to the end or not.
      copied?.replay.destroy();
    }
  } catch (error) {
    throw overLimit || part.file.truncated ? tooLarge(limits) : (partError ?? error);
  } finally {
    // Whatever was not read still has to leave the socket before the next part (or the answer).
    part.file.resume();
  }
}

/** The form: the file parked, the options beside it. Whatever fails after the file was parked deletes it. */
async function readUploadForm(deps: AppDeps, actor: Actor, request: FastifyRequest) {
  let file: ParkedFile | undefined;
  try {
    const fields: Record<string, string> = {};
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) {
          part.file.resume();
          throw AppError.validation(
            part.fieldname,
            'send exactly one file, in the part named "file"',
            'unexpected_file',
          );
        }
        file = await readFilePart(deps, actor, part);
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    if (!file) throw AppError.validation('file', 'is required (a CSV or XLSX part named "file")', 'required');
    const options = UploadOptions.safeParse(fields);
    if (!options.success) {
      throw new AppError('validation_failed', 'The upload options are invalid.', {
        errors: fieldErrorsFromIssues(options.error.issues),
      });
    }
    return { file, options: options.data };
  } catch (error) {
    if (file) await discardUpload(deps.db, file.uploadId);
    throw error;
  }
}

/** POST /api/orders/upload: multipart only in this scope, the rest of the API stays JSON. */
export const uploadRoute: PlainRoute = {
  method: 'POST',
  path: '/api/orders/upload',
  operation: {
    operationId: 'orders-uploadFile',
    tags: ['orders'],
    summary: 'Upload orders as CSV or XLSX (multipart/form-data)',
    description:
      'Columns are mapped from their headers (case, accents, spaces and punctuation ignored; English, Dutch, German and French synonyms). Rows sharing merchant_reference form one order. Every order goes through the same creation as POST /api/orders, so uploading a file again creates no duplicates. Files above 1,000 rows are imported by a job: the answer is 202 with the upload to poll at GET /api/orders/uploads/{id}.',
    security: [{ bearerAuth: [] }],
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z.object({
            file: z
              .string()
              .describe('The CSV (comma, semicolon or tab separated) or XLSX file (first sheet)'),
            mapping: z
              .string()
              .optional()
              .describe('JSON object: column header → field name, or null to ignore'),
            dry_run: z
              .enum(['true', 'false'])
              .optional()
              .describe('Validate and preview only; write nothing'),
            strict: z.enum(['true', 'false']).optional().describe('Create nothing if any row is invalid'),
          }),
        },
      },
    },
    responses: {
      200: {
        description: 'Dry run, or imported in the request',
        content: { 'application/json': { schema: UploadResult } },
      },
      202: {
        description: 'Queued for the import job',
        content: { 'application/json': { schema: UploadResult } },
      },
      400: { description: 'Missing file or invalid options', content: PROBLEM_CONTENT },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
      413: {
        description: 'The file exceeds the size limit (stated in the problem)',
        content: PROBLEM_CONTENT,
      },
      415: { description: 'Not multipart/form-data', content: PROBLEM_CONTENT },
      422: {
        description: 'Unreadable file, a required column missing, or over the row limit',
        content: PROBLEM_CONTENT,
      },
    },
  },
  register(app, { deps, url }) {
    const limits = deps.config.orderUpload;
    return registerMultipartRoute(app, {
      url,
      maxFileBytes: limits.maxBytes,
      fields: FORM_LIMIT_FIELDS,
      fieldSize: 65_536,
      parts: FORM_LIMIT_PARTS,
      tooLarge: () => tooLarge(limits),
      limitRefusals: FORM_LIMIT_REFUSALS,
      malformed: 'is not a well-formed multipart/form-data body (boundary, part headers, end of form)',
      handle: async (request, reply) => {
        const { actor, scope: dataScope } = await authorize(deps, request, 'orders', 'create');
        requireMultipart(request, 'Send the file as multipart/form-data with a part named "file".');
        const { file, options } = await readUploadForm(deps, actor, request);
        const { result, queued } = await uploadOrders(deps.db, { actor, scope: dataScope, file, options });
        if (result.upload) void reply.header('location', `/api/orders/uploads/${result.upload.id}`);
        return reply.code(queued ? 202 : 200).send(result);
      },
    });
  },
};

export const rejectedRowsRoute: PlainRoute = {
  method: 'GET',
  path: '/api/orders/uploads/{id}/rejected.csv',
  operation: {
    operationId: 'orders-uploadRejectedCsv',
    tags: ['orders'],
    summary: "An upload's rejected rows as CSV: row, reason, column, then the file's own columns",
    security: [{ bearerAuth: [] }],
    requestParams: { path: z.object({ id: z.uuid().describe('Upload id') }) },
    responses: {
      200: { description: 'The rejected rows', content: { 'text/csv': { schema: z.string() } } },
      400: { description: 'Invalid id', content: PROBLEM_CONTENT },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
      404: { description: 'No such upload in your scope', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const { actor, scope } = await authorize(deps, request, 'orders', 'read');
      const { id } = parseParameters(OrderUploadIdInput, request.params, 'path');
      const csv = Readable.from(await rejectedRowsCsv(deps.db, { actor, scope, id }));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="order-upload-${id}-rejected.csv"`)
        .send(csv);
    });
  },
};
