import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import { fieldErrorsFromIssues } from '../../errors/problem';
import { authorize } from '../../http/authorize';
import { isFileTooLarge, registerMultipartRoute, requireMultipart } from '../../http/multipart-route';
import { parseParameters } from '../../http/parameters';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { CarrierCodeParam, InvoiceUploadOptions, InvoiceUploadResult } from './schemas';
import { importCarrierInvoice, invoiceReadOptions } from './service/invoice-imports';

/** A UPS billing data file of 100,000 rows is about 60 MiB; the bound keeps a runaway upload from filling disk. */
const MAX_INVOICE_BYTES = 256 * 1024 * 1024;
const FORM_FIELDS = 4;

function tooLarge(): AppError {
  return new AppError(
    'payload_too_large',
    `The file exceeds the invoice upload limit of ${MAX_INVOICE_BYTES} bytes.`,
    {
      errors: [{ field: 'file', message: `is larger than ${MAX_INVOICE_BYTES} bytes`, code: 'too_big' }],
    },
  );
}

async function uploadInvoice(deps: AppDeps, request: FastifyRequest, carrierCode: string) {
  const { actor, scope } = await authorize(deps, request, 'carrier_invoices', 'create');
  requireMultipart(request, 'Send the invoice as multipart/form-data with a part named "file".');
  const fields: Record<string, string> = {};
  let result: InvoiceUploadResult | undefined;
  for await (const part of request.parts()) {
    if (part.type !== 'file') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    if (part.fieldname !== 'file' || result) {
      part.file.resume();
      throw AppError.validation(
        part.fieldname,
        'send exactly one file, in the part named "file"',
        'unexpected_file',
      );
    }
    result = await readFilePart(deps, part, { actor, scope, carrierCode, fields });
  }
  if (!result)
    throw AppError.validation('file', 'is required (the invoice CSV, in a part named "file")', 'required');
  return result;
}

async function readFilePart(
  deps: AppDeps,
  part: MultipartFile,
  context: Pick<Parameters<typeof importCarrierInvoice>[1], 'actor' | 'scope' | 'carrierCode'> & {
    fields: Record<string, string>;
  },
): Promise<InvoiceUploadResult> {
  let sizeBytes = 0;
  let partError: unknown;
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        sizeBytes += chunk.length;
        yield chunk;
      }
    } catch (error) {
      partError = isFileTooLarge(error) ? tooLarge() : error;
      throw partError;
    }
  }
  try {
    // The options come before the file: the file is read as it arrives.
    const options = InvoiceUploadOptions.safeParse(context.fields);
    if (!options.success) {
      throw new AppError('validation_failed', 'The upload options are invalid.', {
        errors: fieldErrorsFromIssues(options.error.issues),
      });
    }
    return await importCarrierInvoice(deps.db, {
      ...context,
      pool: deps.pool,
      fileName: part.filename.replaceAll('\u0000', '\uFFFD'),
      read: invoiceReadOptions(context.carrierCode, options.data),
      file: counted(),
      bytesRead: () => sizeBytes,
    });
  } catch (error) {
    throw part.file.truncated ? tooLarge() : (partError ?? error);
  } finally {
    part.file.resume();
  }
}

/** POST /api/admin/carrier-tariffs/{cc}/invoice-upload: multipart in this route's scope only. */
export const invoiceUploadRoute: PlainRoute = {
  method: 'POST',
  path: '/api/admin/carrier-tariffs/{cc}/invoice-upload',
  operation: {
    operationId: 'carrierReconciliation-invoiceUpload',
    tags: ['carrier-reconciliation'],
    summary: "Upload a carrier invoice in the carrier's own format (multipart/form-data), streamed",
    description:
      'UPS billing data for UPS, DHL Express invoice CSV for DHL and DHL_EXPRESS, a header-mapped CSV (`format=generic-csv` and `mapping`, sent before the file part) for any other carrier. The lines are stored as the file streams in; a file with an unreadable cell imports nothing (422 naming each cell by row and column), a file of another format is a 422 saying what was expected, and the same file again is recognised by its SHA-256 and answered with the first import (`already_imported: true`). The lines are then matched to parcels by a job enqueued with the import: `matching` in the answer is `pending` until it ran (`matched_at`).',
    security: [{ bearerAuth: [] }],
    requestParams: { path: z.object({ cc: CarrierCodeParam }) },
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z.object({
            format: InvoiceUploadOptions.shape.format,
            mapping: InvoiceUploadOptions.shape.mapping,
            file: z.string().describe('The invoice CSV'),
          }),
        },
      },
    },
    responses: {
      200: {
        description: 'Imported, or imported before',
        content: { 'application/json': { schema: InvoiceUploadResult } },
      },
      400: { description: 'No file, or invalid options', content: PROBLEM_CONTENT },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
      413: { description: 'The file exceeds the size limit', content: PROBLEM_CONTENT },
      415: { description: 'Not multipart/form-data', content: PROBLEM_CONTENT },
      422: {
        description:
          'Another format than the carrier’s, unreadable CSV, or unreadable cells (each named); nothing imported',
        content: PROBLEM_CONTENT,
      },
    },
  },
  register(app, { deps, url }) {
    const refusal = 'holds more parts than one file and its options';
    return registerMultipartRoute(app, {
      url,
      maxFileBytes: MAX_INVOICE_BYTES,
      fields: FORM_FIELDS,
      fieldSize: 65_536,
      parts: FORM_FIELDS + 1,
      tooLarge,
      limitRefusals: {
        FST_FILES_LIMIT: refusal,
        FST_FIELDS_LIMIT: refusal,
        FST_PARTS_LIMIT: refusal,
        FST_PROTO_VIOLATION: refusal,
      },
      malformed: 'is not a well-formed multipart/form-data body',
      handle: async (request, reply) => {
        const { cc } = parseParameters(z.object({ cc: CarrierCodeParam }), request.params, 'path');
        return reply.code(200).send(await uploadInvoice(deps, request, cc));
      },
    });
  },
};
