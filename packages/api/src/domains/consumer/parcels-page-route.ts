import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { pageLanguage, readCookie, redirectAfterPost, sendPage } from '../../pages/http';
import { formatDate, formatMoney, translator } from '../../pages/i18n';
import { pageTemplates } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { PageInput } from '../../platform/pagination-schemas';
import { getWalletBalance } from '../wallet/service/balance';
import { CONSUMER_COOKIE, consumerOfCookie } from './pages/session-cookie';
import { lockerView } from '../lockers/service/locker-view';
import { listConsumerParcels } from './service';
import { PARCELS_PATH } from './sign-in-page-route';

const templates = pageTemplates(new URL('./pages/', import.meta.url));
const PAGE_SIZE = 20;
// Parcels whose items may go back: the return form (returns domain) says what is still returnable.
const RETURNABLE_PARCELS: readonly string[] = ['paid', 'in_delivery', 'delivered'];

const ParcelsQuery = z.object({
  cursor: PageInput.shape.cursor,
  wallet: z.enum(['paid', 'held', 'failed']).optional().catch(undefined),
});

/**
 * What the wallet can pay of a parcel due: all of it, or what the wallet has when that is less. Not offered once
 * the wallet holds a part (less is due than the order's total): one wallet part per session.
 */
function walletOffer(
  available: number,
  parcel: { amount_minor: number; amount_due_minor: number | null },
): { amount: number; partial: boolean } | null {
  const due = parcel.amount_due_minor;
  if (due === null || due <= 0 || due < parcel.amount_minor || available <= 0) return null;
  return { amount: Math.min(available, due), partial: available < due };
}

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
      const walletNotice = query.success ? query.data.wallet : undefined;
      const page = await listConsumerParcels(deps.db, {
        consumer,
        publicUrl: deps.config.publicUrl,
        page: { limit: PAGE_SIZE, cursor },
        encryptionKey: deps.encryptionKey,
      });
      const wallet = await getWalletBalance(deps.db, { email: consumer.email, page: { limit: 1 } });
      const available = (currency: string) =>
        wallet.balances.find((balance) => balance.currency === currency)?.availableMinor ?? 0;
      const t = translator(language);
      const view = {
        email: consumer.email,
        walletNotice: walletNotice
          ? {
              kind: walletNotice === 'failed' ? 'bad' : 'ok',
              text: t(`consumer.parcels.wallet.${walletNotice}`),
            }
          : null,
        parcels: page.items.map((parcel) => {
          const offer = parcel.session_id ? walletOffer(available(parcel.currency), parcel) : null;
          const offerAmount = offer ? formatMoney(language, offer.amount, parcel.currency) : '';
          return {
            id: parcel.id,
            merchant: parcel.merchant_name,
            status: t(`consumer.parcels.status.${parcel.status}`),
            amount: formatMoney(language, parcel.amount_minor, parcel.currency),
            reference: parcel.merchant_reference,
            ordered: formatDate(language, parcel.ordered_at),
            paidBy: parcel.paid_by?.label ?? null,
            locker: lockerView(parcel.locker, t, language),
            payUrl: parcel.pay_url,
            returnUrl:
              parcel.session_id && RETURNABLE_PARCELS.includes(parcel.status)
                ? `${PARCELS_PATH}/${parcel.session_id}/return`
                : null,
            // The pay link asks only what is left after a wallet part.
            payAmount: formatMoney(language, parcel.amount_due_minor ?? parcel.amount_minor, parcel.currency),
            // A fresh Idempotency-Key per rendered form: pressing its button twice pays once.
            wallet: offer && {
              sessionId: parcel.session_id,
              amount: offer.amount,
              key: randomUUID(),
              label: t(offer.partial ? 'consumer.parcels.wallet.part' : 'consumer.parcels.wallet.all', {
                amount: offerAmount,
              }),
            },
          };
        }),
        older: page.nextCursor ? `${PARCELS_PATH}?cursor=${encodeURIComponent(page.nextCursor)}` : undefined,
        newest: cursor ? PARCELS_PATH : undefined,
      };
      const frame = { language, path: PARCELS_PATH, title: 'consumer.parcels.title' as const };
      return sendPage(reply, 200, templates.render('parcels', frame, view));
    });
  },
};
