import formbody from '@fastify/formbody';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppDeps } from '../context';
import { AppError } from '../errors/app-error';
import { fastifyUrl, type PageRoute } from '../platform/domain';
import { Language, languageFromHeader, translator, type MessageKey } from './i18n';
import { renderMessagePage, type PageFrame } from './render';

const LANGUAGE_COOKIE = 'ipay_lang';
const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Every page answer: no script at all, nothing but our own stylesheet and images may load, nothing may frame it,
 * forms post only to the platform, and no referrer leaks the pay token to anyone. A form posts to the platform,
 * which answers with a 303 to the PSP's payment page; browsers check `form-action` on the redirects of a form
 * submission too (Chromium does), so a page whose form leads to a PSP names that PSP's payment origin as well.
 */
export function pageCsp(formActionOrigins: readonly string[] = []): string {
  const formAction = ["'self'", ...formActionOrigins].join(' ');
  return `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}

function applyPageHeaders(reply: FastifyReply, formActionOrigins?: readonly string[]): void {
  void reply
    .header('content-security-policy', pageCsp(formActionOrigins))
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    // Pages show door codes, card states and payment results: never from a cache.
    .header('cache-control', 'no-store');
}

/** Whether the platform's pages are served over https (Secure cookies). */
function securePages(deps: AppDeps): boolean {
  return deps.config.publicUrl.startsWith('https:');
}

export function cookieHeader(
  deps: AppDeps,
  name: string,
  value: string,
  options: { path: string; maxAgeSeconds: number },
): string {
  return serializeCookie(name, value, {
    httpOnly: true,
    secure: securePages(deps),
    sameSite: 'lax',
    path: options.path,
    maxAge: options.maxAgeSeconds,
  });
}

/** Adds a Set-Cookie header (Fastify keeps every Set-Cookie of a reply, one header each). */
export function appendCookie(reply: FastifyReply, cookie: string): void {
  void reply.header('set-cookie', cookie);
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  return parseCookies(request.headers.cookie ?? '')[name];
}

/**
 * The page's language: `?lang=nl|en` (remembered in a cookie), else the remembered choice, else the browser's
 * `Accept-Language`, else English.
 */
export function pageLanguage(request: FastifyRequest, reply: FastifyReply, deps: AppDeps): Language {
  const asked = Language.safeParse((request.query as { lang?: unknown } | undefined)?.lang);
  if (asked.success) {
    appendCookie(
      reply,
      cookieHeader(deps, LANGUAGE_COOKIE, asked.data, { path: '/', maxAgeSeconds: YEAR_SECONDS }),
    );
    return asked.data;
  }
  const remembered = Language.safeParse(readCookie(request, LANGUAGE_COOKIE));
  if (remembered.success) return remembered.data;
  return languageFromHeader(request.headers['accept-language']);
}

export function sendPage(
  reply: FastifyReply,
  status: number,
  html: string,
  options: { formActionOrigins?: readonly string[] } = {},
): FastifyReply {
  applyPageHeaders(reply, options.formActionOrigins);
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** A 303 after a form POST: the browser follows with a GET, so a reload never repeats the action. */
export function redirectAfterPost(reply: FastifyReply, location: string): FastifyReply {
  applyPageHeaders(reply);
  return reply.code(303).header('location', location).send();
}

/** The page's own path with its parameters, for links back and the language switch. */
export function pagePath(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}

/**
 * Cross-site form posts are refused. The pages' cookies are SameSite=Lax (never sent on a cross-site POST), and
 * the browser says where a form came from: `Sec-Fetch-Site` (every current browser) must be `same-origin`, or,
 * without it, `Origin` must be this platform. `Referrer-Policy: no-referrer` makes browsers send `Origin: null`
 * on form posts, which is why `Sec-Fetch-Site` is read first. A request with neither header is not a browser's
 * (browsers send at least one on every POST) and carries no ambient credentials to abuse.
 */
export function assertSameOriginForm(request: FastifyRequest, deps: AppDeps): void {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    if (site === 'same-origin') return;
    throw new AppError('forbidden', `A form posted from ${site} is refused.`);
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const allowed = new Set([new URL(deps.config.publicUrl).origin, `${request.protocol}://${request.host}`]);
  if (!allowed.has(origin)) throw new AppError('forbidden', `A form posted from ${origin} is refused.`);
}

/** A form body (application/x-www-form-urlencoded) through its schema; anything else is a 400 page. */
export function readForm<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new AppError('validation_failed', 'The form was not filled in as expected.');
}

const ERROR_PAGES: Record<number, { title: MessageKey; text: MessageKey }> = {
  400: { title: 'error.badRequest.title', text: 'error.badRequest.text' },
  403: { title: 'error.forbidden.title', text: 'error.forbidden.text' },
  429: { title: 'error.rateLimited.title', text: 'error.rateLimited.text' },
  503: { title: 'error.unavailable.title', text: 'error.unavailable.text' },
  500: { title: 'error.internal.title', text: 'error.internal.text' },
};

/** Any failure on a page is a page: a clear message in the reader's language, never JSON, never a stack. */
export function answerPageError(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
) {
  const known = error instanceof AppError ? error : undefined;
  // Fastify's own refusals (a body too large, an unreadable form) are the reader's mistake: a 400 page.
  const transport = known ? undefined : (error as FastifyError).statusCode;
  const status =
    known?.status ?? (transport !== undefined && transport >= 400 && transport < 500 ? 400 : 500);
  if (status >= 500 && !known) request.log.error({ err: error }, 'page failed');
  const shown = ERROR_PAGES[status] ?? ERROR_PAGES[status >= 500 ? 500 : 400]!;
  const language = pageLanguage(request, reply, deps);
  const t = translator(language);
  const path = pagePath(request).replace(/\/(start|resend|activate)$/, '');
  const frame: PageFrame = { language, path, title: shown.title };
  const minutes = Math.max(1, Math.ceil((known?.retryAfterSeconds ?? 60) / 60));
  if (known?.retryAfterSeconds) void reply.header('retry-after', String(known.retryAfterSeconds));
  const html = renderMessagePage(frame, {
    text: t(shown.text, { minutes, traceId: request.id }),
    back: request.method === 'POST' ? path : undefined,
  });
  return sendPage(reply, status, html);
}

/**
 * Whether a URL belongs to the pages (`/pay/…`, `/card/…`, the first segments of the declared pages): a failure
 * before routing there (a malformed percent-encoding) is answered with a page too, not problem details.
 */
export function pageUrlMatcher(pages: readonly PageRoute[]): (url: string) => boolean {
  const prefixes = [...new Set(pages.map((page) => `/${page.path.split('/')[1] ?? ''}/`))];
  return (url) => prefixes.some((prefix) => url.startsWith(prefix));
}

/**
 * Every declared page, in one scope: HTML form bodies are read there (and only there), each answer carries the
 * page headers, and errors become pages. Pages render their own 404 for an unknown link.
 */
export async function registerPages(
  app: FastifyInstance,
  deps: AppDeps,
  pages: readonly PageRoute[],
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 4096 });
    scope.setErrorHandler((error: FastifyError, request, reply) =>
      answerPageError(error, request, reply, deps),
    );
    for (const page of pages) await page.register(scope, { deps, url: fastifyUrl(page.path) });
  });
}
