/**
 * mvid's OpenID Connect provider over HTTP, against a real `mvid serve` child process on
 * 127.0.0.1 (SQLite, durable, temp data dir, log level warn). Set up the way an operator and
 * a person would: `mvid trustees init` and `mvid worlds add` (client_secret_basic) on the data
 * dir before `serve` starts; then, over HTTP, a dev person enrols, registers a passkey (the
 * software authenticator of the tests), signs in through the interaction pages and consents
 * once. Measured:
 * - client-credentials tokens/s (autocannon, 64 keep-alive connections; a JWT access token
 *   for mvid's API per request, `resource=<public URL>/api`, `scope=mvid:world`);
 * - the server's peak RSS and the p99 of a small `/readyz` probe load while that token load runs;
 * - complete code-flow logins/s with the session and consent already present: authorization
 *   request with the session cookie (fresh state, nonce and PKCE) → redirects → the world's
 *   redirect URI with `code` → token request with the code verifier, 32 concurrent browsers.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { keyDirOf } from '../../src/keys/index.ts';
import { generateHolderKey, issueDevPid, loadDevIssuerKey, type PidClaims, presentPid } from '../../src/registry/index.ts';
import { type CreationOptions, type RequestOptions, TestAuthenticator } from '../../test/support/webauthn.ts';
import {
  type AuthorizationRequest,
  authorizationRequest,
  BROWSERS,
  type CodeFlowClient,
  checkLogins,
  codeFlowLogin,
  driveLogins,
} from '../harness/code-flow.ts';
import { Browser, type Jar, type Reply } from '../harness/http-client.ts';
import { DEFAULT_CONNECTIONS, runLoad } from '../harness/load.ts';
import { freePort, rssOf, type ServerProcess, serverNodeArgs, startServer } from '../harness/process.ts';
import { defineSuite, type SuiteContext } from '../harness/types.ts';
import { BENCH_ABUSE_LIMITS } from '../harness/abuse.ts';

const MB = 2 ** 20;
/** Concurrent connections of the `/readyz` probe load beside the token load. */
const PROBE_CONNECTIONS = 4;
/** Share of requests (or logins) that may fail before a repetition is refused. */
const MAX_FAILURE_FRACTION = 0.001;
const REDIRECT_URI = 'http://127.0.0.1:9/bench/callback';
const SCOPE = 'openid age_over_18';
const TRUSTEES = ['t1', 't2', 't3', 't4', 't5'];
/** The target rows "RSS under the token load" and "p99 of /readyz under the token load" (bench/targets.ts). */
const RSS_TOKEN_LOAD = 'mvid.rss.load';
const READYZ_P99_TOKEN_LOAD = 'mvid.readyz.p99';

export interface OidcState {
  server: ServerProcess;
  /** The world as the code-flow driver sees it (bench/harness/code-flow.ts). */
  client: CodeFlowClient;
  publicUrl: string;
  clientId: string;
  /** `Basic …` for the world's client_secret_basic. */
  basic: string;
  /** The signed-in browser's cookies (oidc-provider's session, mvid's own), after one consent. */
  cookies: Jar;
  log(message: string): void;
}

function json(reply: Reply, status: number, what: string): unknown {
  if (reply.status !== status) throw new Error(`${what} answered ${reply.status}: ${reply.body.slice(0, 500)}`);
  return JSON.parse(reply.body) as unknown;
}

// ——— setup: the operator's CLI, then a person over HTTP ———

/** The server's environment: ours minus any MVID_* setting of the caller (the bench measures the default), SQLite unless `databaseUrl`. */
function serverEnv(dataDir: string, port: number, databaseUrl?: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MVID_')));
  return {
    ...env,
    ...(databaseUrl === undefined ? {} : { MVID_DATABASE_URL: databaseUrl }),
    MVID_DATA_DIR: dataDir,
    MVID_HOST: '127.0.0.1',
    MVID_PORT: String(port),
    MVID_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MVID_LOG_LEVEL: 'warn',
    MVID_DEMO_SEED: 'false',
    MVID_ABUSE_LIMITS: JSON.stringify(BENCH_ABUSE_LIMITS),
  };
}

function mvidCli(ctx: SuiteContext, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      ctx.node,
      [join(ctx.repoRoot, 'bin', 'mvid.js'), ...args],
      { cwd: ctx.repoRoot, env, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`mvid ${args.slice(0, 2).join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

function personClaims(): PidClaims {
  return {
    given_name: 'Bench',
    family_name: 'Marker',
    birthdate: '1990-12-10',
    nationalities: ['GB'],
    unique_id: `ZZ${randomBytes(4).readUInt32BE()}`,
    unique_id_namespace: 'GB:nino',
    document_number: 'DOC5000001',
    address: { street_address: '1 Bench Road', locality: 'London', country: 'GB' },
    email: 'bench@example.org',
  };
}

/** Enrols a dev person through the registry API and registers a passkey with the session it returns. */
async function enrolWithPasskey(browser: Browser, dataDir: string, publicUrl: string): Promise<TestAuthenticator> {
  const { nonce } = json(await browser.fetch('/registry/v1/nonces', 'POST'), 201, 'nonce') as { nonce: string };
  const holder = generateHolderKey();
  const now = new Date();
  const credential = await issueDevPid(loadDevIssuerKey(keyDirOf(dataDir), 'development'), personClaims(), holder.publicJwk, { now });
  const presentation = await presentPid(credential, holder.privateJwk, { nonce, audience: publicUrl, now });
  const enrolled = json(
    await browser.fetch('/registry/v1/enrolments', 'POST', { 'content-type': 'application/json' }, JSON.stringify({ presentation })),
    201,
    'enrolment',
  ) as { session: { token: string } };
  const auth = { authorization: `Bearer ${enrolled.session.token}` };
  const options = json(await browser.fetch('/worlds/v1/me/passkeys/options', 'POST', auth), 200, 'passkey options') as CreationOptions;
  const authenticator = new TestAuthenticator();
  const registration = authenticator.create(options, publicUrl);
  const added = await browser.fetch(
    '/worlds/v1/me/passkeys',
    'POST',
    { ...auth, 'content-type': 'application/json' },
    JSON.stringify(registration),
  );
  if (added.status !== 201) throw new Error(`passkey registration answered ${added.status}: ${added.body}`);
  return authenticator;
}

function csrfOf(html: string): string {
  const m = /data-csrf="([^"]+)"|name="csrf" value="([^"]+)"/.exec(html);
  const token = m?.[1] ?? m?.[2];
  if (!token) throw new Error(`no CSRF token on the page:\n${html.slice(0, 500)}`);
  return token;
}

/** Walks authorization → passkey sign-in → consent once, as a person in a browser would; returns the world's callback URL. */
async function signInAndConsent(browser: Browser, authenticator: TestAuthenticator, request: AuthorizationRequest): Promise<URL> {
  let { reply, url } = await browser.follow(request.url);
  for (let step = 0; step < 4; step++) {
    if (!url.startsWith(`${browser.base}/`)) return new URL(url);
    if (reply.status !== 200) throw new Error(`unexpected ${reply.status} at ${url}: ${reply.body.slice(0, 400)}`);
    const uid = /\/interaction\/([^/?#]+)/.exec(url)?.[1];
    if (!uid) throw new Error(`not an interaction page: ${url}\n${reply.body.slice(0, 400)}`);
    const csrf = csrfOf(reply.body);
    if (reply.body.includes('id="passkey"')) {
      const headers = { 'x-csrf-token': csrf, 'content-type': 'application/json' };
      const options = json(
        await browser.fetch(`/interaction/${uid}/passkey/options`, 'POST', headers, '{}'),
        200,
        'sign-in options',
      ) as RequestOptions;
      const assertion = authenticator.get(options, browser.base);
      const done = json(
        await browser.fetch(`/interaction/${uid}/passkey`, 'POST', headers, JSON.stringify(assertion)),
        200,
        'passkey sign-in',
      ) as { location: string };
      ({ reply, url } = await browser.follow(done.location));
      continue;
    }
    const form = new URLSearchParams({ csrf, decision: 'allow' });
    for (const m of reply.body.matchAll(/name="(claim:[a-z_0-9]+)" value="1"/g)) form.set(m[1] as string, '1');
    ({ reply, url } = await browser.follow(
      `/interaction/${uid}/consent`,
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      form.toString(),
    ));
  }
  throw new Error('sign-in did not finish');
}

function tokenRequest(state: OidcState) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'mvid:world', resource: `${state.publicUrl}/api` });
  return {
    url: `${state.publicUrl}/oidc/token`,
    method: 'POST' as const,
    headers: { authorization: state.basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    maxFailureFraction: MAX_FAILURE_FRACTION,
  };
}

/**
 * Everything the OIDC benchmarks need: the operator's CLI on a fresh data dir (and, with
 * `databaseUrl`, a fresh PostgreSQL database), `mvid serve`, and a signed-in, consented person.
 */
export async function setupOidc(ctx: SuiteContext, options: { databaseUrl?: string } = {}): Promise<OidcState> {
  const dataDir = ctx.tempDir('mvid-oidc');
  const port = await freePort();
  const env = serverEnv(dataDir, port, options.databaseUrl);
  const publicUrl = String(env.MVID_PUBLIC_URL);
  // The operator: keys, escrow ceremony (enrolment seals to it) and the world, on the data dir before serve starts.
  const passphrases = Object.fromEntries(TRUSTEES.map((t) => [`MVID_TRUSTEE_PASSPHRASE_${t.toUpperCase()}`, `${t} bench passphrase ok`]));
  await mvidCli(ctx, env, ['init']);
  const trusteeArgs = TRUSTEES.flatMap((t) => ['--trustee', t]);
  await mvidCli(ctx, { ...env, ...passphrases }, [
    'trustees',
    'init',
    '--dev-dealer',
    '--threshold',
    '3',
    ...trusteeArgs,
    '--out-dir',
    ctx.tempDir('shares'),
  ]);
  const added = await mvidCli(ctx, env, [
    'worlds',
    'add',
    '--name',
    'Bench World',
    '--redirect-uri',
    REDIRECT_URI,
    '--purpose',
    'Adult areas need age_over_18.',
    '--claim',
    'age_over_18',
    '--rule',
    'harassment=Be kind.',
  ]);
  const clientId = /^client_id\s+(\S+)/m.exec(added)?.[1];
  const clientSecret = /^client_secret\s+(\S+)/m.exec(added)?.[1];
  if (!clientId || !clientSecret) throw new Error(`mvid worlds add printed no client id and secret:\n${added}`);
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

  const server = await startServer({
    name: 'mvid serve',
    command: ctx.node,
    args: [...serverNodeArgs(), join(ctx.repoRoot, 'bin', 'mvid.js'), 'serve'],
    cwd: ctx.repoRoot,
    env,
    startTimeoutMs: 60_000,
  });
  ctx.defer(() => server.stop());
  ctx.log(`mvid serve pid ${server.pid} at ${server.url}; world ${clientId} (client_secret_basic)`);

  // The person: enrolment, passkey, one sign-in with consent; the browser keeps its session cookies.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  ctx.defer(() => agent.destroy());
  const browser = new Browser(publicUrl, agent);
  const authenticator = await enrolWithPasskey(new Browser(publicUrl, agent), dataDir, publicUrl);
  const client: CodeFlowClient = {
    base: publicUrl,
    authorizationEndpoint: `${publicUrl}/oidc/auth`,
    tokenEndpoint: `${publicUrl}/oidc/token`,
    clientId,
    basic,
    redirectUri: REDIRECT_URI,
    scope: SCOPE,
    cookies: browser.jar,
  };
  const state: OidcState = { server, client, publicUrl, clientId, basic, cookies: browser.jar, log: (m) => ctx.log(m) };
  const first = authorizationRequest(client);
  const callback = await signInAndConsent(browser, authenticator, first);
  if (!callback.searchParams.get('code')) throw new Error(`the first sign-in ended at ${callback.href}`);
  // From here on a login needs no page: check that once, end to end, before measuring.
  await codeFlowLogin(new Browser(publicUrl, agent, browser.jar.clone()), client);
  ctx.log(
    `person enrolled, passkey registered, signed in and consented (session cookies for /oidc/auth: ${browser.jar.header('/oidc/auth').replace(/=[^;]*/g, '')})`,
  );
  return state;
}

/** One repetition of the client-credentials load: tokens/s and p99 ms. */
export async function tokenLoad(state: OidcState, seconds: number): Promise<{ perSecond: number; p99Ms: number }> {
  const load = await runLoad({ ...tokenRequest(state), seconds });
  if (load.failures > 0)
    state.log(`${load.failures} failed token requests beside ${load.responses} tokens (tolerated: ≤ ${MAX_FAILURE_FRACTION})`);
  return { perSecond: load.requestsPerSecond, p99Ms: load.latencyP99Ms };
}

/** One repetition of code-flow logins: logins/s and p99 ms. */
export async function codeFlowLoad(state: OidcState, seconds: number): Promise<{ perSecond: number; p99Ms: number }> {
  const result = await driveLogins(state.client, seconds);
  checkLogins(result, MAX_FAILURE_FRACTION, state.log);
  return { perSecond: result.loginsPerSecond, p99Ms: result.p99Ms };
}

export const TOKEN_NOTE = `POST /oidc/token, client_secret_basic, resource …/api, scope mvid:world → ES256 JWT access token; ${DEFAULT_CONNECTIONS} keep-alive connections; 200s only`;
export const CODE_FLOW_NOTE = `session and consent present; GET /oidc/auth (session cookie, fresh state/nonce/PKCE S256, scope "${SCOPE}") → redirects → code → POST /oidc/token (client_secret_basic, code_verifier) → ID token; ${BROWSERS} concurrent browsers, keep-alive (node:http)`;

export default defineSuite<OidcState>({
  name: 'oidc',
  title: 'OpenID Connect over HTTP (client credentials, code flow, health under token load)',
  kind: 'mvid',
  setup: (ctx) => setupOidc(ctx),
  benchmarks: [
    {
      id: 'tokens.client-credentials',
      seconds: 4,
      metrics: [
        {
          id: 'tokens.client-credentials',
          title: 'Client-credentials tokens',
          unit: 'tokens/s',
          better: 'higher',
          note: TOKEN_NOTE,
        },
        {
          id: 'tokens.client-credentials.p99',
          title: 'Client-credentials token p99 latency',
          unit: 'ms',
          better: 'lower',
          note: '1 ms resolution',
        },
      ],
      async run(state, rep) {
        const load = await tokenLoad(state, rep.seconds);
        return { 'tokens.client-credentials': load.perSecond, 'tokens.client-credentials.p99': load.p99Ms };
      },
    },
    {
      id: 'mvid.token-load',
      seconds: 4,
      metrics: [
        {
          id: RSS_TOKEN_LOAD,
          title: 'RSS of `mvid serve`, under the token load',
          unit: 'MB',
          better: 'lower',
          ceiling: 'ceiling.http.hello.rss-load',
          note: 'peak VmRSS sampled every 100 ms during the client-credentials load (64 connections); MB = 2^20 bytes',
        },
        {
          id: READYZ_P99_TOKEN_LOAD,
          title: 'p99 latency of /readyz under the token load',
          unit: 'ms',
          better: 'lower',
          ceiling: 'ceiling.http.hello.p99',
          note: `${PROBE_CONNECTIONS} connections of GET /readyz beside 64 of client-credentials tokens; 1 ms resolution`,
        },
      ],
      async run(state, rep) {
        const [tokens, probes] = await Promise.all([
          runLoad({ ...tokenRequest(state), seconds: rep.seconds, samplePid: state.server.pid, rss: rssOf }),
          runLoad({ url: `${state.publicUrl}/readyz`, seconds: rep.seconds, connections: PROBE_CONNECTIONS }),
        ]);
        if (tokens.failures + probes.failures > 0)
          state.log(`${tokens.failures} failed token requests, ${probes.failures} failed probes (tolerated)`);
        return { [RSS_TOKEN_LOAD]: tokens.peakRssBytes / MB, [READYZ_P99_TOKEN_LOAD]: probes.latencyP99Ms };
      },
    },
    {
      id: 'oidc.code-flow',
      seconds: 4,
      metrics: [
        {
          id: 'oidc.code-flow',
          title: 'OIDC authorization-code logins',
          unit: 'logins/s',
          better: 'higher',
          note: CODE_FLOW_NOTE,
        },
        {
          id: 'oidc.code-flow.p99',
          title: 'OIDC code-flow login p99 latency',
          unit: 'ms',
          better: 'lower',
          note: 'whole login, all requests',
        },
      ],
      async run(state, rep) {
        const logins = await codeFlowLoad(state, rep.seconds);
        return { 'oidc.code-flow': logins.perSecond, 'oidc.code-flow.p99': logins.p99Ms };
      },
    },
  ],
});
