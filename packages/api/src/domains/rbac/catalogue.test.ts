import { describe, expect, it } from 'vitest';
import { readSeedEndpoints } from '../../openapi/endpoint-coverage';
import { RESOURCES } from './catalogue';
import { DOMAINS } from '..';
import { domainRoleDefaults } from '../../platform/registry';
import { SYSTEM_ROLES, type SystemRoleKey } from './system-roles';

// What each system role is given on start: rbac's grants plus every domain descriptor's.
const DEFAULTS = domainRoleDefaults(DOMAINS);
const defaultsOf = (key: string) => DEFAULTS[key as SystemRoleKey];

describe('permission catalogue', () => {
  it('has a resource for every domain of the seed endpoints', async () => {
    const domains = new Set((await readSeedEndpoints()).map((e) => e.domain));
    const covered = new Set<string>(Object.values(RESOURCES).map((r) => r.domain));
    expect([...domains].filter((d) => !covered.has(d))).toEqual([]);
    expect(Object.keys(RESOURCES)).toHaveLength(37);
  });

  it('gives organization-bound system roles no access to other organizations, except partners’ parcels by carrier', () => {
    const byCarrier: Record<string, string[]> = {
      partner_admin: ['parcels:read', 'parcels:update', 'driver_otp:create', 'lockers:create'],
      dispatcher: ['parcels:read'],
      driver: ['driver_otp:create', 'parcels:read', 'parcels:update', 'lockers:create'],
    };
    for (const [key, role] of Object.entries(SYSTEM_ROLES)) {
      if (role.organizationType === 'operator') continue;
      const wide = defaultsOf(key)
        .filter((p) => p.scope === 'all')
        .map((p) => p.resource);
      expect(wide, key).toEqual([]);
      const carrier = defaultsOf(key)
        .filter((p) => p.scope === 'carrier')
        .map((p) => `${p.resource}:${p.action}`);
      expect(carrier, key).toEqual(byCarrier[key] ?? []);
    }
  });

  it('grants each system role at most one scope per resource and action', () => {
    for (const key of Object.keys(SYSTEM_ROLES)) {
      const pairs = defaultsOf(key).map((p) => `${p.resource}:${p.action}`);
      expect(new Set(pairs).size, key).toBe(pairs.length);
    }
  });
});
