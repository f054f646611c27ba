import { AppError, type AppErrorOptions, type ErrorKindName } from './app-error';

/** One failure a domain names, so clients can branch on its `code` instead of parsing `detail`. */
export interface DomainErrorCode {
  /** Decides the HTTP status and title, exactly as a plain `new AppError(kind, …)` would. */
  kind: ErrorKindName;
  /** When it is thrown; listed in the OpenAPI document. */
  description: string;
}

export type DomainErrorCodes = Readonly<Record<string, DomainErrorCode>>;

/** Declares a domain's codes (in `domains/<domain>/errors.ts`); the identity, for the checked literal type. */
export function defineErrorCodes<const T extends DomainErrorCodes>(codes: T): T {
  return codes;
}

/** An AppError with one of the domain's declared codes: a code the domain did not declare does not compile. */
export function domainError<T extends DomainErrorCodes, K extends keyof T & string>(
  codes: T,
  code: K,
  detail: string,
  options: Omit<AppErrorOptions, 'code'> = {},
): AppError {
  const { kind } = codes[code] as DomainErrorCode;
  return new AppError(kind, detail, { ...options, code });
}
