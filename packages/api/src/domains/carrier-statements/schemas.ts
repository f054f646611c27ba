import { z } from 'zod';
import { Money } from '../../platform/money';
import { Timestamp } from '../../platform/time';
import { CarrierCodeParam, CarrierReconciliation } from '../carrier-reconciliation/schemas';
import { EmailDeliveryStatus } from '../notifications/schemas';

const Reason = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .describe('Why, in words the carrier reads: a credit request’s reason is printed on the statement');

// ── decisions ─────────────────────────────────────────────────────────────────────────────────────────────

export const RECONCILIATION_STATUSES = [
  'MATCHED',
  'MISMATCH',
  'UNMATCHED_IN_DB',
  'ACCOUNT_CHARGE',
  'DUPLICATE_ON_INVOICE',
] as const;
/** The statuses a line can be flagged in: IPAY was billed something it may not owe. */
export const FLAGGABLE_STATUSES = ['MISMATCH', 'DUPLICATE_ON_INVOICE', 'UNMATCHED_IN_DB'] as const;

export const DecisionAction = z.enum(['request_credit', 'exclude', 'withdraw']);
export type DecisionAction = z.infer<typeof DecisionAction>;

export const ReconciliationPath = z.object({
  cc: CarrierCodeParam,
  id: z.uuid().describe('The reconciliation (one parcel as one invoice import bills it)'),
});

export const DecisionInput = ReconciliationPath.extend({ reason: Reason });
export type DecisionInput = z.infer<typeof DecisionInput>;

// ── statements ────────────────────────────────────────────────────────────────────────────────────────────

export const StatementStatus = z
  .enum(['draft', 'open', 'resolved'])
  .describe('draft: never sent; open: sent, not yet credited in full; resolved: credited in full');

/** One line of a statement revision, as it was when the revision was made. */
export const StatementLine = z
  .object({
    reconciliationId: z.uuid(),
    trackingNumber: z.string().nullable(),
    invoiceNumber: z.string(),
    shipDate: z.iso.date().nullable(),
    status: z.enum(RECONCILIATION_STATUSES),
    causes: z.array(z.string()),
    reason: z.string(),
    expectedMinor: z.number().int().nullable(),
    billedMinor: z.number().int(),
    claimedMinor: z.number().int(),
  })
  .meta({ id: 'CarrierStatementLine' });
export type StatementLine = z.infer<typeof StatementLine>;

export const StatementRevision = z.object({
  revision: z.number().int(),
  lineCount: z.number().int(),
  claimed: Money,
  pdfSha256: z.string().nullable().describe('SHA-256 of its PDF; null until first previewed or sent'),
  renderedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

export const StatementLogEntry = z.object({
  action: z.enum(['revised', 'sent', 'credited', 'resolved']),
  revision: z.number().int(),
  emailId: z.uuid().nullable().describe('The outbox e-mail of a send'),
  emailStatus: z.string().nullable().describe('queued, sent or failed: the outbox’s word on that e-mail'),
  providerMessageId: z.string().nullable().describe('Resend’s message id, once Resend accepted the e-mail'),
  emailDelivery: EmailDeliveryStatus.nullable().describe(
    'What Resend reported on that e-mail (`bounced`: the carrier did not get it); null until it reports',
  ),
  amount: Money.nullable().describe('The amount credited'),
  creditNoteReference: z.string().nullable(),
  actorId: z.uuid().nullable(),
  createdAt: Timestamp,
});

export const BillingContact = z
  .object({
    email: z.email().nullable(),
    name: z.string().nullable().describe('Attention line: the department or person'),
    addressLines: z.array(z.string()),
  })
  .meta({ id: 'CarrierBillingContact' });
export type BillingContact = z.infer<typeof BillingContact>;

export const CarrierStatement = z
  .object({
    id: z.uuid(),
    number: z.string().describe('CS-<carrier>-<sequence>; each revision prints as "<number> rev. <n>"'),
    importId: z.uuid(),
    carrier: z.string(),
    currency: z.string(),
    status: StatementStatus,
    currentRevision: z.number().int(),
    claimed: Money.describe('The current revision’s total claimed'),
    sentRevision: z.number().int().nullable(),
    sentClaimed: Money.nullable().describe('What the last revision sent claims: what the carrier owes'),
    credited: Money,
    outstanding: Money.describe('sentClaimed − credited (0 for a draft)'),
    unsentChanges: z.boolean().describe('The current revision differs from the one sent last'),
    firstSentAt: Timestamp.nullable(),
    lastSentAt: Timestamp.nullable(),
    resolvedAt: Timestamp.nullable(),
    billingContact: BillingContact,
    lines: z.array(StatementLine).describe('The current revision’s lines'),
    revisions: z.array(StatementRevision),
    log: z.array(StatementLogEntry),
    createdAt: Timestamp,
  })
  .meta({ id: 'CarrierStatement' });
export type CarrierStatement = z.infer<typeof CarrierStatement>;

export const DecisionResult = z
  .object({
    changed: z.boolean().describe('False when the same decision with the same reason was already the last'),
    reconciliation: CarrierReconciliation.describe(
      'The line as it is now, as the reconciliation domain shows it (GET …/{cc}/reconciliations/{id}); what it claims is on the statement’s line',
    ),
    statement: CarrierStatement.nullable().describe('The import’s credit statement, once a line was flagged'),
  })
  .meta({ id: 'ReconciliationDecisionResult' });
export type DecisionResult = z.infer<typeof DecisionResult>;

export const StatementPath = z.object({
  cc: CarrierCodeParam,
  import_id: z.uuid().describe('The invoice import the statement is for'),
});
export type StatementPath = z.infer<typeof StatementPath>;

export const SendResult = z
  .object({
    alreadySent: z.boolean().describe('This revision was sent before: nothing new was queued'),
    revision: z.number().int(),
    emailId: z.uuid().describe('The outbox e-mail (GET /api/admin/email-outbox/{emailId})'),
    statement: CarrierStatement,
  })
  .meta({ id: 'CarrierStatementSendResult' });
export type SendResult = z.infer<typeof SendResult>;

export const MarkResolvedInput = z.object({
  statement_id: z.uuid(),
  creditedAmountMinor: z
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .describe('What this credit note credits, in minor units of the statement’s currency'),
  creditNoteReference: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('The carrier’s credit note number; a retry with the same one changes nothing'),
});
export type MarkResolvedInput = z.infer<typeof MarkResolvedInput>;

export const MarkResolvedResult = z
  .object({
    alreadyRecorded: z.boolean().describe('This credit note was booked before: nothing changed'),
    statement: CarrierStatement,
  })
  .meta({ id: 'CarrierStatementCreditResult' });
export type MarkResolvedResult = z.infer<typeof MarkResolvedResult>;

// ── billing contact ───────────────────────────────────────────────────────────────────────────────────────

const AddressLine = z.string().trim().min(1).max(200);

export const SetBillingContactInput = z.object({
  cc: CarrierCodeParam,
  email: z.email().max(320).describe('Where credit statements are e-mailed'),
  name: z.string().trim().min(1).max(200).optional().describe('Attention line, e.g. "Attn. Billing"'),
  addressLines: z.array(AddressLine).max(5).default([]).describe('Postal address as printed'),
});
export type SetBillingContactInput = z.infer<typeof SetBillingContactInput>;

export const CarrierBillingContactResult = z
  .object({ carrier: z.string(), carrierName: z.string(), billingContact: BillingContact })
  .meta({ id: 'CarrierBillingContactResult' });
export type CarrierBillingContactResult = z.infer<typeof CarrierBillingContactResult>;

// ── aging ─────────────────────────────────────────────────────────────────────────────────────────────────

export const AGING_BUCKETS = [
  { key: '0-7', fromDays: 0, toDays: 7 },
  { key: '7-30', fromDays: 7, toDays: 30 },
  { key: '30-60', fromDays: 30, toDays: 60 },
  { key: '60+', fromDays: 60, toDays: null },
] as const;
export const AgingBucketKey = z.enum(['0-7', '7-30', '30-60', '60+']);

export const AgingReportInput = z.object({
  carrier: CarrierCodeParam.optional().describe('Only this carrier'),
  asOf: z.iso
    .datetime()
    .optional()
    .describe('Age the statements as of this moment (default now); a future date shows how they will age'),
});
export type AgingReportInput = z.infer<typeof AgingReportInput>;

const AgingCell = z.object({
  bucket: AgingBucketKey,
  statements: z.number().int(),
  outstandingMinor: z.number().int(),
});

export const AgingReport = z
  .object({
    asOf: Timestamp,
    buckets: z
      .array(
        z.object({ key: AgingBucketKey, fromDays: z.number().int(), toDays: z.number().int().nullable() }),
      )
      .describe('Age in whole days since first sent: from (inclusive) to (exclusive)'),
    rows: z.array(
      z.object({
        carrier: z.string(),
        currency: z.string(),
        buckets: z.array(AgingCell),
        statements: z.number().int(),
        outstandingMinor: z.number().int().describe('Claimed − credited over the open statements'),
        notDelivered: z
          .number()
          .int()
          .describe(
            'How many of these statements’ last sent e-mail bounced: the carrier may never have seen them',
          ),
      }),
    ),
    statements: z.array(
      z.object({
        id: z.uuid(),
        number: z.string(),
        carrier: z.string(),
        currency: z.string(),
        firstSentAt: Timestamp,
        ageDays: z.number().int(),
        bucket: AgingBucketKey,
        outstandingMinor: z.number().int(),
        emailDelivery: EmailDeliveryStatus.nullable().describe(
          'What Resend reported on the e-mail of the last send; null until it reports (or without Resend)',
        ),
        notDelivered: z
          .boolean()
          .describe('The last send bounced: send again to a corrected billing contact'),
      }),
    ),
  })
  .meta({ id: 'CarrierStatementAgingReport' });
export type AgingReport = z.infer<typeof AgingReport>;
