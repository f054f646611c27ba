import type { Operation } from './operations';
import { BOUNDARY, render, type MultipartPart } from './render';
import { jsonWithRaw, multipartBody, type BaseRequest, type HostileCase } from './request';
import { extremeValue, leavesOf, overlay, REMOVE, withValueAt, type Leaf, type Resolve } from './sample';

type Case = HostileCase & { family: string };

const DEPTH = 20_000;
const DEEP_ARRAY = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;

// Values of the wrong JSON type for each declared type ("no" for a boolean is the silent-coercion class).
const WRONG_TYPES: Record<string, unknown[]> = {
  string: [123, true, {}, [], ['a'], null, { $gt: '' }],
  integer: ['3', 'abc', '', true, null, {}, [1]],
  number: ['3', 'abc', true, null, {}, [1]],
  boolean: ['no', 'true', 'false', 1, 0, null, {}],
  object: ['x', [], 1, true, null],
  array: ['x', {}, 1, null, [null], [[]]],
};

// Raw JSON numbers: beyond int4, bigint and float8, negative, fractional, precision-losing.
const NUMBER_EDGES = [
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '9223372036854775808',
  '123456789012345678901234567890',
  '1e21',
  '1e308',
  '1e400',
  '-1e400',
  '-1',
  '0',
  '0.5',
  '-0',
  '1e-320',
  '1.0000000000000002',
];

const STRING_EDGES: Record<string, string[]> = {
  any: ['', ' ', '\t\n', '\u202eevil', '\ufeff', 'x'.repeat(256), '\u00e9'.repeat(300), '😀'.repeat(200)],
  'date-time': [
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '+275760-09-13T00:00:00Z',
    '1970-01-01T00:00:00+14:00',
    '2026-02-30T00:00:00Z',
    '2026-01-01',
  ],
  uuid: ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'not-a-uuid'],
  email: ['a@b.c', `${'a'.repeat(300)}@example.com`, 'a@[127.0.0.1]', '"a b"@example.com'],
};

const MALFORMED_JSON = [
  '{',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}garbage',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  'nul',
  'NaN',
  '{"a":"\\u00"}',
  '{"a":"\\ud800"}',
  '[',
  '"unterminated',
  '{"a":01}',
];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/xml',
  'application/problem+json',
  'application/vnd.api+json',
  'invalid',
  ';;;',
  'application/json, text/plain',
];

function describePath(path: Leaf['path']): string {
  return path.length ? path.join('.') : '(body)';
}

function jsonCases(base: BaseRequest, resolve: Resolve, schema: unknown): Case[] {
  const cases: Case[] = [];
  const valid = base.body;
  const leaves = leavesOf(valid, schema, resolve);
  const add = (family: string, target: string, body: () => string | Buffer, contentType?: string) =>
    cases.push({
      family,
      kind: family,
      target,
      build: () =>
        render(base, {
          body: body(),
          headers: contentType === undefined ? {} : { 'content-type': contentType || undefined },
        }),
    });
  const at = (leaf: Leaf, value: unknown) => JSON.stringify(withValueAt(valid, leaf.path, value));
  const rawAt = (leaf: Leaf, text: string) => jsonWithRaw((raw) => withValueAt(valid, leaf.path, raw(text)));

  for (const leaf of leaves) {
    const where = describePath(leaf.path);
    if (leaf.path.length > 0) add('body.missing', `without ${where}`, () => at(leaf, REMOVE));
    for (const wrong of WRONG_TYPES[leaf.type] ?? []) {
      add('body.wrong-type', `${where} = ${JSON.stringify(wrong)}`, () => at(leaf, wrong));
    }
    if (leaf.type === 'object') {
      add('body.extra', `${where} + unexpectedField`, () =>
        at(leaf, { ...(pick(valid, leaf.path) as object), unexpectedField: 'x' }),
      );
      add('body.extra', `${where} + __proto__`, () =>
        rawAt(leaf, withKey(pick(valid, leaf.path), '"__proto__":{"polluted":true}')),
      );
      add('body.nul', `${where} + key with NUL`, () =>
        at(leaf, { ...(pick(valid, leaf.path) as object), 'a\u0000b': 'x' }),
      );
      add('body.deep', `${where} + 20,000-deep field`, () =>
        rawAt(leaf, withKey(pick(valid, leaf.path), `"deep":${DEEP_ARRAY}`)),
      );
    }
    if (leaf.type === 'string') {
      const picked = pick(valid, leaf.path);
      const current = typeof picked === 'string' ? picked : '';
      add('body.nul', `${where} with NUL`, () => at(leaf, `${current}\u0000x`));
      add('body.nul', `${where} = NUL`, () => at(leaf, '\u0000'));
      add('body.lone-surrogate', `${where} with \\ud800`, () => at(leaf, `\ud800${current}`));
      add('body.lone-surrogate', `${where} with \\udfff`, () => at(leaf, `${current}\udfff`));
      add('body.huge-string', `${where} = 100,000 chars`, () => at(leaf, 'x'.repeat(100_000)));
      add('body.huge-string', `${where} = 2 MB`, () => at(leaf, 'x'.repeat(2_000_000)));
      const format = typeof leaf.schema.format === 'string' ? leaf.schema.format : 'any';
      for (const edge of [...(STRING_EDGES[format] ?? []), ...(STRING_EDGES.any ?? [])]) {
        add('body.string-edge', `${where} = ${JSON.stringify(edge.slice(0, 40))}`, () => at(leaf, edge));
      }
    }
    if (leaf.type === 'integer' || leaf.type === 'number') {
      for (const edge of NUMBER_EDGES) add('body.number-edge', `${where} = ${edge}`, () => rawAt(leaf, edge));
    }
    if (leaf.type === 'array') {
      const items = pick(valid, leaf.path) as unknown[];
      add('body.array-edge', `${where} = []`, () => at(leaf, []));
      add('body.array-edge', `${where} × 5,000`, () =>
        at(
          leaf,
          Array.from({ length: 5000 }, () => items[0]),
        ),
      );
    }
    add('body.deep', `${where} = 20,000-deep array`, () => rawAt(leaf, DEEP_ARRAY));
    add('body.deep', `${where} = 20,000-deep object`, () => rawAt(leaf, DEEP_OBJECT));
  }
  // Each field at its documented maximum over the valid body: sums and byte sizes the columns must hold.
  const extreme = extremeValue(schema, resolve);
  add('body.all-max', 'every number, length and count at its maximum', () =>
    JSON.stringify(overlay(valid, extreme)),
  );
  for (const root of [[], [valid], 'x', 1, true, null, {}]) {
    add('body.root-type', `body = ${JSON.stringify(root).slice(0, 40)}`, () => JSON.stringify(root));
  }
  for (const text of MALFORMED_JSON) add('body.malformed-json', text.slice(0, 40), () => text);
  const text = JSON.stringify(valid);
  add('body.malformed-json', 'truncated', () => text.slice(0, Math.max(1, Math.floor(text.length / 2))));
  add('body.invalid-utf8', 'bytes FF FE in a string', () =>
    Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]),
  );
  add('body.empty', 'no body with a JSON content type', () => '');
  for (const type of CONTENT_TYPES) add('body.content-type', `Content-Type: ${type}`, () => text, type);
  add('body.content-type', 'no Content-Type', () => text, '');
  return cases;
}

/** JSON text of an object with one more member written as raw text first (a key JSON.stringify would drop). */
function withKey(object: unknown, member: string): string {
  const text = JSON.stringify(object);
  return text === '{}' ? `{${member}}` : `{${member},${text.slice(1)}`;
}

function pick(value: unknown, path: Leaf['path']): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string | number, unknown>)?.[key], value);
}

function multipartCases(base: BaseRequest): Case[] {
  const cases: Case[] = [];
  const parts = base.body as MultipartPart[];
  const add = (family: string, target: string, body: () => Buffer | string, type?: string) =>
    cases.push({
      family,
      kind: family,
      target,
      build: () =>
        render(base, { body: body(), headers: type === undefined ? {} : { 'content-type': type } }),
    });
  const withParts = (next: MultipartPart[]) => () => multipartBody(BOUNDARY, next);
  const replace = (name: string, value: string | Buffer) =>
    parts.map((part) => (part.name === name ? { ...part, value } : part));
  for (const part of parts) {
    add('multipart.missing', `without ${part.name}`, withParts(parts.filter((p) => p !== part)));
    add(
      'multipart.nul',
      `${part.name} with NUL`,
      withParts(replace(part.name, `${String(part.value)}\u0000`)),
    );
    add('multipart.huge', `${part.name} = 100,000 chars`, withParts(replace(part.name, 'x'.repeat(100_000))));
    add('multipart.wrong-value', `${part.name} = "no"`, withParts(replace(part.name, 'no')));
    add('multipart.wrong-value', `${part.name} = {`, withParts(replace(part.name, '{')));
    add('multipart.deep', `${part.name} = 20,000-deep JSON`, withParts(replace(part.name, DEEP_ARRAY)));
    add(
      'multipart.bad-utf8',
      `${part.name} = bytes FF FE`,
      withParts(replace(part.name, Buffer.from([0xff, 0xfe, 0x00, 0x41]))),
    );
    add('multipart.duplicate', `${part.name} twice`, withParts([...parts, part]));
    if (part.filename) {
      add('multipart.file', `${part.name} empty`, withParts(replace(part.name, '')));
      add(
        'multipart.file',
        `${part.name} a broken zip`,
        withParts(
          parts.map((p) =>
            p === part ? { ...p, filename: 'orders.xlsx', value: Buffer.from('PK\u0003\u0004garbage') } : p,
          ),
        ),
      );
      add(
        'multipart.file',
        `${part.name} as a plain field`,
        withParts(parts.map((p) => (p === part ? { name: p.name, value: p.value } : p))),
      );
    }
  }
  add('multipart.extra', 'unknown field', withParts([...parts, { name: 'unexpected', value: 'x' }]));
  add(
    'multipart.extra',
    'unknown file',
    withParts([...parts, { name: 'other', value: 'a,b', filename: 'x.csv' }]),
  );
  add('multipart.malformed', 'no boundary parameter', withParts(parts), 'multipart/form-data');
  add('multipart.malformed', 'another boundary', withParts(parts), 'multipart/form-data; boundary=nope');
  add(
    'multipart.malformed',
    'unterminated',
    () => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"`,
  );
  add('multipart.malformed', 'empty', () => '');
  for (const type of ['application/json', 'text/csv', 'application/octet-stream', 'invalid']) {
    add('multipart.content-type', `Content-Type: ${type}`, withParts(parts), type);
  }
  return cases;
}

/** A body where none is declared (GET, DELETE, bodiless POST): it must be ignored or refused, not crash. */
function unexpectedBodyCases(base: BaseRequest): Case[] {
  const bodies: Array<[string, string, string]> = [
    ['body.unexpected', '{"unexpected":true}', 'application/json'],
    ['body.unexpected', '{"id":"\\u0000"}', 'application/json'],
    ['body.malformed-json', '{', 'application/json'],
    ['body.deep', DEEP_ARRAY, 'application/json'],
    ['body.content-type', 'a=1', 'application/x-www-form-urlencoded'],
    ['body.content-type', 'hello', 'text/plain'],
    ['body.content-type', 'x', 'invalid'],
  ];
  return bodies.map(([family, body, type]) => ({
    family,
    kind: family,
    target: `${type}: ${body.slice(0, 30)}`,
    build: () => render(base, { body, headers: { 'content-type': type } }),
  }));
}

export function bodyCases(operation: Operation, base: BaseRequest, resolve: Resolve): Case[] {
  if (!operation.body) return unexpectedBodyCases(base);
  if (operation.body.contentType === 'multipart/form-data') return multipartCases(base);
  return jsonCases(base, resolve, operation.body.schema);
}
