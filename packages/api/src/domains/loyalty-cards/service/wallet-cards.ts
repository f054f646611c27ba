import type { DbExecutor, DbTransaction } from '@ipay/db';
import { sql } from 'kysely';
import type { GoogleWalletConfig } from '../../../config';
import { domainError } from '../../../errors/domain-codes';
import { fetchPage, type Page } from '../../../platform/pagination';
import { normaliseCardNumber } from '../card-numbers';
import { LOYALTY_CARDS_ERRORS } from '../errors';
import type {
  AddLoyaltyCardInput,
  BarcodeFormat,
  LoyaltyCard,
  LoyaltyCardDetail,
  RemovedLoyaltyCard,
  UpdateLoyaltyCardInput,
} from '../schemas';
import type { PageInput } from '../../../platform/pagination-schemas';
import { cardNotFound, cardRowToCard, selectCards } from './rows';
import { googleWalletLink } from './google-wallet';

/** Every query here is scoped to the signed-in consumer's address: `holder` is theirs, never a caller's input. */
interface HolderRequest {
  holder: string;
}

function checkedNumber(format: BarcodeFormat, raw: string): string {
  const checked = normaliseCardNumber(format, raw);
  if (!checked.ok) {
    throw domainError(LOYALTY_CARDS_ERRORS, 'card_number_invalid', `cardNumber: ${checked.message}`, {
      errors: [{ field: 'cardNumber', message: checked.message, code: 'card_number_invalid' }],
    });
  }
  return checked.value;
}

function visibleCards(db: DbExecutor, holder: string) {
  return selectCards(db)
    .where('loyalty_cards.holder_email', '=', holder)
    .where('loyalty_cards.removed_by_holder_at', 'is', null);
}

async function findVisibleCard(db: DbExecutor, holder: string, id: string): Promise<LoyaltyCard> {
  const row = await visibleCards(db, holder).where('loyalty_cards.id', '=', id).executeTakeFirst();
  if (!row) throw cardNotFound(id);
  return cardRowToCard(row);
}

/** My cards, newest first: the ones I saved and the ones merchants issued to my address (revoked ones too). */
export async function listWalletCards(
  db: DbExecutor,
  request: HolderRequest & { page: PageInput },
): Promise<Page<LoyaltyCard>> {
  const page = await fetchPage(visibleCards(db, request.holder), request.page, {
    orderBy: ['loyalty_cards.created_at', 'loyalty_cards.id'],
    direction: 'desc',
  });
  return { items: page.items.map(cardRowToCard), nextCursor: page.nextCursor };
}

export async function getWalletCard(
  db: DbExecutor,
  request: HolderRequest & { id: string; googleWallet: GoogleWalletConfig | undefined },
): Promise<LoyaltyCardDetail> {
  const card = await findVisibleCard(db, request.holder, request.id);
  return { ...card, googleWallet: googleWalletLink(request.googleWallet, card, request.holder) };
}

async function assertMerchant(trx: DbTransaction, merchantId: string): Promise<void> {
  const merchant = await trx
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', merchantId)
    .where('type', '=', 'merchant')
    .executeTakeFirst();
  if (!merchant) {
    throw domainError(
      LOYALTY_CARDS_ERRORS,
      'merchant_unknown',
      `merchantId: ${merchantId} is no IPAY merchant.`,
      {
        errors: [{ field: 'merchantId', message: 'is no IPAY merchant', code: 'merchant_unknown' }],
      },
    );
  }
}

/**
 * Keeps a store's card in my wallet. The same store (merchant id, or store name in any case) and number is one
 * card: adding it again returns the card already there, unchanged, so a retried request cannot add a second one.
 * A card I removed is brought back.
 */
export async function addWalletCard(
  trx: DbTransaction,
  request: HolderRequest & { input: AddLoyaltyCardInput },
): Promise<LoyaltyCard> {
  const { input, holder } = request;
  const cardNumber = checkedNumber(input.barcodeFormat, input.cardNumber);
  if (input.merchantId) await assertMerchant(trx, input.merchantId);
  const inserted = await trx
    .insertInto('loyalty_cards')
    .values({
      holder_email: holder,
      source: 'saved',
      merchant_id: input.merchantId ?? null,
      store_name: input.merchantId ? null : (input.storeName ?? null),
      card_number: cardNumber,
      barcode_format: input.barcodeFormat,
      label: input.label ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return findVisibleCard(trx, holder, inserted.id);
  const storeKey = input.merchantId ?? `store:${(input.storeName ?? '').toLowerCase()}`;
  const existing = await trx
    .updateTable('loyalty_cards')
    .set({ removed_by_holder_at: null })
    .where('holder_email', '=', holder)
    .where('card_number', '=', cardNumber)
    .where(sql<string>`coalesce(merchant_id::text, 'store:' || lower(store_name))`, '=', storeKey)
    .returning('id')
    .executeTakeFirst();
  if (!existing) throw new Error('loyalty card neither inserted nor found');
  return findVisibleCard(trx, holder, existing.id);
}

export async function updateWalletCard(
  trx: DbTransaction,
  request: HolderRequest & { input: UpdateLoyaltyCardInput },
): Promise<LoyaltyCard> {
  const { input, holder } = request;
  const card = await findVisibleCard(trx, holder, input.id);
  let cardNumber: string | undefined;
  if (input.cardNumber !== undefined) {
    cardNumber = checkedNumber(card.barcodeFormat, input.cardNumber);
    if (card.source === 'issued' && cardNumber !== card.cardNumber) {
      throw domainError(
        LOYALTY_CARDS_ERRORS,
        'issued_card_number_fixed',
        'cardNumber: an issued card’s number is the merchant’s; change its label only.',
        { errors: [{ field: 'cardNumber', message: 'cannot be changed', code: 'issued_card_number_fixed' }] },
      );
    }
  }
  if (input.label === undefined && (cardNumber === undefined || cardNumber === card.cardNumber)) return card;
  try {
    await trx
      .updateTable('loyalty_cards')
      .set({
        ...(input.label !== undefined ? { label: input.label } : {}),
        ...(cardNumber !== undefined ? { card_number: cardNumber } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', card.id)
      .execute();
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    throw domainError(
      LOYALTY_CARDS_ERRORS,
      'card_number_taken',
      'cardNumber: your wallet already holds this store’s card with that number.',
      { errors: [{ field: 'cardNumber', message: 'is already in your wallet', code: 'card_number_taken' }] },
    );
  }
  return findVisibleCard(trx, holder, card.id);
}

/**
 * Takes a card out of my wallet. A saved card is deleted; an issued one is only hidden from me, because it is
 * still the merchant's record (it lists and may revoke it).
 */
export async function removeWalletCard(
  trx: DbTransaction,
  request: HolderRequest & { id: string },
): Promise<RemovedLoyaltyCard> {
  const card = await findVisibleCard(trx, request.holder, request.id);
  if (card.source === 'saved') {
    await trx.deleteFrom('loyalty_cards').where('id', '=', card.id).execute();
  } else {
    await trx
      .updateTable('loyalty_cards')
      .set({ removed_by_holder_at: new Date(), updated_at: new Date() })
      .where('id', '=', card.id)
      .execute();
  }
  return { id: card.id, removed: true };
}
