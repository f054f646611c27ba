import { z } from 'zod';
import { pageLanguage, readCookie, redirectAfterPost, sendPage } from '../../pages/http';
import { formatDate, formatMoney, translator } from '../../pages/i18n';
import { pageTemplates } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { PageInput } from '../../platform/pagination-schemas';
import { CONSUMER_COOKIE, consumerOfCookie } from './pages/session-cookie';
import { listConsumerParcels } from './service';
import { PARCELS_PATH } from './sign-in-page-route';

const templates = pageTemplates(new URL('./pages/', import.meta.url));
const PAGE_SIZE = 20;

const ParcelsQuery = z.object({ cursor: PageInput.shape.cursor });

/**
 * The signed-in consumer's parcels, newest first, 20 a page: the service of `GET /api/consumer/parcels`, shown
 * with the pay link where payment is due. Without a live session (no cookie, signed out, expired) it sends the
 * browser to the sign-in page.
 */
export const consumerParcelsPage: PageRoute = {
  method: 'GET',
  path: PARCELS_PATH,
  summary: "The signed-in consumer's parcels, with the pay link where payment is due",
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const consumer = await consumerOfCookie(deps, readCookie(request, CONSUMER_COOKIE));
      if (!consumer) return redirectAfterPost(reply, '/consumer/sign-in');
      const query = ParcelsQuery.safeParse(request.query ?? {});
      const cursor = query.success ? query.data.cursor : undefined;
      const page = await listConsumerParcels(deps.db, {
        consumer,
        publicUrl: deps.config.publicUrl,
        page: { limit: PAGE_SIZE, cursor },
        encryptionKey: deps.encryptionKey,
      });
      const t = translator(language);
      const view = {
        email: consumer.email,
        parcels: page.items.map((parcel) => ({
          id: parcel.id,
          merchant: parcel.merchant_name,
          status: t(`consumer.parcels.status.${parcel.status}`),
          amount: formatMoney(language, parcel.amount_minor, parcel.currency),
          reference: parcel.merchant_reference,
          ordered: formatDate(language, parcel.ordered_at),
          payUrl: parcel.pay_url,
        })),
        older: page.nextCursor ? `${PARCELS_PATH}?cursor=${encodeURIComponent(page.nextCursor)}` : undefined,
        newest: cursor ? PARCELS_PATH : undefined,
      };
      const frame = { language, path: PARCELS_PATH, title: 'consumer.parcels.title' as const };
      return sendPage(reply, 200, templates.render('parcels', frame, view));
    });
  },
};
