import type { AppRouter } from '@ipay/api/router';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { toIpayApiError } from './errors';

export interface IpayClientOptions {
  /** Where the platform runs, e.g. `https://api.ipay.global`; the client talks to `<baseUrl>/trpc`. */
  baseUrl: string;
  /** A bearer token from `auth.login`, or a function returning the current one. */
  token?: string | (() => string | undefined);
  /** Extra headers on every call, e.g. `{ 'x-request-id': … }`. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export type IpayClient = TRPCClient<AppRouter>;

/** Wraps every call so that failures with problem details reject with an IpayApiError. */
function withTypedErrors<T extends object>(target: T): T {
  return new Proxy(target, {
    get(inner, property, receiver) {
      const value: unknown = Reflect.get(inner, property, receiver);
      return typeof value === 'function' || (typeof value === 'object' && value !== null)
        ? withTypedErrors(value)
        : value;
    },
    apply(inner, thisArg, args) {
      const result: unknown = Reflect.apply(inner as (...a: unknown[]) => unknown, thisArg, args);
      if (result instanceof Promise) {
        return result.catch((error: unknown) => {
          throw toIpayApiError(error);
        });
      }
      return result;
    },
  });
}

/**
 * A typed client for every procedure: `client.auth.login.mutate({ … })`, `client.auth.me.query()`.
 * Types come from the server's router, so a changed contract fails at compile time.
 */
export function createIpayClient(options: IpayClientOptions): IpayClient {
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.baseUrl.replace(/\/$/, '')}/trpc`,
        fetch: options.fetch,
        headers: () => {
          const token = typeof options.token === 'function' ? options.token() : options.token;
          return { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
        },
      }),
    ],
  });
  return withTypedErrors(client);
}
