// Generated from the migrated schema by `pnpm --filter @ipay/db db:types`; a test fails when it is stale.
import type { ColumnType, Generated } from 'kysely';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
// timestamptz columns read as Date; jsonb columns are written as JSON text (JSON.stringify), so arrays are
// never mistaken for SQL arrays.

export interface BenefitBudgetTransactionsTable {
  id: Generated<string>;
  program_id: string;
  kind: 'top_up' | 'card_issued' | 'refund';
  amount_minor: number;
  balance_after_minor: number;
  order_id: number | null;
  card_id: string | null;
  note: string | null;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BenefitCardDeliveriesTable {
  id: Generated<string>;
  card_id: string;
  channel: 'sms' | 'email' | 'webhook';
  status: Generated<'pending' | 'succeeded' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BenefitCardDeliveryAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt_number: number;
  started_at: ColumnType<Date, Date | string, Date | string>;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body_excerpt: string | null;
}

export interface BenefitCardEventsTable {
  id: Generated<string>;
  card_id: string;
  type: 'issued' | 'delivered' | 'delivery_failed' | 'activated' | 'resent' | 'deactivated' | 'cancelled' | 'replaced';
  detail: string | null;
  actor_user_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BenefitCardsTable {
  id: Generated<string>;
  order_id: number;
  organization_id: string;
  member_id: string;
  product_id: string;
  activation_code: string;
  status: 'pending_activation' | 'active' | 'deactivated' | 'replaced';
  delivery_status: Generated<'not_sent' | 'pending' | 'delivered' | 'failed'>;
  face_value_minor: number;
  currency: string;
  activated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  replaces_card_id: string | null;
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface BenefitMembersTable {
  id: Generated<string>;
  organization_id: string;
  external_id: string | null;
  email: string;
  first_name: string;
  last_name: string;
  phone_country_code: string;
  phone: string;
  opt_in_notification: boolean;
  opt_in_sms_or_email: boolean;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BenefitOrdersTable {
  id: Generated<number>;
  organization_id: string;
  program_id: string;
  member_id: string;
  product_codes: string[];
  external_transaction_id: string | null;
  status: 'scheduled' | 'processed' | 'cancelled';
  processing_date: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  total_minor: number;
  currency: string;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  processed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  create_fingerprint: string | null;
}

export interface BenefitProductsTable {
  id: Generated<string>;
  code: string;
  name: string;
  category: string;
  card_provider: string;
  face_value_minor: number;
  currency: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  card_validity_days: number | null;
}

export interface BenefitProgramProductsTable {
  program_id: string;
  product_id: string;
}

export interface BenefitProgramsTable {
  id: Generated<string>;
  organization_id: string;
  code: string;
  name: string;
  delivery_channel: 'sms' | 'email' | 'webhook';
  webhook_url: string | null;
  webhook_secret_encrypted: string | null;
  external_id_required: Generated<boolean>;
  currency: string;
  budget_balance_minor: Generated<number>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  previous_webhook_secret_encrypted: string | null;
  previous_webhook_secret_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  active: Generated<boolean>;
}

export interface CarrierInvoiceImportsTable {
  id: Generated<string>;
  carrier_code: string;
  format: 'ups-billing-data' | 'dhl-express-csv' | 'generic-csv';
  file_name: string;
  status: 'receiving' | 'imported';
  content_hash: string | null;
  size_bytes: number | null;
  rows: number | null;
  lines: number | null;
  invoices: ColumnType<JsonValue, string | undefined, string>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  imported_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  matched_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface CarrierInvoiceLinesTable {
  import_id: string;
  line_number: number;
  source_row: number;
  invoice_number: string;
  invoice_date: string;
  tracking_number: string | null;
  shipment_number: string | null;
  ship_date: string | null;
  billed_weight_grams: number | null;
  zone: string | null;
  charge_kind: 'base' | 'fuel' | 'surcharge' | 'tax' | 'other';
  charge_code: string;
  charge_description: string;
  amount_minor: number;
  currency: string;
}

export interface CarrierReconciliationDecisionsTable {
  id: Generated<string>;
  reconciliation_id: string;
  action: 'request_credit' | 'exclude' | 'withdraw';
  reason: string;
  decided_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CarrierReconciliationsTable {
  id: Generated<string>;
  import_id: string;
  carrier_code: string;
  tracking_number: string | null;
  parcel_id: string | null;
  order_id: string | null;
  status: 'MATCHED' | 'MISMATCH' | 'UNMATCHED_IN_DB' | 'ACCOUNT_CHARGE' | 'DUPLICATE_ON_INVOICE';
  mismatch_causes: Generated<string[]>;
  detail: string | null;
  line_numbers: number[];
  invoice_number: string;
  ship_date: string | null;
  currency: string;
  billed_minor: number;
  expected_minor: number | null;
  delta_minor: number | null;
  billed: ColumnType<JsonValue, string, string>;
  expected: ColumnType<JsonValue | null, string | null | undefined, string | null>;
  decision: 'credit_requested' | 'excluded' | null;
  decision_reason: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CarrierStatementLogTable {
  id: Generated<string>;
  statement_id: string;
  action: 'revised' | 'sent' | 'credited' | 'resolved';
  revision: number;
  email_id: string | null;
  amount_minor: number | null;
  credit_note_reference: string | null;
  actor_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CarrierStatementRevisionsTable {
  statement_id: string;
  revision: number;
  lines: ColumnType<JsonValue, string, string>;
  line_count: number;
  claimed_minor: number;
  pdf: Buffer | null;
  pdf_sha256: string | null;
  rendered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CarrierStatementsTable {
  id: Generated<string>;
  import_id: string;
  carrier_code: string;
  number: string;
  currency: string;
  status: 'draft' | 'open' | 'resolved';
  current_revision: number;
  claimed_minor: number;
  sent_revision: number | null;
  sent_claimed_minor: number | null;
  first_sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  credited_minor: Generated<number>;
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ComplianceRequirementsTable {
  id: Generated<string>;
  code: string;
  area: string;
  title: string;
  owner: string;
  evidence: string;
  control_ids: Generated<string[]>;
  next_review_on: string;
  retired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  retired_reason: string | null;
  updated_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ConsumerMagicLinksTable {
  id: Generated<string>;
  email: string;
  token_hash: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ConsumerSessionsTable {
  id: Generated<string>;
  consumer_id: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ConsumersTable {
  id: Generated<string>;
  email: string;
  language: 'en' | 'nl' | null;
  phone: string | null;
  phone_verified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  verified_at: ColumnType<Date, Date | string, Date | string>;
}

export interface DataIntegritySnapshotsTable {
  snapshot_date: string;
  table_name: string;
  row_count: number;
  amount_sum: number | null;
  content_hash: string;
  taken_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DealsTable {
  id: Generated<string>;
  merchant_id: string | null;
  title: string;
  description: string;
  image_url: string | null;
  link_url: string | null;
  code: string | null;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date, Date | string, Date | string>;
  target_countries: Generated<string[]>;
  target_merchant_ids: Generated<string[]>;
  retired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

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
  stream_position: Generated<number | null>;
}

export interface EmailAttachmentsTable {
  id: Generated<string>;
  email_id: string;
  position: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  content: Buffer;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface EmailDeliveryEventsTable {
  svix_id: string;
  event_type: string;
  provider_message_id: string;
  email_id: string | null;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  detail: string | null;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  to: string;
  subject: string;
  text: string;
  status: Generated<'queued' | 'sent' | 'failed'>;
  provider_message_id: string | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  html: string | null;
  idempotency_key: string | null;
  delivery_status: 'sent' | 'delivered' | 'delivery_delayed' | 'bounced' | 'complained' | null;
  delivery_status_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  delivery_detail: string | null;
  regarding_kind: string | null;
  regarding_id: string | null;
}

export interface EventRelayCursorsTable {
  name: string;
  position: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExactApiErrorsTable {
  id: Generated<number>;
  division: number;
  endpoint: string;
  status: number;
  occurred_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExactRateLimitsTable {
  division: number;
  daily_remaining: number | null;
  daily_reset_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  minutely_remaining: number | null;
  minutely_reset_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExactTokensTable {
  division: number;
  access_token_sealed: string | null;
  access_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  refresh_token_sealed: string;
  rotated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface FinanceAccountMappingsTable {
  account_key: string;
  gl_account: string;
  description: string;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface FinanceBatchDecisionsTable {
  id: Generated<string>;
  batch_id: string;
  decision: 'approve' | 'reject';
  content_hash: string;
  decided_by: string;
  reason: string | null;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface FinanceBatchEntriesTable {
  id: Generated<string>;
  batch_id: string;
  position: number;
  entry_key: string;
  description: string;
  currency: string;
  lines: ColumnType<JsonValue, string, string>;
  post_attempted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  exact_entry_id: string | null;
  posted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface FinanceBatchesTable {
  id: Generated<string>;
  day: string;
  revision: number;
  status: Generated<'pending' | 'approved' | 'rejected' | 'posted' | 'failed' | 'superseded'>;
  content_hash: string;
  built_by: string | null;
  totals: ColumnType<JsonValue, string, string>;
  failure: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  posted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
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

export interface IntegrationWebhookDeliveriesTable {
  provider: string;
  delivery_id: string;
  integration_id: string;
  topic: string;
  payload: ColumnType<JsonValue, string, string>;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  processed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  outcome: string | null;
}

export interface IntegrationsTable {
  id: Generated<string>;
  merchant_id: string;
  provider: string;
  status: Generated<'not_connected' | 'connected' | 'error'>;
  credentials_sealed: string | null;
  connected_by: string | null;
  connected_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: string | null;
  last_sync_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  failure_count: Generated<number>;
  next_sync_after: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface InternalControlApprovalsTable {
  position: Generated<number>;
  control_id: string;
  run_date: string;
  status: string;
  metric: string;
  initials: string;
  note: string;
  approved_by: string;
  approved_at: ColumnType<Date, Date | string, Date | string>;
  previous_hash: string;
  hash: string;
}

export interface InternalControlResultsTable {
  control_id: string;
  run_date: string;
  status: 'GREEN' | 'AMBER' | 'RED';
  metric: string;
  evidence: ColumnType<JsonValue, string | undefined, string>;
  evidence_count: number;
  ran_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LedgerAccountsTable {
  id: Generated<string>;
  kind: 'consumer_wallet' | 'platform';
  owner_email: string | null;
  platform_code: string | null;
  currency: string;
  debits_pending: Generated<number>;
  debits_posted: Generated<number>;
  credits_pending: Generated<number>;
  credits_posted: Generated<number>;
  version: Generated<number>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LedgerTransfersTable {
  id: Generated<string>;
  external_id: string;
  request_hash: string;
  kind: 'credit' | 'transfer' | 'payment' | 'refund';
  debit_account_id: string;
  credit_account_id: string;
  currency: string;
  amount_minor: number;
  state: 'pending' | 'posted' | 'voided';
  note: string | null;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface LockerCarrierSecretsTable {
  id: Generated<string>;
  carrier_code: string;
  secret_sealed: string;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  retires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  retired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface LockerCodesTable {
  id: Generated<string>;
  carrier_code: string;
  order_id: string;
  merchant_id: string;
  tracking_number: string | null;
  ipay_reference: string | null;
  locker_id: string;
  locker_name: string;
  compartment: string;
  code_sealed: string;
  status: Generated<'ISSUED' | 'COLLECTED' | 'EXPIRED'>;
  issued_at: ColumnType<Date, Date | string, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  collected_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  expired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reminder_queued_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LockerEventsTable {
  carrier_code: string;
  event_id: string;
  event_type: string;
  locker_code_id: string | null;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LockerSeenSignaturesTable {
  signature: string;
  seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LoyaltyCardsTable {
  id: Generated<string>;
  holder_email: string;
  source: 'saved' | 'issued';
  merchant_id: string | null;
  store_name: string | null;
  card_number: string;
  barcode_format: 'code128' | 'ean13' | 'qr' | 'pdf417' | 'aztec' | 'code39';
  label: string | null;
  state: Generated<'active' | 'revoked'>;
  issued_by: string | null;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  revoke_reason: string | null;
  removed_by_holder_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MerchantFeeChangesTable {
  id: Generated<number>;
  organization_id: string;
  fee_per_order_minor: number | null;
  fee_currency: Generated<string>;
  contract_signed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  previous_fee_per_order_minor: number | null;
  previous_contract_signed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  effective_from: ColumnType<Date, Date | string, Date | string>;
  reason: string;
  changed_by: string | null;
  changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface OrderItemsTable {
  order_id: string;
  position: number;
  sku: string;
  name: string;
  quantity: number;
  unit_price_minor: number;
  line_total_minor: number;
}

export interface OrderParcelsTable {
  id: Generated<string>;
  order_id: string;
  position: number;
  carrier_code: string;
  tracking_number: string;
  ship_date: string | null;
  weight_grams: number | null;
  length_cm: number | null;
  width_cm: number | null;
  height_cm: number | null;
  source: 'merchant' | 'operator' | 'carrier' | 'shop';
  set_by_user_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  origin_country: string | null;
  service_code: string | null;
}

export interface OrderUploadRejectionsTable {
  upload_id: string;
  row_number: number;
  column: string | null;
  reason: string;
  cells: ColumnType<JsonValue, string, string>;
}

export interface OrderUploadRowsTable {
  upload_id: string;
  row_number: number;
  cells: ColumnType<JsonValue, string, string>;
  merchant_reference: string | null;
}

export interface OrderUploadsTable {
  id: Generated<string>;
  merchant_id: string;
  created_by: string;
  file_name: string;
  format: 'csv' | 'xlsx';
  size_bytes: number;
  strict: Generated<boolean>;
  status: Generated<'receiving' | 'queued' | 'processing' | 'completed' | 'failed'>;
  headers: ColumnType<JsonValue, string, string>;
  mapping: ColumnType<JsonValue, string, string>;
  rows_total: number;
  rows_processed: Generated<number>;
  created_count: Generated<number>;
  existing_count: Generated<number>;
  rejected_count: Generated<number>;
  error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface OrdersTable {
  id: Generated<string>;
  merchant_id: string;
  merchant_reference: string;
  status: Generated<'OPEN' | 'PAYMENT_PENDING' | 'PAID' | 'RELEASED' | 'DELIVERED' | 'CANCELLED' | 'RETURNED'>;
  customer_name: string;
  customer_email: string;
  customer_phone: string | null;
  address_line1: string;
  address_line2: string | null;
  postal_code: string;
  city: string;
  country: string;
  currency: string;
  items_total_minor: number;
  shipping_minor: Generated<number>;
  total_minor: number;
  carrier_code: string;
  ipay_flag: boolean;
  weight_grams: number | null;
  length_mm: number | null;
  width_mm: number | null;
  height_mm: number | null;
  create_fingerprint: string;
  created_by: string | null;
  cancel_reason: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  discount_minor: Generated<number>;
}

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  type: 'operator' | 'merchant' | 'partner' | 'sponsor';
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PartnerCarrierCodesTable {
  organization_id: string;
  carrier_code: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PartnersTable {
  organization_id: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PasswordResetTokensTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PaymentRefundsTable {
  id: Generated<string>;
  payment_id: string;
  idempotency_key: string;
  amount_minor: number;
  currency: string;
  psp_refund_id: string | null;
  given_back_as: Generated<'psp' | 'wallet_credit'>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface PaymentSessionsTable {
  id: Generated<string>;
  order_id: string;
  merchant_id: string;
  reference: string;
  pay_token: string;
  status: Generated<'PENDING_PAYMENT' | 'PAID' | 'RELEASED' | 'DELIVERED' | 'EXPIRED' | 'CANCELLED' | 'REFUNDED'>;
  parcel_status: 'PICKED_UP' | 'IN_DELIVERY' | 'DELIVERED' | 'DELIVERY_FAILED' | 'RETURNED_TO_SENDER' | null;
  parcel_status_reason: string | null;
  amount_minor: number;
  currency: string;
  country: string;
  carrier_code: string;
  psp: 'stripe' | 'multisafepay' | 'simulate' | 'wallet' | null;
  payment_method: string | null;
  psp_checkout_id: string | null;
  otp_failed_attempts: Generated<number>;
  otp_locked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  paid_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  released_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  handled_by_user_id: string | null;
  handled_by_partner_id: string | null;
  handled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  payer_attempt_hash: string | null;
  wallet_held_minor: Generated<number>;
  wallet_transfer_id: string | null;
}

export interface PaymentShareAttemptsTable {
  id: Generated<string>;
  share_id: string;
  attempt_hash: string;
  payer_name: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PaymentSharesTable {
  id: Generated<string>;
  session_id: string;
  consumer_id: string;
  code_hash: string;
  code_sealed: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PaymentsTable {
  id: Generated<string>;
  session_id: string;
  psp: string;
  psp_payment_id: string;
  status: 'succeeded' | 'failed';
  amount_minor: number;
  currency: string;
  payment_method: string | null;
  failure_reason: string | null;
  needs_refund: Generated<boolean>;
  refund_reason: string | null;
  refunded_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  psp_refund_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  refunded_minor: number | null;
}

export interface PlatformOrdersTable {
  merchant_id: string;
  provider: string;
  platform_order_id: string;
  order_id: string;
  platform_status: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PointsEntriesTable {
  id: Generated<string>;
  owner_email: string;
  kind: 'earned' | 'spent' | 'expired' | 'reversed';
  points: number;
  shortfall: Generated<number>;
  lot_id: string | null;
  redemption_id: string | null;
  note: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PointsLotsTable {
  id: Generated<string>;
  owner_email: string;
  session_id: string;
  order_id: string;
  merchant_id: string;
  points: number;
  remaining: number;
  spent: Generated<number>;
  state: Generated<'active' | 'expired' | 'reversed'>;
  earned_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface PointsRedemptionsTable {
  id: Generated<string>;
  owner_email: string;
  idempotency_key: string;
  request_hash: string;
  points: number;
  currency: string;
  amount_minor: number;
  wallet_transfer_id: string | null;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PointsRulesTable {
  id: Generated<string>;
  merchant_id: string | null;
  points_per_unit: number;
  bonus_per_order: number;
  validity_days: number;
  redeem_currency: string | null;
  redeem_minor_per_point: number | null;
  reason: string;
  changed_by: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PspPayoutsTable {
  id: Generated<string>;
  psp: string;
  payout_id: string;
  settles_day: string;
  arrival_day: string;
  currency: string;
  gross_minor: number;
  fee_minor: number;
  net_minor: number;
  recorded_by: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PspWebhookEventsTable {
  psp: string;
  event_id: string;
  event_type: string;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RateLimitBucketsTable {
  key: string;
  window_started_at: ColumnType<Date, Date | string, Date | string>;
  hits: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface ReturnCarrierScansTable {
  id: Generated<number>;
  return_id: string;
  sendcloud_parcel_id: number;
  status_id: number;
  status_message: string;
  carrier_at: ColumnType<Date, Date | string, Date | string>;
  moved_to: 'IN_TRANSIT' | 'RECEIVED' | null;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ReturnCasesTable {
  id: Generated<string>;
  organization_id: string;
  order_id: string;
  session_id: string;
  merchant_reference: string;
  consumer_id: string | null;
  status: Generated<'OPENED' | 'APPROVED' | 'LABEL_CREATED' | 'IN_TRANSIT' | 'RECEIVED' | 'REFUNDED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED'>;
  token_hash: string;
  token_sealed: string;
  refund_method: 'ORIGINAL_PAYMENT' | 'WALLET_CREDIT';
  refund_email: string;
  currency: string;
  note: string | null;
  reject_reason: string | null;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  opened_at: ColumnType<Date, Date | string | undefined, Date | string>;
  approved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  in_transit_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  received_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  refund_confirmed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  refunded_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  sendcloud_parcel_id: number | null;
  tracking_number: string | null;
  carrier_code: string | null;
  label_created_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_carrier_status_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ReturnItemsTable {
  return_id: string;
  position: number;
  sku: string;
  description: string;
  quantity: number;
  unit_price_minor: number;
  reason: string;
  reason_text: string | null;
}

export interface ReturnLabelWithdrawalsTable {
  sendcloud_return_id: number;
  return_id: string;
  sendcloud_parcel_id: number;
  shipping_option_code: string;
  cancellation: 'requested' | 'failed';
  detail: string;
  withdrawn_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ReturnLabelsTable {
  return_id: string;
  sendcloud_return_id: number;
  sendcloud_parcel_id: number;
  shipping_option_code: string;
  paper_size: 'a6' | 'a4';
  tracking_number: string | null;
  carrier_code: string | null;
  pdf: Buffer | null;
  sha256: string | null;
  created_by: string | null;
  announced_at: ColumnType<Date, Date | string | undefined, Date | string>;
  composed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ReturnRefundsTable {
  return_id: string;
  method: 'ORIGINAL_PAYMENT' | 'WALLET_CREDIT';
  status: Generated<'PENDING' | 'DONE'>;
  amount_minor: number;
  shipping_minor: Generated<number>;
  bonus_minor: Generated<number>;
  currency: string;
  payment_id: string | null;
  psp: string | null;
  psp_refund_id: string | null;
  wallet_transfer_id: string | null;
  bonus_transfer_id: string | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ReturnSettingsTable {
  merchant_id: string;
  window_days: Generated<number>;
  approval_required: Generated<boolean>;
  refund_trigger: Generated<'RECEIVED' | 'MERCHANT_CONFIRMATION'>;
  refund_shipping: Generated<boolean>;
  wallet_bonus_percent: Generated<number>;
  expiry_days: Generated<number>;
  return_name: string | null;
  return_address_line1: string | null;
  return_address_line2: string | null;
  return_postal_code: string | null;
  return_city: string | null;
  return_country: string | null;
  return_email: string | null;
  return_phone: string | null;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RolePermissionsTable {
  role_id: string;
  resource: string;
  action: 'read' | 'create' | 'update' | 'delete' | 'approve' | 'export';
  scope: 'own' | 'organization' | 'carrier' | 'all';
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

export interface SchedulerPassesTable {
  id: Generated<string>;
  trigger: 'schedule' | 'run_now';
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  syncs_enqueued: number;
  backing_off: number;
}

export interface SmsOutboxTable {
  id: Generated<string>;
  to: string;
  text: string;
  status: Generated<'queued' | 'sent' | 'failed'>;
  provider_message_id: string | null;
  last_error: string | null;
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

export interface SyncRunsTable {
  id: Generated<string>;
  integration_id: string;
  merchant_id: string;
  provider: string;
  trigger: 'manual' | 'schedule' | 'run_now';
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  fetched_count: Generated<number>;
  created_count: Generated<number>;
  updated_count: Generated<number>;
  error: string | null;
}

export interface TariffCarriersTable {
  code: string;
  name: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  reconciliation_tolerance_minor: Generated<number>;
  billing_email: string | null;
  billing_name: string | null;
  billing_address: Generated<string[]>;
}

export interface TariffFuelSurchargesTable {
  id: Generated<string>;
  carrier_code: string;
  published_percent: string;
  discount_percent: string;
  discount_mode: 'of_surcharge' | 'points';
  effective_from: string;
  reason: string;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TariffServicesTable {
  carrier_code: string;
  code: string;
  name: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TariffStampTable {
  singleton: Generated<boolean>;
  stamp: number;
}

export interface TariffVersionsTable {
  id: Generated<string>;
  carrier_code: string;
  service_code: string;
  origin_country: string;
  effective_from: string;
  currency: string;
  volumetric_divisor: number;
  weight_step_grams: number;
  body: ColumnType<JsonValue, string, string>;
  content_hash: string;
  layout: string;
  file_name: string;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UserInvitationRolesTable {
  invitation_id: string;
  role_id: string;
}

export interface UserInvitationsTable {
  id: Generated<string>;
  organization_id: string;
  email: string;
  token_hash: string;
  status: Generated<'pending' | 'accepted' | 'revoked'>;
  invited_by: string | null;
  accepted_user_id: string | null;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  settled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
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
  status: Generated<'active' | 'disabled'>;
  last_login_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  username: string | null;
  tokens_valid_after: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  removed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface WalletSessionHoldsTable {
  transfer_id: string;
  session_id: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  status: Generated<'pending' | 'succeeded' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt_number: number;
  started_at: ColumnType<Date, Date | string, Date | string>;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body_excerpt: string | null;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  organization_id: string;
  url: string;
  description: Generated<string>;
  event_types: Generated<string[]>;
  status: Generated<'active' | 'disabled'>;
  disabled_reason: string | null;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  failing_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface WorkerHeartbeatsTable {
  pool_id: string;
  host: string;
  pid: number;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface Database {
  benefit_budget_transactions: BenefitBudgetTransactionsTable;
  benefit_card_deliveries: BenefitCardDeliveriesTable;
  benefit_card_delivery_attempts: BenefitCardDeliveryAttemptsTable;
  benefit_card_events: BenefitCardEventsTable;
  benefit_cards: BenefitCardsTable;
  benefit_members: BenefitMembersTable;
  benefit_orders: BenefitOrdersTable;
  benefit_products: BenefitProductsTable;
  benefit_program_products: BenefitProgramProductsTable;
  benefit_programs: BenefitProgramsTable;
  carrier_invoice_imports: CarrierInvoiceImportsTable;
  carrier_invoice_lines: CarrierInvoiceLinesTable;
  carrier_reconciliation_decisions: CarrierReconciliationDecisionsTable;
  carrier_reconciliations: CarrierReconciliationsTable;
  carrier_statement_log: CarrierStatementLogTable;
  carrier_statement_revisions: CarrierStatementRevisionsTable;
  carrier_statements: CarrierStatementsTable;
  compliance_requirements: ComplianceRequirementsTable;
  consumer_magic_links: ConsumerMagicLinksTable;
  consumer_sessions: ConsumerSessionsTable;
  consumers: ConsumersTable;
  data_integrity_snapshots: DataIntegritySnapshotsTable;
  deals: DealsTable;
  domain_event_sequences: DomainEventSequencesTable;
  domain_events: DomainEventsTable;
  email_attachments: EmailAttachmentsTable;
  email_delivery_events: EmailDeliveryEventsTable;
  email_outbox: EmailOutboxTable;
  event_relay_cursors: EventRelayCursorsTable;
  exact_api_errors: ExactApiErrorsTable;
  exact_rate_limits: ExactRateLimitsTable;
  exact_tokens: ExactTokensTable;
  finance_account_mappings: FinanceAccountMappingsTable;
  finance_batch_decisions: FinanceBatchDecisionsTable;
  finance_batch_entries: FinanceBatchEntriesTable;
  finance_batches: FinanceBatchesTable;
  idempotency_keys: IdempotencyKeysTable;
  integration_webhook_deliveries: IntegrationWebhookDeliveriesTable;
  integrations: IntegrationsTable;
  internal_control_approvals: InternalControlApprovalsTable;
  internal_control_results: InternalControlResultsTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_transfers: LedgerTransfersTable;
  locker_carrier_secrets: LockerCarrierSecretsTable;
  locker_codes: LockerCodesTable;
  locker_events: LockerEventsTable;
  locker_seen_signatures: LockerSeenSignaturesTable;
  loyalty_cards: LoyaltyCardsTable;
  merchant_fee_changes: MerchantFeeChangesTable;
  order_items: OrderItemsTable;
  order_parcels: OrderParcelsTable;
  order_upload_rejections: OrderUploadRejectionsTable;
  order_upload_rows: OrderUploadRowsTable;
  order_uploads: OrderUploadsTable;
  orders: OrdersTable;
  organizations: OrganizationsTable;
  partner_carrier_codes: PartnerCarrierCodesTable;
  partners: PartnersTable;
  password_reset_tokens: PasswordResetTokensTable;
  payment_refunds: PaymentRefundsTable;
  payment_sessions: PaymentSessionsTable;
  payment_share_attempts: PaymentShareAttemptsTable;
  payment_shares: PaymentSharesTable;
  payments: PaymentsTable;
  platform_orders: PlatformOrdersTable;
  points_entries: PointsEntriesTable;
  points_lots: PointsLotsTable;
  points_redemptions: PointsRedemptionsTable;
  points_rules: PointsRulesTable;
  psp_payouts: PspPayoutsTable;
  psp_webhook_events: PspWebhookEventsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  return_carrier_scans: ReturnCarrierScansTable;
  return_cases: ReturnCasesTable;
  return_items: ReturnItemsTable;
  return_label_withdrawals: ReturnLabelWithdrawalsTable;
  return_labels: ReturnLabelsTable;
  return_refunds: ReturnRefundsTable;
  return_settings: ReturnSettingsTable;
  role_permissions: RolePermissionsTable;
  roles: RolesTable;
  scheduler_passes: SchedulerPassesTable;
  sms_outbox: SmsOutboxTable;
  stream_tickets: StreamTicketsTable;
  sync_runs: SyncRunsTable;
  tariff_carriers: TariffCarriersTable;
  tariff_fuel_surcharges: TariffFuelSurchargesTable;
  tariff_services: TariffServicesTable;
  tariff_stamp: TariffStampTable;
  tariff_versions: TariffVersionsTable;
  user_invitation_roles: UserInvitationRolesTable;
  user_invitations: UserInvitationsTable;
  user_roles: UserRolesTable;
  users: UsersTable;
  wallet_session_holds: WalletSessionHoldsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
}
