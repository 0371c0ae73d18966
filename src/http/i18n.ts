/**
 * The language of a page, per request: `?lang=xx` (the switcher's links) wins and is
 * remembered in the `mvid_lang` cookie; then that cookie; then Accept-Language; then
 * English. The cookie holds a preference only (no secret, not a session), so a
 * cross-site link that sets it changes nothing but the language; it is SameSite=Lax,
 * and every form still carries its CSRF token. See docs/i18n.md.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chooseLang, isLang, type Lang, translator, type Translator } from '../web/index.ts';
import { cookieFromHeader } from './oidc/cookies.ts';

export const LANG_COOKIE = 'mvid_lang';
const ONE_YEAR = 365 * 24 * 3600;

/** What the language depends on, as response headers say it. */
export const LANG_HEADERS = { vary: 'Accept-Language, Cookie' } as const;

export interface LangInput {
  /** The request target (path and query). */
  url: string;
  cookie: string | undefined;
  acceptLanguage: string | undefined;
}

/** The negotiated language, and the cookie to set when the request chose one with `?lang=`. */
export function negotiateRequestLang(input: LangInput): { lang: Lang; setCookie: string | undefined } {
  const query = new URL(input.url, 'http://x').searchParams.get('lang') ?? undefined;
  const chosen = isLang(query) ? query : undefined;
  const remembered = cookieFromHeader(input.cookie, LANG_COOKIE);
  const lang = chooseLang({ choice: chosen ?? (isLang(remembered) ? remembered : undefined), acceptLanguage: input.acceptLanguage });
  const setCookie = chosen && chosen !== remembered ? `${LANG_COOKIE}=${chosen}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax` : undefined;
  return { lang, setCookie };
}

/**
 * The Translator for a page answering `request`; sets Content-Language, Vary and (after a
 * switch) the preference cookie on `reply`.
 */
export function pageTranslator(request: FastifyRequest, reply: FastifyReply): Translator {
  const { lang, setCookie } = negotiateRequestLang({
    url: request.url,
    cookie: request.headers.cookie,
    acceptLanguage: request.headers['accept-language'],
  });
  if (setCookie) reply.header('set-cookie', setCookie);
  reply.header('content-language', lang).header('vary', LANG_HEADERS.vary);
  return translator(lang);
}
