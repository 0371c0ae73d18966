/**
 * Helpers for the credentials HTTP tests: a runtime with a trustee set and an admin
 * token, persons enrolled through the registry's HTTP API, key proofs, an attribute
 * issuer of our own, and a verifier that gets mvid's keys and status lists over HTTP
 * exactly as a world would.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type Config, loadConfig } from '../../src/config/index.ts';
import { ManualClock, systemRandom } from '../../src/core/index.ts';
import { issuanceClaimsSchema, issueCredentials, vctFor } from '../../src/credentials/index.ts';
import { generateHolderKey, type PidClaims } from '../../src/registry/index.ts';
import {
  type JSONWebKeySet,
  type JsonWebKey,
  publicJwkOf,
  type StatusListSource,
  signCompactJws,
  type VerifyPresentationOptions,
} from '../../src/sdk/index.ts';
import { createLogger, startRuntime } from '../../src/server/index.ts';
import type { Engine } from '../../src/store/index.ts';
import { createTestDatabase } from './engines.ts';
import { personClaims } from './registry.ts';
import { bearer, devKeyOf, type Holder, presentation, publishTrustees } from './registry-http.ts';
import type { TestRuntime } from './runtime.ts';

export const PUBLIC_URL = 'http://mvid.test';
export const WORLD = 'https://world.example';

export interface CredentialsRuntime extends TestRuntime {
  adminToken: string;
}

/** A runtime on a fresh database with an active trustee set and an administrator token. */
export async function startCredentialsRuntime(
  engine: Engine,
  wiring: { externalStatusLists?: StatusListSource } = {},
  overrides: Partial<Config> = {},
): Promise<CredentialsRuntime> {
  const database = await createTestDatabase(engine);
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: database.dataDir,
      publicUrl: PUBLIC_URL,
      logLevel: 'silent',
      ...(database.location.engine === 'postgres' ? { databaseUrl: database.location.url } : {}),
      ...overrides,
    },
  });
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const runtime = await startRuntime(config, {
    clock,
    random: systemRandom,
    logger: createLogger('silent'),
    background: false,
    credentials: wiring,
  });
  await runtime.app.ready();
  const rt = Object.assign(runtime, {
    clock,
    database,
    adminToken: '',
    async stop() {
      await runtime.close();
      await database.drop();
    },
  }) as CredentialsRuntime;
  await publishTrustees(rt);
  rt.adminToken = (await rt.registry.adminTokens.create('credentials-test')).token;
  return rt;
}

export interface Person {
  personId: string;
  token: string;
  holder: Holder;
  claims: PidClaims;
}

/** Enrols a person from a dev PID through POST /registry/v1/enrolments. */
export async function enrol(rt: CredentialsRuntime, overrides: Partial<PidClaims> = {}): Promise<Person> {
  const claims = personClaims(overrides);
  const holder = generateHolderKey();
  const { presentation: p } = await presentation(rt, devKeyOf(rt), claims, holder);
  const reply = await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } });
  assert.equal(reply.statusCode, 201, reply.body);
  const body = reply.json() as { personId: string; session: { token: string } };
  return { personId: body.personId, token: body.session.token, holder, claims };
}

export async function cNonce(rt: Pick<CredentialsRuntime, 'app'>): Promise<string> {
  const reply = await rt.app.inject({ method: 'POST', url: '/credentials/oid4vci/nonce' });
  assert.equal(reply.statusCode, 200, reply.body);
  assert.equal(reply.headers['cache-control'], 'no-store');
  return (reply.json() as { c_nonce: string }).c_nonce;
}

export interface ProofKey {
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

export function proofKey(): ProofKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: publicJwkOf(publicKey) };
}

/** An OpenID4VCI key proof (`openid4vci-proof+jwt`) for `key` over `nonce`. */
export function keyProof(rt: CredentialsRuntime, key: ProofKey, nonce: string, overrides: Record<string, unknown> = {}): string {
  const iat = Math.floor(rt.clock.now().getTime() / 1000);
  return signCompactJws({ typ: 'openid4vci-proof+jwt', jwk: key.publicJwk }, { aud: PUBLIC_URL, iat, nonce, ...overrides }, key.privateKey);
}

/** An attribute issuer outside mvid: its keys, and credentials it issues to a holder. */
export interface AttributeIssuerKit {
  iss: string;
  jwks: JSONWebKeySet;
  privateKey: KeyObject;
  issue(
    kind: 'occupation' | 'membership',
    claims: Record<string, unknown>,
    holderJwk: JsonWebKey,
    status?: { uri: string; idx: number },
  ): Promise<string>;
}

export function attributeIssuer(rt: Pick<CredentialsRuntime, 'clock' | 'config'>, iss: string): AttributeIssuerKit {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    iss,
    privateKey,
    jwks: { keys: [{ ...publicJwkOf(publicKey), kid: 'k1' }] },
    async issue(kind, claims, holderJwk, status) {
      const [issued] = await issueCredentials({
        vct: vctFor(rt.config.publicUrl, kind),
        claims,
        holderJwk,
        issuer: { iss, kid: 'k1', privateKey },
        copies: 1,
        lifetimeSeconds: 365 * 86_400,
        now: rt.clock.now(),
        random: systemRandom,
        schema: issuanceClaimsSchema(kind),
        ...(status === undefined ? {} : { status: () => status }),
      });
      return issued?.credential ?? '';
    },
  };
}

/** Registers `kit` as an attribute issuer for `vcts` through the admin API. */
export async function registerAttributeIssuer(
  rt: Pick<CredentialsRuntime, 'app' | 'adminToken'>,
  kit: AttributeIssuerKit,
  name: string,
  vcts: string[],
) {
  const reply = await rt.app.inject({
    method: 'POST',
    url: '/credentials/v1/attribute-issuers',
    headers: bearer(rt.adminToken),
    payload: { name, iss: kit.iss, vcts, jwks: kit.jwks },
  });
  assert.equal(reply.statusCode, 201, reply.body);
  return reply.json() as { id: string; vcts: string[] };
}

/** Verifier options for a world: mvid's keys and status lists fetched over HTTP, as the SDK would. */
export async function worldVerifier(rt: CredentialsRuntime, nonce: string): Promise<VerifyPresentationOptions> {
  const metadata = await rt.app.inject({ method: 'GET', url: '/.well-known/jwt-vc-issuer' });
  assert.equal(metadata.statusCode, 200, metadata.body);
  const { issuer, jwks } = metadata.json() as { issuer: string; jwks: JSONWebKeySet };
  return {
    audience: WORLD,
    nonce,
    trustedIssuers: [{ iss: issuer, jwks }],
    now: rt.clock.now(),
    statusLists: {
      async get(uri) {
        assert.ok(uri.startsWith(`${PUBLIC_URL}/`), uri);
        const reply = await rt.app.inject({ method: 'GET', url: uri.slice(PUBLIC_URL.length) });
        assert.equal(reply.statusCode, 200, reply.body);
        assert.equal(reply.headers['content-type'], 'application/statuslist+jwt');
        return reply.body;
      },
    },
  };
}

export { bearer };
