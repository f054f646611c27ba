import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { assertSameOriginForm, pageLanguage, redirectAfterPost, sendPage } from '../../pages/http';
import { formatDate, formatMoney, translator, type Language } from '../../pages/i18n';
import { pageTemplates, renderMessagePage } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import { consumeRateLimit } from '../../platform/rate-limit';
import { ActivateCardInput } from './schemas';
import { activateCard } from './service/cards';
import { getMemberCard, type MemberCard } from './service/card-page';

const templates = pageTemplates(new URL('./pages/', import.meta.url));

/** Activation's own budget, shared with `POST /api/cards/{code}/activate`. */
const ACTIVATIONS_PER_MINUTE_PER_IP = 20;

const CardPageQuery = z.object({ activated: z.literal('1').optional().catch(undefined) });

function codeOf(request: FastifyRequest): string | undefined {
  const parsed = ActivateCardInput.safeParse(request.params);
  return parsed.success ? parsed.data.code : undefined;
}

function sendUnknownCard(reply: FastifyReply, language: Language, path: string): FastifyReply {
  const frame = { language, path, title: 'card.unknown.title' as const };
  return sendPage(reply, 404, renderMessagePage(frame, { text: translator(language)('card.unknown.text') }));
}

function cardView(card: MemberCard, options: { code: string; language: Language; activated: boolean }) {
  const t = translator(options.language);
  return {
    card,
    value: formatMoney(options.language, card.faceValueMinor, card.currency),
    statusText: t(`card.status.${card.status}`),
    activatedOn: card.activatedAt ? formatDate(options.language, card.activatedAt) : null,
    validUntil: card.expiresAt ? formatDate(options.language, card.expiresAt) : null,
    notice: options.activated && card.status === 'active' ? { kind: 'ok', text: t('card.activated') } : null,
    paths: { activate: `/card/${options.code}/activate` },
  };
}

/** The page the card's SMS, e-mail and webhook link lead to (`<PUBLIC_URL>/card/<code>`). */
export const cardPage: PageRoute = {
  method: 'GET',
  path: '/card/{code}',
  summary: 'The member sees the benefit card (program, value, status) and activates it',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const code = codeOf(request);
      const path = request.url.split('?')[0] ?? '/card';
      if (!code) return sendUnknownCard(reply, language, path);
      let card;
      try {
        card = await getMemberCard(deps.db, code);
      } catch (error) {
        if (error instanceof AppError && error.status === 404) return sendUnknownCard(reply, language, path);
        throw error;
      }
      const query = CardPageQuery.parse(request.query ?? {});
      const view = cardView(card, { code, language, activated: query.activated === '1' });
      return sendPage(
        reply,
        200,
        templates.render('card', { language, path: `/card/${code}`, title: 'card.title' }, view),
      );
    });
  },
};

/** The Activate button: the same service as `POST /api/cards/{code}/activate`. */
export const cardActivatePage: PageRoute = {
  method: 'POST',
  path: '/card/{code}/activate',
  summary: 'The Activate button: activates the card, then shows its page again',
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const code = codeOf(request);
      if (!code) return sendUnknownCard(reply, pageLanguage(request, reply, deps), '/card');
      await consumeRateLimit(deps.db, {
        key: `card-activation:ip:${request.ip}`,
        limit: ACTIVATIONS_PER_MINUTE_PER_IP,
        windowSeconds: 60,
      });
      try {
        await deps.db.transaction().execute((trx) => activateCard(trx, code));
      } catch (error) {
        if (error instanceof AppError && error.status === 404) {
          return sendUnknownCard(reply, pageLanguage(request, reply, deps), `/card/${code}`);
        }
        // Already active, deactivated or not issued: the page says which.
        if (error instanceof AppError && error.status === 409)
          return redirectAfterPost(reply, `/card/${code}`);
        throw error;
      }
      return redirectAfterPost(reply, `/card/${code}?activated=1`);
    });
  },
};
