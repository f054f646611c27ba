import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../errors/app-error';
import { domainError } from '../errors/domain-codes';
import { DOMAIN_ERROR_CODES } from './error-codes';
import { ORDER_ERRORS } from './orders/errors';

const DOMAINS_DIR = path.dirname(new URL(import.meta.url).pathname);

describe('domain error codes', () => {
  it('are unique across domains and never reuse a kind name', () => {
    const owners = new Map<string, string[]>();
    for (const [domain, codes] of Object.entries(DOMAIN_ERROR_CODES)) {
      for (const code of Object.keys(codes)) owners.set(code, [...(owners.get(code) ?? []), domain]);
    }
    const twice = [...owners].filter(([, domains]) => domains.length > 1);
    expect(twice).toEqual([]);
    // A kind's name is the code of every problem without a domain code: a domain code must not shadow one.
    expect([...owners.keys()].filter((code) => code in ERROR_KINDS)).toEqual([]);
  });

  it('map to a known kind, are snake_case and say when they are thrown', () => {
    for (const codes of Object.values(DOMAIN_ERROR_CODES)) {
      for (const [code, { kind, description }] of Object.entries(codes)) {
        expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
        expect(Object.keys(ERROR_KINDS), code).toContain(kind);
        expect(description.length, code).toBeGreaterThan(10);
      }
    }
  });

  it('lists every domain that declares an errors.ts', () => {
    const declaring = readdirSync(DOMAINS_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .filter((entry) => readdirSync(path.join(DOMAINS_DIR, entry.name)).includes('errors.ts'))
      .map((entry) => entry.name);
    expect(Object.keys(DOMAIN_ERROR_CODES).sort()).toEqual(declaring.sort());
  });

  it('makes an AppError with the declared kind and the code', () => {
    const error = domainError(ORDER_ERRORS, 'reference_taken', 'Merchant reference R1 is already used.');
    expect(error).toMatchObject({ kind: 'conflict', code: 'reference_taken', status: 409 });
    // @ts-expect-error a code the domain did not declare does not compile
    expect(() => domainError(ORDER_ERRORS, 'no_such_code', 'x')).toThrow(TypeError);
  });
});
