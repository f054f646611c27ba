import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertSameOriginForm, pageLanguage, readForm, redirectAfterPost, sendPage } from '../../pages/http';
import { formatDate, translator, type Language } from '../../pages/i18n';
import { pageTemplates } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { consumeRateLimit } from '../../platform/rate-limit';
import {
  confirmPasswordReset,
  PASSWORD_RESET_CONFIRM_LIMIT,
  previewPasswordReset,
  type PasswordResetPreview,
} from './credentials';
import {
  ACCOUNT_FOOTER,
  accountFormView,
  DoneQuery,
  previewOrState,
  renderLinkMessage,
  submitAccountForm,
  PASSWORD_FIELDS,
  PasswordResetForm,
  type FieldErrors,
  type LinkMessage,
} from './pages/account-form';
import { PasswordResetConfirmInput, SingleUseToken } from './schemas';

const templates = pageTemplates(new URL('./pages/', import.meta.url));

/** The confirm input's field as the form names it. */
const FORM_FIELDS = { newPassword: 'password' } as const;

function tokenOf(request: FastifyRequest): string | undefined {
  const parsed = SingleUseToken.safeParse((request.params as { token?: unknown }).token);
  return parsed.success ? parsed.data : undefined;
}

function pathOf(token: string | undefined): string {
  return token ? `/password-reset/${token}` : '/password-reset';
}

/**
 * The reset services' refusals, each with its own page and the JSON API's status: an unknown link (or one of an
 * account disabled or removed since) is a 400 like `password_reset_invalid`, a used or expired one a 410.
 */
const STATE_PAGES = {
  password_reset_invalid: { status: 400, title: 'reset.unknown.title', text: 'reset.unknown.text' },
  password_reset_used: { status: 410, title: 'reset.used.title', text: 'reset.used.text' },
  password_reset_expired: { status: 410, title: 'reset.expired.title', text: 'reset.expired.text' },
} satisfies Record<string, LinkMessage>;

/** The page after the form succeeded (`?done=1`). */
const DONE: LinkMessage = { status: 200, title: 'reset.changed.title', text: 'reset.changed.text' };

function sendStatePage(
  reply: FastifyReply,
  language: Language,
  token: string | undefined,
  message: LinkMessage,
): FastifyReply {
  return sendPage(reply, message.status, renderLinkMessage(language, pathOf(token), message));
}

function sendForm(
  reply: FastifyReply,
  options: {
    status: number;
    language: Language;
    token: string;
    reset: PasswordResetPreview;
    errors?: FieldErrors;
  },
): FastifyReply {
  const { language, token, reset } = options;
  const t = translator(language);
  const form = accountFormView(t, { fields: PASSWORD_FIELDS, values: {}, errors: options.errors ?? {} });
  const view = {
    ...form,
    heading: t('reset.heading'),
    lead: t('reset.lead'),
    facts: [
      { term: t('reset.email'), detail: reset.email },
      { term: t('reset.validUntil'), detail: formatDate(language, reset.expiresAt) },
    ],
    username: reset.email,
    action: pathOf(token),
    submit: t('reset.submit'),
  };
  const frame = {
    language,
    path: pathOf(token),
    title: 'reset.title' as const,
    footer: ACCOUNT_FOOTER,
  };
  return sendPage(reply, options.status, templates.render('account-form', frame, view));
}

/**
 * The page the password-reset e-mail links to (`<PUBLIC_URL>/password-reset/<token>`): the form for the new
 * password, or the page of an expired, used or unknown link (the same rules as the confirm service).
 */
export const passwordResetPage: PageRoute = {
  method: 'GET',
  path: '/password-reset/{token}',
  summary: 'The account holder chooses a new password with the link from the reset e-mail',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      if (!token) return sendStatePage(reply, language, token, STATE_PAGES.password_reset_invalid);
      const link = await previewOrState(STATE_PAGES, previewPasswordReset(deps.db, token));
      if ('state' in link) {
        // Back from the form's 303: the link is used because this browser just used it.
        const done =
          link.state === 'password_reset_used' && DoneQuery.parse(request.query ?? {}).done === '1';
        return sendStatePage(reply, language, token, done ? DONE : STATE_PAGES[link.state]);
      }
      return sendForm(reply, { status: 200, language, token, reset: link.preview });
    });
  },
};

/**
 * The new-password form: the same service as `POST /api/auth/password-reset/confirm` (and its rate limit, one
 * budget for both). Field errors show the form again; success is a 303 to the page, which then says so.
 */
export const passwordResetConfirmPage: PageRoute = {
  method: 'POST',
  path: '/password-reset/{token}',
  summary: 'The new-password form: sets the password and signs the account out everywhere',
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      if (!token) return sendStatePage(reply, language, token, STATE_PAGES.password_reset_invalid);
      await consumeRateLimit(deps.db, {
        key: `${PASSWORD_RESET_CONFIRM_LIMIT.name}:ip:${request.ip}`,
        limit: PASSWORD_RESET_CONFIRM_LIMIT.perIp,
        windowSeconds: PASSWORD_RESET_CONFIRM_LIMIT.windowSeconds,
      });
      const form = readForm(PasswordResetForm, request.body);
      const link = await previewOrState(STATE_PAGES, previewPasswordReset(deps.db, token));
      if ('state' in link) return sendStatePage(reply, language, token, STATE_PAGES[link.state]);
      const outcome = await submitAccountForm({
        schema: PasswordResetConfirmInput,
        input: { token, newPassword: form.password },
        form,
        fields: FORM_FIELDS,
        states: STATE_PAGES,
        submit: async (input) => {
          const confirmed = await deps.db
            .transaction()
            .execute((trx) => confirmPasswordReset(trx, { input }));
          // The account's earlier tokens are refused from the next request on (as `changesAccess` does).
          deps.actors.forgetAll();
          return confirmed;
        },
      });
      if ('done' in outcome) return redirectAfterPost(reply, `${pathOf(token)}?done=1`);
      if ('state' in outcome) return sendStatePage(reply, language, token, STATE_PAGES[outcome.state]);
      return sendForm(reply, { status: 400, language, token, reset: link.preview, errors: outcome.errors });
    });
  },
};
