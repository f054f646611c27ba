import type { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import type { FieldError } from '../../../errors/problem';
import { RETURN_LABEL_ERRORS } from '../labels/errors';

/** Why a call to Sendcloud failed, as the client sees it; `toSendcloudProblem` turns it into an answer. */
export type SendcloudFailure =
  /** Sendcloud refused the request's content (an address, a weight, a shipping option); `fields` names them. */
  | 'rejected'
  /** Sendcloud refused our credentials (401/403): the operator must fix the keys. */
  | 'unauthorized'
  /** The parcel, return or document does not exist at Sendcloud. */
  | 'not_found'
  /** Still 429 after every retry. */
  | 'rate_limited'
  /** Still 5xx, or no answer, after every retry; or an answer that is not Sendcloud's wire format. */
  | 'unavailable'
  /** The carrier's label is not a PDF (ZPL-only carriers): the overlay cannot be drawn on it. */
  | 'label_not_pdf';

export class SendcloudError extends Error {
  override name = 'SendcloudError';

  constructor(
    readonly failure: SendcloudFailure,
    message: string,
    readonly details: { status?: number; fields?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

/** Sendcloud's failures as problems: what the caller can fix is 422, what the operator or Sendcloud must fix 503. */
export function toSendcloudProblem(error: SendcloudError): AppError {
  const detail = `Sendcloud: ${error.message}`;
  switch (error.failure) {
    case 'rejected':
      return domainError(RETURN_LABEL_ERRORS, 'sendcloud_rejected', detail, { errors: error.details.fields });
    case 'label_not_pdf':
      return domainError(RETURN_LABEL_ERRORS, 'label_not_pdf', detail);
    case 'not_found':
      return domainError(RETURN_LABEL_ERRORS, 'sendcloud_not_found', detail);
    case 'rate_limited':
      return domainError(RETURN_LABEL_ERRORS, 'sendcloud_unavailable', detail, {
        retryAfterSeconds: error.details.retryAfterSeconds,
      });
    case 'unauthorized':
    case 'unavailable':
      return domainError(RETURN_LABEL_ERRORS, 'sendcloud_unavailable', detail);
  }
}

/** Without credentials there is no Sendcloud: a 503 naming what to set. */
export function sendcloudNotConfigured(): AppError {
  return domainError(
    RETURN_LABEL_ERRORS,
    'sendcloud_not_configured',
    'Sendcloud is not configured: set SENDCLOUD_PUBLIC_KEY and SENDCLOUD_SECRET_KEY (and SENDCLOUD_BASE_URL for another API host)',
  );
}
