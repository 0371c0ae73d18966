/**
 * Locale-aware formatting for the message catalogues: plurals through Intl.PluralRules,
 * numbers, dates and lists through Intl. Intl objects are cached per language.
 */

/** The plural forms a message gives; `other` is required, `#` stands for the formatted count. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const cache = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

export function formatNumber(lang: string, n: number | bigint): string {
  return cached(`n:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
}

/** `plural('en', 3, { one: '# entry', other: '# entries' })` → `3 entries` (the count formatted for the language). */
export function plural(lang: string, n: number, forms: PluralForms): string {
  const rule = cached(`p:${lang}`, () => new Intl.PluralRules(lang)).select(n);
  return (forms[rule] ?? forms.other).replaceAll('#', formatNumber(lang, n));
}

/** `a, b and c` in the language's words (Intl.ListFormat, conjunction). */
export function formatList(lang: string, items: readonly string[]): string {
  return cached(`l:${lang}`, () => new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' })).format(items);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * An ISO date (`2026-06-01`) or timestamp (`2026-06-01T12:00:00.000Z`) in the language's
 * way, in UTC (the server does not know the reader's zone, so it says which zone it uses);
 * any other text comes back as it is.
 */
export function formatWhen(lang: string, iso: string): string {
  if (DATE_ONLY.test(iso)) {
    const date = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return iso;
    return cached(
      `d:${lang}`,
      () => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }),
    ).format(date);
  }
  if (DATE_TIME.test(iso)) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return cached(
      `t:${lang}`,
      () =>
        new Intl.DateTimeFormat(lang, {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
          timeZone: 'UTC',
          timeZoneName: 'short',
        }),
    ).format(date);
  }
  return iso;
}
