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

export function renderErrorCode(input: ErrorCodePage & { t: Translator; nonce: string }): string {
  const body = html`<h1>${input.title}</h1>
<p>Error code <code>${input.code}</code>, HTTP status ${input.status}.</p>
${input.meaning ? html`<p>${inline(input.meaning)}</p>` : ''}
<p>mvid answers every error with an RFC 9457 problem document (<code>application/problem+json</code>) whose
<code>type</code> is this page and whose <code>requestId</code> the operator can look up. <a href="/errors">All error codes</a>.</p>`;
  return page({ t: input.t, title: `${input.title} (${input.code})`, nonce: input.nonce, body });
}

export function renderErrorIndex(input: { t: Translator; nonce: string; codes: readonly ErrorCodePage[] }): string {
  const rows = input.codes.map(
    (c) => html`<tr><td><a href="/errors/${c.code}"><code>${c.code}</code></a></td><td>${c.status}</td><td>${c.title}</td></tr>`,
  );
  const body = html`<h1>Error codes</h1>
<p>Every error of mvid is a problem document whose <code>code</code> is one of these.</p>
<table><thead><tr><th>code</th><th>status</th><th>title</th></tr></thead><tbody>
${joinHtml(rows, '\n')}
</tbody></table>`;
  return page({ t: input.t, title: 'Error codes', nonce: input.nonce, body });
}
