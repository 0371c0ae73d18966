/**
 * The few DOM types the browser bundles use, declared here so the project's type check
 * (which has no DOM library, being a Node program) covers the browser code too.
 */
export interface El {
  textContent: string | null;
  hidden: boolean;
  disabled?: boolean;
  value?: string | number;
  max?: number;
  className: string;
  dataset: Record<string, string | undefined>;
  append(...nodes: Array<El | string>): void;
  replaceChildren(...nodes: Array<El | string>): void;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
  setAttribute(name: string, value: string): void;
}

interface Doc {
  getElementById(id: string): El | null;
  createElement(tag: string): El;
}

interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const g = globalThis as unknown as { document: Doc; localStorage: Storage; location: { origin: string } };

export const byId = (id: string): El => {
  const el = g.document.getElementById(id);
  if (el === null) throw new Error(`the page lacks #${id}`);
  return el;
};

export const create = (tag: string, text?: string, className?: string): El => {
  const el = g.document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className !== undefined) el.className = className;
  return el;
};

export const storage = (): Storage => g.localStorage;
export const origin = (): string => g.location.origin;

/** Runs `actions[id]` when the button `#id` is clicked; the console (`#shell`) then shows. */
export function wire(shell: string, actions: Record<string, () => Promise<void>>): void {
  for (const [id, action] of Object.entries(actions)) {
    byId(id).addEventListener('click', (event) => {
      event.preventDefault();
      void action();
    });
  }
  byId(shell).hidden = false;
}

/**
 * The page's messages for this bundle, in the page's language: the JSON the server put in
 * `data-messages` of `#messages` (src/web/layout.ts). Bundles hold no text of their own.
 */
export function messages<T>(): T {
  return JSON.parse(byId('messages').dataset.messages ?? '{}') as T;
}

/** A message with its `{name}` placeholders filled (text only: it goes into textContent); a missing value shows as —. */
export function fill(template: string, params: Record<string, string | number | bigint | null | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name] ?? '—') : whole));
}

/** `one` or `other`, as the page's language counts `n` (Intl.PluralRules). */
export function pluralOf(n: number, forms: { one: string; other: string }): string {
  const lang = (g.document as unknown as { documentElement: { lang: string } }).documentElement.lang || 'en';
  return new Intl.PluralRules(lang).select(n) === 'one' ? forms.one : forms.other;
}
