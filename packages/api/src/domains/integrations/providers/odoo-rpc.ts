import { z } from 'zod';
import { parseShopAnswer, requestShopJson, ShopApiError, type ShopApiSettings } from '../shop-api';

// Odoo answers every JSON-RPC call with HTTP 200: a failure is an `error` member, its `data` naming the
// Python exception (odoo.exceptions.AccessDenied, psycopg2.OperationalError …) and its message.
const RpcAnswer = z.union([
  z.object({ result: z.unknown() }),
  z.object({
    error: z.object({
      message: z.string(),
      data: z.object({ name: z.string().optional(), message: z.string().optional() }).optional(),
    }),
  }),
]);

export interface OdooConnection {
  url: string;
  database: string;
  username: string;
  apiKey: string;
}

let nextId = 1;

/** One JSON-RPC 2.0 call to {url}/jsonrpc; an Odoo error becomes a ShopApiError with Odoo's own words. */
export async function callOdoo(
  connection: OdooConnection,
  settings: ShopApiSettings,
  params: { service: 'common' | 'object'; method: string; args: unknown[] },
): Promise<unknown> {
  const raw = await requestShopJson(
    {
      method: 'POST',
      url: new URL('jsonrpc', connection.url.replace(/\/?$/, '/')),
      body: { json: { jsonrpc: '2.0', method: 'call', params, id: nextId++ } },
    },
    settings,
  );
  const answer = parseShopAnswer(RpcAnswer, raw, 'JSON-RPC answer');
  if ('result' in answer) return answer.result;
  const { message, data } = answer.error;
  const detail = data?.message && data.message !== message ? `: ${data.message}` : '';
  const exception = data?.name ? ` (${data.name})` : '';
  throw new ShopApiError(`refused the call: ${message}${detail}${exception}`, null);
}

/** `common.authenticate`: the user id, or a clear error when Odoo answers false (wrong login or key). */
export async function authenticateOdoo(
  connection: OdooConnection,
  settings: ShopApiSettings,
): Promise<number> {
  const uid = await callOdoo(connection, settings, {
    service: 'common',
    method: 'authenticate',
    args: [connection.database, connection.username, connection.apiKey, {}],
  });
  const parsed = z.union([z.number().int().positive(), z.literal(false)]).safeParse(uid);
  if (!parsed.success)
    throw new ShopApiError('answered authenticate with something that is not a user id', null);
  if (parsed.data === false) {
    throw new ShopApiError(
      `refused the login of ${connection.username} on database ${connection.database}: wrong login or API key`,
      null,
    );
  }
  return parsed.data;
}

/** `object.execute_kw` on one model, as the authenticated user. */
export function executeKw(
  connection: OdooConnection,
  settings: ShopApiSettings,
  uid: number,
  call: { model: string; method: string; args: unknown[]; kwargs?: Record<string, unknown> },
): Promise<unknown> {
  return callOdoo(connection, settings, {
    service: 'object',
    method: 'execute_kw',
    args: [
      connection.database,
      uid,
      connection.apiKey,
      call.model,
      call.method,
      call.args,
      call.kwargs ?? {},
    ],
  });
}
