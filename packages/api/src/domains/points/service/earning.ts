import { sql } from 'kysely';
import { z } from 'zod';
import type { DbTransaction } from '@ipay/db';
import type { DomainEvent } from '../../events/schemas';
import { recordDomainEvents, type AnyNewDomainEvent } from '../../events/service';
import { PAYMENT_SESSION_EVENTS } from '../../payment-sessions/events';
import { sessionOwners } from '../../payment-sessions/service/session-owners';

/** A point count fits the lot's integer column whatever the amount and rule. */
const MAX_POINTS_PER_LOT = 1_000_000_000;
const DAY_MS = 86_400_000;

interface Payment {
  sessionId: string;
  amountMinor: number;
  currency: string;
  paidAt: Date;
}

interface EarnRule {
  points_per_unit: number;
  bonus_per_order: number;
  validity_days: number;
}

interface Earning extends EarnRule {
  session_id: string;
  order_id: string;
  merchant_id: string;
  email: string;
  amount_minor: number;
  currency: string;
  paid_at: Date;
}

interface EarnedLot {
  id: string;
  owner_email: string;
  session_id: string;
  order_id: string;
  merchant_id: string;
  points: number;
  expires_at: Date;
}

/** The currency's exponent (EUR 2, JPY 0); 2 for a code Intl does not know rather than a throw in the relay. */
function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** Points per whole currency unit of the paid amount (cents dropped), plus the per-order bonus. */
export function pointsFor(
  rule: { pointsPerUnit: number; bonusPerOrder: number },
  amountMinor: number,
  currency: string,
) {
  const units = Math.floor(amountMinor / 10 ** minorDigits(currency));
  return Math.min(units * rule.pointsPerUnit + rule.bonusPerOrder, MAX_POINTS_PER_LOT);
}

/** Midnight UTC after the last valid day: lots earned on one day expire together, by the daily job. */
export function expiryOf(paidAt: Date, validityDays: number): Date {
  const day = Date.UTC(paidAt.getUTCFullYear(), paidAt.getUTCMonth(), paidAt.getUTCDate());
  return new Date(day + (validityDays + 1) * DAY_MS);
}

const SessionId = z.uuid();

/** The payments of the batch's `session.paid` events, one per session; a malformed one is skipped, not thrown. */
function paymentsOf(events: readonly DomainEvent[]): Payment[] {
  const schema = PAYMENT_SESSION_EVENTS['session.paid'].payload;
  const bySession = new Map<string, Payment>();
  for (const event of events) {
    if (event.type !== 'session.paid') continue;
    const parsed = schema.safeParse(event.data);
    if (!parsed.success || !SessionId.safeParse(parsed.data.sessionId).success) continue;
    bySession.set(parsed.data.sessionId, {
      sessionId: parsed.data.sessionId,
      amountMinor: parsed.data.amountMinor,
      currency: parsed.data.currency,
      paidAt: new Date(event.occurredAt),
    });
  }
  return [...bySession.values()];
}

/** The rule in force per merchant: the merchant's latest, else the platform's latest. */
async function rulesFor(trx: DbTransaction, merchantIds: string[]): Promise<Map<string, EarnRule>> {
  const { rows } = await sql<EarnRule & { merchant_id: string }>`
    select m.merchant_id, r.points_per_unit, r.bonus_per_order, r.validity_days
      from unnest(${merchantIds}::uuid[]) as m(merchant_id)
      cross join lateral (
        select points_per_unit, bonus_per_order, validity_days
          from points_rules
         where merchant_id = m.merchant_id or merchant_id is null
         order by merchant_id is null, created_at desc, id desc
         limit 1) r`.execute(trx);
  return new Map(rows.map(({ merchant_id, ...rule }) => [merchant_id, rule]));
}

/**
 * Each paid session not yet earned for, with its order's address (read through payment-sessions, which owns
 * sessions and their orders' addresses) and the rule in force.
 */
async function earningsOf(trx: DbTransaction, payments: Payment[]): Promise<Earning[]> {
  const earned = await trx
    .selectFrom('points_lots')
    .select('session_id')
    .where(
      'session_id',
      'in',
      payments.map((p) => p.sessionId),
    )
    .execute();
  const done = new Set(earned.map((lot) => lot.session_id));
  const owners = await sessionOwners(
    trx,
    payments.flatMap((p) => (done.has(p.sessionId) ? [] : [p.sessionId])),
  );
  const rules = await rulesFor(trx, [...new Set(owners.map((owner) => owner.merchantId))]);
  const paymentOf = new Map(payments.map((p) => [p.sessionId, p]));
  return owners.flatMap((owner) => {
    const payment = paymentOf.get(owner.sessionId);
    const rule = rules.get(owner.merchantId);
    if (!payment || !rule) return [];
    return [
      {
        session_id: owner.sessionId,
        order_id: owner.orderId,
        merchant_id: owner.merchantId,
        email: owner.email,
        amount_minor: payment.amountMinor,
        currency: payment.currency,
        paid_at: payment.paidAt,
        ...rule,
      },
    ];
  });
}

/**
 * Credits one lot per paid session to the order's customer address (points wait on the address, as wallet money
 * does), with its `earned` history entry and a `points.earned` event. A session earns once: its lot is unique.
 */
async function earnForPayments(trx: DbTransaction, payments: Payment[]): Promise<void> {
  if (payments.length === 0) return;
  const lots = (await earningsOf(trx, payments))
    .map((e) => ({
      ...e,
      points: pointsFor(
        { pointsPerUnit: e.points_per_unit, bonusPerOrder: e.bonus_per_order },
        e.amount_minor,
        e.currency,
      ),
      expires_at: expiryOf(e.paid_at, e.validity_days),
    }))
    .filter((lot) => lot.points > 0 && /^[^@\s]+@[^@\s]+$/.test(lot.email) && lot.email.length <= 320);
  if (lots.length === 0) return;
  const { rows } = await sql<EarnedLot>`
    with lots as (
      insert into points_lots (owner_email, session_id, order_id, merchant_id, points, remaining, earned_at, expires_at)
      select email, session_id, order_id, merchant_id, points, points, paid_at, expires_at
        from unnest(${lots.map((l) => l.email)}::text[], ${lots.map((l) => l.session_id)}::uuid[],
                    ${lots.map((l) => l.order_id)}::uuid[], ${lots.map((l) => l.merchant_id)}::uuid[],
                    ${lots.map((l) => l.points)}::int[], ${lots.map((l) => l.paid_at.toISOString())}::timestamptz[],
                    ${lots.map((l) => l.expires_at.toISOString())}::timestamptz[])
             as t(email, session_id, order_id, merchant_id, points, paid_at, expires_at)
      on conflict (session_id) do nothing
      returning id, owner_email, session_id, order_id, merchant_id, points, earned_at, expires_at),
    entries as (
      insert into points_entries (owner_email, kind, points, lot_id, created_at)
      select owner_email, 'earned', points, id, earned_at from lots)
    select id, owner_email, session_id, order_id, merchant_id, points, expires_at from lots`.execute(trx);
  await recordDomainEvents(
    trx,
    rows.map((lot): AnyNewDomainEvent => ({
      type: 'points.earned',
      resourceType: 'points_lot',
      resourceId: lot.id,
      organizationId: null,
      data: {
        email: lot.owner_email,
        lotId: lot.id,
        sessionId: lot.session_id,
        orderId: lot.order_id,
        merchantId: lot.merchant_id,
        points: lot.points,
        expiresAt: lot.expires_at.toISOString(),
      },
    })),
  );
}

interface ReversedLot {
  id: string;
  owner_email: string;
  session_id: string;
  order_id: string;
  merchant_id: string;
  reversed: number;
  shortfall: number;
}

/**
 * The refunded sessions' lots are reversed: what is left of each is taken back (`reversed`), what was already
 * spent is recorded as the shortfall and stays spent, since a balance never goes negative. An expired lot
 * reverses nothing but still records its shortfall. A lot reverses once.
 */
async function reverseForRefunds(trx: DbTransaction, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  const { rows } = await sql<ReversedLot>`
    with target as (
      select id, remaining, spent from points_lots
       where session_id = any(${sessionIds}::uuid[]) and state <> 'reversed'
       order by id
         for update),
    reversed as (
      update points_lots l set state = 'reversed', remaining = 0, closed_at = now()
        from target t where l.id = t.id
      returning l.id, l.owner_email, l.session_id, l.order_id, l.merchant_id, t.remaining as reversed,
                t.spent as shortfall),
    entries as (
      insert into points_entries (owner_email, kind, points, shortfall, lot_id, note)
      select owner_email, 'reversed', reversed, shortfall, id, 'order refunded' from reversed)
    select * from reversed`.execute(trx);
  await recordDomainEvents(
    trx,
    rows.map((lot): AnyNewDomainEvent => ({
      type: 'points.reversed',
      resourceType: 'points_lot',
      resourceId: lot.id,
      organizationId: null,
      data: {
        email: lot.owner_email,
        lotId: lot.id,
        sessionId: lot.session_id,
        orderId: lot.order_id,
        merchantId: lot.merchant_id,
        points: lot.reversed,
        shortfall: lot.shortfall,
      },
    })),
  );
}

function refundedSessionIds(events: readonly DomainEvent[]): string[] {
  const schema = PAYMENT_SESSION_EVENTS['session.refunded'].payload;
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type !== 'session.refunded') continue;
    const parsed = schema.safeParse(event.data);
    if (parsed.success && SessionId.safeParse(parsed.data.sessionId).success) ids.add(parsed.data.sessionId);
  }
  return [...ids];
}

/**
 * The relay's points consumer: `session.paid` earns, `session.refunded` reverses, each set-based for the batch.
 * Earnings go first: a batch holding both a payment and its refund is in stream order.
 */
export async function pointsOnSessionEvents(
  trx: DbTransaction,
  events: readonly DomainEvent[],
): Promise<void> {
  await earnForPayments(trx, paymentsOf(events));
  await reverseForRefunds(trx, refundedSessionIds(events));
}
