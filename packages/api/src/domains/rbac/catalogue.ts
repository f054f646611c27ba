/**
 * The permission vocabulary, declared once: resources × actions × data scopes. Every seed domain owns at
 * least one resource (a test checks this against spec/seed-endpoints.tsv), so later domains only use it.
 */
export const ACTIONS = ['read', 'create', 'update', 'delete', 'approve', 'export'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Ordered from narrowest to widest. `carrier` is a partner's (a carrier's or delivery company's) reach: its own
 * organization's rows plus the parcels whose carrier code is one of the partner's (`platform/data-scope.ts`).
 */
export const DATA_SCOPES = ['own', 'organization', 'carrier', 'all'] as const;
export type DataScope = (typeof DATA_SCOPES)[number];

export function scopeCovers(held: DataScope, wanted: DataScope): boolean {
  return DATA_SCOPES.indexOf(held) >= DATA_SCOPES.indexOf(wanted);
}

interface ResourceDefinition {
  /** The seed domain (spec/seed-endpoints.tsv) whose endpoints this resource guards. */
  domain: string;
  description: string;
}

export const RESOURCES = {
  organizations: {
    domain: 'auth',
    description: 'Organizations: merchants, partners, sponsors, the operator',
  },
  users: { domain: 'auth', description: 'User accounts of an organization' },
  roles: { domain: 'rbac', description: 'Roles, their permission matrices and assignments' },
  orders: { domain: 'orders', description: 'Merchant orders' },
  order_uploads: { domain: 'orders', description: 'CSV/XLSX bulk order uploads' },
  payment_sessions: {
    domain: 'payment-sessions',
    description: 'Payment sessions and 18-digit payment references',
  },
  parcels: { domain: 'payment-sessions', description: 'Parcel status of a payment session' },
  payments: { domain: 'payments', description: 'PSP payments and their webhooks' },
  driver_otp: { domain: 'driver', description: 'Driver OTP verification at the door' },
  events: { domain: 'events', description: 'Domain events, the live event stream and webhook endpoints' },
  notifications: {
    domain: 'notifications',
    description: 'Outbound e-mail and SMS and their delivery status',
  },
  integrations: { domain: 'integrations', description: 'Shop-platform connections and syncs' },
  scheduler: { domain: 'scheduler', description: 'The integration sync scheduler and its log' },
  carrier_tariffs: {
    domain: 'carrier-tariffs',
    description: 'Carrier tariff tables, zones and fuel surcharges',
  },
  cost_previews: {
    domain: 'carrier-tariffs',
    description: "What a shipment would cost with each carrier and service (the engine's breakdowns)",
  },
  carrier_invoices: {
    domain: 'carrier-reconciliation',
    description: 'Carrier invoices and their reconciliation',
  },
  carrier_statements: { domain: 'carrier-statements', description: 'Carrier statements, credits and aging' },
  returns: { domain: 'returns', description: 'Returns and carrier labels' },
  lockers: { domain: 'lockers', description: 'Parcel-locker codes' },
  settlements: { domain: 'settlement', description: 'Merchant settlement statements and payouts' },
  merchants: { domain: 'settlement', description: 'Merchant commercial settings' },
  sales_companies: { domain: 'sales-crm', description: 'CRM companies and target segments' },
  hubspot: { domain: 'hubspot', description: 'HubSpot connection, pushes and webhook events' },
  quotes: { domain: 'quotes', description: 'Commercial quotes and their documents' },
  finance_batches: { domain: 'finance', description: 'Finance batches and their posting to Exact Online' },
  finance_reconciliation: { domain: 'finance', description: 'Finance reconciliation reports' },
  internal_controls: { domain: 'internal-controls', description: 'Internal controls and their approvals' },
  compliance: {
    domain: 'internal-controls',
    description: 'Compliance register and data-integrity snapshots',
  },
  translations: { domain: 'i18n', description: 'Translations and their health' },
  consumer_wallet: { domain: 'consumer', description: 'Consumer wallet, points, deals and shared payments' },
  wallet_ledger: {
    domain: 'consumer',
    description:
      'The wallet ledger as operators see it: credits to wallets, any wallet’s balance, the ledger check',
  },
  points_rules: {
    domain: 'consumer',
    description: 'Points earning rules: the platform’s (with the redemption rate) and each merchant’s',
  },
  deals: {
    domain: 'consumer',
    description: 'Deals for consumers: merchants publish their own, operators platform deals',
  },
  loyalty_cards: {
    domain: 'consumer',
    description: 'IPAY loyalty cards a merchant issues to its customers: issue, list, revoke',
  },
  benefit_cards: { domain: 'benefit-cards', description: 'Sponsors, programs, members and benefit cards' },
  jobs: { domain: 'operations', description: 'Background jobs: list, add, retry' },
  audit: { domain: 'operations', description: 'Domain-event and audit history' },
} as const satisfies Record<string, ResourceDefinition>;

export type Resource = keyof typeof RESOURCES;
export const RESOURCE_NAMES = Object.keys(RESOURCES) as Resource[];

export interface Permission {
  resource: Resource;
  action: Action;
  scope: DataScope;
}
