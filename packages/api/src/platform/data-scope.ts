import { sql, type Expression, type SqlBool } from 'kysely';
import type { DataScope } from '../domains/rbac/catalogue';
import { carrierCodesOfPartner } from '../domains/partners/repository';

export interface ScopedActor {
  userId: string;
  organizationId: string;
}

export interface ScopeColumns {
  /** Column holding the owning organization's id, e.g. `orders.merchant_id`. */
  organization: string;
  /** Column holding the owning user's id; without one, `own` falls back to nothing visible. */
  owner?: string;
  /**
   * Column holding a parcel's carrier code, e.g. `payment_sessions.carrier_code`; without one, `carrier` sees
   * what `organization` sees.
   */
  carrier?: string;
}

/**
 * The row filter for a data scope: `all` sees everything, `carrier` the actor's organization plus the rows
 * whose carrier code is one of the actor's partner's (so a driver of one carrier never reaches another
 * carrier's parcels), `organization` the actor's organization, `own` only rows the actor owns. Every query
 * over scoped data goes through this.
 */
export function scopeFilter(
  scope: DataScope,
  actor: ScopedActor,
  columns: ScopeColumns,
): Expression<SqlBool> {
  if (scope === 'all') return sql<SqlBool>`true`;
  const organization = sql<SqlBool>`${sql.ref(columns.organization)} = ${actor.organizationId}`;
  if (scope === 'carrier') {
    if (!columns.carrier) return organization;
    return sql<SqlBool>`(${organization} or ${sql.ref(columns.carrier)} in (${carrierCodesOfPartner(actor.organizationId)}))`;
  }
  if (scope === 'organization') return organization;
  if (!columns.owner) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(columns.owner)} = ${actor.userId}`;
}
