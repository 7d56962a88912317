import type { FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../i18n/index.ts';
import { DomainError, languageFromHeader, messageFor } from '../platform/errors.ts';
import { contentSecurityPolicy } from '../platform/http/security-headers.ts';
import type { Language } from '../shared/format.ts';
import { escapeHtml, PAGE_STYLE } from './html.ts';

const LANGUAGE_COOKIE = 'himoya_lang';
const KNOWN: readonly string[] = ['uz-Latn', 'uz-Cyrl', 'ru', 'en'];

/**
 * The language of a page the server writes for a browser: the one chosen on the portal (the
 * `himoya_lang` cookie web/src/i18n.ts sets, which a signed-in person's stored choice also sets), else
 * the browser's Accept-Language, else Uzbek Latin.
 */
export function pageLanguage(request: FastifyRequest): Language {
  const chosen = request.cookies?.[LANGUAGE_COOKIE];
  if (chosen && KNOWN.includes(chosen)) return chosen as Language;
  return languageFromHeader(request.headers['accept-language']);
}

/**
 * Whether the request is a browser navigation (it asks for HTML before JSON): sign-in failures are then a
 * page with a way back; API clients, which ask for JSON or say nothing, keep the JSON error.
 */
export function wantsPage(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  if (html < 0) return false;
  const json = accept.indexOf('application/json');
  return json < 0 || html < json;
}

const ERROR_PAGE_POLICY = contentSecurityPolicy({ scripts: [], styles: [PAGE_STYLE] });

/** A sign-in failure as a page in the person's language: what happened, try again, or go home. */
export function signInErrorPage(language: Language, message: string, retry: string): string {
  const t = (key: Parameters<typeof translate<'identity'>>[1]) =>
    escapeHtml(translate('identity', key, language));
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('signin.failed.title')} — Himoya</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<h1>${t('signin.failed.title')}</h1>
<p class="message" role="alert">${escapeHtml(message)}</p>
<p>${t('signin.failed.help')}</p>
<p><a class="button" href="${escapeHtml(retry)}">${t('signin.failed.again')}</a></p>
<p><a href="/">${t('signin.failed.home')}</a></p>
</main>
</body>
</html>`;
}

/** Sends `error` as the sign-in failure page when a browser navigated here; returns false otherwise. */
export function sendSignInErrorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  retry: string,
): boolean {
  if (!(error instanceof DomainError) || !wantsPage(request)) return false;
  const language = pageLanguage(request);
  void reply
    .status(error.status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', ERROR_PAGE_POLICY)
    .send(signInErrorPage(language, messageFor(error.code, language), retry));
  return true;
}
