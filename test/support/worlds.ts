/**
 * Worlds test kit: a listening mvid on 127.0.0.1 (so a real OpenID Connect client can
 * talk to it), persons enrolled through the registry's dev PID flow, and a tiny
 * cookie-keeping "browser" that walks the interaction pages the way a person would.
 */
import { dealTestEpochs } from './epochs.ts';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { type Config, loadConfig } from '../../src/config/index.ts';
import type { ShareFile, TrusteeShare } from '../../src/crypto/index.ts';
import { ManualClock, systemRandom } from '../../src/core/index.ts';
import { keyDirOf } from '../../src/keys/index.ts';
import { devPresentation, loadDevIssuerKey, type PidClaims } from '../../src/registry/index.ts';
import { createLogger, type Runtime, startRuntime } from '../../src/server/index.ts';
import type { Engine } from '../../src/store/index.ts';
import type { PersonAttributes } from '../../src/worlds/index.ts';
import { createTestDatabase, type TestDatabase } from './engines.ts';
import { FAST_SCRYPT, passphraseOf, personClaims, TRUSTEES } from './registry.ts';
import { Browser, type SignInOptions, type WalkEnd, walkSignIn as walk, walkSignInPages as walkPages } from '../../src/cli/demo/browser.ts';
import { type CreationOptions, TestAuthenticator } from './webauthn.ts';

/**
 * A port a test server can take a moment later. Drawn below the kernel's ephemeral range
 * (32768–60999 by default), because a port the kernel hands out for `listen(0)` is also the
 * kind it hands to outgoing connections: under load a PostgreSQL or fetch client took such
 * a port between the probe and the server's listen (EADDRINUSE, seen in CI).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port below the ephemeral range after 50 tries');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface WorldsRuntime extends Runtime {
  clock: ManualClock;
  database: TestDatabase;
  url: string;
  adminToken: string;
  /** Birthdates (and other attributes) the registry would hold, by person id. */
  attributes: Map<string, PersonAttributes>;
  /** The active trustee set's share files by trustee (passphrases: passphraseOf in registry.ts). */
  shareFiles: Map<string, ShareFile>;
  /** Each trustee's shares of the retention-epoch keys, in the clear (wiped by `stop`). */
  epochShares: Map<string, TrusteeShare[]>;
  stop(): Promise<void>;
}

/** A listening runtime; `host` is the name in the public URL (a browser wants `localhost` for WebAuthn). */
/**
 * `epochs: false` deals no retention-epoch keys (nobody can enrol); a number deals that many
 * (default TEST_EPOCHS). `logger`: the runtime's (silent otherwise), for a test that checks
 * what is logged.
 */
export async function startWorldsRuntime(
  engine: Engine,
  host = '127.0.0.1',
  overrides: Partial<Config> = {},
  options: { epochs?: boolean | number; logger?: Logger } = {},
): Promise<WorldsRuntime> {
  const database = await createTestDatabase(engine);
  const port = await freePort();
  const url = `http://${host}:${port}`;
  const attributes = new Map<string, PersonAttributes>();
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: database.dataDir,
      publicUrl: url,
      port,
      logLevel: 'silent',
      sweepIntervalSeconds: 0,
      ...(database.location.engine === 'postgres' ? { databaseUrl: database.location.url } : {}),
      ...overrides,
    },
  });
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const runtime = await startRuntime(config, {
    clock,
    random: systemRandom,
    logger: options.logger ?? createLogger('silent'),
    background: false,
    // Tests may give a person attributes no PID carries; everyone else's come as wired in production.
    worlds: { personAttributes: async (id) => attributes.get(id) },
  });
  await runtime.app.listen({ host: '127.0.0.1', port });
  const dealt = await runtime.registry.trusteeSets.deal({
    threshold: 3,
    trustees: TRUSTEES,
    passphrases: new Map(TRUSTEES.map((t) => [t, passphraseOf(t)])),
    scrypt: FAST_SCRYPT,
  });
  await runtime.registry.trusteeSets.publish(dealt.trusteeSet);
  const epochShares =
    options.epochs === false
      ? new Map<string, TrusteeShare[]>()
      : await dealTestEpochs(runtime.registry, dealt.trusteeSet.id, typeof options.epochs === 'number' ? options.epochs : undefined);
  const adminToken = (await runtime.registry.adminTokens.create('worlds-test')).token;
  return Object.assign(runtime, {
    clock,
    database,
    url,
    adminToken,
    attributes,
    shareFiles: new Map(dealt.shareFiles.map((f) => [f.trusteeId, f.file])),
    epochShares,
    async stop() {
      for (const list of epochShares.values()) for (const share of list) share.secret.fill(0);
      await runtime.close();
      await database.drop();
    },
  });
}

export interface TestPerson {
  personId: string;
  sessionToken: string;
  claims: PidClaims;
  authenticator: TestAuthenticator;
}

async function presentation(rt: WorldsRuntime, claims: PidClaims): Promise<string> {
  const key = loadDevIssuerKey(keyDirOf(rt.config.dataDir), 'development');
  return devPresentation(key, claims, { nonce: rt.registry.issueNonce().nonce, audience: rt.url, now: rt.clock.now() });
}

/** Enrols a person through the registry (the dev PID flow); no passkey yet. */
export async function enrolPersonWithoutPasskey(rt: WorldsRuntime, claims: PidClaims = personClaims()): Promise<TestPerson> {
  const enrolled = await rt.registry.enrolments.enrol(await presentation(rt, claims));
  return { personId: enrolled.personId, sessionToken: enrolled.session.token, claims, authenticator: new TestAuthenticator() };
}

/** Enrols a person and registers a passkey with the session enrolment returns (as the portal does). */
export async function enrolPerson(rt: WorldsRuntime, claims: PidClaims = personClaims()): Promise<TestPerson> {
  const person = await enrolPersonWithoutPasskey(rt, claims);
  await addPasskey(rt, person);
  return person;
}

/** Recovery: a new PID for the same person, a new device (authenticator) and passkey. */
export async function recoverPerson(rt: WorldsRuntime, person: TestPerson): Promise<TestPerson> {
  const recovered = await rt.registry.enrolments.recover(await presentation(rt, person.claims));
  const next = { ...person, personId: recovered.personId, sessionToken: recovered.session.token, authenticator: new TestAuthenticator() };
  await addPasskey(rt, next);
  return next;
}

export async function addPasskey(rt: WorldsRuntime, person: TestPerson): Promise<void> {
  const auth = { authorization: `Bearer ${person.sessionToken}` };
  const options = (await (
    await fetch(`${rt.url}/worlds/v1/me/passkeys/options`, { method: 'POST', headers: auth })
  ).json()) as CreationOptions;
  const response = person.authenticator.create(options, rt.url);
  const added = await fetch(`${rt.url}/worlds/v1/me/passkeys`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(response),
  });
  if (added.status !== 201) throw new Error(`passkey registration failed: ${added.status} ${await added.text()}`);
}

export async function registerWorld(
  rt: WorldsRuntime,
  body: Record<string, unknown>,
): Promise<{ clientId: string; clientSecret?: string; issuer: string }> {
  const r = await fetch(`${rt.url}/admin/v1/worlds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [{ category: 'harassment', text: 'Be kind.' }], purpose: 'To run the game.', ...body }),
  });
  if (r.status !== 201) throw new Error(`world registration failed: ${r.status} ${await r.text()}`);
  return r.json() as Promise<{ clientId: string; clientSecret?: string; issuer: string }>;
}

/**
 * A world whose callback is `${worldUrl}/callback` asking for `age_over_18` (required) and
 * `handle`, and a code flow against it with PKCE and state: `url` to send a browser to,
 * `finish(callback)` to redeem the code the browser brings back.
 */
export async function browserWorldFlow(
  rt: WorldsRuntime,
  worldUrl: string,
  name: string,
): Promise<{ url: URL; finish(callback: URL): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> }> {
  const registered = await registerWorld(rt, {
    name,
    redirectUris: [`${worldUrl}/callback`],
    policyUri: `${worldUrl}/privacy`,
    claims: [
      { name: 'age_over_18', required: true },
      { name: 'handle', required: false },
    ],
  });
  const config = await oidc.discovery(
    new URL(`${rt.url}/oidc`),
    registered.clientId,
    undefined,
    oidc.ClientSecretBasic(registered.clientSecret as string),
    { execute: [oidc.allowInsecureRequests] },
  );
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${worldUrl}/callback`,
    scope: 'openid age_over_18 handle',
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, finish: (callback) => oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }) };
}

export { Browser, csrfOf, type SignInOptions, type WalkEnd } from '../../src/cli/demo/browser.ts';

/**
 * Walks authorization → passkey sign-in → consent, as a person in a browser would;
 * returns the URL mvid redirects to at the world (with `code` or `error`).
 */
export function walkSignIn(
  rt: WorldsRuntime,
  browser: Browser,
  person: TestPerson,
  authorizationUrl: string,
  options: SignInOptions = {},
): Promise<URL> {
  return walk(rt.url, browser, person.authenticator, authorizationUrl, options);
}

/** As walkSignIn, but an mvid page answering other than 200 (a refusal) ends the walk and is returned. */
export function walkSignInPages(
  rt: WorldsRuntime,
  browser: Browser,
  person: TestPerson,
  authorizationUrl: string,
  options: SignInOptions = {},
): Promise<WalkEnd> {
  return walkPages(rt.url, browser, person.authenticator, authorizationUrl, options);
}

/** A stock OpenID Connect client (openid-client) of a registered world. */
export async function clientFor(rt: WorldsRuntime, clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(`${rt.url}/oidc`), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
}

/** A stock OpenID Connect client (openid-client) for a registered world, over mvid's plain-http test origin. */
export async function worldClient(rt: WorldsRuntime, world: { clientId: string; clientSecret?: string }): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(`${rt.url}/oidc`), world.clientId, undefined, oidc.ClientSecretBasic(world.clientSecret as string), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** An authorization request with PKCE and state: the URL to send the browser to, and what the callback needs. */
export async function authorize(config: oidc.Configuration, redirectUri: string, scope: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: url.href, verifier, state };
}

/** A whole sign-in: authorization URL, the person's walk through the pages, the code exchanged for tokens. */
export async function signIn(
  rt: WorldsRuntime,
  config: oidc.Configuration,
  person: TestPerson,
  redirectUri: string,
  scope: string,
  untick: string[] = [],
  browser: Browser = new Browser(rt.url),
) {
  // OpenID Connect Core §11: offline access (a refresh token) is only granted with prompt=consent.
  const req = await authorize(config, redirectUri, scope, scope.includes('offline_access') ? { prompt: 'consent' } : {});
  const callback = await walkSignIn(rt, browser, person, req.url, { untick });
  assert.equal(callback.searchParams.get('error'), null, callback.href);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: req.verifier, expectedState: req.state });
  return { tokens, browser };
}

/**
 * The code flow with PKCE, the person walking sign-in and consent in `browser`: returns
 * the tokens the world gets.
 */
export async function codeFlow(
  rt: WorldsRuntime,
  config: oidc.Configuration,
  person: TestPerson,
  redirectUri: string,
  scope: string,
  browser: Browser = new Browser(rt.url),
) {
  return (await signIn(rt, config, person, redirectUri, scope, [], browser)).tokens;
}
