/**
 * The page shell of mvid's server-rendered pages: no external assets, a strict CSP
 * whose only script and style are the nonce-tagged inline ones. Pages are built with
 * the auto-escaping `html` template of html.ts.
 */
import { randomBytes } from 'node:crypto';
import { assetUrl } from './assets.ts';
import { html, type SafeHtml, unsafeRaw } from './html.ts';
import { CATALOGUES, LANGS, type Translator } from './i18n/index.ts';

/** A fresh CSP nonce for one response. */
export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The Content-Security-Policy of a page. `formTargets` are extra origins a form may
 * end up at: browsers apply form-action to the redirects after a post, and consent
 * ends in a redirect to the world.
 */
export function pageCsp(nonce: string, formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self'",
    "connect-src 'self'",
    `form-action 'self'${formTargets.map((o) => ` ${o}`).join('')}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const STYLE = `
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}
body{max-width:40rem;margin:2rem auto;padding:0 1rem}
main{border:1px solid #8886;border-radius:.75rem;padding:1.5rem}
h1{font-size:1.5rem;margin-top:0}
button{font:inherit;padding:.5rem 1.25rem;border-radius:.5rem;border:1px solid #555;cursor:pointer;margin:.25rem .5rem .25rem 0}
button.primary,a.button.primary{background:#1d4e89;color:#fff;border-color:#1d4e89}
a.button{display:inline-block;padding:.5rem 1.25rem;border-radius:.5rem;border:1px solid #555;text-decoration:none}
fieldset{border:1px solid #8886;border-radius:.5rem;margin:1rem 0}
.claim{margin:.5rem 0}.claim small{display:block;color:#555;margin-left:1.75rem}
.error{color:#a40000;font-weight:600}
details{margin:1rem 0}
table{border-collapse:collapse}td,th{padding:.25rem .5rem;text-align:left;border-bottom:1px solid #8884}
main{overflow-wrap:break-word}td,code,dd{overflow-wrap:anywhere}pre{white-space:pre-wrap}input{max-width:100%;box-sizing:border-box}
.field label{display:block;font-weight:600}.field small{display:block;color:#555}
input[type=text],input[type=email],input[type=date],input[type=password],select{font:inherit;padding:.4rem;border:1px solid #555;border-radius:.4rem;width:100%;max-width:24rem;box-sizing:border-box}
.notice{border-left:4px solid #1d4e89;padding-left:.75rem}
form.inline{display:inline}
button.danger{background:#a40000;color:#fff;border-color:#a40000}
article.world{border-top:1px solid #8886;padding-top:.5rem;margin-top:1rem}
dl{margin:.5rem 0}dt{font-weight:600}dd{margin:0 0 .5rem 0}
ul.plain{padding-left:1rem}ul.plain li{margin-bottom:1rem}
form.row{margin:.25rem 0}form.row input[type=text]{width:auto;max-width:100%}
.scroll{overflow-x:auto;max-width:100%}.scroll td,.scroll th{overflow-wrap:normal;white-space:nowrap;max-width:24rem;overflow:hidden;text-overflow:ellipsis}
figure.chart{margin:1rem 0}figure.chart svg{width:100%;height:auto;display:block}figcaption{font-size:.9rem;color:#555}
ol.steps{padding-left:1.25rem}ol.steps li.ok{color:#0a5d00}ol.steps li.error{color:#a40000;font-weight:600}
progress{width:100%}
figure.qr{margin:1rem 0;max-width:18rem}figure.qr svg{width:100%;height:auto;display:block}
nav.languages{text-align:right;font-size:.9rem;margin-bottom:.5rem}nav.languages a{margin-left:.75rem}nav.languages a[aria-current]{font-weight:600;text-decoration:none}
@media (max-width:30rem){body{margin:1rem auto;padding:0 .5rem}main{padding:1rem}td,th{padding:.25rem}}
`;

const STYLE_HTML = unsafeRaw(STYLE);

export interface PageOptions {
  title: string;
  nonce: string;
  body: SafeHtml;
  /** Script source written in mvid's code (a module constant wrapped in unsafeRaw), never data. */
  script?: SafeHtml;
  /** Bundles of src/web/assets/ the page loads from 'self' (e.g. `transparency-verify.js`). */
  bundles?: readonly string[];
  /** The reader's language: `<html lang>`, and the switcher marks it. */
  t: Translator;
  /**
   * The messages the page's bundles show (from the catalogue), as JSON in a data attribute
   * of `#messages`, escaped like any attribute; src/web/browser/dom.ts `messages()` reads it.
   */
  bundleMessages?: object;
}

/**
 * The language switcher: a plain link per language, `?lang=xx` on the current page, so it
 * works without script; the server remembers the choice in a cookie (docs/i18n.md).
 */
function languageSwitcher(t: Translator): SafeHtml {
  const links = LANGS.map((l) =>
    l === t.lang
      ? html`<a href="?lang=${l}" hreflang="${l}" lang="${l}" aria-current="true">${CATALOGUES[l].meta.name}</a>`
      : html`<a href="?lang=${l}" hreflang="${l}" lang="${l}">${CATALOGUES[l].meta.name}</a>`,
  );
  return html`<nav class="languages" aria-label="${t.m.layout.languages}">${links}</nav>`;
}

/** A whole page, as the string a route sends. */
export function page({ title, nonce, body, script, bundles = [], t, bundleMessages }: PageOptions): string {
  return html`<!doctype html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} — mvid</title>
<style nonce="${nonce}">${STYLE_HTML}</style>
</head>
<body>
${languageSwitcher(t)}
<main>
${body}
</main>
${bundleMessages && html`<div id="messages" hidden data-messages="${JSON.stringify(bundleMessages)}"></div>`}
${script && html`<script nonce="${nonce}">${script}</script>`}
${bundles.map((name) => html`<script nonce="${nonce}" src="${assetUrl(name)}" defer></script>`)}
</body>
</html>`.toString();
}
