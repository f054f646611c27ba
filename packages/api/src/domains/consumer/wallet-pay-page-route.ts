import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { assertSameOriginForm, readCookie, readForm, redirectAfterPost } from '../../pages/http';
import type { PageRoute } from '../../platform/domain';
import { payFromWallet } from '../wallet/service/session-payments';
import { CONSUMER_COOKIE, consumerOfCookie } from './pages/session-cookie';
import { PARCELS_PATH } from './sign-in-page-route';

const WalletPayForm = z.object({
  session_id: z.uuid(),
  amount: z.coerce.number().int().min(1),
  key: z.string().regex(/^[\x21-\x7e]{1,255}$/),
});

/**
 * The parcels page's "pay from your wallet" button: the service of `POST /api/wallet/pay/{session_id}`, with the
 * form's own key as the Idempotency-Key (a second press of the same form pays once), then back to the parcels.
 * A refusal the consumer can act on (the balance or the amount due changed, the session is paid) says so there.
 */
export const consumerWalletPayPage: PageRoute = {
  method: 'POST',
  path: `${PARCELS_PATH}/wallet-pay`,
  summary: "The parcels page's wallet button: pays a parcel's session (all or part) from the wallet",
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const consumer = await consumerOfCookie(deps, readCookie(request, CONSUMER_COOKIE));
      if (!consumer) return redirectAfterPost(reply, '/consumer/sign-in');
      const form = readForm(WalletPayForm, request.body);
      try {
        const paid = await deps.db.transaction().execute((trx) =>
          payFromWallet(trx, {
            payer: consumer,
            input: { session_id: form.session_id, amount: form.amount },
            idempotencyKey: `page:${form.key}`,
          }),
        );
        return redirectAfterPost(
          reply,
          `${PARCELS_PATH}?wallet=${paid.sessionStatus === 'PAID' ? 'paid' : 'held'}`,
        );
      } catch (error) {
        if (error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 404) {
          return redirectAfterPost(reply, `${PARCELS_PATH}?wallet=failed`);
        }
        throw error;
      }
    });
  },
};
