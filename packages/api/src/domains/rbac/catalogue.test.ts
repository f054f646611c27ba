import { describe, expect, it } from 'vitest';
import { readSeedEndpoints } from '../../openapi/endpoint-coverage';
import { RESOURCES } from './catalogue';
import { SYSTEM_ROLES } from './system-roles';

describe('permission catalogue', () => {
  it('has a resource for every domain of the seed endpoints', async () => {
    const domains = new Set((await readSeedEndpoints()).map((e) => e.domain));
    const covered = new Set<string>(Object.values(RESOURCES).map((r) => r.domain));
    expect([...domains].filter((d) => !covered.has(d))).toEqual([]);
    expect(Object.keys(RESOURCES)).toHaveLength(32);
  });

  it('gives organization-bound system roles no access to other organizations, except the driver’s door checks', () => {
    for (const [key, role] of Object.entries(SYSTEM_ROLES)) {
      if (role.organizationType === 'operator') continue;
      const wide = role.permissions.filter((p) => p.scope === 'all').map((p) => p.resource);
      expect(wide, key).toEqual(key === 'driver' ? ['driver_otp', 'parcels', 'parcels', 'lockers'] : []);
    }
  });

  it('grants each system role at most one scope per resource and action', () => {
    for (const [key, role] of Object.entries(SYSTEM_ROLES)) {
      const pairs = role.permissions.map((p) => `${p.resource}:${p.action}`);
      expect(new Set(pairs).size, key).toBe(pairs.length);
    }
  });
});
