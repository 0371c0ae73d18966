/**
 * The HTTP side of the trustee and authority clients, with `fetch` injected (tests
 * and `mvid demo` pass one that goes through the app in-process). A problem document
 * comes back as the MvidError it stands for, so callers handle one error type.
 */
import { ERROR_CODES, type ErrorCode, MvidError } from '../core/index.ts';

export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<FetchResponseLike>;

export class ApiClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: FetchLike;

  constructor(base: string, token: string | undefined, fetchImpl: FetchLike) {
    this.#base = base.replace(/\/+$/, '');
    this.#token = token;
    this.#fetch = fetchImpl;
  }

  async #call(method: string, path: string, body?: unknown): Promise<FetchResponseLike> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init = body === undefined ? { method, headers } : { method, headers, body: JSON.stringify(body) };
    const response = await this.#fetch(`${this.#base}${path}`, init);
    if (response.status >= 400) {
      const text = await response.text();
      let problem: { code?: string; detail?: string } = {};
      try {
        problem = JSON.parse(text) as typeof problem;
      } catch {
        // not a problem document
      }
      const code = (
        typeof problem.code === 'string' && Object.hasOwn(ERROR_CODES, problem.code) ? problem.code : 'service_unavailable'
      ) as ErrorCode;
      throw new MvidError(code, `${method} ${path}: ${problem.detail ?? `HTTP ${response.status}`}`, {
        extensions: { status: response.status, ...problem },
      });
    }
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#call(method, path, body);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async text(path: string): Promise<string> {
    return (await this.#call('GET', path)).text();
  }
}
