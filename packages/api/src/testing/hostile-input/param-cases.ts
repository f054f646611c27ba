import type { Operation, OperationParameter } from './operations';
import { render } from './render';
import { encodedPairs, type BaseRequest, type HostileCase } from './request';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// Raw path segments: malformed ids, encodings PostgreSQL or the router cannot take, sizes a column cannot hold.
const PATH_VALUES: Record<string, string[]> = {
  'path.not-an-id': ['not-a-valid-id', 'null', 'undefined', '{id}', '%20', 'ABCDEFGH'],
  'path.nul': ['%00', 'abc%00def', `${'1'.repeat(8)}%00`],
  'path.number-edge': [
    '-1',
    '0',
    '1.5',
    '1e400',
    '99999999999999999999999',
    '2147483648',
    '9223372036854775808',
  ],
  'path.long': ['a'.repeat(4096), '9'.repeat(300)],
  'path.bad-percent': ['%ZZ', '%', '%E0%A4%A'],
  'path.bad-utf8': ['%ED%A0%80', '%C3%28', '%FF%FE', '%F0%9F%92%A9'],
  'path.traversal': ['..%2F..%2Fetc%2Fpasswd', '%2E%2E', 'a%2Fb'],
  'path.uuid-edge': [
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '6F9619FF-8B86-D011-B42D-00C04FC964FF',
    '6f9619ff8b86d011b42d00c04fc964ff',
  ],
};

function queryValues(parameter: OperationParameter): Record<string, string[]> {
  const values: Record<string, string[]> = {
    'query.nul': ['a%00b', '%00'],
    'query.wrong-type': [
      'abc',
      '1e400',
      '-1',
      '1.5',
      '99999999999999999999',
      '',
      'true',
      'no',
      '%5B%5D',
      '%7B%7D',
    ],
    'query.long': ['x'.repeat(5000)],
    'query.bad-percent': ['%ZZ', '%', '%E0%A4%A'],
    'query.bad-utf8': ['%ED%A0%80', '%C3%28', '%FF'],
  };
  const format = parameter.schema.format;
  if (format === 'date-time' || format === 'date') {
    values['query.date-edge'] = [
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '1970-01-01T00:00:00%2B14:00',
      '2026-02-30T00:00:00Z',
      '-000001-01-01T00:00:00Z',
      '%2B275760-09-13T00:00:00Z',
    ];
  }
  if (format === 'uuid') values['query.uuid-edge'] = PATH_VALUES['path.uuid-edge'] ?? [];
  if (parameter.name === 'cursor') {
    // Well-formed base64url around values the list's keyset columns cannot hold.
    values['query.cursor-forged'] = [
      b64(['x']),
      b64(['x', 'y']),
      b64(['not-a-date', 'not-a-uuid']),
      b64(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
      b64([1e308, -1]),
      b64(['\u0000', '\u0000']),
      b64([1e20, 'x', 'y']),
      b64(['+275760-09-13T00:00:00.000Z', '00000000-0000-0000-0000-000000000000']),
      'not-base64!',
    ];
  }
  return values;
}

const HEADER_VALUES: Record<string, string[]> = {
  'header.authorization': [
    'Bearer x',
    `Bearer ${'a'.repeat(6000)}`,
    'Bearer a.b.c',
    'Basic Zm9vOmJhcg==',
    'Bearer',
    // alg "none" with no exp: must be refused like any forged token
    'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.',
  ],
  'header.declared': [
    '',
    ' ',
    'x'.repeat(300),
    '\u00e9\u00e8',
    '-1',
    'a%00b',
    '00000000-0000-0000-0000-000000000000',
  ],
  'header.accept': ['application/xml', 'text/event-stream', '*/*;q=abc'],
};

export function paramCases(operation: Operation, base: BaseRequest): Array<HostileCase & { family: string }> {
  const cases: Array<HostileCase & { family: string }> = [];
  const add = (family: string, target: string, build: HostileCase['build']) =>
    cases.push({ family, kind: family, target, build });

  for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
    for (const [kind, values] of Object.entries(PATH_VALUES)) {
      for (const value of values) {
        add(kind, `{${parameter.name}} = ${value.slice(0, 60)}`, () =>
          render(base, { rawPath: { [parameter.name]: value } }),
        );
      }
    }
  }

  const basePairs = encodedPairs(base.query);
  const others = (name: string) => basePairs.filter(([key]) => key !== encodeURIComponent(name));
  for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
    const name = encodeURIComponent(parameter.name);
    for (const [kind, values] of Object.entries(queryValues(parameter))) {
      for (const value of values) {
        add(kind, `?${parameter.name}=${value.slice(0, 60)}`, () =>
          render(base, { query: [...others(parameter.name), [name, value]] }),
        );
      }
    }
    const valid = encodeURIComponent(base.query[parameter.name] ?? '1');
    const repeated: Array<Array<[string, string]>> = [
      [
        [name, valid],
        [name, valid],
      ],
      [
        [name, valid],
        [name, '%00'],
      ],
      [
        [`${name}%5B%5D`, valid],
        [`${name}%5B%5D`, valid],
      ],
      [[`${name}%5B0%5D`, valid]],
      [[`${name}%5Ba%5D%5Bb%5D`, valid]],
      [
        [name, ''],
        [name, ''],
      ],
    ];
    for (const pairs of repeated) {
      add('query.repeated', `?${pairs.map((p) => p.join('=')).join('&')}`.slice(0, 80), () =>
        render(base, { query: [...others(parameter.name), ...pairs] }),
      );
    }
  }
  for (const extra of ['zzz=1', 'zzz=%00', '__proto__%5Bx%5D=1', 'constructor=1']) {
    const [key, value] = extra.split('=') as [string, string];
    add('query.unknown', `?${extra}`, () => render(base, { query: [...basePairs, [key, value]] }));
  }

  const declared = operation.parameters.filter((p) => p.in === 'header');
  for (const [kind, values] of Object.entries(HEADER_VALUES)) {
    const names =
      kind === 'header.declared'
        ? declared.map((p) => p.name)
        : [kind === 'header.authorization' ? 'authorization' : 'accept'];
    for (const name of names) {
      for (const value of values) {
        add(kind, `${name}: ${value.slice(0, 40)}`, () =>
          render(base, { headers: { [name.toLowerCase()]: value } }),
        );
      }
    }
  }
  return cases;
}
