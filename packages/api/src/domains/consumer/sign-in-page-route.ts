import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import {
  appendCookie,
  assertSameOriginForm,
  pageLanguage,
  readCookie,
  readForm,
  redirectAfterPost,
  sendPage,
} from '../../pages/http';
import { translator, type Language } from '../../pages/i18n';
import { pageTemplates } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { consumeRateLimit } from '../../platform/rate-limit';
import {
  clearedConsumerCookie,
  CONSUMER_COOKIE,
  consumerCookie,
  consumerOfCookie,
} from './pages/session-cookie';
import { ConsumerEmail, MagicLinkToken } from './schemas';
import {
  MAGIC_LINK_REDEEM_LIMIT,
  MAGIC_LINK_TTL_MINUTES,
  magicLinkUsable,
  redeemMagicLink,
  requestMagicLink,
  signOutConsumer,
} from './service';

const templates = pageTemplates(new URL('./pages/', import.meta.url));

const SIGN_IN_PATH = '/consumer/sign-in';
export const PARCELS_PATH = '/consumer/parcels';

const SignInQuery = z.object({ sent: z.string().optional(), signed_out: z.string().optional() });
const SignInForm = z.object({ email: z.string().max(320).default('') });

function sendSignIn(
  reply: FastifyReply,
  options: { status: number; language: Language; email?: string; error?: boolean; notice?: string },
): FastifyReply {
  const t = translator(options.language);
  const view = {
    email: options.email ?? '',
    error: options.error ? t('consumer.signIn.emailError') : undefined,
    notice: options.notice,
  };
  const frame = { language: options.language, path: SIGN_IN_PATH, title: 'consumer.signIn.title' as const };
  return sendPage(reply, options.status, templates.render('sign-in', frame, view));
}

function sendInvalidLink(reply: FastifyReply, language: Language, path: string): FastifyReply {
  const frame = { language, path, title: 'consumer.confirm.invalid.title' as const };
  return sendPage(reply, 400, templates.render('invalid-link', frame, { minutes: MAGIC_LINK_TTL_MINUTES }));
}

function tokenOf(request: FastifyRequest): string | undefined {
  const parsed = MagicLinkToken.safeParse((request.params as { token?: unknown }).token);
  return parsed.success ? parsed.data : undefined;
}

/** Where a person asks for a sign-in link (and lands after signing out, or on the parcels page signed out). */
export const consumerSignInPage: PageRoute = {
  method: 'GET',
  path: SIGN_IN_PATH,
  summary: 'A consumer asks for a sign-in link by e-mail',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const query = SignInQuery.parse(request.query ?? {});
      const t = translator(language);
      const notice = query.sent
        ? t('consumer.signIn.sent', { minutes: MAGIC_LINK_TTL_MINUTES })
        : query.signed_out
          ? t('consumer.signIn.signedOut')
          : undefined;
      return sendSignIn(reply, { status: 200, language, notice });
    });
  },
};

/** The e-mail form: the service of `POST /api/consumer/magic-link/request`, its answer and its limits. */
export const consumerSignInRequestPage: PageRoute = {
  method: 'POST',
  path: SIGN_IN_PATH,
  summary: 'The sign-in form: mails a single-use link to the address',
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const language = pageLanguage(request, reply, deps);
      const form = readForm(SignInForm, request.body);
      const email = ConsumerEmail.safeParse(form.email.trim());
      if (!email.success) {
        return sendSignIn(reply, { status: 400, language, email: form.email, error: true });
      }
      await requestMagicLink(deps.db, {
        clientIp: request.ip,
        publicUrl: deps.config.publicUrl,
        input: { email: email.data, language },
      });
      return redirectAfterPost(reply, `${SIGN_IN_PATH}?sent=1`);
    });
  },
};

/**
 * The page the e-mail links to. Opening it changes nothing (mail scanners open every link): it asks the person
 * to confirm, and only the confirmation (the form's POST, or the API's redeem) uses the link.
 */
export const consumerConfirmPage: PageRoute = {
  method: 'GET',
  path: `${SIGN_IN_PATH}/{token}`,
  summary: 'The link from the sign-in e-mail: asks the person to confirm signing in',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      const path = token ? `${SIGN_IN_PATH}/${token}` : SIGN_IN_PATH;
      if (!token || !(await magicLinkUsable(deps.db, token))) return sendInvalidLink(reply, language, path);
      const frame = { language, path, title: 'consumer.confirm.title' as const };
      return sendPage(reply, 200, templates.render('confirm', frame, { action: path }));
    });
  },
};

/** The confirmation: redeems the link (one budget with the API's redeem), keeps the session in a cookie. */
export const consumerConfirmSubmitPage: PageRoute = {
  method: 'POST',
  path: `${SIGN_IN_PATH}/{token}`,
  summary: 'Confirms signing in: uses the link and opens the parcels list',
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      const path = token ? `${SIGN_IN_PATH}/${token}` : SIGN_IN_PATH;
      if (!token) return sendInvalidLink(reply, language, path);
      await consumeRateLimit(deps.db, {
        key: `${MAGIC_LINK_REDEEM_LIMIT.name}:ip:${request.ip}`,
        limit: MAGIC_LINK_REDEEM_LIMIT.perIp,
        windowSeconds: MAGIC_LINK_REDEEM_LIMIT.windowSeconds,
      });
      const session = await redeem(deps, token, language);
      if (!session) return sendInvalidLink(reply, language, path);
      appendCookie(reply, consumerCookie(deps, session.token));
      return redirectAfterPost(reply, PARCELS_PATH);
    });
  },
};

async function redeem(deps: AppDeps, token: string, language: Language) {
  try {
    return await deps.db
      .transaction()
      .execute((trx) => redeemMagicLink(trx, { keyring: deps.keyring, input: { token }, language }));
  } catch (error) {
    if (error instanceof AppError && error.code === 'magic_link_invalid') return undefined;
    throw error;
  }
}

/** The sign-out button of the parcels page: ends this session (as `POST /api/consumer/sign-out`) and the cookie. */
export const consumerSignOutPage: PageRoute = {
  method: 'POST',
  path: '/consumer/sign-out',
  summary: "Signs the consumer's browser out",
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const consumer = await consumerOfCookie(deps, readCookie(request, CONSUMER_COOKIE));
      if (consumer) await signOutConsumer(deps.db, consumer);
      appendCookie(reply, clearedConsumerCookie(deps));
      return redirectAfterPost(reply, `${SIGN_IN_PATH}?signed_out=1`);
    });
  },
};
