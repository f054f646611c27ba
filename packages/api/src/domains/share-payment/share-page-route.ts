import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import { assertSameOriginForm, pageLanguage, readForm, redirectAfterPost, sendPage } from '../../pages/http';
import { formatDate, formatMoney, translator, type Language } from '../../pages/i18n';
import { pageTemplates, renderMessagePage } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { consumeRateLimit } from '../../platform/rate-limit';
import { Psp, type PublicSession } from '../payment-sessions/schemas';
import { getPublicSession } from '../payment-sessions/service/public-session';
import { pspPaymentOrigins } from '../payments/service/available-psps';
import { PAYER_NAME_MAX, PayerName, ShareCode } from './schemas';
import { openShareLink, payThroughShare, type OpenedShare } from './service/share-page';

const templates = pageTemplates(new URL('./pages/', import.meta.url));

// Bounded before it is judged: a longer field is refused with the same message, not read.
const ShareForm = z.object({
  psp: Psp,
  payer_name: z
    .string()
    .max(4 * PAYER_NAME_MAX)
    .default(''),
});

function sharePath(code: string): string {
  return `/s/${code}`;
}

function codeOf(request: FastifyRequest): string | undefined {
  const parsed = ShareCode.safeParse((request.params as { code?: unknown }).code);
  return parsed.success ? parsed.data : undefined;
}

function sendUnknownLink(reply: FastifyReply, language: Language, path: string): FastifyReply {
  const t = translator(language);
  const frame = { language, path, title: 'share.unknown.title' as const };
  return sendPage(reply, 404, renderMessagePage(frame, { text: t('share.unknown.text') }));
}

/** The pay page of the session says best what became of it: paid, expired, cancelled. */
function sendToPayPage(reply: FastifyReply, share: OpenedShare): FastifyReply {
  return redirectAfterPost(reply, `/pay/${share.session.payToken}`);
}

/** The share page shows what the pay page shows while payment is due, and nothing of whose parcel it is. */
function sendSharePage(
  reply: FastifyReply,
  deps: AppDeps,
  session: PublicSession,
  options: { code: string; language: Language; status: number; payerName?: string; error?: boolean },
): FastifyReply {
  const { language } = options;
  const t = translator(language);
  const view = {
    merchant: session.merchant_name,
    amount: formatMoney(language, session.amount_minor, session.currency),
    items: session.items,
    payBefore: formatDate(language, session.expires_at),
    reference: session.ipay_reference_18.replace(/(\d{3})(?=\d)/g, '$1 '),
    methods: session.payment_options.map((psp) => ({ psp, label: t(`pay.method.${psp}`) })),
    redirects: session.payment_options.some((psp) => psp !== 'simulate'),
    action: sharePath(options.code),
    payerName: options.payerName ?? '',
    nameMax: PAYER_NAME_MAX,
    error: options.error ? t('share.nameError', { max: PAYER_NAME_MAX }) : undefined,
  };
  const frame = { language, path: sharePath(options.code), title: 'share.title' as const };
  return sendPage(reply, options.status, templates.render('share', frame, view), {
    formActionOrigins: pspPaymentOrigins(session.payment_options, deps.config.payments),
  });
}

/** The share, when it can still be paid, with what its pay page shows; else the reply already sent. */
async function payableShare(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
  language: Language,
): Promise<{ code: string; share: OpenedShare; session: PublicSession } | FastifyReply> {
  const code = codeOf(request);
  if (!code) return sendUnknownLink(reply, language, '/s');
  const share = await openShareLink(deps.db, code);
  if (!share) return sendUnknownLink(reply, language, sharePath(code));
  if (!share.session.payable) return sendToPayPage(reply, share);
  try {
    const session = await getPublicSession(deps.db, {
      token: share.session.payToken,
      rootKey: deps.encryptionKey,
      config: deps.config,
    });
    return { code, share, session };
  } catch (error) {
    // Expired or cancelled between the two reads.
    if (error instanceof AppError && error.status === 404) return sendToPayPage(reply, share);
    throw error;
  }
}

/** `<PUBLIC_URL>/s/<code>`: someone the owner sent the link to sees what is due and may pay, named or not. */
export const sharePage: PageRoute = {
  method: 'GET',
  path: '/s/{code}',
  summary:
    'A shared payment: someone else sees what the pay page shows and may pay, giving their name if they like',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const found = await payableShare(request, reply, deps, language);
      if (!('share' in found)) return found;
      return sendSharePage(reply, deps, found.session, { code: found.code, language, status: 200 });
    });
  },
};

/**
 * The share page's Pay: the same budget and service as the pay page's Pay, with a payer attempt of the share
 * carrying the name given; then to the PSP's page (or, simulated, to the session's pay page).
 */
export const sharePayPage: PageRoute = {
  method: 'POST',
  path: '/s/{code}',
  summary: "The share page's Pay: records the payer's name (if given) and starts the payment",
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const language = pageLanguage(request, reply, deps);
      const form = readForm(ShareForm, request.body);
      const found = await payableShare(request, reply, deps, language);
      if (!('share' in found)) return found;
      const typed = form.payer_name.trim();
      const name = typed === '' ? null : PayerName.safeParse(typed);
      if (name && !name.success) {
        return sendSharePage(reply, deps, found.session, {
          code: found.code,
          language,
          status: 400,
          payerName: form.payer_name,
          error: true,
        });
      }
      await consumeRateLimit(deps.db, {
        key: `start-payment:ip:${request.ip}`,
        limit: 30,
        windowSeconds: 60,
      });
      try {
        const started = await payThroughShare(deps.db, deps.config, {
          share: found.share,
          psp: form.psp,
          payerName: name ? name.data : null,
        });
        return redirectAfterPost(reply, started.redirectUrl ?? `/pay/${found.share.session.payToken}`);
      } catch (error) {
        // Paid, expired or cancelled meanwhile: the pay page shows what it is now.
        if (error instanceof AppError && (error.code === 'session_not_payable' || error.status === 404)) {
          return sendToPayPage(reply, found.share);
        }
        throw error;
      }
    });
  },
};
