import type { DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { scopeFilter } from '../../../platform/data-scope';
import { fetchPage, type Page } from '../../../platform/pagination';
import type { Actor } from '../../auth/service';
import { recordDomainEvent } from '../../events/service';
import type { DataScope } from '../../rbac/catalogue';
import { newIpayCardNumber } from '../card-numbers';
import { LOYALTY_CARDS_ERRORS } from '../errors';
import type {
  IssuedLoyaltyCard,
  IssueLoyaltyCardInput,
  IssueResult,
  ListIssuedCardsInput,
  RevokeLoyaltyCardInput,
} from '../schemas';
import { cardNotFound, rowToIssuedCard } from './rows';

interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

/** A fresh number colliding with an issued one is a one-in-10^14 event; a few tries are plenty. */
const NUMBER_ATTEMPTS = 5;

function issuerOf(actor: Actor): string {
  if (actor.organizationType !== 'merchant') {
    throw domainError(
      LOYALTY_CARDS_ERRORS,
      'issuer_not_merchant',
      'Loyalty cards are issued by merchant users, for their own organization.',
    );
  }
  return actor.organizationId;
}

function activeCardOf(trx: DbTransaction, merchantId: string, email: string) {
  return trx
    .selectFrom('loyalty_cards')
    .selectAll()
    .where('source', '=', 'issued')
    .where('state', '=', 'active')
    .where('merchant_id', '=', merchantId)
    .where('holder_email', '=', email)
    .executeTakeFirst();
}

async function issueOne(
  trx: DbTransaction,
  actor: Actor,
  merchantId: string,
  input: IssueLoyaltyCardInput,
): Promise<IssueResult> {
  for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt += 1) {
    const existing = await activeCardOf(trx, merchantId, input.email);
    if (existing) return { created: false, card: rowToIssuedCard(existing) };
    // Either unique index may refuse the row: the address got its card from a concurrent request (found above on
    // the next turn), or the number is taken (a new one is drawn).
    const row = await trx
      .insertInto('loyalty_cards')
      .values({
        holder_email: input.email,
        source: 'issued',
        merchant_id: merchantId,
        card_number: newIpayCardNumber(),
        barcode_format: 'code128',
        label: input.label ?? null,
        issued_by: actor.userId,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) continue;
    await recordDomainEvent(trx, {
      type: 'loyalty_card.issued',
      resourceType: 'loyalty_card',
      resourceId: row.id,
      organizationId: merchantId,
      actorUserId: actor.userId,
      data: { cardId: row.id, cardNumber: row.card_number, email: row.holder_email, label: row.label },
    });
    return { created: true, card: rowToIssuedCard(row) };
  }
  throw new Error('no free loyalty card number after several attempts');
}

/**
 * Issues IPAY loyalty cards to the merchant's customers by address, in the order given. An address that already
 * holds an active card of this merchant gets that card back (`created: false`), so a retried batch issues
 * nothing twice. The card waits on the address and appears in the holder's wallet when they sign in.
 */
export async function issueLoyaltyCards(
  trx: DbTransaction,
  request: { actor: Actor; cards: IssueLoyaltyCardInput[] },
): Promise<IssueResult[]> {
  const merchantId = issuerOf(request.actor);
  const results: IssueResult[] = [];
  for (const input of request.cards) results.push(await issueOne(trx, request.actor, merchantId, input));
  return results;
}

export async function listIssuedCards(
  db: DbExecutor,
  request: ScopedRequest & { input: ListIssuedCardsInput },
): Promise<Page<IssuedLoyaltyCard>> {
  const { input } = request;
  let query = db
    .selectFrom('loyalty_cards')
    .selectAll('loyalty_cards')
    .where('loyalty_cards.source', '=', 'issued')
    .where(scopeFilter(request.scope, request.actor, { organization: 'loyalty_cards.merchant_id' }));
  if (input.state) query = query.where('loyalty_cards.state', '=', input.state);
  if (input.email) query = query.where('loyalty_cards.holder_email', '=', input.email);
  const page = await fetchPage(query, input, {
    orderBy: ['loyalty_cards.created_at', 'loyalty_cards.id'],
    direction: 'desc',
  });
  return { items: page.items.map(rowToIssuedCard), nextCursor: page.nextCursor };
}

/** Revokes a card the caller's organization issued; revoking it again returns it as it is, with no new event. */
export async function revokeIssuedCard(
  trx: DbTransaction,
  request: ScopedRequest & { input: RevokeLoyaltyCardInput },
): Promise<IssuedLoyaltyCard> {
  const { input } = request;
  const card = await trx
    .selectFrom('loyalty_cards')
    .selectAll()
    .where('id', '=', input.id)
    .where('source', '=', 'issued')
    .where(scopeFilter(request.scope, request.actor, { organization: 'loyalty_cards.merchant_id' }))
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!card) throw cardNotFound(input.id);
  if (card.state === 'revoked') return rowToIssuedCard(card);
  const now = new Date();
  const row = await trx
    .updateTable('loyalty_cards')
    .set({ state: 'revoked', revoked_at: now, revoke_reason: input.reason ?? null, updated_at: now })
    .where('id', '=', card.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordDomainEvent(trx, {
    type: 'loyalty_card.revoked',
    resourceType: 'loyalty_card',
    resourceId: row.id,
    organizationId: row.merchant_id,
    actorUserId: request.actor.userId,
    data: { cardId: row.id, cardNumber: row.card_number, email: row.holder_email, reason: row.revoke_reason },
  });
  return rowToIssuedCard(row);
}
