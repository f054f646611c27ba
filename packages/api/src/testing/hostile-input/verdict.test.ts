import { describe, expect, it } from 'vitest';
import type { HostileResponse } from './send';
import { verdict } from './verdict';

const problem = (status: number, detail: string): HostileResponse => ({
  status,
  contentType: 'application/problem+json; charset=utf-8',
  traceHeader: 'trace-1',
  text: JSON.stringify({ type: 'about:blank', title: 'x', status, detail, traceId: 'trace-1' }),
});

describe('the hostile-input verdict', () => {
  it('passes a problem document with a trace id, and any 2xx', () => {
    expect(verdict(problem(400, 'name must not contain NUL'))).toEqual([]);
    expect(verdict({ status: 200, contentType: 'text/csv', traceHeader: 'x', text: 'a,b\n1,2' })).toEqual([]);
  });

  it('names each broken rule', () => {
    expect(verdict(problem(500, 'An unexpected error occurred.'))).toEqual(['5xx']);
    expect(
      verdict({
        status: 400,
        contentType: 'application/json',
        traceHeader: 'x',
        text: '{"code":"FST_ERR_BAD_URL"}',
      }),
    ).toEqual(['not problem+json']);
    expect(verdict({ ...problem(400, 'x'), text: JSON.stringify({ status: 400, title: 'x' }) })).toEqual([
      'problem without traceId',
    ]);
    expect(verdict({ ...problem(404, 'x'), status: 400 })).toEqual([
      'problem status differs from HTTP status',
    ]);
    expect(
      verdict({ status: 0, contentType: '', traceHeader: undefined, text: '', error: 'socket hang up' }),
    ).toEqual(['no response (socket hang up)']);
  });

  it.each([
    ['stack trace', 'TypeError: x\n    at parse (/srv/app/dist/index.js:10:5)'],
    ['SQL', 'invalid input syntax for type uuid: "abc"'],
    ['SQL', 'insert into "orders" ("id") values ($1)'],
    ['SQL', 'value too long for type character varying(20)'],
    ['file path', 'failed in /work/wt/packages/api/src/x'],
    ['file path', 'Cannot find module node_modules/zod'],
    ['file path', 'at service.ts:12'],
  ])('catches a leaked %s', (leak, detail) => {
    expect(verdict(problem(400, detail))).toContain(`leaks ${leak}`);
  });
});
