import { z } from 'zod';

/** The time zone of a settlement day (documented in docs/domains/settlement.md). */
export const SETTLEMENT_TIME_ZONE = 'Europe/Amsterdam';

/** The longest period one settlement covers: a (leap) year. */
export const MAX_SETTLEMENT_DAYS = 366;

const Instant = z.iso.datetime({ offset: true });
const CalendarDate = z.iso.date().describe('a calendar date in Europe/Amsterdam, YYYY-MM-DD');

export const FeeSource = z
  .enum(['contract', 'platform_default'])
  .describe(
    '`contract`: the merchant’s own fee; `platform_default`: no contract fee, the platform’s applies',
  );
export type FeeSource = z.infer<typeof FeeSource>;

/** An IPAY fee: euro cents. The fee is charged in EUR only. */
export const FeeEur = z
  .object({
    amount_minor: z.int().min(0).max(100_000).describe('Euro cents per paid order, e.g. 45 for €0.45'),
    currency: z.literal('EUR'),
  })
  .meta({ id: 'FeeEur' });
export type FeeEur = z.infer<typeof FeeEur>;

export const MerchantIdInput = z.object({ id: z.uuid().describe('The merchant organization’s id') });
export type MerchantIdInput = z.infer<typeof MerchantIdInput>;

export const UpdateMerchantInput = MerchantIdInput.extend({
  ipay_fee_per_order_eur: FeeEur.nullable()
    .optional()
    .describe('The contract fee per paid order; `null` removes it (the platform default applies again)'),
  ipay_contract_signed_at: Instant.nullable().optional().describe('When the IPAY contract was signed'),
  effective_from: Instant.optional().describe(
    'From when the change applies to paid orders; now when absent, never in the past',
  ),
  reason: z.string().trim().min(1).max(500).describe('Why it changes; kept in the fee history'),
});
export type UpdateMerchantInput = z.infer<typeof UpdateMerchantInput>;

export const FeeChange = z.object({
  id: z.int().describe('Increases with every change'),
  fee_per_order_eur: FeeEur.nullable().describe('The contract fee from `effective_from` on; null: none'),
  previous_fee_per_order_eur: FeeEur.nullable(),
  contract_signed_at: Instant.nullable(),
  previous_contract_signed_at: Instant.nullable(),
  effective_from: Instant,
  reason: z.string(),
  changed_by: z.uuid().nullable().describe('The operator who made the change'),
  changed_at: Instant,
});
export type FeeChange = z.infer<typeof FeeChange>;

export const MerchantFees = z.object({
  organization_id: z.uuid(),
  name: z.string(),
  ipay_fee_per_order_eur: FeeEur.nullable().describe('The contract fee in force now; null: none'),
  ipay_contract_signed_at: Instant.nullable(),
  fee_source: FeeSource,
  effective_fee_per_order_eur: FeeEur.describe('What a paid order is charged now'),
  platform_default_fee_per_order_eur: FeeEur,
  history: z.array(FeeChange).describe('Every change, newest first; never rewritten'),
});
export type MerchantFees = z.infer<typeof MerchantFees>;

export const SettlementInput = z.object({
  from: CalendarDate.describe('First day of the period (Europe/Amsterdam)'),
  to: CalendarDate.describe('Last day of the period, included (Europe/Amsterdam)'),
  organization: z
    .uuid()
    .optional()
    .describe('The merchant (operators; required for them). A merchant reads its own and may omit it'),
});
export type SettlementInput = z.infer<typeof SettlementInput>;

export const SettlementDay = z.object({
  day: CalendarDate,
  order_count: z.int(),
  gross_minor: z.int().describe('Money received that day, euro cents'),
  fee_per_order_minor: z.int(),
  fee_minor: z.int().describe('order_count × fee_per_order_minor'),
  refunds_minor: z.int().describe('Money given back that day (refunds and returns), positive'),
  returns_minor: z.int().describe('The part of refunds_minor given back for parcels returned to sender'),
  net_minor: z.int().describe('gross_minor − fee_minor − refunds_minor'),
  fee_source: FeeSource,
});
export type SettlementDay = z.infer<typeof SettlementDay>;

export const SettlementLine = z.object({
  kind: z.enum(['gross', 'fees', 'refunds', 'returns']),
  label: z.string(),
  amount_minor: z.int().describe('Signed: fees, refunds and returns are negative'),
});
export type SettlementLine = z.infer<typeof SettlementLine>;

export const Settlement = z.object({
  organization_id: z.uuid(),
  from: CalendarDate,
  to: CalendarDate,
  time_zone: z.literal(SETTLEMENT_TIME_ZONE),
  currency: z.literal('EUR'),
  order_count: z.int(),
  gross_minor: z.int(),
  fees_minor: z.int(),
  refunds_minor: z.int().describe('Refunds and returns together, positive'),
  returns_minor: z.int(),
  net_minor: z.int().describe('gross_minor − fees_minor − refunds_minor: what IPAY owes the merchant'),
  fee_per_order_eur: FeeEur.describe('The fee in force at the start of the period'),
  fee_source: FeeSource.describe('Where the fee at the start of the period comes from'),
  fee_changed_in_period: z
    .boolean()
    .describe('True when the fee changed inside the period: see `fee_changes`'),
  fee_changes: z
    .array(z.object({ effective_from: Instant, fee_per_order_eur: FeeEur, fee_source: FeeSource }))
    .describe('Changes that took effect inside the period, in order'),
  lines: z.array(SettlementLine).describe('Gross, then fees, refunds and returns as negative lines'),
  days: z
    .array(SettlementDay)
    .describe(
      'Days with any activity, in order; a day on which the fee changed appears once per fee. They add up to the totals exactly.',
    ),
});
export type Settlement = z.infer<typeof Settlement>;

export const SettlementExportInput = SettlementInput.extend({
  format: z.enum(['csv', 'xlsx']).describe('The accountant export’s format'),
});
export type SettlementExportInput = z.infer<typeof SettlementExportInput>;
