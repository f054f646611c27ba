import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import {
  assertSameOriginForm,
  pageLanguage,
  readCookie,
  readForm,
  redirectAfterPost,
  sendPage,
} from '../../pages/http';
import { translator, type Language, type MessageKey } from '../../pages/i18n';
import { pageTemplates, renderMessagePage } from '../../pages/render';
import type { PageRoute } from '../../platform/domain';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  requestFingerprint,
} from '../../platform/idempotency';
import { CONSUMER_COOKIE, consumerOfCookie, type SignedInConsumer } from '../consumer/service';
import { OpenReturnInput, RETURN_REASONS, type OpenedReturnOutput } from './schemas';
import { alreadyReturned, assertReturnable, callerSession, openReturn } from './service/open';

const templates = pageTemplates(new URL('./pages/', import.meta.url));
const KEY = /^[\x21-\x7e]{1,255}$/;

/** Who opens the return: the pay token's holder, or a signed-in consumer naming one of their sessions. */
type Opener = { payToken: string; consumer: null } | { sessionId: string; consumer: SignedInConsumer };

const OpenReturnForm = z
  .object({ key: z.string().regex(KEY), refundMethod: OpenReturnInput.shape.refundMethod })
  .catchall(z.string().max(500));

type OpenReturnFormValues = z.output<typeof OpenReturnForm>;

/**
 * The form's choices as the API's input (every line with a quantity above 0): `none` when nothing is chosen,
 * `reasonMissing` with the positions whose reason select still shows "choose a reason" (it starts there, so a
 * consumer who does not choose is never given a reason they did not give).
 */
function inputOf(
  opener: Opener,
  form: OpenReturnFormValues,
):
  | { kind: 'none' }
  | { kind: 'reasonMissing'; positions: number[] }
  | { kind: 'input'; input: OpenReturnInput } {
  const items = Object.keys(form)
    .map((name) => /^qty_(\d{1,5})$/.exec(name)?.[1])
    .filter((position): position is string => position !== undefined)
    .map((position) => ({
      position: Number(position),
      quantity: Number(form[`qty_${position}`]),
      reason: form[`reason_${position}`],
      reasonText: form[`text_${position}`] || undefined,
    }))
    .filter((item) => item.quantity !== 0);
  if (items.length === 0) return { kind: 'none' };
  const unexplained = items.filter((item) => !item.reason).map((item) => item.position);
  if (unexplained.length > 0) return { kind: 'reasonMissing', positions: unexplained };
  const by = 'payToken' in opener ? { payToken: opener.payToken } : { sessionId: opener.sessionId };
  const parsed = OpenReturnInput.safeParse({ ...by, items, refundMethod: form.refundMethod });
  if (parsed.success) return { kind: 'input', input: parsed.data };
  throw new AppError('validation_failed', 'The form was not filled in as expected.');
}

const ERROR_TEXT: Record<string, MessageKey> = {
  return_window_closed: 'returns.open.error.windowClosed',
  return_not_returnable: 'returns.open.error.notReturnable',
  return_item_invalid: 'returns.open.error.itemInvalid',
};

/** The service's refusals the consumer can act on, as the form's message; anything else is not ours to show. */
function shownError(error: unknown): { status: number; text: MessageKey } | undefined {
  if (!(error instanceof AppError) || error.status === 404 || error.status >= 500) return undefined;
  const text = ERROR_TEXT[error.code];
  return text ? { status: error.status, text } : undefined;
}

interface FormPaths {
  action: string;
  back: string;
}

/** What a refused post shows again: the consumer's choices, and the lines whose reason is missing. */
interface Posted {
  form: OpenReturnFormValues;
  reasonMissing: number[];
}

async function sendForm(
  reply: FastifyReply,
  deps: AppDeps,
  opener: Opener,
  options: FormPaths & { language: Language; status: number; error?: MessageKey; posted?: Posted },
): Promise<FastifyReply> {
  const { language } = options;
  const t = translator(language);
  let session;
  try {
    session = await callerSession(deps.db, { input: opener, consumer: opener.consumer });
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return sendUnknown(reply, language, options.back);
    throw error;
  }
  let closed: MessageKey | undefined;
  try {
    await assertReturnable(deps.db, session, new Date());
  } catch (error) {
    closed = shownError(error)?.text;
    if (!closed) throw error;
  }
  const returned = closed ? new Map<number, number>() : await alreadyReturned(deps.db, session.orderId);
  const posted = options.posted;
  const lines = closed
    ? []
    : session.lines
        .map((line) => ({
          ...line,
          left: line.quantity - (returned.get(line.position) ?? 0),
          chosenQuantity: posted?.form[`qty_${line.position}`] ?? '0',
          chosenReason: posted?.form[`reason_${line.position}`] ?? '',
          text: posted?.form[`text_${line.position}`] ?? '',
          reasonMissing: posted?.reasonMissing.includes(line.position) ?? false,
        }))
        .filter((line) => line.left > 0);
  const error = options.error ?? closed;
  const unexplained = session.lines
    .filter((line) => posted?.reasonMissing.includes(line.position))
    .map((line) => line.description);
  const method = posted?.form.refundMethod ?? 'ORIGINAL_PAYMENT';
  const page = {
    merchant: session.merchantName,
    reference: session.merchantReference,
    error: error ? t(error, { items: unexplained.join(', ') }) : undefined,
    lines,
    reasons: RETURN_REASONS.map((value) => ({ value, label: t(`returns.reason.${value}`) })),
    methods: (['ORIGINAL_PAYMENT', 'WALLET_CREDIT'] as const).map((value) => ({
      value,
      label: t(`returns.method.${value}`),
      checked: value === method,
    })),
    // A fresh Idempotency-Key per rendered form: pressing its button twice opens one case.
    key: randomUUID(),
    action: options.action,
    back: options.back,
  };
  const frame = { language, path: options.action, title: 'returns.open.title' as const };
  return sendPage(reply, options.status, templates.render('open', frame, page));
}

function sendUnknown(reply: FastifyReply, language: Language, path: string): FastifyReply {
  const t = translator(language);
  const frame = { language, path, title: 'pay.unknown.title' as const };
  return sendPage(reply, 404, renderMessagePage(frame, { text: t('pay.unknown.text') }));
}

/** Opens the case through the API's own service, once per form key; a replay lands on the same portal. */
async function openOnce(deps: AppDeps, opener: Opener, key: string, input: OpenReturnInput) {
  const claim = { owner: `page:returns-open`, key };
  const outcome = await claimIdempotencyKey(
    deps.db,
    { ...claim, fingerprint: requestFingerprint('returns-open-page', input) },
    deps.encryptionKey,
  );
  if (outcome.kind === 'replay') return (outcome.response as { token: string }).token;
  try {
    const opened: OpenedReturnOutput = await deps.db.transaction().execute((trx) =>
      openReturn(trx, {
        input,
        consumer: opener.consumer,
        publicUrl: deps.config.publicUrl,
        rootKey: deps.encryptionKey,
      }),
    );
    await completeIdempotencyKey(deps.db, claim, { token: opened.token }, deps.encryptionKey);
    return opened.token;
  } catch (error) {
    await releaseIdempotencyKey(deps.db, claim);
    throw error;
  }
}

async function submitForm(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
  opener: Opener,
  paths: FormPaths,
): Promise<FastifyReply> {
  const language = pageLanguage(request, reply, deps);
  const form = readForm(OpenReturnForm, request.body);
  const chosen = inputOf(opener, form);
  if (chosen.kind !== 'input') {
    const missing = chosen.kind === 'reasonMissing';
    return sendForm(reply, deps, opener, {
      ...paths,
      language,
      status: 400,
      error: missing ? 'returns.open.error.reasonMissing' : 'returns.open.error.noItems',
      posted: { form, reasonMissing: missing ? chosen.positions : [] },
    });
  }
  const input = chosen.input;
  try {
    const token = await openOnce(deps, opener, form.key, input);
    return redirectAfterPost(reply, `/returns/${token}`);
  } catch (error) {
    const shown = shownError(error);
    if (!shown) throw error;
    return sendForm(reply, deps, opener, { ...paths, language, status: shown.status, error: shown.text });
  }
}

function payTokenOf(request: FastifyRequest): string | undefined {
  const parsed = OpenReturnInput.shape.payToken.safeParse((request.params as { token?: unknown }).token);
  return parsed.success ? parsed.data : undefined;
}

function payPaths(token: string): FormPaths {
  return { action: `/pay/${token}/return`, back: `/pay/${token}` };
}

/** The return form of a paid or delivered session, from its pay page: the pay token is the credential. */
export const payReturnFormPage: PageRoute = {
  method: 'GET',
  path: '/pay/{token}/return',
  summary: 'The return form of a paid or delivered session: items, quantities and reasons, refund method',
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const token = payTokenOf(request);
      if (!token) return sendUnknown(reply, language, '/pay');
      const opener = { payToken: token, consumer: null };
      return sendForm(reply, deps, opener, { ...payPaths(token), language, status: 200 });
    });
  },
};

/** The pay page's return form posted: opens the case (as `POST /api/returns/open`), then its portal. */
export const payReturnSubmitPage: PageRoute = {
  method: 'POST',
  path: '/pay/{token}/return',
  summary: "The return form's submit (pay token): opens the return case and shows its portal",
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const token = payTokenOf(request);
      if (!token) return sendUnknown(reply, pageLanguage(request, reply, deps), '/pay');
      return submitForm(request, reply, deps, { payToken: token, consumer: null }, payPaths(token));
    });
  },
};

const PARCELS_PATH = '/consumer/parcels';

function sessionIdOf(request: FastifyRequest): string | undefined {
  const parsed = z.uuid().safeParse((request.params as { sessionId?: unknown }).sessionId);
  return parsed.success ? parsed.data : undefined;
}

function parcelPaths(sessionId: string): FormPaths {
  return { action: `${PARCELS_PATH}/${sessionId}/return`, back: PARCELS_PATH };
}

/** The signed-in consumer's opener for a session id, or undefined (then sign in again). */
async function consumerOpener(request: FastifyRequest, deps: AppDeps, sessionId: string) {
  const consumer = await consumerOfCookie(deps, readCookie(request, CONSUMER_COOKIE));
  return consumer ? { sessionId, consumer } : undefined;
}

/** The return form of one of the signed-in consumer's parcels (the consumer session is the credential). */
export const parcelReturnFormPage: PageRoute = {
  method: 'GET',
  path: `${PARCELS_PATH}/{sessionId}/return`,
  summary: "The return form of one of the signed-in consumer's paid or delivered parcels",
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const language = pageLanguage(request, reply, deps);
      const sessionId = sessionIdOf(request);
      if (!sessionId) return sendUnknown(reply, language, PARCELS_PATH);
      const opener = await consumerOpener(request, deps, sessionId);
      if (!opener) return redirectAfterPost(reply, '/consumer/sign-in');
      return sendForm(reply, deps, opener, { ...parcelPaths(sessionId), language, status: 200 });
    });
  },
};

/** The parcels page's return form posted: opens the case (as `POST /api/returns/open`), then its portal. */
export const parcelReturnSubmitPage: PageRoute = {
  method: 'POST',
  path: `${PARCELS_PATH}/{sessionId}/return`,
  summary: "The return form's submit (consumer session): opens the return case and shows its portal",
  register(app, { deps, url }) {
    app.post(url, async (request, reply) => {
      assertSameOriginForm(request, deps);
      const sessionId = sessionIdOf(request);
      if (!sessionId) return sendUnknown(reply, pageLanguage(request, reply, deps), PARCELS_PATH);
      const opener = await consumerOpener(request, deps, sessionId);
      if (!opener) return redirectAfterPost(reply, '/consumer/sign-in');
      return submitForm(request, reply, deps, opener, parcelPaths(sessionId));
    });
  },
};
