/**
 * Remembers every registered route so that an unmatched request can be told apart:
 * a path that exists under another method is 405 (with `Allow`), anything else 404.
 */
export class RouteIndex {
  readonly #routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  readonly #byUrl = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    let entry = this.#byUrl.get(url);
    if (!entry) {
      const source = url
        .split('/')
        .map((segment) => {
          if (segment === '*') return '.*';
          if (segment.startsWith(':')) return '[^/]+';
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      entry = { pattern: new RegExp(`^${source}/?$`), methods: new Set() };
      this.#byUrl.set(url, entry);
      this.#routes.push(entry);
    }
    for (const m of Array.isArray(methods) ? methods : [methods]) entry.methods.add(m.toUpperCase());
  }

  /** Every registered route (url pattern and methods), in registration order: the authorisation matrix's rows. */
  routes(): Array<{ url: string; methods: string[] }> {
    return [...this.#byUrl].map(([url, entry]) => ({ url, methods: [...entry.methods].sort() }));
  }

  /** Methods allowed on a concrete path, or an empty list when no route matches it. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.#routes) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}
