/**
 * How pages are built: an auto-escaping tagged template. Every value interpolated into
 * `html\`…\`` is escaped for HTML text and quoted attributes, unless it is already a
 * `SafeHtml` (another fragment built the same way). Arrays are rendered element by
 * element and joined; `null`, `undefined` and `false` render as nothing, so
 * `${cond && html\`…\`}` works. Raw HTML enters a page only through `unsafeRaw()`,
 * one greppable escape hatch (test/web-escaping.test.ts lists every call allowed).
 *
 * Attribute values must be double-quoted in the template (`href="${x}"`), never bare.
 * URLs that come from outside (a world's policy link) go through `safeUrl()` first.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and double- or single-quoted attributes. */
function escapeText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Only this module can make a SafeHtml, so holding one means it was escaped (or vouched for by unsafeRaw). */
const MINT = Symbol('SafeHtml');

/** A fragment of HTML that is safe to place in a page as it is. */
export class SafeHtml {
  readonly #html: string;
  constructor(mint: symbol, value: string) {
    if (mint !== MINT) throw new TypeError('SafeHtml is made by html`…` or unsafeRaw(), not by new');
    this.#html = value;
  }
  toString(): string {
    return this.#html;
  }
}

/** What may be interpolated: escaped unless it is SafeHtml; arrays are flattened. */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeText(String(value));
}

/** The tagged template: `html\`<p>${name}</p>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? '');
  return new SafeHtml(MINT, out);
}

/**
 * THE escape hatch: `text` goes into the page unescaped. Only for markup and scripts
 * written in mvid's own code or produced by a trusted library (oidc-provider's logout
 * form) — never for anything a person, a world or a request supplied.
 */
export function unsafeRaw(text: string): SafeHtml {
  return new SafeHtml(MINT, text);
}

/** Joins fragments with a separator (itself escaped unless SafeHtml). */
export function joinHtml(items: readonly HtmlValue[], separator: HtmlValue = ''): SafeHtml {
  const sep = render(separator);
  return new SafeHtml(MINT, items.map(render).join(sep));
}

/**
 * A URL from outside, for an href: kept only if it is http(s) (or a path on this
 * server); anything else — `javascript:`, `data:` — becomes `#`. Still escaped by html``.
 */
export function safeUrl(value: string): string {
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : '#';
  } catch {
    return '#';
  }
}
