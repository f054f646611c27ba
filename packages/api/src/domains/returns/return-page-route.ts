import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import { assertSameOriginForm, pageLanguage, redirectAfterPost, sendPage } from '../../pages/http';
import { formatDate, formatMoney, translator, type Language } from '../../pages/i18n';
import { pageTemplates, renderMessagePage } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { ReturnTokenInput, type PortalReturnOutput } from './schemas';
import { cancelReturnByToken } from './service/manage';
import { portalView } from './service/view';

const templates = pageTemplates(new URL('./pages/', import.meta.url));

function returnPath(token: string): string {
  return `/returns/${token}`;
}

function tokenOf(request: FastifyRequest): string | undefined {
  const parsed = ReturnTokenInput.shape.token.safeParse((request.params as { token?: unknown }).token);
  return parsed.success ? parsed.data : undefined;
}

function sendUnknownReturn(reply: FastifyReply, language: Language): FastifyReply {
  const t = translator(language);
  const frame = { language, path: '/returns', title: 'returns.unknown.title' as const };
  return sendPage(reply, 404, renderMessagePage(frame, { text: t('returns.unknown.text') }));
}

function refundText(language: Language, view: PortalReturnOutput): string | undefined {
  const t = translator(language);
  const refund = view.refund;
  if (!refund || refund.status !== 'DONE') return undefined;
  const amount = formatMoney(language, refund.amountMinor + refund.bonusMinor, refund.currency);
  return t(`returns.refunded.${refund.method}`, { amount });
}

function sendReturnPage(reply: FastifyReply, token: string, view: PortalReturnOutput, language: Language) {
  const t = translator(language);
  const page = {
    merchant: view.merchantName,
    reference: view.merchantReference,
    status: t(`returns.status.${view.status}`),
    refundMethod: t(`returns.method.${view.refundMethod}`),
    value: formatMoney(language, view.itemsValueMinor, view.currency),
    tracking: view.trackingNumber,
    items: view.items.map((item) => ({ ...item, reason: t(`returns.reason.${item.reason}`) })),
    next: t(`returns.nextAction.${view.nextAction}`, { before: formatDate(language, view.expiresAt) }),
    rejectReason: view.rejectReason,
    refund: refundText(language, view),
    labelUrl: view.labelUrl,
    canCancel: view.canCancel,
    cancelAction: `${returnPath(token)}/cancel`,
  };
  const frame = { language, path: returnPath(token), title: 'returns.title' as const };
  return sendPage(reply, 200, templates.render('return', frame, page));
}

/** The view of a token, or undefined when no case has it. */
async function viewOf(deps: AppDeps, token: string): Promise<PortalReturnOutput | undefined> {
  try {
    return await portalView(deps.db, { token, publicUrl: deps.config.publicUrl });
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return undefined;
    throw error;
  }
}

/** `<PUBLIC_URL>/returns/<token>`: the consumer's return portal, with what they can do next. */
export const returnPage: PageRoute = {
  method: 'GET',
  path: '/returns/{token}',
  summary: 'The return portal: the case, its items and state, the label when ready, and what to do next',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      const view = token ? await viewOf(deps, token) : undefined;
      if (!token || !view) return sendUnknownReturn(reply, language);
      return sendReturnPage(reply, token, view, language);
    });
  },
};

/** The portal's Cancel: while the case is OPENED or APPROVED; then back to the portal, which shows the outcome. */
export const returnCancelPage: PageRoute = {
  method: 'POST',
  path: '/returns/{token}/cancel',
  summary: "The return portal's Cancel (while the return is opened or approved)",
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const language = pageLanguage(request, reply, deps);
      const token = tokenOf(request);
      if (!token || !(await viewOf(deps, token))) return sendUnknownReturn(reply, language);
      try {
        await deps.db.transaction().execute((trx) => cancelReturnByToken(trx, token));
      } catch (error) {
        // Moved on meanwhile (a label scanned, say): the portal shows where it is now.
        if (!(error instanceof AppError && error.status === 409)) throw error;
      }
      return redirectAfterPost(reply, returnPath(token));
    });
  },
};
