import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { fetchPage } from '../../../platform/pagination';
import type { PageInput } from '../../../platform/pagination-schemas';
import { toTimestamp } from '../../../platform/time';
import { merchantNames } from '../../auth/service/merchant-names';
import { purchaseHistoryForEmail } from '../../payment-sessions/service/consumer-history';
import { FEED_PLACEMENTS, type FeedPage } from '../schemas';

/**
 * The signed-in consumer's deals: live at `now` (started, not ended, not retired), targeted to them, ordered by
 * their own history. Placement (`tier`): 0 deals of merchants they bought from, ranked by that merchant's
 * position in their history (latest paid order first, then most paid orders, then merchant id); 1 deals whose
 * targeting they match (their orders' delivery countries, or merchants they bought from for platform deals);
 * 2 deals for everyone. Within a placement and merchant: ending soonest first, then id. Every key ascends, so one
 * keyset cursor pages through it; the ranks are recomputed on each page from the history as it is then.
 */
export async function listDealsFeed(
  db: DbExecutor,
  request: { consumer: { email: string }; page: PageInput; now: Date },
): Promise<FeedPage> {
  const { now } = request;
  const history = await purchaseHistoryForEmail(db, { email: request.consumer.email });
  const boughtFrom = sql.val(history.merchants.map((merchant) => merchant.merchantId));
  const countries = sql.val(history.countries);
  const live = db
    .selectFrom('deals')
    .select([
      'deals.id',
      'deals.merchant_id',
      'deals.title',
      'deals.description',
      'deals.image_url',
      'deals.link_url',
      'deals.code',
      'deals.starts_at',
      'deals.ends_at',
      sql<number>`case
        when deals.merchant_id = any(${boughtFrom}::uuid[]) then 0
        when cardinality(deals.target_countries) > 0 or cardinality(deals.target_merchant_ids) > 0 then 1
        else 2 end`.as('tier'),
      sql<number>`coalesce(array_position(${boughtFrom}::uuid[], deals.merchant_id), 0)`.as('merchant_rank'),
    ])
    .where('deals.retired_at', 'is', null)
    .where('deals.starts_at', '<=', now)
    .where('deals.ends_at', '>', now)
    .where(
      sql<boolean>`(cardinality(deals.target_countries) = 0 or deals.target_countries && ${countries}::text[])`,
    )
    .where(
      sql<boolean>`(cardinality(deals.target_merchant_ids) = 0 or deals.target_merchant_ids && ${boughtFrom}::uuid[])`,
    )
    .as('feed');
  const page = await fetchPage(db.selectFrom(live).selectAll(), request.page, {
    orderBy: ['feed.tier', 'feed.merchant_rank', 'feed.ends_at', 'feed.id'],
  });
  const names = await merchantNames(
    db,
    page.items.flatMap((deal) => (deal.merchant_id ? [deal.merchant_id] : [])),
  );
  return {
    items: page.items.map((deal) => ({
      id: deal.id,
      title: deal.title,
      description: deal.description,
      image_url: deal.image_url,
      link_url: deal.link_url,
      code: deal.code,
      starts_at: toTimestamp(deal.starts_at),
      ends_at: toTimestamp(deal.ends_at),
      merchant: deal.merchant_id ? { id: deal.merchant_id, name: names.get(deal.merchant_id) ?? '' } : null,
      placement: FEED_PLACEMENTS[deal.tier] ?? 'everyone',
    })),
    nextCursor: page.nextCursor,
  };
}
