import { AppError } from '../errors/app-error';

/** Fastify's default, stated so that its refusal can say it. */
export const MAX_PARAM_LENGTH = 100;

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

export interface RequestFacts {
  bodyLimitBytes: number;
  /** The Content-Type the request was sent with, if any. */
  contentType: string | undefined;
  /** The content types the route it reached can read. */
  acceptedTypes: string[];
}

function unsupportedMediaType({ contentType, acceptedTypes }: RequestFacts): AppError {
  const received = contentType ? `"${contentType}"` : 'no Content-Type';
  return new AppError(
    'unsupported_media_type',
    `The body was sent as ${received}; this endpoint accepts ${acceptedTypes.join(' or ')}.`,
  );
}

/**
 * Fastify's own request errors (routing, body parsing, limits) in the product's error vocabulary; others
 * are bugs.
 */
export function fromFastifyError(error: FastifyLikeError, facts: RequestFacts): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return AppError.validation('path', 'is not a valid percent-encoded URL path', 'invalid_url');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return AppError.validation(
        'path',
        `has a parameter longer than ${MAX_PARAM_LENGTH} characters`,
        'too_long',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'payload_too_large',
        `The request body exceeds the limit of ${facts.bodyLimitBytes} bytes.`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(facts);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return AppError.validation('body', 'is not valid JSON', 'invalid_json');
  }
  if (error.statusCode === 400) return AppError.validation('body', error.message, 'invalid_body');
  if (error.statusCode === 413) return new AppError('payload_too_large', error.message);
  if (error.statusCode === 415) return unsupportedMediaType(facts);
  return undefined;
}
