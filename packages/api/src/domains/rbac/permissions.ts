import { AppError } from '../../errors/app-error';
import {
  DATA_SCOPES,
  scopeCovers,
  type Action,
  type DataScope,
  type Permission,
  type Resource,
} from './catalogue';

/** The union of several roles' permissions: per resource and action, the widest scope wins. */
export function mergePermissions(permissions: Permission[]): Permission[] {
  const widest = new Map<string, Permission>();
  for (const permission of permissions) {
    const key = `${permission.resource}:${permission.action}`;
    const held = widest.get(key);
    if (!held || DATA_SCOPES.indexOf(permission.scope) > DATA_SCOPES.indexOf(held.scope))
      widest.set(key, permission);
  }
  return [...widest.values()].sort((a, b) =>
    a.resource === b.resource ? a.action.localeCompare(b.action) : a.resource.localeCompare(b.resource),
  );
}

export function findScope(
  permissions: Permission[],
  resource: Resource,
  action: Action,
): DataScope | undefined {
  let found: DataScope | undefined;
  for (const p of permissions) {
    if (p.resource === resource && p.action === action && (!found || scopeCovers(p.scope, found)))
      found = p.scope;
  }
  return found;
}

export function requireScope(permissions: Permission[], resource: Resource, action: Action): DataScope {
  const scope = findScope(permissions, resource, action);
  if (!scope) throw new AppError('forbidden', `This requires the permission ${resource}:${action}.`);
  return scope;
}

/** Nobody hands out more than they hold: each permission must be covered by the granter's own. */
export function assertCanGrant(granter: Permission[], granted: Permission[]): void {
  const beyond = granted.filter((p) => {
    const held = findScope(granter, p.resource, p.action);
    return !held || !scopeCovers(held, p.scope);
  });
  if (beyond.length) {
    const list = beyond.map((p) => `${p.resource}:${p.action}:${p.scope}`).join(', ');
    throw new AppError('forbidden', `You cannot grant permissions you do not hold: ${list}.`);
  }
}
