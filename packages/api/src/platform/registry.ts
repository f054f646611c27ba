import type { AnyRouter } from '@trpc/server';
import { systemRoleDefaults, type SystemRoleDefaults } from '../domains/rbac/system-roles';
import type { DomainTask } from '../jobs/task';
import type { CronEntry, DomainDescriptor, PageRoute, PlainRoute, ServerCompanion } from './domain';

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (
  value: infer I,
) => void
  ? I
  : never;
type TrpcOf<D> = D extends { trpc: infer R } ? R : Record<never, never>;

/** The routers of every domain as one record, typed key by key (the SDK infers its client from it). */
export type MergedRouters<Ds extends readonly DomainDescriptor[]> = UnionToIntersection<TrpcOf<Ds[number]>>;

/** The app router's record, in the domains' order; a key declared twice is a start-up error, not a shadow. */
export function mergeRouters<const Ds extends readonly DomainDescriptor[]>(domains: Ds): MergedRouters<Ds> {
  const merged: Record<string, AnyRouter> = {};
  for (const domain of domains) {
    for (const [key, router] of Object.entries(domain.trpc ?? {})) {
      if (Object.hasOwn(merged, key)) throw new Error(`router key ${key} is declared twice (${domain.name})`);
      merged[key] = router;
    }
  }
  return merged as MergedRouters<Ds>;
}

export function plainRoutes(domains: readonly DomainDescriptor[]): PlainRoute[] {
  return domains.flatMap((domain) => domain.routes ?? []);
}

export function pageRoutes(domains: readonly DomainDescriptor[]): PageRoute[] {
  return domains.flatMap((domain) => domain.pages ?? []);
}

export function serverCompanions(domains: readonly DomainDescriptor[]): ServerCompanion[] {
  return domains.flatMap((domain) => domain.companions ?? []);
}

/** Every declared job with its handler, by name; a name declared twice is an error. */
export function domainTasks(domains: readonly DomainDescriptor[]): Map<string, DomainTask> {
  const tasks = new Map<string, DomainTask>();
  for (const domain of domains) {
    for (const [name, task] of Object.entries(domain.jobs ?? {})) {
      if (tasks.has(name)) throw new Error(`job ${name} is declared twice (${domain.name})`);
      tasks.set(name, task);
    }
  }
  return tasks;
}

export function cronEntries(domains: readonly DomainDescriptor[]): CronEntry[] {
  return domains.flatMap((domain) => domain.cron ?? []);
}

/** The system roles' defaults: rbac's own grants plus every domain's. */
export function domainRoleDefaults(domains: readonly DomainDescriptor[]): SystemRoleDefaults {
  return systemRoleDefaults(domains.map((domain) => domain.grants ?? {}));
}
