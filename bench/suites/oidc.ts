/**
 * mvid's OpenID Connect provider over HTTP, against a real `mvid serve` child process on
 * 127.0.0.1 (SQLite, durable, temp data dir, log level warn). Set up the way an operator and
 * a person would: `mvid init`, `mvid trustees init`, `mvid worlds add` (client_secret_basic)
 * and `mvid keys export` (the development PID issuer's key) on the data dir before `serve`
 * starts; then, over HTTP, a dev person enrols, registers a passkey (the
 * software authenticator of the tests), signs in through the interaction pages and consents
 * once. Measured:
 * - client-credentials tokens/s (autocannon, 64 keep-alive connections; a JWT access token
 *   for mvid's API per request, `resource=<public URL>/api`, `scope=mvid:world`);
 * - the server's peak RSS and the p99 of a small `/readyz` probe load while that token load runs;
 * - complete code-flow logins/s with the session and consent already present: authorization
 *   request with the session cookie (fresh state, nonce and PKCE) → redirects → the world's
 *   redirect URI with `code` → token request with the code verifier, 32 concurrent browsers.
 * The set-up and the loads are shared: `oidc-postgres` runs them on PostgreSQL (and adds
 * enrolments over HTTP, `enrolLoad`), `cluster` through a proxy in front of several nodes.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import {
  DEV_ISSUER_KEY_FILE,
  type DevIssuerKey,
  devIssuerKeyOf,
  generateHolderKey,
  issueDevPid,
  presentPid,
} from '../../src/registry/index.ts';
import { personClaims } from '../../test/support/registry.ts';
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
import { Browser, type Jar, type Reply, send } from '../harness/http-client.ts';
import { DEFAULT_CONNECTIONS, runLoad } from '../harness/load.ts';
import { inParallel, preparedOpsPerSecond } from '../harness/measure.ts';
import { freePort, rssOf, type ServerProcess, serverNodeArgs, startServer } from '../harness/process.ts';
import { defineSuite, type SuiteContext } from '../harness/types.ts';
import { BENCH_ABUSE_LIMITS } from '../harness/abuse.ts';

const MB = 2 ** 20;
/** Concurrent connections of the `/readyz` probe load beside the token load. */
const PROBE_CONNECTIONS = 4;
/** Share of requests (or logins) that may fail before a repetition is refused. */
const MAX_FAILURE_FRACTION = 0.001;
/** Enrolments in flight at once over HTTP (as many as the registry suite's in-process figure). */
const ENROL_CONCURRENCY = 8;
/** Presentations prepared per untimed batch of the enrolment load (a nonce fetched, a PID issued and presented each). */
const ENROL_BATCH = 40;
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
  /** The development PID issuer's key: new people for the enrolment load. */
  devKey: DevIssuerKey;
  log(message: string): void;
}

function json(reply: Reply, status: number, what: string): unknown {
  if (reply.status !== status) throw new Error(`${what} answered ${reply.status}: ${reply.body.slice(0, 500)}`);
  return JSON.parse(reply.body) as unknown;
}

// ——— setup: the operator's CLI, then a person over HTTP ———

/** Where a deployment serves and what it shares; SQLite in the data dir unless `databaseUrl`. */
export interface DeploymentSettings {
  /** The URL people and worlds use: the node's own, or the load balancer's in a cluster. */
  publicUrl: string;
  databaseUrl?: string;
  /** MVID_KEY_ENCRYPTION_KEY: the deployment's keys sealed in the database (a cluster). */
  kek?: string;
}

/**
 * The environment of one node (or of the operator's CLI on its data dir): ours minus any
 * MVID_* setting of the caller (the bench measures the default) plus the deployment's settings.
 */
export function serverEnv(dataDir: string, port: number, settings: DeploymentSettings): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MVID_')));
  return {
    ...env,
    ...(settings.databaseUrl === undefined ? {} : { MVID_DATABASE_URL: settings.databaseUrl }),
    ...(settings.kek === undefined ? {} : { MVID_KEY_ENCRYPTION_KEY: settings.kek }),
    MVID_DATA_DIR: dataDir,
    MVID_HOST: '127.0.0.1',
    MVID_PORT: String(port),
    MVID_PUBLIC_URL: settings.publicUrl,
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

/** A fresh person's development PID, presented to `audience` over `nonce` as the person's wallet would. */
function freshPresentation(devKey: DevIssuerKey, nonce: string, audience: string): Promise<string> {
  const holder = generateHolderKey();
  const now = new Date();
  return issueDevPid(devKey, personClaims(), holder.publicJwk, { now }).then((credential) =>
    presentPid(credential, holder.privateJwk, { nonce, audience, now }),
  );
}

async function fetchNonce(agent: Agent, publicUrl: string): Promise<string> {
  const reply = await send(agent, new URL('/registry/v1/nonces', publicUrl), 'POST', {});
  return (json(reply, 201, 'nonce') as { nonce: string }).nonce;
}

/** POST /registry/v1/enrolments; the session it opens. */
async function enrol(agent: Agent, publicUrl: string, presentation: string): Promise<{ token: string }> {
  const reply = await send(
    agent,
    new URL('/registry/v1/enrolments', publicUrl),
    'POST',
    { 'content-type': 'application/json' },
    JSON.stringify({ presentation }),
  );
  return (json(reply, 201, 'enrolment') as { session: { token: string } }).session;
}

/** Enrols a dev person through the registry API and registers a passkey with the session it returns. */
async function enrolWithPasskey(browser: Browser, devKey: DevIssuerKey): Promise<TestAuthenticator> {
  const presentation = await freshPresentation(devKey, await fetchNonce(browser.agent, browser.base), browser.base);
  const session = await enrol(browser.agent, browser.base, presentation);
  const auth = { authorization: `Bearer ${session.token}` };
  const options = json(await browser.fetch('/worlds/v1/me/passkeys/options', 'POST', auth), 200, 'passkey options') as CreationOptions;
  const authenticator = new TestAuthenticator();
  const registration = authenticator.create(options, browser.base);
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

/** What the operator set up before any node served: the world, and the key of the development PID issuer. */
export interface Deployment {
  clientId: string;
  /** `Basic …` for the world's client_secret_basic. */
  basic: string;
  devKey: DevIssuerKey;
}

/**
 * The operator's set-up with the CLI on `env`, before `serve` starts: the deployment's keys
 * (`mvid init`: in the key directory, or sealed in the database under a KEK), the escrow
 * ceremony (enrolment seals to it), the world, and the development PID issuer's key as an
 * operator moves keys (`mvid keys export`; the file is removed at once).
 */
export async function prepareDeployment(ctx: SuiteContext, env: NodeJS.ProcessEnv): Promise<Deployment> {
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
  const exported = join(ctx.tempDir('keys-export'), 'keys.json');
  await mvidCli(ctx, env, ['keys', 'export', '--out', exported]);
  const doc = JSON.parse(readFileSync(exported, 'utf8')) as { keys: Record<string, string> };
  rmSync(exported);
  const devKeyText = doc.keys[DEV_ISSUER_KEY_FILE];
  if (devKeyText === undefined) throw new Error('mvid keys export holds no development PID issuer key');
  return { clientId, basic, devKey: devIssuerKeyOf(devKeyText) };
}

/** Starts `mvid serve` on `env` (stopped at the end of the suite). */
export async function startMvid(ctx: SuiteContext, env: NodeJS.ProcessEnv, name = 'mvid serve'): Promise<ServerProcess> {
  const server = await startServer({
    name,
    command: ctx.node,
    args: [...serverNodeArgs(), join(ctx.repoRoot, 'bin', 'mvid.js'), 'serve'],
    cwd: ctx.repoRoot,
    env,
    startTimeoutMs: 60_000,
  });
  ctx.defer(() => server.stop());
  return server;
}

/**
 * The person, through `publicUrl` (a node, or the proxy in front of several): enrolment,
 * passkey, one sign-in with consent; the browser keeps its session cookies. Then one login
 * without pages, end to end, before anything is measured.
 */
export async function signInPerson(
  ctx: SuiteContext,
  server: ServerProcess,
  publicUrl: string,
  deployment: Deployment,
): Promise<OidcState> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  ctx.defer(() => agent.destroy());
  const browser = new Browser(publicUrl, agent);
  const authenticator = await enrolWithPasskey(new Browser(publicUrl, agent), deployment.devKey);
  const client: CodeFlowClient = {
    base: publicUrl,
    authorizationEndpoint: `${publicUrl}/oidc/auth`,
    tokenEndpoint: `${publicUrl}/oidc/token`,
    clientId: deployment.clientId,
    basic: deployment.basic,
    redirectUri: REDIRECT_URI,
    scope: SCOPE,
    cookies: browser.jar,
  };
  const state: OidcState = { ...deployment, server, client, publicUrl, cookies: browser.jar, log: (m) => ctx.log(m) };
  const first = authorizationRequest(client);
  const callback = await signInAndConsent(browser, authenticator, first);
  if (!callback.searchParams.get('code')) throw new Error(`the first sign-in ended at ${callback.href}`);
  await codeFlowLogin(new Browser(publicUrl, agent, browser.jar.clone()), client);
  ctx.log(
    `person enrolled, passkey registered, signed in and consented (session cookies for /oidc/auth: ${browser.jar.header('/oidc/auth').replace(/=[^;]*/g, '')})`,
  );
  return state;
}

/**
 * Everything the OIDC benchmarks need: the operator's CLI on a fresh data dir (and, with
 * `databaseUrl`, a fresh PostgreSQL database), `mvid serve`, and a signed-in, consented person.
 */
export async function setupOidc(ctx: SuiteContext, options: { databaseUrl?: string } = {}): Promise<OidcState> {
  const dataDir = ctx.tempDir('mvid-oidc');
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const env = serverEnv(dataDir, port, { publicUrl, ...options });
  const deployment = await prepareDeployment(ctx, env);
  const server = await startMvid(ctx, env);
  ctx.log(`mvid serve pid ${server.pid} at ${server.url}; world ${deployment.clientId} (client_secret_basic)`);
  return signInPerson(ctx, server, publicUrl, deployment);
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

/**
 * One repetition of enrolments over HTTP: batches of ENROL_BATCH people, each with a nonce
 * from `POST /registry/v1/nonces` and a fresh development PID presented over it (the
 * wallet's part, not timed), then `POST /registry/v1/enrolments` with ENROL_CONCURRENCY in
 * flight (timed); any answer but 201 fails the repetition. Returns enrolments/s.
 */
export async function enrolLoad(state: OidcState, seconds: number): Promise<{ perSecond: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: ENROL_CONCURRENCY });
  try {
    const prepare = async () => {
      const nonces = await inParallel(ENROL_BATCH, ENROL_CONCURRENCY, () => fetchNonce(agent, state.publicUrl));
      return Promise.all(nonces.map((nonce) => freshPresentation(state.devKey, nonce, state.publicUrl)));
    };
    const perSecond = await preparedOpsPerSecond(seconds, ENROL_CONCURRENCY, prepare, (p) => enrol(agent, state.publicUrl, p));
    return { perSecond };
  } finally {
    agent.destroy();
  }
}

export const TOKEN_NOTE = `POST /oidc/token, client_secret_basic, resource …/api, scope mvid:world → ES256 JWT access token; ${DEFAULT_CONNECTIONS} keep-alive connections; 200s only`;
export const ENROL_NOTE = `POST /registry/v1/enrolments (development PID presented over a nonce from POST /registry/v1/nonces; PID issuance, presentation and nonce outside the timed section), ${ENROL_CONCURRENCY} in flight, keep-alive (node:http); 201s only`;
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
