// Generated from the migrated schema by `pnpm --filter @ipay/db db:types`; a test fails when it is stale.
import type { ColumnType, Generated } from 'kysely';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
// timestamptz columns read as Date; jsonb columns are written as JSON text (JSON.stringify), so arrays are
// never mistaken for SQL arrays.

export interface DomainEventSequencesTable {
  resource_type: string;
  resource_id: string;
  last_sequence: number;
}

export interface DomainEventsTable {
  id: Generated<string>;
  type: string;
  resource_type: string;
  resource_id: string;
  sequence: number;
  organization_id: string | null;
  actor_user_id: string | null;
  payload: ColumnType<JsonValue, string, string>;
  occurred_at: ColumnType<Date, Date | string | undefined, Date | string>;
  dispatched_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  stream_position: Generated<number>;
}

export interface IdempotencyKeysTable {
  owner: string;
  key: string;
  request_hash: string;
  response_status: number | null;
  response_body: ColumnType<JsonValue | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  type: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RateLimitBucketsTable {
  key: string;
  window_started_at: ColumnType<Date, Date | string, Date | string>;
  hits: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface RolePermissionsTable {
  role_id: string;
  resource: string;
  action: string;
  scope: string;
}

export interface RolesTable {
  id: Generated<string>;
  system_key: string | null;
  organization_id: string | null;
  name: string;
  description: Generated<string>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface StreamTicketsTable {
  hash: string;
  user_id: string;
  organization_id: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface UserRolesTable {
  user_id: string;
  role_id: string;
  assigned_by: string | null;
  assigned_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UsersTable {
  id: Generated<string>;
  organization_id: string;
  email: string;
  name: string;
  password_hash: string;
  status: Generated<string>;
  last_login_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface Database {
  domain_event_sequences: DomainEventSequencesTable;
  domain_events: DomainEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  organizations: OrganizationsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  role_permissions: RolePermissionsTable;
  roles: RolesTable;
  stream_tickets: StreamTicketsTable;
  user_roles: UserRolesTable;
  users: UsersTable;
}
