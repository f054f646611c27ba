import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';

export interface MemberCard {
  programName: string;
  sponsorName: string;
  productName: string;
  faceValueMinor: number;
  currency: string;
  /** `not_issued` while its order is held or cancelled (the member has no link to it yet, normally). */
  /** `expired` once the card's validity ran out, whatever it was before (only a live card can expire). */
  status: 'pending_activation' | 'active' | 'deactivated' | 'replaced' | 'not_issued' | 'expired';
  activatedAt: Date | null;
  /** Null: the card does not expire. */
  expiresAt: Date | null;
}

/**
 * What the member's card page shows, by the activation code of the link: public like activation itself (the
 * code is the member's secret, ≈ 93 bits). An unknown code is a 404.
 */
export async function getMemberCard(db: DbExecutor, code: string): Promise<MemberCard> {
  const card = await db
    .selectFrom('benefit_cards')
    .innerJoin('benefit_orders', 'benefit_orders.id', 'benefit_cards.order_id')
    .innerJoin('benefit_programs', 'benefit_programs.id', 'benefit_orders.program_id')
    .innerJoin('benefit_products', 'benefit_products.id', 'benefit_cards.product_id')
    .innerJoin('organizations', 'organizations.id', 'benefit_cards.organization_id')
    .select([
      'benefit_cards.status',
      'benefit_cards.face_value_minor',
      'benefit_cards.currency',
      'benefit_cards.activated_at',
      'benefit_cards.expires_at',
      sql<boolean>`coalesce(benefit_cards.expires_at <= now(), false)`.as('expired'),
      'benefit_orders.status as order_status',
      'benefit_programs.name as program_name',
      'benefit_products.name as product_name',
      'organizations.name as sponsor_name',
    ])
    .where('benefit_cards.activation_code', '=', code)
    .executeTakeFirst();
  if (!card) throw new AppError('not_found', 'No card has this activation code.');
  const issued = card.order_status === 'processed';
  const live = card.status === 'pending_activation' || card.status === 'active';
  const status = live && card.expired ? 'expired' : card.status;
  return {
    programName: card.program_name,
    sponsorName: card.sponsor_name,
    productName: card.product_name,
    faceValueMinor: Number(card.face_value_minor),
    currency: card.currency,
    status: status === 'pending_activation' && !issued ? 'not_issued' : status,
    activatedAt: card.activated_at,
    expiresAt: card.expires_at,
  };
}
