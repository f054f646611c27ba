import multipart from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../context';
import { AppError } from '../../../errors/app-error';
import { fieldErrorsFromIssues } from '../../../errors/to-problem';
import { authorize } from '../../../http/authorize';
import { detectFormat, readSheet, type SheetRow } from './read-rows';
import { OrderUploadIdInput, UploadOptions } from './schemas';
import { rejectedRowsCsv, uploadOrders, type ParsedUpload } from './service';

interface Limits {
  maxBytes: number;
  maxRows: number;
}

function tooLarge(limits: Limits): AppError {
  return new AppError('payload_too_large', `The file exceeds the upload limit of ${limits.maxBytes} bytes.`, {
    errors: [{ field: 'file', message: `is larger than ${limits.maxBytes} bytes`, code: 'too_big' }],
  });
}

/** Reads the file part as it streams in: bytes counted, rows capped, never the whole file in memory. */
async function readFilePart(part: MultipartFile, limits: Limits): Promise<ParsedUpload> {
  let sizeBytes = 0;
  let overLimit = false;
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        sizeBytes += chunk.length;
        yield chunk;
      }
    } catch (error) {
      // @fastify/multipart ends the file stream with an error at limits.fileSize.
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') overLimit = true;
      throw overLimit ? tooLarge(limits) : error;
    }
  }
  const { format, stream } = await detectFormat(counted(), part.filename);
  let headers: string[] | undefined;
  const rows: SheetRow[] = [];
  try {
    for await (const row of readSheet(stream, format)) {
      if (!headers) {
        headers = row.cells;
        continue;
      }
      if (rows.length >= limits.maxRows) {
        throw new AppError(
          'unprocessable',
          `The file has more than ${limits.maxRows} rows, the upload limit.`,
          {
            errors: [
              { field: 'file', message: `has more than ${limits.maxRows} rows`, code: 'too_many_rows' },
            ],
          },
        );
      }
      rows.push(row);
    }
  } catch (error) {
    throw overLimit || part.file.truncated ? tooLarge(limits) : error;
  } finally {
    // Whatever was not read still has to leave the socket before the next part (or the answer).
    part.file.resume();
  }
  if (!headers)
    throw AppError.validation('file', 'is empty: the first row must name the columns', 'empty_file');
  return { fileName: part.filename, format, sizeBytes, headers, rows };
}

async function readUploadForm(request: FastifyRequest, limits: Limits) {
  let file: ParsedUpload | undefined;
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
      file = await readFilePart(part, limits);
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
}

/** POST /api/orders/upload: multipart only in this scope, the rest of the API stays JSON. */
export async function registerOrderUploadRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const limits = deps.config.orderUpload;
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: limits.maxBytes, files: 1, fields: 10, fieldSize: 65_536, parts: 12 },
    });
    scope.post('/api/orders/upload', { bodyLimit: limits.maxBytes + 1_048_576 }, async (request, reply) => {
      const { actor, scope: dataScope } = await authorize(deps, request, 'orders', 'create');
      if (!request.isMultipart()) {
        throw new AppError(
          'unsupported_media_type',
          'Send the file as multipart/form-data with a part named "file".',
        );
      }
      const { file, options } = await readUploadForm(request, limits).catch((error: unknown) => {
        // The limit can surface from the parts iterator as well as from the file stream.
        throw (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge(limits) : error;
      });
      const { result, queued } = await uploadOrders(deps.db, { actor, scope: dataScope, file, options });
      if (result.upload) void reply.header('location', `/api/orders/uploads/${result.upload.id}`);
      return reply.code(queued ? 202 : 200).send(result);
    });
  });

  app.get('/api/orders/uploads/:id/rejected.csv', async (request, reply) => {
    const { actor, scope } = await authorize(deps, request, 'orders', 'read');
    const params = OrderUploadIdInput.safeParse(request.params);
    if (!params.success) {
      throw new AppError('validation_failed', 'The upload id is invalid.', {
        errors: fieldErrorsFromIssues(params.error.issues),
      });
    }
    const csv = await rejectedRowsCsv(deps.db, { actor, scope, id: params.data.id });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="order-upload-${params.data.id}-rejected.csv"`)
      .send(csv);
  });
}
