import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { CurrencyCode } from '../wallet/schemas';

export const EarnRuleInput = z.object({
  pointsPerUnit: z
    .int()
    .min(0)
    .max(10_000)
    .describe('Points per whole currency unit of the paid amount (per euro for EUR); 0 earns none per unit'),
  bonusPerOrder: z.int().min(0).max(1_000_000).describe('Fixed points added to every paid order'),
  validityDays: z
    .int()
    .min(1)
    .max(3650)
    .describe('Days the points stay valid: they expire at midnight UTC after the last valid day'),
  reason: z.string().trim().min(1).max(500).describe('Why the rule changes; kept in its history'),
});
export type EarnRuleInput = z.infer<typeof EarnRuleInput>;

/** The platform's rule also sets what a point is worth when redeemed for wallet credit. */
export const PlatformRuleInput = EarnRuleInput.extend({
  redeemCurrency: CurrencyCode.describe('The wallet currency points are redeemed into'),
  redeemMinorPerPoint: z
    .int()
    .min(1)
    .max(10_000)
    .describe('Wallet credit per point redeemed, in minor units (1: 100 points are €1.00)'),
});
export type PlatformRuleInput = z.infer<typeof PlatformRuleInput>;

export const MerchantRulePath = z.object({ merchantId: z.uuid().describe('The merchant organization') });
export const SetMerchantRuleInput = EarnRuleInput.extend(MerchantRulePath.shape);

export const PointsRule = z
  .object({
    merchantId: z.uuid().nullable().describe('The merchant the rule is for; null for the platform rule'),
    pointsPerUnit: z.int(),
    bonusPerOrder: z.int(),
    validityDays: z.int(),
    redeemCurrency: z.string().nullable().describe('Platform rule only'),
    redeemMinorPerPoint: z.int().nullable().describe('Platform rule only'),
    reason: z.string(),
    changedBy: z.string().describe('`user:<id>` or `system:<what>`'),
    changedAt: z.iso.datetime(),
  })
  .meta({ id: 'PointsRule' });
export type PointsRule = z.infer<typeof PointsRule>;

export const PointsRuleView = z.object({
  merchantId: z.uuid().nullable(),
  current: PointsRule.nullable().describe('The rule set for this merchant (the platform): null when none is'),
  effective: PointsRule.describe(
    'The rule a paid order earns by: the merchant’s when set, else the platform’s',
  ),
  history: z.array(PointsRule).describe('Changes of this rule, newest first (at most 20)'),
});
export type PointsRuleView = z.infer<typeof PointsRuleView>;

export const PointsEntryKind = z.enum(['earned', 'spent', 'expired', 'reversed']);

export const PointsEntry = z
  .object({
    id: z.uuid(),
    kind: PointsEntryKind,
    points: z.int().describe('Points earned, spent, expired or reversed (never signed)'),
    shortfall: z
      .int()
      .describe('Reversed only: points of the refunded order already spent, which could not be taken back'),
    orderId: z.uuid().nullable().describe('The paid order that earned the lot (not for spent)'),
    merchantName: z.string().nullable(),
    expiresAt: z.iso.datetime().nullable().describe('When the lot expires (expired at)'),
    redemptionId: z.uuid().nullable().describe('Spent only: the redemption'),
    note: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PointsEntry' });
export type PointsEntry = z.infer<typeof PointsEntry>;

export const MyPointsInput = PageInput.extend({
  kind: PointsEntryKind.optional().describe('Only entries of this kind'),
});
export type MyPointsInput = z.infer<typeof MyPointsInput>;

export const MyPoints = z.object({
  email: z.string(),
  availablePoints: z.int().describe('Points that can be redeemed now'),
  nextExpiry: z
    .object({
      points: z.int().describe('Available points that expire then'),
      expiresAt: z.iso.datetime(),
    })
    .nullable()
    .describe('The earliest expiry among the available points; null when none are available'),
  redemption: z.object({
    currency: z.string(),
    minorPerPoint: z.int().describe('Wallet credit per point, in minor units'),
  }),
  history: pageOf(PointsEntry).describe('Most recent first'),
});
export type MyPoints = z.infer<typeof MyPoints>;

export const RedeemInput = z.object({
  points: z.int().min(1).max(1_000_000).describe('Points to turn into wallet credit, oldest expiry first'),
});
export type RedeemInput = z.infer<typeof RedeemInput>;

export const Redemption = z
  .object({
    id: z.uuid(),
    points: z.int(),
    amountMinor: z.int().describe('Wallet credit received, in minor units'),
    currency: z.string(),
    walletTransferId: z.uuid().describe('The wallet credit (GET /api/wallet/balance lists it)'),
    availablePoints: z.int().describe('Points available now, after this redemption'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PointsRedemption' });
export type Redemption = z.infer<typeof Redemption>;
