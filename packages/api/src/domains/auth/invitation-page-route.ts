import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertSameOriginForm, pageLanguage, readForm, redirectAfterPost, sendPage } from '../../pages/http';
import { formatDate, translator, type Language } from '../../pages/i18n';
import { pageTemplates } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { consumeRateLimit } from '../../platform/rate-limit';
import { acceptInvitation, INVITATION_ACCEPT_LIMIT, previewInvitation } from './members/invitations';
import { AcceptInvitationInput, InvitationTokenInput, type InvitationPreview } from './members/schemas';
import {
  ACCOUNT_FOOTER,
  accountFormView,
  DoneQuery,
  previewOrState,
  renderLinkMessage,
  submitAccountForm,
  InvitationForm,
  NAME_FIELD,
  PASSWORD_FIELDS,
  type FieldErrors,
  type LinkMessage,
} from './pages/account-form';

const templates = pageTemplates(new URL('./pages/', import.meta.url));

/** The accept input's fields as the form names them. */
const FORM_FIELDS = { name: 'name', password: 'password' } as const;

function tokenOf(request: FastifyRequest): string | undefined {
  const parsed = InvitationTokenInput.safeParse(request.params);
  return parsed.success ? parsed.data.token : undefined;
}

function pathOf(token: string | undefined): string {
  return token ? `/invitations/${token}` : '/invitations';
}

/** The invitation services' refusals, each with its own page: the status is the JSON API's. */
const STATE_PAGES = {
  not_found: { status: 404, title: 'invitation.unknown.title', text: 'invitation.unknown.text' },
  invitation_expired: { status: 410, title: 'invitation.expired.title', text: 'invitation.expired.text' },
  invitation_used: { status: 410, title: 'invitation.used.title', text: 'invitation.used.text' },
  invitation_revoked: { status: 410, title: 'invitation.revoked.title', text: 'invitation.revoked.text' },
  // The address got an account some other way after the invitation was sent.
  email_taken: { status: 409, title: 'invitation.emailTaken.title', text: 'invitation.emailTaken.text' },
} satisfies Record<string, LinkMessage>;

/** The page after the form succeeded (`?done=1`). */
const DONE: LinkMessage = {
  status: 200,
  title: 'invitation.accepted.title',
  text: 'invitation.accepted.text',
};

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
    invitation: InvitationPreview;
    name?: string;
    errors?: FieldErrors;
  },
): FastifyReply {
  const { language, token, invitation } = options;
  const t = translator(language);
  const form = accountFormView(t, {
    fields: [NAME_FIELD, ...PASSWORD_FIELDS],
    values: { name: options.name },
    errors: options.errors ?? {},
  });
  const view = {
    ...form,
    heading: t('invitation.heading', { organization: invitation.organization.name }),
    lead: t('invitation.lead'),
    facts: [
      { term: t('invitation.organization'), detail: invitation.organization.name },
      { term: t('invitation.email'), detail: invitation.email },
      { term: t('invitation.validUntil'), detail: formatDate(language, invitation.expiresAt) },
    ],
    username: invitation.email,
    action: pathOf(token),
    submit: t('invitation.submit'),
  };
  const frame = {
    language,
    path: pathOf(token),
    title: 'invitation.title' as const,
    footer: ACCOUNT_FOOTER,
  };
  return sendPage(reply, options.status, templates.render('account-form', frame, view));
}

/**
 * The page the invitation e-mail links to (`<PUBLIC_URL>/invitations/<token>`): the organization, the invited
 * address and the expiry (`previewInvitation`, as `GET /api/invitations/{token}`), and the form to accept.
 */
export const invitationPage: PageRoute = {
  method: 'GET',
  path: '/invitations/{token}',
  summary: 'The invitee sees the invitation and chooses a name and password to create the account',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      if (!token) return sendStatePage(reply, language, token, STATE_PAGES.not_found);
      const link = await previewOrState(STATE_PAGES, previewInvitation(deps.db, token));
      if ('state' in link) {
        // Back from the form's 303: the invitation is used because this browser just accepted it.
        const done = link.state === 'invitation_used' && DoneQuery.parse(request.query ?? {}).done === '1';
        return sendStatePage(reply, language, token, done ? DONE : STATE_PAGES[link.state]);
      }
      return sendForm(reply, { status: 200, language, token, invitation: link.preview });
    });
  },
};

/**
 * The accept form: the same services as `POST /api/invitations/{token}/accept` (and its rate limit, one budget
 * for both). Field errors show the form again with the name kept; success is a 303 to the page, which then says
 * the account is ready.
 */
export const invitationAcceptPage: PageRoute = {
  method: 'POST',
  path: '/invitations/{token}',
  summary: 'The accept form: creates the account, then says how to sign in',
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      if (!token) return sendStatePage(reply, language, token, STATE_PAGES.not_found);
      await consumeRateLimit(deps.db, {
        key: `${INVITATION_ACCEPT_LIMIT.name}:ip:${request.ip}`,
        limit: INVITATION_ACCEPT_LIMIT.perIp,
        windowSeconds: INVITATION_ACCEPT_LIMIT.windowSeconds,
      });
      const form = readForm(InvitationForm, request.body);
      const link = await previewOrState(STATE_PAGES, previewInvitation(deps.db, token));
      if ('state' in link) return sendStatePage(reply, language, token, STATE_PAGES[link.state]);
      const outcome = await submitAccountForm({
        schema: AcceptInvitationInput,
        input: { token, name: form.name, password: form.password },
        form,
        fields: FORM_FIELDS,
        states: STATE_PAGES,
        submit: (input) =>
          deps.db.transaction().execute((trx) => acceptInvitation(trx, { keyring: deps.keyring, input })),
      });
      if ('done' in outcome) return redirectAfterPost(reply, `${pathOf(token)}?done=1`);
      if ('state' in outcome) return sendStatePage(reply, language, token, STATE_PAGES[outcome.state]);
      const invitation = link.preview;
      return sendForm(reply, {
        status: 400,
        language,
        token,
        invitation,
        name: form.name,
        errors: outcome.errors,
      });
    });
  },
};
