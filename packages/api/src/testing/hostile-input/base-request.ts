import type { Operation } from './operations';
import type { MultipartPart } from './render';
import type { BaseRequest } from './request';
import { sampleValue, type Resolve } from './sample';

export interface Role {
  name: string;
  /** Bearer token; none for the anonymous caller. */
  token?: string;
}

/** Values of existing rows and known-good bodies, so a case gets past "not found" and into the handler. */
export interface Fixtures {
  pathValue(operation: Operation, name: string, role: Role): string | undefined;
  /** A valid body (JSON value, or multipart field values by name) for the operation, when the schema is not enough. */
  body(operation: Operation, role: Role): unknown;
}

function isFileField(name: string, schema: unknown): boolean {
  const description = (schema as { description?: unknown }).description;
  return name === 'file' || (typeof description === 'string' && /\bthe .*\bfile\b/i.test(description));
}

function multipartParts(operation: Operation, resolve: Resolve, given: unknown): MultipartPart[] {
  const properties = (operation.body?.schema.properties ?? {}) as Record<string, unknown>;
  const values = given as Record<string, string> | undefined;
  // Known-good values when given (optional fields left out), the schema's samples otherwise.
  const fields = values
    ? Object.entries(properties).filter(([name]) => name in values)
    : Object.entries(properties);
  return fields.map(([name, schema]) => {
    const value = values?.[name] ?? String(sampleValue(schema, resolve));
    return isFileField(name, resolve(schema)) ? { name, value, filename: 'orders.csv' } : { name, value };
  });
}

/** The valid request for an operation as a role: the starting point every hostile case changes one thing of. */
export function baseRequest(
  operation: Operation,
  role: Role,
  fixtures: Fixtures,
  resolve: Resolve,
): BaseRequest {
  const pathValues: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    const value = String(
      (parameter.in === 'path' ? fixtures.pathValue(operation, parameter.name, role) : undefined) ??
        sampleValue(parameter.schema, resolve),
    );
    if (parameter.in === 'path') pathValues[parameter.name] = value;
    if (parameter.in === 'query' && parameter.required) query[parameter.name] = value;
  }
  const headers: Record<string, string> = {};
  if (role.token) headers.authorization = `Bearer ${role.token}`;
  // A required header (an Idempotency-Key that moves money) is part of the valid request, as a client sends it.
  for (const parameter of operation.parameters) {
    if (parameter.in === 'header' && parameter.required) {
      headers[parameter.name.toLowerCase()] = String(sampleValue(parameter.schema, resolve));
    }
  }
  const given = fixtures.body(operation, role);
  let body: unknown;
  if (operation.body?.contentType === 'multipart/form-data') body = multipartParts(operation, resolve, given);
  else if (operation.body) body = given ?? sampleValue(operation.body.schema, resolve);
  return {
    method: operation.method,
    pathTemplate: operation.path,
    pathValues,
    query,
    headers,
    body,
    contentType: operation.body?.contentType,
  };
}
