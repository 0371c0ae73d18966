/**
 * A cookie-keeping user agent and the walk a person takes through mvid's sign-in pages
 * (authorization → passkey → consent), for the demo and the tests: real HTTP, real
 * pages, the software authenticator in place of a phone.
 */
import type { RequestOptions, SoftwareAuthenticator } from './authenticator.ts';

/** A cookie-keeping user agent that follows nothing by itself. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(new URL(url, this.base), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq).trim();
      const value = (pair ?? '').slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects while they stay on mvid; returns the first response that does not (or is not a redirect). */
  async follow(url: string, init: RequestInit = {}): Promise<{ response: Response; url: string }> {
    let response = await this.fetch(url, init);
    let current = new URL(url, this.base).href;
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location') ?? '', current).href;
      if (!next.startsWith(this.base)) return { response, url: next };
      current = next;
      response = await this.fetch(next);
    }
    return { response, url: current };
  }
}

export function csrfOf(html: string): string {
  const m = /data-csrf="([^"]+)"|name="csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF token on the page:\n${html.slice(0, 500)}`);
  return (m[1] ?? m[2]) as string;
}

export interface SignInOptions {
  /** Optional claims to untick on the consent page. */
  untick?: string[];
  decision?: 'allow' | 'deny';
}

/** Where a walk through the sign-in pages ended: back at the world, or on an mvid page that is not a step (a refusal). */
export type WalkEnd = { kind: 'world'; url: URL } | { kind: 'page'; status: number; html: string; url: string };

/**
 * Walks authorization → passkey sign-in → consent, as a person in a browser would;
 * returns the URL mvid redirects to at the world (with `code` or `error`).
 */
export async function walkSignIn(
  base: string,
  browser: Browser,
  authenticator: SoftwareAuthenticator,
  authorizationUrl: string,
  options: SignInOptions = {},
): Promise<URL> {
  const end = await walkSignInPages(base, browser, authenticator, authorizationUrl, options);
  if (end.kind === 'page') throw new Error(`unexpected ${end.status} at ${end.url}: ${end.html.slice(0, 400)}`);
  return end.url;
}

/** As walkSignIn, but an mvid page answering other than 200 (a sign-in refused by a sanction) ends the walk and is returned. */
export async function walkSignInPages(
  base: string,
  browser: Browser,
  authenticator: SoftwareAuthenticator,
  authorizationUrl: string,
  options: SignInOptions = {},
): Promise<WalkEnd> {
  let { response, url } = await browser.follow(authorizationUrl);
  for (let step = 0; step < 4; step++) {
    if (!url.startsWith(base)) return { kind: 'world', url: new URL(url) };
    const html = await response.text();
    if (response.status !== 200) return { kind: 'page', status: response.status, html, url };
    const uid = /\/interaction\/([^/?#]+)/.exec(url)?.[1];
    if (!uid) throw new Error(`not an interaction page: ${url}\n${html.slice(0, 400)}`);
    const csrf = csrfOf(html);
    if (html.includes('id="passkey"')) {
      const headers = { 'x-csrf-token': csrf, 'content-type': 'application/json' };
      const opts = (await (
        await browser.fetch(`/interaction/${uid}/passkey/options`, { method: 'POST', headers, body: '{}' })
      ).json()) as RequestOptions;
      const assertion = authenticator.get(opts, base);
      const done = await browser.fetch(`/interaction/${uid}/passkey`, { method: 'POST', headers, body: JSON.stringify(assertion) });
      if (done.status !== 200) throw new Error(`passkey sign-in failed: ${done.status} ${await done.text()}`);
      ({ response, url } = await browser.follow(((await done.json()) as { location: string }).location));
      continue;
    }
    const form = new URLSearchParams({ csrf, decision: options.decision ?? 'allow' });
    for (const m of html.matchAll(/name="(claim:[a-z_0-9]+)" value="1"/g)) {
      const name = m[1] as string;
      if (!options.untick?.includes(name.slice('claim:'.length))) form.set(name, '1');
    }
    ({ response, url } = await browser.follow(`/interaction/${uid}/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    }));
  }
  throw new Error('sign-in did not finish');
}
