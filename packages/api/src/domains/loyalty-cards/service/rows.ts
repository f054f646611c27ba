import type { DbExecutor } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { LOYALTY_CARDS_ERRORS } from '../errors';
import type { IssuedLoyaltyCard, LoyaltyCard } from '../schemas';

/** A card as the holder sees it, with the IPAY merchant's name beside a free-text store name. */
export function selectCards(db: DbExecutor) {
  return db
    .selectFrom('loyalty_cards')
    .leftJoin('organizations', 'organizations.id', 'loyalty_cards.merchant_id')
    .selectAll('loyalty_cards')
    .select('organizations.name as merchant_name');
}

export type CardRow = Awaited<ReturnType<ReturnType<typeof selectCards>['executeTakeFirstOrThrow']>>;
type TableRow = Omit<CardRow, 'merchant_name'>;

export function cardRowToCard(row: CardRow): LoyaltyCard {
  return {
    id: row.id,
    source: row.source,
    merchant: { id: row.merchant_id, name: row.merchant_name ?? row.store_name ?? '' },
    cardNumber: row.card_number,
    barcodeFormat: row.barcode_format,
    label: row.label,
    state: row.state,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function rowToIssuedCard(row: TableRow): IssuedLoyaltyCard {
  return {
    id: row.id,
    email: row.holder_email,
    cardNumber: row.card_number,
    barcodeFormat: row.barcode_format,
    label: row.label,
    state: row.state,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokeReason: row.revoke_reason,
    createdAt: row.created_at.toISOString(),
  };
}

export function cardNotFound(id: string) {
  return domainError(LOYALTY_CARDS_ERRORS, 'loyalty_card_not_found', `Loyalty card ${id} does not exist.`);
}
