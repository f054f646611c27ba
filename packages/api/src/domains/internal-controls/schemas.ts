import { z } from 'zod';

export const CONTROL_CATEGORIES = [
  'data_integrity',
  'settlement_match',
  'psp_health',
  'webhooks',
  'reconciliation',
  'security',
] as const;
export const ControlCategory = z.enum(CONTROL_CATEGORIES);
export type ControlCategory = z.infer<typeof ControlCategory>;

export const CONTROL_STATUSES = ['GREEN', 'AMBER', 'RED'] as const;
export const ControlStatus = z.enum(CONTROL_STATUSES);
export type ControlStatus = z.infer<typeof ControlStatus>;

const Day = z.iso.date().describe('A UTC day, YYYY-MM-DD');

export const Approval = z.object({
  position: z.int().describe('Place in the approval chain, from 1'),
  controlId: z.string(),
  runDate: Day.describe('The day of the result approved'),
  status: ControlStatus.describe('The result’s status when approved'),
  metric: z.number().describe('The result’s metric when approved'),
  initials: z.string(),
  note: z.string(),
  approvedBy: z.uuid().describe('The approving user'),
  approvedAt: z.iso.datetime(),
  previousHash: z.string().describe('The hash of the approval before this one (64 zeros for the first)'),
  hash: z.string().describe('SHA-256 over this approval’s fields and `previousHash`'),
});
export type Approval = z.infer<typeof Approval>;

export const ControlResult = z.object({
  controlId: z.string().describe('Stable control id, `<category prefix>.<what>`'),
  title: z.string(),
  category: ControlCategory,
  owner: z.string().describe('The system role owning the control; its holders cannot approve it'),
  metricDescription: z.string().describe('What the metric counts'),
  thresholds: z.object({
    amber: z.number().describe('AMBER at or above'),
    red: z.number().describe('RED at or above'),
  }),
  status: ControlStatus,
  metric: z.number(),
  offenders: z.int().describe('Rows found (evidence keeps the first 20 ids)'),
  evidence: z.array(z.string()).describe('Ids of the first offending rows'),
  ranAt: z.iso.datetime(),
  approval: Approval.nullable().describe('The approval of this RED result, if any'),
});
export type ControlResult = z.infer<typeof ControlResult>;

export const StatusCounts = z.object({ GREEN: z.int(), AMBER: z.int(), RED: z.int() });

export const DaySummary = z.object({
  date: Day,
  counts: StatusCounts,
  unapprovedRed: z.int().describe('RED results without an approval'),
});

export const Overview = z.object({
  today: z.object({
    date: Day,
    ranAt: z.iso.datetime().nullable().describe('When today’s run finished; null before the daily job ran'),
    counts: StatusCounts,
    controls: z.array(ControlResult),
  }),
  last30Days: z.array(DaySummary).describe('One entry per day with results, newest first'),
});
export type Overview = z.infer<typeof Overview>;

export const ApproveInput = z.object({
  control_id: z.string().min(1).max(100).describe('The control whose latest RED result is approved'),
  initials: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,5}$/, 'two to five letters')
    .describe('The approver’s initials, kept in the chain'),
  note: z.string().trim().min(3).max(2000).describe('Why the RED result is accepted, and what follows'),
});

export const ChainVerification = z.object({
  valid: z.boolean(),
  checked: z.int().describe('Approvals checked'),
  brokenAt: z.int().nullable().describe('Position of the first approval whose hash or link does not match'),
  reason: z.string().nullable(),
});
export type ChainVerification = z.infer<typeof ChainVerification>;

export const RunInput = z.object({}).describe('Runs every control now for today (replacing today’s results)');

export const SnapshotsInput = z.object({
  table: z.string().max(64).optional().describe('Only this table'),
});

export const TableSnapshot = z.object({
  date: Day,
  table: z.string(),
  rowCount: z.int(),
  amountSum: z.int().nullable().describe('Sum of the table’s money column in minor units; null without one'),
  hash: z.string().describe('Order-independent hash of every row: md5 of the sum of the rows’ 64-bit hashes'),
  takenAt: z.iso.datetime(),
  change: z
    .object({
      rowCount: z.int(),
      amountSum: z.int().nullable(),
      hashChanged: z.boolean(),
    })
    .nullable()
    .describe('Difference to the day before; null without a snapshot that day'),
});
export const Snapshots = z.object({ items: z.array(TableSnapshot).describe('Newest day first, by table') });
export type Snapshots = z.infer<typeof Snapshots>;

const RequirementFields = {
  area: z.string().trim().min(2).max(60).describe('GDPR, PSD2, PCI DSS, Carrier terms, PSP terms, …'),
  title: z.string().trim().min(3).max(500),
  owner: z.string().trim().min(2).max(100).describe('The role or person answering for it'),
  evidence: z.string().trim().min(3).max(2000).describe('Where the proof is kept'),
  controlIds: z.array(z.string().max(100)).max(50).describe('Daily controls that cover the requirement'),
  nextReviewOn: Day.describe('When it is reviewed next'),
};

export const CreateRequirementInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z0-9][A-Z0-9-]{1,59}$/, 'capitals, digits and dashes')
    .describe('Unique code, e.g. GDPR-ART30'),
  ...RequirementFields,
});
export type CreateRequirementInput = z.infer<typeof CreateRequirementInput>;

export const RequirementPath = z.object({ id: z.uuid().describe('The requirement') });
export const UpdateRequirementInput = RequirementPath.extend(z.object(RequirementFields).partial().shape);
export type UpdateRequirementInput = z.infer<typeof UpdateRequirementInput>;
export const RetireRequirementInput = RequirementPath.extend({
  reason: z.string().trim().min(3).max(500).describe('Why it no longer applies'),
});

export const RegisterInput = z.object({
  includeRetired: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe('Also list retired requirements'),
});

export const Requirement = z.object({
  id: z.uuid(),
  code: z.string(),
  area: z.string(),
  title: z.string(),
  owner: z.string(),
  evidence: z.string(),
  controlIds: z.array(z.string()),
  controls: z
    .array(z.object({ controlId: z.string(), status: ControlStatus.nullable() }))
    .describe('The covering controls with their latest status (null before they ran)'),
  nextReviewOn: Day,
  reviewOverdue: z.boolean(),
  retiredAt: z.iso.datetime().nullable(),
  retiredReason: z.string().nullable(),
  updatedAt: z.iso.datetime(),
});
export type Requirement = z.infer<typeof Requirement>;
export const Register = z.object({ items: z.array(Requirement) });
