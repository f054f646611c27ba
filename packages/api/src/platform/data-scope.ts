import { sql, type Expression, type SqlBool } from 'kysely';
import type { DataScope } from '../domains/rbac/catalogue';

export interface ScopedActor {
  userId: string;
  organizationId: string;
}

export interface ScopeColumns {
  /** Column holding the owning organization's id, e.g. `orders.merchant_id`. */
  organization: string;
  /** Column holding the owning user's id; without one, `own` falls back to nothing visible. */
  owner?: string;
}

/**
 * The row filter for a data scope: `all` sees everything, `organization` the actor's organization,
 * `own` only rows the actor owns. Every query over scoped data goes through this.
 */
export function scopeFilter(
  scope: DataScope,
  actor: ScopedActor,
  columns: ScopeColumns,
): Expression<SqlBool> {
  if (scope === 'all') return sql<SqlBool>`true`;
  if (scope === 'organization')
    return sql<SqlBool>`${sql.ref(columns.organization)} = ${actor.organizationId}`;
  if (!columns.owner) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(columns.owner)} = ${actor.userId}`;
}
