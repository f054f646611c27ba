import { TRPCError } from '@trpc/server';
import { AppError } from '../errors/app-error';

/** The AppError behind a failed in-process call: what REST would answer as problem details. */
export async function appErrorOf(call: Promise<unknown>): Promise<AppError> {
  const error: unknown = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof TRPCError) || !(error.cause instanceof AppError)) {
    throw new Error(`expected an AppError, got ${String(error)}`);
  }
  return error.cause;
}

/** A failed in-process call's problem as a client reads it: its status, domain code and the fields named. */
export async function problemOf(call: Promise<unknown>) {
  const error = await appErrorOf(call);
  return { status: error.status, code: error.code, fields: error.errors?.map((e) => e.field) };
}
