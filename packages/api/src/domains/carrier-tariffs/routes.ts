import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import { fieldErrorsFromIssues } from '../../errors/to-problem';
import { authorize } from '../../http/authorize';
import { registerMultipartRoute, requireMultipart } from '../../http/multipart-route';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { detectFormat, readWorkbook } from '../orders/service/spreadsheet';
import { writeTariffTemplate } from './import/template';
import type { Sheets } from './import/sheet-cells';
import { ImportOptions, ImportResult } from './schemas';
import { applyTariffImport, collectSheets, parseTariffSheets } from './service/import-tariffs';
import { assertTariffReach } from './service/read-tariffs';

/** A tariff workbook is a few MiB at most; the XLSX guard bounds what it may unpack to. */
export const TARIFF_IMPORT_MAX_BYTES = 20 * 1_048_576;
const FORM_LIMIT_FIELDS = 12;

export const tariffTemplateRoute: PlainRoute = {
  method: 'GET',
  path: '/api/admin/carrier-tariffs/import/template.xlsx',
  operation: {
    operationId: 'carrierTariffs-importTemplate',
    tags: ['carrier-tariffs'],
    summary:
      'The IPAY tariff workbook: every sheet and column the import reads, with a complete example tariff',
    security: [{ bearerAuth: [] }],
    responses: {
      200: {
        description: 'The template',
        content: {
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string() },
        },
      },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      assertTariffReach((await authorize(deps, request, 'carrier_tariffs', 'read')).scope);
      // A template of a few KiB, held whole so a failed write is a problem answer, not a cut-off download.
      const sink = new PassThrough();
      const [body] = await Promise.all([buffer(sink), writeTariffTemplate(sink)]);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="ipay-tariff-template.xlsx"')
        .send(body);
    });
  },
};

function tooLarge(): AppError {
  return new AppError(
    'payload_too_large',
    `The file exceeds the limit of ${TARIFF_IMPORT_MAX_BYTES} bytes.`,
    {
      errors: [
        { field: 'file', message: `is larger than ${TARIFF_IMPORT_MAX_BYTES} bytes`, code: 'too_big' },
      ],
    },
  );
}

const notXlsx = (fileName: string) =>
  new AppError('unprocessable', `${fileName} is refused: a tariff import is an XLSX workbook.`, {
    errors: [{ field: 'file', message: 'is not an XLSX workbook', code: 'not_xlsx' }],
  });

/** The file's sheets, streamed through the order upload's bounded XLSX reader. */
async function readFilePart(part: MultipartFile): Promise<{ fileName: string; sheets: Sheets }> {
  const fileName = part.filename.replaceAll('\u0000', '') || 'tariffs.xlsx';
  try {
    const { format, stream } = await detectFormat(part.file as AsyncIterable<Buffer>, fileName);
    if (format !== 'xlsx') throw notXlsx(fileName);
    return { fileName, sheets: await collectSheets(readWorkbook(stream, { name: fileName }), fileName) };
  } catch (error) {
    throw part.file.truncated ? tooLarge() : error;
  } finally {
    part.file.resume();
  }
}

async function readImportForm(request: FastifyRequest) {
  let file: { fileName: string; sheets: Sheets } | undefined;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type !== 'file') {
      fields[part.fieldname] = String(part.value);
    } else if (part.fieldname !== 'file' || file) {
      part.file.resume();
      throw AppError.validation(
        part.fieldname,
        'send exactly one file, in the part named "file"',
        'unexpected_file',
      );
    } else {
      file = await readFilePart(part);
    }
  }
  if (!file) throw AppError.validation('file', 'is required (an XLSX part named "file")', 'required');
  const options = ImportOptions.safeParse(fields);
  if (!options.success) {
    throw new AppError('validation_failed', 'The import options are invalid.', {
      errors: fieldErrorsFromIssues(options.error.issues),
    });
  }
  return { ...file, options: options.data };
}

/** POST /api/admin/carrier-tariffs/import: multipart in this route's own scope only. */
export const tariffImportRoute: PlainRoute = {
  method: 'POST',
  path: '/api/admin/carrier-tariffs/import',
  operation: {
    operationId: 'carrierTariffs-import',
    tags: ['carrier-tariffs'],
    summary: 'Import carrier tariffs from an XLSX workbook (multipart/form-data)',
    description:
      'The layout is recognised from the headers: the IPAY tariff workbook (GET /api/admin/carrier-tariffs/import/template.xlsx), a UPS-style rate sheet with its zone chart, or a DHL Express-style rate card with its zone list (these two take carrier, service, origin and effective_from as form fields). `dry_run=true` answers what would change per carrier × service × origin (zones, weight breaks, surcharges) and every cell error by sheet, row and column. A real run creates a new tariff version for each new or changed tariff, never editing one; an unchanged tariff creates nothing, so a retried import is harmless; a file with any cell error imports nothing (422 listing them).',
    security: [{ bearerAuth: [] }],
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: ImportOptions.extend({ file: z.string().describe('The XLSX workbook') }),
        },
      },
    },
    responses: {
      200: { description: 'Dry run, or imported', content: { 'application/json': { schema: ImportResult } } },
      400: { description: 'Missing file, invalid or missing form fields', content: PROBLEM_CONTENT },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
      413: { description: 'The file exceeds the size limit', content: PROBLEM_CONTENT },
      415: { description: 'Not multipart/form-data', content: PROBLEM_CONTENT },
      422: {
        description:
          'Not an XLSX, unreadable, an unknown layout (saying what was expected), or invalid cells',
        content: PROBLEM_CONTENT,
      },
    },
  },
  register(app, { deps, url }) {
    return registerMultipartRoute(app, {
      url,
      maxFileBytes: TARIFF_IMPORT_MAX_BYTES,
      fields: FORM_LIMIT_FIELDS,
      fieldSize: 1024,
      parts: FORM_LIMIT_FIELDS + 1,
      tooLarge,
      limitRefusals: {},
      malformed:
        'is not a well-formed multipart/form-data body with one file part named "file" and at most 12 fields',
      handle: async (request, reply) => {
        const { actor, scope: dataScope } = await authorize(deps, request, 'carrier_tariffs', 'create');
        assertTariffReach(dataScope);
        requireMultipart(request, 'Send the workbook as multipart/form-data with a part named "file".');
        const form = await readImportForm(request);
        return reply.send(await importForm(deps, actor.userId, form));
      },
    });
  },
};

async function importForm(
  deps: AppDeps,
  userId: string,
  form: { fileName: string; sheets: Sheets; options: ImportOptions },
) {
  const parsed = parseTariffSheets(form.sheets, form);
  const dryRun = form.options.dry_run === 'true';
  return applyTariffImport(deps.db, { parsed, dryRun, fileName: form.fileName, userId });
}
