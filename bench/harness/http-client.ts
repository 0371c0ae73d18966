/**
 * A small keep-alive HTTP client for load drivers that need more than autocannon's fixed
 * request: node:http (cheaper per request than fetch), a cookie jar that honours Path and
 * deletions, and a user agent that follows redirects only while they stay on the server.
 * Loopback only, like every load in the bench.
 */
import { type Agent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a keep-alive agent; the whole body is read as UTF-8. Times out after 10 s. */
export function send(agent: Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  const host = url.hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]')
    throw new TypeError(`load is generated on loopback only, not ${host}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
    req.end(body);
  });
}

/** Cookies by name with their Path (a browser sends `_interaction` only to its interaction's pages); deletions honoured. */
export class Jar {
  readonly cookies = new Map<string, { value: string; path: string }>();

  /** The Cookie header for a request to `pathname` (RFC 6265 §5.1.4 path-match). */
  header(pathname: string): string {
    const sent: string[] = [];
    for (const [name, { value, path }] of this.cookies) {
      const matches = pathname === path || (pathname.startsWith(path) && (path.endsWith('/') || pathname.charAt(path.length) === '/'));
      if (matches) sent.push(`${name}=${value}`);
    }
    return sent.join('; ');
  }

  take(setCookie: readonly string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const path = attributes.map((a) => /^\s*path=(.*)$/i.exec(a)?.[1]?.trim()).find((p) => p?.startsWith('/')) ?? '/';
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  clone(): Jar {
    const copy = new Jar();
    for (const [name, cookie] of this.cookies) copy.cookies.set(name, { ...cookie });
    return copy;
  }
}

/** A user agent: one keep-alive connection pool and one cookie jar; follows nothing by itself. */
export class Browser {
  readonly agent: Agent;
  readonly jar: Jar;
  readonly base: string;

  constructor(base: string, agent: Agent, jar = new Jar()) {
    this.base = base;
    this.agent = agent;
    this.jar = jar;
  }

  async fetch(url: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<Reply> {
    const target = new URL(url, this.base);
    const cookie = this.jar.header(target.pathname);
    const reply = await send(this.agent, target, method, cookie === '' ? headers : { ...headers, cookie }, body);
    this.jar.take(reply.headers['set-cookie']);
    return reply;
  }

  /** Follows redirects while they stay on mvid; returns the first reply that does not (with its URL). */
  async follow(url: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<{ reply: Reply; url: string }> {
    let current = new URL(url, this.base).href;
    let reply = await this.fetch(current, method, headers, body);
    for (let hops = 0; hops < 10 && reply.status >= 300 && reply.status < 400; hops++) {
      const next = new URL(String(reply.headers.location ?? ''), current).href;
      if (!next.startsWith(`${this.base}/`)) return { reply, url: next };
      current = next;
      reply = await this.fetch(next);
    }
    return { reply, url: current };
  }
}
