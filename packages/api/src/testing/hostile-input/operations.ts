/** The operations of an OpenAPI 3.1 document, with $refs resolved, as the hostile-input test walks them. */
export type JsonSchema = Record<string, unknown>;

export interface OperationParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
}

export interface OperationBody {
  contentType: string;
  schema: JsonSchema;
  required: boolean;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, `{name}` for each path parameter. */
  path: string;
  secured: boolean;
  parameters: OperationParameter[];
  body?: OperationBody;
}

interface OpenApiLike {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
  security?: unknown[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Follows `#/components/schemas/...` references until a schema that is not a reference. */
export function resolveSchema(document: OpenApiLike, schema: unknown): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 32; hops++) {
    if (!current || typeof current !== 'object') return {};
    const ref = (current as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string') return current as JsonSchema;
    const name = ref.replace(/^#\/components\/schemas\//, '');
    current = document.components?.schemas?.[name];
  }
  throw new Error(`$ref cycle at ${JSON.stringify(schema)}`);
}

export function listOperations(document: OpenApiLike): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const raw = item[method] as Record<string, unknown> | undefined;
      if (!raw) continue;
      const parameters = ((raw.parameters as Array<Record<string, unknown>> | undefined) ?? []).map(
        (p): OperationParameter => ({
          name: String(p.name),
          in: p.in as OperationParameter['in'],
          required: p.required === true || p.in === 'path',
          schema: resolveSchema(document, p.schema),
        }),
      );
      const requestBody = raw.requestBody as
        { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      const [contentType, media] = Object.entries(requestBody?.content ?? {})[0] ?? [];
      const security = (raw.security ?? document.security) as unknown[] | undefined;
      operations.push({
        operationId: typeof raw.operationId === 'string' ? raw.operationId : `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        secured: Array.isArray(security) && security.length > 0,
        parameters,
        body: contentType
          ? {
              contentType,
              schema: resolveSchema(document, media?.schema),
              required: requestBody?.required === true,
            }
          : undefined,
      });
    }
  }
  return operations;
}
