/**
 * Message catalogues and the Translator a page renders with: the chosen language's
 * messages plus Intl formatting for it. English is the source of truth (en.ts); see
 * docs/i18n.md for adding a string or a language.
 */
import { de } from './de.ts';
import { en, type Messages } from './en.ts';
import { formatList, formatNumber, formatWhen, plural, type PluralForms } from './format.ts';
import { isSupported, negotiateLanguage } from './negotiate.ts';

export type { Messages } from './en.ts';
export { formatList, formatNumber, formatWhen, plural } from './format.ts';
export type { PluralForms } from './format.ts';
export { negotiateLanguage } from './negotiate.ts';

/** Every catalogue mvid ships, by BCP 47 primary language subtag. */
export const CATALOGUES = { en, de } as const satisfies Record<string, Messages>;
export type Lang = keyof typeof CATALOGUES;
export const LANGS = Object.keys(CATALOGUES) as Lang[];
export const DEFAULT_LANG: Lang = 'en';

/** What a renderer needs to speak a language: its messages and Intl formatting. */
export interface Translator {
  readonly lang: Lang;
  readonly m: Messages;
  /** A count as the language writes numbers. */
  number(n: number | bigint): string;
  /** An ISO date or timestamp as the language writes it (UTC); other text as it is. */
  when(iso: string): string;
  /** `a, b and c` in the language. */
  list(items: readonly string[]): string;
  plural(n: number, forms: PluralForms): string;
}

function make(lang: Lang): Translator {
  return Object.freeze({
    lang,
    m: CATALOGUES[lang],
    number: (n: number | bigint) => formatNumber(lang, n),
    when: (iso: string) => formatWhen(lang, iso),
    list: (items: readonly string[]) => formatList(lang, items),
    plural: (n: number, forms: PluralForms) => plural(lang, n, forms),
  });
}

const TRANSLATORS = Object.fromEntries(LANGS.map((l) => [l, make(l)])) as Record<Lang, Translator>;

export function translator(lang: Lang): Translator {
  return TRANSLATORS[lang];
}

/** English: for tests and for texts that have no reader's request (none today). */
export const EN: Translator = TRANSLATORS.en;

export function isLang(value: string | undefined): value is Lang {
  return isSupported(LANGS, value);
}

/** The language for a request: an explicit choice (switcher or cookie), else Accept-Language, else English. */
export function chooseLang(input: { choice?: string | undefined; acceptLanguage?: string | undefined }): Lang {
  return negotiateLanguage(LANGS, DEFAULT_LANG, input);
}
