import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { integerParameter } from '../../platform/parameters';
import { Timestamp } from '../../platform/time';
import { NewPassword, RoleSummary } from '../auth/schemas';
import { WebhookUrl } from '../webhooks/schemas';

// ---- The iQpay contract (camelCase, exact field names and limits of spec/iqpay-api.md) ----

export const SignInInput = z.object({
  username: z.string().trim().min(1).max(100).describe('Username issued at onboarding'),
  password: z.string().min(1).max(1000),
});
export type SignInInput = z.infer<typeof SignInInput>;

export const SignInOutput = z
  .object({
    token: z.string().describe('Bearer token for every other call'),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().describe('Seconds until the token expires'),
  })
  .meta({ id: 'IqpaySignIn' });
export type SignInOutput = z.infer<typeof SignInOutput>;

export const CreateOrderWithMemberInput = z.object({
  productCode: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe('One product code, or several comma-separated: one card is issued per product'),
  programCode: z.string().trim().min(1).max(100).describe("The sponsor's program code"),
  email: z.email('must be a valid e-mail address').max(80).describe('Used for e-mail delivery'),
  firstName: z.string().trim().min(1).max(50),
  lastName: z.string().trim().min(1).max(50),
  phoneCountryCode: z
    .string()
    .trim()
    .regex(/^[0-9]$/, 'must be one digit')
    .default('1')
    .describe('Country calling code, one digit; `"1"` when omitted'),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9]{1,10}$/, 'must be 1 to 10 digits')
    .describe('Used for SMS delivery, digits only'),
  optInNotification: z.boolean().describe('Consent to future communications'),
  optInForSMSOrEmail: z
    .boolean()
    .refine((value) => value, 'must be true for the card to be delivered')
    .describe('Must be true'),
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .optional()
    .describe("The sponsor's member id; required when the program requires it"),
  externalTransactionId: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .optional()
    .describe(
      'Echoed in the webhook; required for webhook programs. The same request sent again returns the first order; a different request under the same id is a 409',
    ),
  processingDate: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('ISO 8601: a future date holds the order and delivers then; a past date processes now'),
});
export type CreateOrderWithMemberInput = z.infer<typeof CreateOrderWithMemberInput>;

export const CreateOrderWithMemberOutput = z
  .object({
    success: z.boolean(),
    statusText: z.string(),
    statusCode: z.number().int().nullable(),
    id: z.number().int().describe('Order id'),
    dependantId: z.number().int().nullable(),
  })
  .meta({ id: 'IqpayOrderCreated' });
export type CreateOrderWithMemberOutput = z.infer<typeof CreateOrderWithMemberOutput>;

// ---- Operator setup ----

const Code = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, `_`, `.` or `-`');
const Currency = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD');

export const DELIVERY_CHANNELS = ['sms', 'email', 'webhook'] as const;
export const DeliveryChannel = z.enum(DELIVERY_CHANNELS);
export type DeliveryChannel = z.infer<typeof DeliveryChannel>;

export const CreateSponsorInput = z.object({
  name: z.string().trim().min(1).max(200).describe('University, agency or nonprofit'),
});
export const Sponsor = z
  .object({ id: z.uuid(), name: z.string(), createdAt: Timestamp })
  .meta({ id: 'Sponsor' });
export type Sponsor = z.infer<typeof Sponsor>;

export const SPONSOR_ROLES = ['sponsor_admin', 'sponsor_user'] as const;
export const CreateSponsorUserInput = z.object({
  organizationId: z.uuid().describe('The sponsor organization'),
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9_.@-]{3,100}$/, 'must be 3 to 100 letters, digits, `_`, `.`, `@` or `-`'),
  password: NewPassword,
  name: z.string().trim().min(1).max(200),
  email: z.email('must be a valid e-mail address').max(254).toLowerCase(),
  role: z.enum(SPONSOR_ROLES).describe('`sponsor_admin` changes; `sponsor_user` reads'),
});
export type CreateSponsorUserInput = z.infer<typeof CreateSponsorUserInput>;
export const SponsorUser = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    username: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(SPONSOR_ROLES),
  })
  .meta({ id: 'SponsorUser' });
export type SponsorUser = z.infer<typeof SponsorUser>;

export const ListSponsorsInput = PageInput.extend({
  q: z.string().trim().min(1).max(200).optional().describe('Part of the sponsor name, in any case'),
});
export type ListSponsorsInput = z.infer<typeof ListSponsorsInput>;
export const SponsorPage = pageOf(Sponsor);
export const OrganizationIdInput = z.object({ organizationId: z.uuid() });

export const USER_STATUSES = ['active', 'disabled'] as const;
export const SponsorUserAccount = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    username: z.string().nullable().describe('Null for a user who signs in by e-mail only'),
    email: z.string(),
    name: z.string(),
    roles: z.array(RoleSummary),
    status: z
      .enum(USER_STATUSES)
      .describe('`disabled`: cannot sign in, and tokens issued before stop working'),
    createdAt: Timestamp,
    lastLoginAt: Timestamp.nullable(),
  })
  .meta({ id: 'SponsorUserAccount' });
export type SponsorUserAccount = z.infer<typeof SponsorUserAccount>;
export const ListSponsorUsersInput = PageInput.extend({
  organizationId: z.uuid().optional().describe("Only this sponsor's users"),
});
export type ListSponsorUsersInput = z.infer<typeof ListSponsorUsersInput>;
export const SponsorUserPage = pageOf(SponsorUserAccount);
export const SponsorUserIdInput = z.object({ userId: z.uuid() });

export const CreateProductInput = z.object({
  code: Code.describe('Product code sponsors order by'),
  name: z.string().trim().min(1).max(200),
  category: z.string().trim().min(1).max(100).describe('Benefit category: food, transit, …'),
  cardProvider: z.string().trim().min(1).max(100).describe('All products of one order share a provider'),
  faceValueMinor: z.number().int().min(1).max(1e9).describe('Card value in minor units'),
  currency: Currency,
  cardValidityDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe("Days a card stays valid from its issue; without it the product's cards do not expire"),
});
export type CreateProductInput = z.infer<typeof CreateProductInput>;
export const Product = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    category: z.string(),
    cardProvider: z.string(),
    faceValueMinor: z.number().int(),
    currency: z.string(),
    cardValidityDays: z
      .number()
      .int()
      .nullable()
      .describe('Days a card stays valid from its issue; null: no expiry'),
    createdAt: Timestamp,
  })
  .meta({ id: 'BenefitProduct' });
export type Product = z.infer<typeof Product>;
export const ProductPage = pageOf(Product);

/** A program's webhook URL, at creation and on change; the service adds the public-address check. */

export const CreateProgramInput = z.object({
  organizationId: z.uuid().describe('The sponsor organization running the program'),
  code: Code.describe('Program code sponsors order with; unique per sponsor'),
  name: z.string().trim().min(1).max(200),
  productCodes: z.array(Code).min(1).max(100).describe('Products that may be ordered in this program'),
  deliveryChannel: DeliveryChannel,
  webhookUrl: WebhookUrl.optional().describe('Required for the webhook channel'),
  externalIdRequired: z.boolean().default(false),
  currency: Currency.describe('Currency of the budget; every product must be in it'),
});
export type CreateProgramInput = z.infer<typeof CreateProgramInput>;

export const Program = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    code: z.string(),
    name: z.string(),
    productCodes: z.array(z.string()),
    deliveryChannel: DeliveryChannel,
    webhookUrl: z.string().nullable(),
    externalIdRequired: z.boolean(),
    active: z.boolean().describe('False once archived: the program takes no new orders'),
    budget: z.object({ balanceMinor: z.number().int(), currency: z.string() }),
    createdAt: Timestamp,
  })
  .meta({ id: 'BenefitProgram' });
export type Program = z.infer<typeof Program>;
export const ProgramWithSecret = Program.extend({
  webhookSecret: z
    .string()
    .nullable()
    .describe('Standard Webhooks signing secret (`whsec_…`), shown only in this response'),
});
export type ProgramWithSecret = z.infer<typeof ProgramWithSecret>;
export const ListProgramsInput = PageInput.extend({ organizationId: z.uuid().optional() });
export type ListProgramsInput = z.infer<typeof ListProgramsInput>;
export const ProgramPage = pageOf(Program);

export const ProgramIdInput = z.object({ programId: z.uuid() });

export const PROGRAM_CHANGES = [
  'name',
  'webhookUrl',
  'externalIdRequired',
  'productCodes',
  'active',
] as const;
export const UpdateProgramInput = ProgramIdInput.extend({
  name: z.string().trim().min(1).max(200).optional(),
  webhookUrl: WebhookUrl.optional().describe('Webhook programs only; checked as at creation'),
  externalIdRequired: z.boolean().optional(),
  productCodes: z
    .array(Code)
    .min(1)
    .max(100)
    .optional()
    .describe('Replaces the whole list; every product must exist and be in the budget currency'),
  active: z
    .boolean()
    .optional()
    .describe('`false` archives the program (CreateOrderWithMember refuses it); `true` restores it'),
  // Declared only to refuse it by name: orders, members and the sponsor's receiver depend on the channel.
  deliveryChannel: z
    .never({ error: 'cannot be changed; create a new program for another channel' })
    .optional()
    .describe('Cannot be changed: sending it is a 400'),
}).refine((input) => PROGRAM_CHANGES.some((field) => input[field] !== undefined), {
  message: `names nothing to change: send at least one of ${PROGRAM_CHANGES.join(', ')}`,
});
export type UpdateProgramInput = z.infer<typeof UpdateProgramInput>;
export const TopUpBudgetInput = ProgramIdInput.extend({
  amountMinor: z.number().int().min(1).max(1e12).describe('Amount added, in minor units'),
  note: z.string().trim().max(500).optional(),
});
export type TopUpBudgetInput = z.infer<typeof TopUpBudgetInput>;

export const BUDGET_TRANSACTION_KINDS = ['top_up', 'card_issued', 'refund'] as const;
export const BudgetTransaction = z
  .object({
    id: z.uuid(),
    programId: z.uuid(),
    kind: z.enum(BUDGET_TRANSACTION_KINDS),
    amountMinor: z.number().int().describe('Positive adds to the budget, negative takes from it'),
    balanceAfterMinor: z.number().int(),
    orderId: z.number().int().nullable(),
    cardId: z.uuid().nullable(),
    note: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'BudgetTransaction' });
export type BudgetTransaction = z.infer<typeof BudgetTransaction>;
export const ListBudgetTransactionsInput = ProgramIdInput.extend(PageInput.shape);
export type ListBudgetTransactionsInput = z.infer<typeof ListBudgetTransactionsInput>;
export const BudgetTransactionPage = pageOf(BudgetTransaction);

export const SmsMessage = z
  .object({
    id: z.uuid(),
    to: z.string(),
    text: z.string(),
    status: z.enum(['queued', 'sent', 'failed']),
    providerMessageId: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'SmsMessage' });
export type SmsMessage = z.infer<typeof SmsMessage>;
export const ListSmsOutboxInput = PageInput.extend({ to: z.string().max(20).optional() });
export type ListSmsOutboxInput = z.infer<typeof ListSmsOutboxInput>;
export const SmsPage = pageOf(SmsMessage);

// ---- Sponsor reads and changes ----

export const CARD_STATUSES = ['pending_activation', 'active', 'deactivated', 'replaced'] as const;
export const CardStatus = z.enum(CARD_STATUSES);
export const DELIVERY_STATUSES = ['not_sent', 'pending', 'delivered', 'failed'] as const;
export const CardDeliveryStatus = z
  .enum(DELIVERY_STATUSES)
  .describe('`not_sent`: the order is scheduled or cancelled; then `pending` → `delivered` or `failed`');
export const ORDER_STATUSES = ['scheduled', 'processed', 'cancelled'] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const CARD_EVENT_TYPES = [
  'issued',
  'delivered',
  'delivery_failed',
  'activated',
  'resent',
  'deactivated',
  'cancelled',
  'replaced',
] as const;

export const Card = z
  .object({
    id: z.uuid(),
    productCode: z.string(),
    status: CardStatus,
    deliveryStatus: CardDeliveryStatus,
    faceValueMinor: z.number().int(),
    currency: z.string(),
    activatedAt: Timestamp.nullable(),
    expiresAt: Timestamp.nullable().describe(
      "When the card stops being valid (its product's validity from issue); null: never",
    ),
    replacesCardId: z.uuid().nullable().describe('The card this one replaced, when it is a replacement'),
    events: z.array(
      z.object({ type: z.enum(CARD_EVENT_TYPES), detail: z.string().nullable(), occurredAt: Timestamp }),
    ),
  })
  .meta({ id: 'BenefitCard' });
export type Card = z.infer<typeof Card>;

export const Member = z
  .object({
    id: z.uuid(),
    externalId: z.string().nullable(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    phoneCountryCode: z.string(),
    phone: z.string(),
    optInNotification: z.boolean(),
    optInForSMSOrEmail: z.boolean(),
  })
  .meta({ id: 'BenefitMember' });
export type Member = z.infer<typeof Member>;

export const BenefitOrder = z
  .object({
    id: z.number().int(),
    organizationId: z.uuid(),
    programCode: z.string(),
    deliveryChannel: DeliveryChannel,
    productCodes: z.array(z.string()),
    externalTransactionId: z.string().nullable(),
    status: OrderStatus,
    processingDate: Timestamp.nullable(),
    total: z.object({ amountMinor: z.number().int(), currency: z.string() }),
    member: Member,
    cards: z.array(Card),
    createdAt: Timestamp,
    processedAt: Timestamp.nullable(),
    cancelledAt: Timestamp.nullable(),
  })
  .meta({ id: 'BenefitOrder' });
export type BenefitOrder = z.infer<typeof BenefitOrder>;

export const OrderIdInput = z.object({ id: integerParameter(z.int().min(1)).describe('Order id') });
export const ExternalTransactionIdInput = z.object({
  externalTransactionId: z.string().trim().min(1).max(50),
});
export const ListBenefitOrdersInput = PageInput.extend({
  status: OrderStatus.optional(),
  programCode: z.string().trim().min(1).max(100).optional(),
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .optional()
    .describe('Orders of the member with this external id'),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
});
export type ListBenefitOrdersInput = z.infer<typeof ListBenefitOrdersInput>;
export const BenefitOrderPage = pageOf(BenefitOrder);

export const CardIdInput = z.object({ cardId: z.uuid() });
export const DeactivateCardInput = CardIdInput.extend({ reason: z.string().trim().max(500).optional() });
export const ReplaceCardInput = CardIdInput.extend({
  reason: z.string().trim().max(500).optional().describe('Why, for the audit trail (e.g. "link forwarded")'),
});

export const ActivateCardInput = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){4}$/, 'must look like XXXX-XXXX-XXXX-XXXX-XXXX'),
});
export const ActivatedCard = z
  .object({
    status: z.literal('active'),
    productCode: z.string(),
    faceValueMinor: z.number().int(),
    currency: z.string(),
    activatedAt: Timestamp,
  })
  .meta({ id: 'ActivatedCard' });
export type ActivatedCard = z.infer<typeof ActivatedCard>;
