import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';

/** Room for the form's headers and option fields beside the file in the request's body limit. */
const FORM_OVERHEAD_BYTES = 1_048_576;

export interface MultipartRouteOptions {
  url: string;
  /** The file's size limit; the request body may be a MiB larger for the rest of the form. */
  maxFileBytes: number;
  /** Option fields allowed beside the one file, and the size of each. */
  fields: number;
  fieldSize: number;
  /** Parts in all: the fields and the file, or more where the route says so. */
  parts: number;
  /** The 413 problem for a file over `maxFileBytes`. */
  tooLarge: () => AppError;
  /** The detail for a form over a limit, by @fastify/multipart's code; any other form error is `malformed`. */
  limitRefusals: Readonly<Record<string, string>>;
  malformed: string;
  /** Reads the form and answers; form errors it throws are mapped to problems on the way out. */
  handle: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
}

/**
 * A form that is not what its Content-Type claims (no boundary, a broken part header, a body cut short) or that
 * breaks the form limits is the caller's fault: @fastify/multipart and busboy throw their own errors for it.
 */
function formRefusal(error: unknown, route: MultipartRouteOptions): unknown {
  if (error instanceof AppError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return route.tooLarge();
  const refusal = code ? route.limitRefusals[code] : undefined;
  if (refusal) return AppError.validation('body', refusal, 'invalid_form');
  // A form cut short ends the file part's stream before its closing boundary.
  const malformed =
    code?.startsWith('FST_') ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    /^(Multipart|Malformed|Unexpected end of form|Part terminated early)/.test(message ?? '');
  return malformed ? AppError.validation('body', route.malformed, 'invalid_form') : error;
}

/** The file part's stream ends with this error at the size limit. */
export function isFileTooLarge(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'FST_REQ_FILE_TOO_LARGE';
}

/**
 * A POST route that reads multipart/form-data, in a scope of its own: the rest of the API reads JSON. The form's
 * limits are enforced while it streams, and its errors become problems naming the body (or the file).
 */
export async function registerMultipartRoute(
  app: FastifyInstance,
  route: MultipartRouteOptions,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: {
        fileSize: route.maxFileBytes,
        files: 1,
        fields: route.fields,
        fieldSize: route.fieldSize,
        parts: route.parts,
      },
    });
    scope.post(route.url, { bodyLimit: route.maxFileBytes + FORM_OVERHEAD_BYTES }, async (request, reply) => {
      return route.handle(request, reply).catch((error: unknown) => {
        throw formRefusal(error, route);
      });
    });
  });
}

/** Refuses a body that is not multipart/form-data (415), after the caller's permission was checked. */
export function requireMultipart(request: FastifyRequest, detail: string): void {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', detail);
}
