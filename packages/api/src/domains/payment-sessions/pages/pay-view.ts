import { z } from 'zod';
import { formatDate, formatMoney, type Language, type MessageKey, type Translate } from '../../../pages/i18n';
import type { PublicSession } from '../schemas';

/** What the PSPs send the consumer back with (`start-payment.ts` builds these return URLs); anything else is ignored. */
export const PayPageQuery = z.object({
  payment: z.enum(['success', 'cancelled', 'failed']).optional().catch(undefined),
  sent: z.literal('1').optional().catch(undefined),
});
export type PayPageQuery = z.infer<typeof PayPageQuery>;

export const StartPaymentForm = z.object({ psp: z.enum(['stripe', 'multisafepay', 'simulate']) });

/** Where the Pay form's redirect leads (the page's CSP `form-action`); the share page needs the same. */
export { pspPaymentOrigins } from '../../payments/service/available-psps';

type PayState = 'pending' | 'paid' | 'released' | 'delivered' | 'refunded';

const TITLES: Record<PayState, MessageKey> = {
  pending: 'pay.title',
  paid: 'pay.paid.title',
  released: 'pay.released.title',
  delivered: 'pay.delivered.title',
  refunded: 'pay.refunded.title',
};

function stateOf(status: PublicSession['status']): PayState {
  switch (status) {
    case 'PENDING_PAYMENT':
      return 'pending';
    case 'PAID':
      return 'paid';
    case 'RELEASED':
      return 'released';
    case 'DELIVERED':
      return 'delivered';
    default:
      return 'refunded';
  }
}

function destinationsText(t: Translate, sentTo: PublicSession['otp_sent_to']): string | null {
  if (!sentTo) return null;
  return sentTo.phone ? t('common.and', { first: sentTo.email, second: sentTo.phone }) : sentTo.email;
}

function noticeOf(
  t: Translate,
  session: PublicSession,
  query: PayPageQuery,
  destinations: string | null,
): { kind: 'ok' | 'warn' | 'bad'; text: string } | null {
  if (session.status === 'PENDING_PAYMENT') {
    if (session.last_payment_failed || query.payment === 'failed') {
      return { kind: 'bad', text: t('pay.notice.failed') };
    }
    if (query.payment === 'cancelled') return { kind: 'warn', text: t('pay.notice.cancelled') };
    if (query.payment === 'success') return { kind: 'warn', text: t('pay.notice.pending') };
  }
  if (session.status === 'PAID' && query.sent && destinations) {
    return { kind: 'ok', text: t('pay.resend.done', { destinations }) };
  }
  return null;
}

/** Everything the pay page template shows, worked out here so the template only lays it out. */
export function payPageView(
  session: PublicSession,
  options: { token: string; language: Language; t: Translate; query: PayPageQuery },
) {
  const { t, language, token } = options;
  const state = stateOf(session.status);
  const destinations = destinationsText(t, session.otp_sent_to);
  const code = session.otp_4;
  return {
    state,
    title: TITLES[state],
    merchant: session.merchant_name,
    amount: formatMoney(language, session.amount_minor, session.currency),
    // While paying, the amount shown is what is still due: a wallet part is shown beside it.
    due: formatMoney(language, session.amount_due_minor, session.currency),
    wallet: session.wallet_minor > 0 ? formatMoney(language, session.wallet_minor, session.currency) : null,
    items: session.items,
    // Grouped by three, as people read it out and type it.
    reference: session.ipay_reference_18.replace(/(\d{3})(?=\d)/g, '$1 '),
    statusText: t(`pay.status.${session.status}` as MessageKey),
    payBefore: formatDate(language, session.expires_at),
    notice: noticeOf(t, session, options.query, destinations),
    methods: session.payment_options.map((psp) => ({ psp, label: t(`pay.method.${psp}`) })),
    redirects: session.payment_options.some((psp) => psp !== 'simulate'),
    code: code ? { digits: code, spoken: code.split('').join(' ') } : null,
    destinations,
    parcel: session.parcel_status ? t(`pay.parcel.${session.parcel_status}`) : null,
    deliveredOn: session.delivered_at ? formatDate(language, session.delivered_at) : null,
    paths: {
      self: `/pay/${token}`,
      start: `/pay/${token}/start`,
      resend: `/pay/${token}/resend`,
      // The returns domain's form: offered once the parcel is paid for (its page says what is still returnable).
      returnItems: ['paid', 'released', 'delivered'].includes(state) ? `/pay/${token}/return` : null,
    },
  };
}
