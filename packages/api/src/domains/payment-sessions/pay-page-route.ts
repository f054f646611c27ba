import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import {
  appendCookie,
  assertSameOriginForm,
  cookieHeader,
  pageLanguage,
  readForm,
  redirectAfterPost,
  sendPage,
} from '../../pages/http';
import { translator, type Language } from '../../pages/i18n';
import { pageTemplates, renderMessagePage } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { consumeRateLimit } from '../../platform/rate-limit';
import { startPayment } from '../payments/service/start-payment';
import { PayPageQuery, payPageView, pspPaymentOrigins, StartPaymentForm } from './pages/pay-view';
import {
  newPayerAttempt,
  PAYER_COOKIE,
  PAYER_COOKIE_MAX_AGE_SECONDS,
  payerCookiePaths,
} from './payer-cookie';
import { PayTokenInput } from './schemas';
import { resendDoorCode } from './service/resend-door-code';
import { endedPayLink, getPublicSession } from './service/public-session';
import { payPageLocker } from './service/pay-page-locker';
import { lockerView } from '../lockers/service/locker-view';

const templates = pageTemplates(new URL('./pages/', import.meta.url));

/** The pay link's token, or undefined for one that cannot be a token (then the page is the unknown-link 404). */
function tokenOf(request: FastifyRequest): string | undefined {
  const parsed = PayTokenInput.safeParse(request.params);
  return parsed.success ? parsed.data.token : undefined;
}

function isNotFound(error: unknown): boolean {
  return error instanceof AppError && error.status === 404;
}

/** Expired and cancelled links are 410 Gone with their own page; a link never issued is a 404. */
async function sendUnusableLink(
  reply: FastifyReply,
  deps: AppDeps,
  token: string | undefined,
  language: Language,
): Promise<FastifyReply> {
  const t = translator(language);
  const ended = token ? await endedPayLink(deps.db, token) : undefined;
  const path = token ? `/pay/${token}` : '/pay';
  if (ended?.status === 'EXPIRED') {
    const frame = { language, path, title: 'pay.expired.title' as const };
    return sendPage(
      reply,
      410,
      renderMessagePage(frame, { text: t('pay.expired.text', { merchant: ended.merchantName }) }),
    );
  }
  if (ended?.status === 'CANCELLED') {
    const frame = { language, path, title: 'pay.cancelled.title' as const };
    return sendPage(
      reply,
      410,
      renderMessagePage(frame, { text: t('pay.cancelled.text', { merchant: ended.merchantName }) }),
    );
  }
  const frame = { language, path, title: 'pay.unknown.title' as const };
  return sendPage(reply, 404, renderMessagePage(frame, { text: t('pay.unknown.text') }));
}

/** The page the QR code and the SMS lead to: what is paid for, how to pay, and once paid the door code. */
export const payPage: PageRoute = {
  method: 'GET',
  path: '/pay/{token}',
  summary: 'The consumer pays, then sees the door code (only in the browser that paid) or where it was sent',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      if (!token) return sendUnusableLink(reply, deps, undefined, language);
      let session;
      try {
        session = await getPublicSession(deps.db, {
          token,
          rootKey: deps.encryptionKey,
          config: deps.config,
          cookieHeader: request.headers.cookie,
        });
      } catch (error) {
        if (isNotFound(error)) return sendUnusableLink(reply, deps, token, language);
        throw error;
      }
      const t = translator(language);
      const query = PayPageQuery.parse(request.query ?? {});
      const locker = await payPageLocker(deps.db, {
        token,
        cookieHeader: request.headers.cookie,
        encryptionKey: deps.encryptionKey,
      });
      const view = {
        ...payPageView(session, { token, language, t, query }),
        locker: lockerView(locker, t, language),
      };
      const html = templates.render('pay', { language, path: `/pay/${token}`, title: view.title }, view);
      return sendPage(reply, 200, html, {
        formActionOrigins: pspPaymentOrigins(session.payment_options, deps.config.payments),
      });
    });
  },
};

/**
 * The Pay button: the same service as `POST /api/session/{token}/start-payment`, then a 303 to the PSP's page
 * (or back to the pay page when simulated). This browser is the one that pays: it gets the payer cookie.
 */
export const payStartPage: PageRoute = {
  method: 'POST',
  path: '/pay/{token}/start',
  summary: 'The Pay button: starts the payment with the chosen PSP and redirects to its payment page',
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const token = tokenOf(request);
      if (!token) return sendUnusableLink(reply, deps, undefined, pageLanguage(request, reply, deps));
      const { psp } = readForm(StartPaymentForm, request.body);
      // The same budget as the JSON endpoint: one client address cannot start more by switching transport.
      await consumeRateLimit(deps.db, {
        key: `start-payment:ip:${request.ip}`,
        limit: 30,
        windowSeconds: 60,
      });
      const attempt = newPayerAttempt();
      let started;
      try {
        started = await startPayment(deps.db, deps.config, { token, psp }, { attemptHash: attempt.hash });
      } catch (error) {
        if (isNotFound(error))
          return sendUnusableLink(reply, deps, token, pageLanguage(request, reply, deps));
        // Paid meanwhile (another tab, a late webhook): the page shows what it is now.
        if (error instanceof AppError && error.code === 'session_not_payable') {
          return redirectAfterPost(reply, `/pay/${token}`);
        }
        throw error;
      }
      for (const path of payerCookiePaths(token)) {
        appendCookie(
          reply,
          cookieHeader(deps, PAYER_COOKIE, attempt.cookie, {
            path,
            maxAgeSeconds: PAYER_COOKIE_MAX_AGE_SECONDS,
          }),
        );
      }
      return redirectAfterPost(reply, started.redirect_url ?? `/pay/${token}`);
    });
  },
};

/** "Send the code again": to the same addresses only, a few times an hour per session. */
export const payResendPage: PageRoute = {
  method: 'POST',
  path: '/pay/{token}/resend',
  summary: 'Sends the door code again to the e-mail address (and phone) it went to',
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      if (!token) return sendUnusableLink(reply, deps, undefined, language);
      try {
        await resendDoorCode(deps.db, {
          token,
          language,
          rootKey: deps.encryptionKey,
          publicUrl: deps.config.publicUrl,
          smsConfigured: deps.config.sms !== undefined,
        });
      } catch (error) {
        if (isNotFound(error)) return sendUnusableLink(reply, deps, token, language);
        // Released or refunded meanwhile: the page says so.
        if (error instanceof AppError && error.kind === 'conflict')
          return redirectAfterPost(reply, `/pay/${token}`);
        throw error;
      }
      return redirectAfterPost(reply, `/pay/${token}?sent=1`);
    });
  },
};
