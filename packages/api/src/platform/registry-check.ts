import { parseCronItems } from 'graphile-worker';
import { ACTIONS, DATA_SCOPES, RESOURCES } from '../domains/rbac/catalogue';
import { SYSTEM_ROLE_KEYS } from '../domains/rbac/system-roles';
import type { EventDefinitions } from './event-definitions';
import type { JobDefinition } from '../jobs/define';
import type { DomainDescriptor } from './domain';

export interface RegistryCatalogues {
  /** The merged job catalogue services enqueue against (`jobs/catalogue.ts`). */
  jobs: Record<string, JobDefinition>;
  /** The merged event catalogue recording is checked against (`domains/events/catalogue.ts`). */
  events: EventDefinitions;
  /** The event types merchants may subscribe to (`WEBHOOK_EVENT_TYPES`). */
  webhookEventTypes: readonly string[];
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

/**
 * What the domains declare but nothing wires (or the reverse), in words: the catalogues that domain code reads
 * directly cannot be built from the descriptors without an import cycle, so they are compared with them here.
 */
export function registryProblems(
  domains: readonly DomainDescriptor[],
  catalogues: RegistryCatalogues,
): string[] {
  const problems: string[] = [];
  for (const name of duplicates(domains.map((d) => d.name))) problems.push(`domain ${name} is listed twice`);

  const declaredJobs = new Map<string, { domain: string; job: JobDefinition }>();
  for (const domain of domains) {
    for (const [name, job] of Object.entries(domain.jobs ?? {})) {
      if (declaredJobs.has(name)) problems.push(`job ${name} is declared twice`);
      declaredJobs.set(name, { domain: domain.name, job });
      if (!name.startsWith(`${domain.name}.`))
        problems.push(`job ${name} of ${domain.name} is not named ${domain.name}.…`);
      if (typeof job.handler !== 'function') problems.push(`job ${name} has no handler`);
      if (catalogues.jobs[name]?.payload !== job.payload)
        problems.push(`job ${name} of ${domain.name} is not in the job catalogue (jobs/catalogue.ts)`);
    }
  }
  for (const name of Object.keys(catalogues.jobs)) {
    if (!declaredJobs.has(name))
      problems.push(`job ${name} is catalogued but no domain declares it with a handler`);
  }

  const cron = domains.flatMap((d) => (d.cron ?? []).map((entry) => ({ domain: d.name, entry })));
  for (const { domain, entry } of cron) {
    if (!declaredJobs.has(entry.task))
      problems.push(`cron entry ${entry.identifier} of ${domain} names unknown task ${entry.task}`);
    try {
      parseCronItems([{ task: entry.task, match: entry.match, identifier: entry.identifier }]);
    } catch (error) {
      problems.push(`cron entry ${entry.identifier} of ${domain} does not parse: ${String(error)}`);
    }
  }
  for (const id of duplicates(cron.map((c) => c.entry.identifier)))
    problems.push(`cron identifier ${id} is used twice`);

  const declaredEvents = new Set<string>();
  for (const domain of domains) {
    for (const [type, event] of Object.entries(domain.events ?? {})) {
      if (declaredEvents.has(type)) problems.push(`event ${type} is declared twice`);
      declaredEvents.add(type);
      if (catalogues.events[type] !== event)
        problems.push(`event ${type} of ${domain.name} is not in the event catalogue (events/catalogue.ts)`);
    }
  }
  for (const type of Object.keys(catalogues.events)) {
    if (!declaredEvents.has(type)) problems.push(`event ${type} is catalogued but no domain declares it`);
  }

  const subscribable = domains.flatMap((d) =>
    Object.entries(d.events ?? {}).flatMap(([type, event]) =>
      event.subscribable ? [{ domain: d.name, type }] : [],
    ),
  );
  for (const { domain, type } of subscribable) {
    if (!catalogues.webhookEventTypes.includes(type))
      problems.push(`event ${type} of ${domain} is subscribable but missing from the webhook event types`);
  }
  for (const type of catalogues.webhookEventTypes) {
    if (!subscribable.some((s) => s.type === type))
      problems.push(`webhook event type ${type} is not declared subscribable by any domain`);
  }

  for (const domain of domains) {
    for (const [role, permissions] of Object.entries(domain.grants ?? {})) {
      if (!(SYSTEM_ROLE_KEYS as readonly string[]).includes(role))
        problems.push(`${domain.name} grants to unknown system role ${role}`);
      for (const { resource, action, scope } of permissions ?? []) {
        if (!Object.hasOwn(RESOURCES, resource))
          problems.push(`${domain.name} grants unknown resource ${resource}`);
        if (!(ACTIONS as readonly string[]).includes(action))
          problems.push(`${domain.name} grants unknown action ${action}`);
        if (!(DATA_SCOPES as readonly string[]).includes(scope))
          problems.push(`${domain.name} grants unknown scope ${scope}`);
      }
    }
  }

  const routes = domains.flatMap((d) => (d.routes ?? []).map((r) => `${r.method} ${r.path}`));
  for (const route of duplicates(routes)) problems.push(`plain route ${route} is declared twice`);
  const operationIds = domains.flatMap((d) => (d.routes ?? []).map((r) => r.operation.operationId ?? ''));
  for (const route of domains.flatMap((d) => (d.routes ?? []).filter((r) => !r.operation.operationId)))
    problems.push(`plain route ${route.method} ${route.path} has no operationId`);
  for (const id of duplicates(operationIds.filter(Boolean))) problems.push(`operationId ${id} is used twice`);
  return problems;
}
