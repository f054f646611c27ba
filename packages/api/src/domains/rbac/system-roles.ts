import type { OrganizationType } from '../auth/schemas';
import {
  ACTIONS,
  RESOURCE_NAMES,
  type Action,
  type DataScope,
  type Permission,
  type Resource,
} from './catalogue';

export const SYSTEM_ROLE_KEYS = [
  'platform_admin',
  'operator',
  'finance',
  'cfo',
  'sales',
  'merchant_admin',
  'merchant_user',
  'partner_admin',
  'dispatcher',
  'driver',
  'sponsor_admin',
  'sponsor_user',
] as const;
export type SystemRoleKey = (typeof SYSTEM_ROLE_KEYS)[number];

interface SystemRoleDefinition {
  /** Only users of this kind of organization may hold the role. */
  organizationType: OrganizationType;
  name: string;
  description: string;
  permissions: Permission[];
}

export function grant(
  resources: readonly Resource[],
  actions: readonly Action[],
  scope: DataScope,
): Permission[] {
  return resources.flatMap((resource) => actions.map((action) => ({ resource, action, scope })));
}

const ALL_ACTIONS = ACTIONS;
// Descriptors use `grant` with these when they declare their grants.
export { ALL_ACTIONS, READ };
const READ = ['read'] as const;
const READ_EXPORT = ['read', 'export'] as const;
const MANAGE = ['read', 'create', 'update', 'delete'] as const;

const OPERATIONS_RESOURCES = RESOURCE_NAMES.filter(
  // internal_controls: operators run them but never approve them (the internal-controls descriptor's grants).
  (r) =>
    !['roles', 'finance_batches', 'finance_reconciliation', 'consumer_wallet', 'internal_controls'].includes(
      r,
    ),
);
const MERCHANT_RESOURCES = [
  'orders',
  'order_uploads',
  'payment_sessions',
  'returns',
  'integrations',
  'events',
  'lockers',
] as const satisfies readonly Resource[];

/**
 * The roles every installation has, with the grants of resources that no domain descriptor declares yet (a
 * domain adds its own with `grants` in its descriptor; see `systemRoleDefaults`). Every start makes each
 * system role's permissions equal to its defaults (`ensureSystemRoles`); `platform_admin` has everything and
 * cannot be edited, so the platform can never lock itself out.
 */
export const SYSTEM_ROLES: Record<SystemRoleKey, SystemRoleDefinition> = {
  platform_admin: {
    organizationType: 'operator',
    name: 'Platform admin',
    description: 'IPAY staff with every permission on every organization',
    permissions: grant(RESOURCE_NAMES, ALL_ACTIONS, 'all'),
  },
  operator: {
    organizationType: 'operator',
    name: 'Operator',
    description: 'IPAY operations staff: runs orders, carriers, integrations and controls across merchants',
    permissions: [
      ...grant(OPERATIONS_RESOURCES, ['read', 'create', 'update', 'approve', 'export'], 'all'),
      ...grant(['roles', 'finance_batches', 'finance_reconciliation'], READ, 'all'),
    ],
  },
  finance: {
    organizationType: 'operator',
    name: 'Finance',
    description: 'IPAY finance staff: settlements, carrier invoices, finance batches and reconciliation',
    permissions: [
      ...grant(
        [
          'finance_batches',
          'finance_reconciliation',
          'settlements',
          'carrier_invoices',
          'carrier_statements',
          'payments',
        ],
        ALL_ACTIONS,
        'all',
      ),
      ...grant(['orders', 'payment_sessions', 'merchants', 'organizations', 'audit'], READ_EXPORT, 'all'),
    ],
  },
  cfo: {
    organizationType: 'operator',
    name: 'CFO',
    description:
      'IPAY’s chief financial officer: approves RED internal controls (internal-controls descriptor) and reads the money',
    permissions: grant(
      ['finance_batches', 'finance_reconciliation', 'settlements', 'payments', 'merchants', 'audit'],
      READ_EXPORT,
      'all',
    ),
  },
  sales: {
    organizationType: 'operator',
    name: 'Sales',
    description: 'IPAY sales staff: CRM companies, HubSpot and quotes',
    permissions: [
      ...grant(['sales_companies', 'hubspot', 'quotes'], [...MANAGE, 'export'], 'all'),
      ...grant(['merchants', 'organizations', 'carrier_tariffs'], READ, 'all'),
    ],
  },
  merchant_admin: {
    organizationType: 'merchant',
    name: 'Merchant admin',
    description: 'Administers one merchant: its orders, integrations, webhooks, users and roles',
    permissions: [
      ...grant(MERCHANT_RESOURCES, [...MANAGE, 'export'], 'organization'),
      ...grant(['users', 'roles'], MANAGE, 'organization'),
      ...grant(['organizations'], ['read', 'update'], 'organization'),
      ...grant(['parcels'], ['read', 'update'], 'organization'),
      ...grant(['payments', 'settlements', 'notifications', 'quotes'], READ_EXPORT, 'organization'),
    ],
  },
  merchant_user: {
    organizationType: 'merchant',
    name: 'Merchant user',
    description: "Works a merchant's orders day to day",
    permissions: [
      ...grant(
        ['orders', 'order_uploads', 'payment_sessions', 'returns'],
        ['read', 'create', 'update'],
        'organization',
      ),
      ...grant(['parcels', 'payments', 'integrations', 'organizations', 'events'], READ, 'organization'),
      ...grant(['users'], READ, 'own'),
    ],
  },
  // Partner roles reach parcels by the `carrier` scope: those of orders whose carrier code is one of their
  // partner's, never another carrier's.
  partner_admin: {
    organizationType: 'partner',
    name: 'Partner admin',
    description:
      "Administers one carrier partner: its users, members and roles; can do its drivers' work on its carriers' parcels",
    // A role is granted only by someone holding all of it, so the partner's admin holds what its drivers do.
    permissions: [
      ...grant(['users', 'roles'], MANAGE, 'organization'),
      ...grant(['organizations'], READ, 'organization'),
      ...grant(['parcels'], ['read', 'update'], 'carrier'),
      ...grant(['driver_otp'], ['create'], 'carrier'),
      ...grant(['lockers'], ['create'], 'carrier'),
    ],
  },
  dispatcher: {
    organizationType: 'partner',
    name: 'Dispatcher',
    description: "Plans a carrier partner's deliveries: sees its parcels and which driver handled each",
    permissions: [
      ...grant(['parcels'], READ, 'carrier'),
      ...grant(['users', 'organizations'], READ, 'organization'),
    ],
  },
  driver: {
    organizationType: 'partner',
    name: 'Driver',
    description:
      "Carrier driver: verifies the consumer OTP at the door and moves parcel status, for its partner's carriers",
    permissions: [
      ...grant(['driver_otp'], ['create'], 'carrier'),
      ...grant(['parcels'], ['read', 'update'], 'carrier'),
      ...grant(['lockers'], ['create'], 'carrier'),
      ...grant(['users'], READ, 'own'),
    ],
  },
  sponsor_admin: {
    organizationType: 'sponsor',
    name: 'Sponsor admin',
    description: "Administers one sponsor's benefit-card programs, orders and users",
    // benefit_cards: in the benefit-cards descriptor.
    permissions: [
      ...grant(['users'], MANAGE, 'organization'),
      ...grant(['roles', 'organizations'], READ, 'organization'),
    ],
  },
  sponsor_user: {
    organizationType: 'sponsor',
    name: 'Sponsor user',
    description: "Reads one sponsor's benefit-card orders and cards",
    // benefit_cards: in the benefit-cards descriptor.
    permissions: grant(['users'], READ, 'own'),
  },
};

export function systemRoleKeysFor(organizationType: OrganizationType): SystemRoleKey[] {
  return SYSTEM_ROLE_KEYS.filter((key) => SYSTEM_ROLES[key].organizationType === organizationType);
}

/** Default grants for the system roles, as a domain descriptor declares them. */
export type RoleGrants = Partial<Record<SystemRoleKey, readonly Permission[]>>;
export type SystemRoleDefaults = Record<SystemRoleKey, Permission[]>;

function permissionKey(permission: Permission): string {
  return `${permission.resource}:${permission.action}:${permission.scope}`;
}

/** Each system role's default permissions: its own above plus every domain's grants, without duplicates. */
export function systemRoleDefaults(domainGrants: readonly RoleGrants[]): SystemRoleDefaults {
  const defaults = {} as SystemRoleDefaults;
  for (const key of SYSTEM_ROLE_KEYS) {
    const byKey = new Map<string, Permission>();
    for (const permission of [
      ...SYSTEM_ROLES[key].permissions,
      ...domainGrants.flatMap((grants) => grants[key] ?? []),
    ]) {
      byKey.set(permissionKey(permission), permission);
    }
    defaults[key] = [...byKey.values()];
  }
  return defaults;
}

/** Whether two permission lists grant the same, whatever their order. */
export function samePermissions(a: readonly Permission[], b: readonly Permission[]): boolean {
  const left = new Set(a.map(permissionKey));
  const right = new Set(b.map(permissionKey));
  return left.size === right.size && [...left].every((key) => right.has(key));
}
