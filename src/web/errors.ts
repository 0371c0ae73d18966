/** The pages problem `type` URIs resolve to: one per error code, and an index of all of them. */
import { html, joinHtml, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import type { Translator } from './i18n/index.ts';

export interface ErrorCodePage {
  code: string;
  status: number;
  title: string;
  /** docs/errors.md's sentence for the code (Markdown `code` spans allowed), when known. */
  meaning: string | undefined;
}

/** Escapes the text and turns Markdown `code` spans into <code>. */
function inline(text: string): SafeHtml {
  return joinHtml(text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part)));
}

/** The code's title and meaning are English (src/core/errors.ts, docs/errors.md): marked so in other languages. */
const english = (t: Translator) => (t.lang === 'en' ? undefined : 'en');

export function renderErrorCode(input: ErrorCodePage & { t: Translator; nonce: string }): string {
  const { t } = input;
  const m = t.m.errorCodes;
  const lang = english(t);
  const body = html`<h1${lang && html` lang="${lang}"`}>${input.title}</h1>
<p>${m.code(input.code, input.status)}</p>
${input.meaning ? html`<p${lang && html` lang="${lang}"`}>${inline(input.meaning)}</p>` : ''}
<p>${m.about}</p>`;
  return page({ t, title: `${input.title} (${input.code})`, nonce: input.nonce, body });
}

export function renderErrorIndex(input: { t: Translator; nonce: string; codes: readonly ErrorCodePage[] }): string {
  const { t } = input;
  const m = t.m.errorCodes;
  const lang = english(t);
  const rows = input.codes.map(
    (c) =>
      html`<tr><td><a href="/errors/${c.code}"><code>${c.code}</code></a></td><td>${c.status}</td><td${lang && html` lang="${lang}"`}>${c.title}</td></tr>`,
  );
  const body = html`<h1>${m.indexTitle}</h1>
<p>${m.indexIntro}</p>
<table><thead><tr><th>${m.columnCode}</th><th>${m.columnStatus}</th><th>${m.columnTitle}</th></tr></thead><tbody>
${joinHtml(rows, '\n')}
</tbody></table>`;
  return page({ t, title: m.indexTitle, nonce: input.nonce, body });
}
