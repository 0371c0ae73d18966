/**
 * The OpenID Connect authorization-code login driver shared by the `oidc` suite (mvid) and the
 * `peers` suite (stock oidc-provider): one login of a signed-in person who has consented
 * before — authorization request with the session cookie (fresh state, nonce and PKCE S256)
 * → redirects → the client's redirect URI with `code` and our `state` → token request with
 * the code verifier → 200 with an ID token — and `BROWSERS` concurrent loops of them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { Browser, type Jar, send } from './http-client.ts';
import { quantile } from './stats.ts';

/** Concurrent browsers of the code-flow driver. */
export const BROWSERS = 32;

/** Where a provider answers and who the client is. */
export interface CodeFlowClient {
  /** The browser's base URL (the provider's origin). */
  base: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  /** `Basic …` for client_secret_basic. */
  basic: string;
  redirectUri: string;
  scope: string;
  /** The signed-in browser's cookies, after one consent. */
  cookies: Jar;
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  verifier: string;
}

export function authorizationRequest(client: Omit<CodeFlowClient, 'cookies'>): AuthorizationRequest {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const query = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: client.scope,
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return { url: `${client.authorizationEndpoint}?${query}`, state, verifier };
}

/** One complete login with the session and consent already present; throws on anything else. */
export async function codeFlowLogin(browser: Browser, client: CodeFlowClient): Promise<void> {
  const request = authorizationRequest(client);
  const { reply, url } = await browser.follow(request.url);
  if (!url.startsWith(client.redirectUri)) throw new Error(`authorization ended at ${url} (${reply.status}), not at the client`);
  const callback = new URL(url);
  const code = callback.searchParams.get('code');
  if (code === null || callback.searchParams.get('state') !== request.state) throw new Error(`authorization answered ${url}`);
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: request.verifier,
  });
  const tokens = await send(
    browser.agent,
    new URL(client.tokenEndpoint),
    'POST',
    { authorization: client.basic, 'content-type': 'application/x-www-form-urlencoded' },
    body.toString(),
  );
  if (tokens.status !== 200 || !tokens.body.includes('"id_token"')) {
    throw new Error(`token request answered ${tokens.status}: ${tokens.body.slice(0, 300)}`);
  }
}

export interface DriveResult {
  loginsPerSecond: number;
  p99Ms: number;
  logins: number;
  failures: number;
  firstFailure: string | undefined;
}

/** BROWSERS concurrent loops of back-to-back logins for `seconds`; a login started before the deadline is waited for. */
export async function driveLogins(client: CodeFlowClient, seconds: number): Promise<DriveResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: BROWSERS });
  const times: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: BROWSERS }, async () => {
        const browser = new Browser(client.base, agent, client.cookies.clone());
        while (performance.now() < deadline) {
          const began = performance.now();
          try {
            await codeFlowLogin(browser, client);
            times.push(performance.now() - began);
          } catch (error) {
            failures++;
            firstFailure ??= (error as Error).message;
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - start) / 1000;
  return {
    loginsPerSecond: times.length / elapsed,
    p99Ms: times.length > 0 ? quantile(times, 0.99) : Number.NaN,
    logins: times.length,
    failures,
    firstFailure,
  };
}

/** Throws when too many logins failed; logs tolerated failures. */
export function checkLogins(result: DriveResult, maxFailureFraction: number, log: (m: string) => void): void {
  const attempts = result.logins + result.failures;
  if (result.logins === 0 || result.failures > maxFailureFraction * attempts) {
    throw new Error(`${result.failures} of ${attempts} logins failed; the first: ${result.firstFailure}`);
  }
  if (result.failures > 0) log(`${result.failures} of ${attempts} logins failed (tolerated); the first: ${result.firstFailure}`);
}
