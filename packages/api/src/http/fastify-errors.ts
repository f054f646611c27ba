import { AppError } from '../errors/app-error';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** Fastify's own request errors (body parsing, limits) in the product's error vocabulary; others are bugs. */
export function fromFastifyError(error: FastifyLikeError, bodyLimitBytes: number): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'payload_too_large',
        `The request body exceeds the limit of ${bodyLimitBytes} bytes.`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send the body as application/json.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return AppError.validation('body', 'is not valid JSON', 'invalid_json');
  }
  if (error.statusCode === 400) return AppError.validation('body', error.message, 'invalid_body');
  if (error.statusCode === 413) return new AppError('payload_too_large', error.message);
  if (error.statusCode === 415) return new AppError('unsupported_media_type', error.message);
  return undefined;
}
