/**
 * Choosing a page's language: an explicit choice (the `?lang=` switcher, remembered in a
 * cookie) wins, then the browser's Accept-Language (RFC 9110 §12.5.4: q-values, `*`,
 * a regional tag falling back to its language, `de-AT` → `de`), then the default.
 */

/** One language range of Accept-Language with its weight, in the header's order. */
interface Range {
  tag: string;
  q: number;
  order: number;
}

/** At most this many ranges are read: a longer header is someone's game, not a browser. */
const MAX_RANGES = 32;

function parseAcceptLanguage(header: string): Range[] {
  const ranges: Range[] = [];
  for (const [order, part] of header.split(',').slice(0, MAX_RANGES).entries()) {
    const [rawTag = '', ...params] = part.trim().split(';');
    const tag = rawTag.trim().toLowerCase();
    if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/.test(tag)) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](\.\d{0,3})?)\s*$/i.exec(p);
      if (m) q = Math.min(1, Number(m[1]));
      else if (/^\s*q\s*=/i.test(p)) q = -1; // a malformed weight: ignore the range
    }
    if (q >= 0) ranges.push({ tag, q, order });
  }
  // Highest weight first; equal weights keep the header's order.
  return ranges.sort((a, b) => b.q - a.q || a.order - b.order);
}

/**
 * The supported language that best matches an explicit choice and then the
 * Accept-Language header; `fallback` when nothing matches. `supported` are primary
 * language subtags in lower case (`en`, `de`).
 */
export function negotiateLanguage<L extends string>(
  supported: readonly L[],
  fallback: L,
  input: { choice?: string | undefined; acceptLanguage?: string | undefined },
): L {
  const find = (tag: string): L | undefined => {
    const lower = tag.toLowerCase();
    return supported.find((l) => l === lower) ?? supported.find((l) => lower.startsWith(`${l}-`));
  };
  if (input.choice) {
    const chosen = supported.find((l) => l === input.choice?.toLowerCase());
    if (chosen) return chosen;
  }
  const ranges = parseAcceptLanguage(input.acceptLanguage ?? '');
  // `q=0` says "not this language": it is never chosen, not even through `*`.
  const excluded = new Set<L>();
  for (const range of ranges) {
    const match = range.q === 0 && range.tag !== '*' ? supported.find((l) => l === range.tag) : undefined;
    if (match) excluded.add(match);
  }
  for (const range of ranges) {
    if (range.q === 0) continue;
    if (range.tag === '*') {
      const rest = supported.find((l) => !excluded.has(l));
      if (rest) return rest;
      continue;
    }
    const match = find(range.tag);
    if (match && !excluded.has(match)) return match;
  }
  return fallback;
}

/** Whether `value` names a supported language exactly (a switcher link or a cookie). */
export function isSupported<L extends string>(supported: readonly L[], value: string | undefined): value is L {
  return value !== undefined && (supported as readonly string[]).includes(value);
}
