import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import { CountryCode } from '../orders/schemas';

export const DEAL_STATUSES = ['scheduled', 'live', 'ended', 'retired'] as const;
export const DealStatus = z
  .enum(DEAL_STATUSES)
  .describe(
    'Derived, never stored: `retired` once retired; else `scheduled` before `starts_at`, `live` until `ends_at`, `ended` after',
  );
export type DealStatus = z.infer<typeof DealStatus>;

// Plain text is shown as text: tab and line breaks are kept, every other control character is refused.
const ALLOWED_CONTROLS = new Set(['\t', '\n', '\r']);
function hasControlCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ((code < 0x20 || code === 0x7f) && !ALLOWED_CONTROLS.has(char)) return true;
  }
  return false;
}

function plainText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !hasControlCharacter(text), 'must not contain control characters');
}

function withoutCredentials(url: string): boolean {
  return !URL.canParse(url) || (!new URL(url).username && !new URL(url).password);
}

export const DealImageUrl = z
  .url({ protocol: /^https$/, hostname: z.regexes.domain, error: 'must be an https URL' })
  .max(2048)
  .refine(withoutCredentials, 'must not carry credentials')
  .describe('An https URL of the deal’s image (a host name, no credentials)');

export const DealLinkUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.domain, error: 'must be an http or https URL' })
  .max(2048)
  .refine(withoutCredentials, 'must not carry credentials')
  .describe('Where the deal leads (http or https, a host name, no credentials)');

export const DealCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "-" or "_"')
  .describe('The discount code the consumer enters at the shop');

const DealTime = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp with a zone');

export const DealTargetingInput = z
  .object({
    countries: z
      .array(CountryCode)
      .max(250)
      .optional()
      .describe(
        'Shown only to consumers with an order delivered to one of these countries; empty or absent: any country',
      ),
    merchant_ids: z
      .array(z.uuid())
      .max(100)
      .optional()
      .describe(
        'Platform deals only (operators): shown only to consumers who bought from one of these merchants; empty or absent: anyone',
      ),
  })
  .strict();
export type DealTargetingInput = z.infer<typeof DealTargetingInput>;

function endsAfterStart(value: { starts_at: string; ends_at: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(value.ends_at) <= Date.parse(value.starts_at)) {
    ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'must be after starts_at' });
  }
}

const DealFields = {
  title: plainText(120).describe('Plain text, 1 to 120 characters'),
  description: plainText(2000).describe('Plain text (line breaks kept), 1 to 2000 characters'),
  image_url: DealImageUrl.optional(),
  link_url: DealLinkUrl.optional(),
  code: DealCode.optional(),
};

export const CreateDealInput = z
  .object({
    ...DealFields,
    starts_at: DealTime.describe('When the deal goes live'),
    ends_at: DealTime.describe('When it ends: after starts_at, and in the future'),
    targeting: DealTargetingInput.optional(),
  })
  .strict()
  .superRefine(endsAfterStart);
export type CreateDealInput = z.infer<typeof CreateDealInput>;

export const DealIdInput = z.object({ id: z.uuid().describe('The deal id') });

export const UpdateDealInput = z
  .object({
    id: z.uuid().describe('The deal id'),
    title: DealFields.title.optional(),
    description: DealFields.description.optional(),
    image_url: DealImageUrl.nullable().optional().describe('An https image URL; null removes it'),
    link_url: DealLinkUrl.nullable().optional().describe('The deal’s link; null removes it'),
    code: DealCode.nullable().optional().describe('The discount code; null removes it'),
  })
  .strict()
  .refine(
    (input) => Object.keys(input).some((key) => key !== 'id'),
    'name at least one field to change: title, description, image_url, link_url or code',
  );
export type UpdateDealInput = z.infer<typeof UpdateDealInput>;

export const ScheduleDealInput = z
  .object({
    id: z.uuid().describe('The deal id'),
    starts_at: DealTime.describe('When the deal goes live'),
    ends_at: DealTime.describe('When it ends: after starts_at, and in the future'),
  })
  .strict()
  .superRefine(endsAfterStart);
export type ScheduleDealInput = z.infer<typeof ScheduleDealInput>;

export const TargetDealInput = DealTargetingInput.extend({ id: z.uuid().describe('The deal id') }).strict();
export type TargetDealInput = z.infer<typeof TargetDealInput>;

export const ListDealsInput = PageInput.extend({
  status: DealStatus.optional().describe('Only deals in this status'),
});
export type ListDealsInput = z.infer<typeof ListDealsInput>;

export const DealTargeting = z.object({
  countries: z.array(z.string()).describe('Empty: any country'),
  merchant_ids: z.array(z.string()).describe('Empty: anyone (merchant deals never target merchants)'),
});

export const Deal = z
  .object({
    id: z.string(),
    publisher: z.enum(['merchant', 'platform']).describe('A merchant’s own deal, or a platform deal'),
    merchant_id: z.string().nullable().describe('The publishing merchant; null for a platform deal'),
    title: z.string(),
    description: z.string(),
    image_url: z.string().nullable(),
    link_url: z.string().nullable(),
    code: z.string().nullable(),
    starts_at: Timestamp,
    ends_at: Timestamp,
    targeting: DealTargeting,
    status: DealStatus,
    retired_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Deal' });
export type Deal = z.infer<typeof Deal>;

export const DealPage = pageOf(Deal);
export type DealPage = z.infer<typeof DealPage>;

export const FEED_PLACEMENTS = ['bought_from', 'targeted', 'everyone'] as const;

export const FeedDeal = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().describe('Plain text: show it as text, never as HTML'),
    image_url: z.string().nullable(),
    link_url: z.string().nullable(),
    code: z.string().nullable(),
    starts_at: Timestamp,
    ends_at: Timestamp,
    merchant: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .describe('The publishing merchant; null for a platform deal'),
    placement: z
      .enum(FEED_PLACEMENTS)
      .describe(
        'Why it is where it is: `bought_from` a merchant you bought from, `targeted` at your countries or merchants, `everyone`',
      ),
  })
  .meta({ id: 'FeedDeal' });
export type FeedDeal = z.infer<typeof FeedDeal>;

export const FeedInput = PageInput;
export const FeedPage = pageOf(FeedDeal);
export type FeedPage = z.infer<typeof FeedPage>;
