/** Helpers for the registry's HTTP tests: a runtime with a trustee set, dev PIDs, problem checks. */
import { dealTestEpochs } from './epochs.ts';
import assert from 'node:assert/strict';
import type { JsonWebKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ShareFile, TrusteeShare } from '../../src/crypto/index.ts';
import { keyDirOf } from '../../src/keys/index.ts';
import {
  type DevIssuerKey,
  generateHolderKey,
  issueDevPid,
  loadDevIssuerKey,
  type PidClaims,
  presentPid,
  signJws,
} from '../../src/registry/index.ts';
import { AUDIENCE, FAST_SCRYPT, passphraseOf, TRUSTEES } from './registry.ts';
import type { TestRuntime } from './runtime.ts';

export interface Reply {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): unknown;
}

export interface Holder {
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/** Asserts an RFC 9457 problem with this status and code; returns it. */
export function problem(reply: Reply, status: number, code: string): Record<string, unknown> {
  assert.equal(reply.statusCode, status, reply.body);
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
  const doc = JSON.parse(reply.body) as Record<string, unknown>;
  assert.equal(doc.code, code, reply.body);
  assert.equal(doc.type, `http://mvid.test/errors/${code}`);
  return doc;
}

/**
 * Publishes a 3-of-5 trustee set and its retention-epoch keys through the runtime's
 * registry; returns the set's share files, with each trustee's epoch shares (in the clear)
 * as `epochShares`.
 */
export async function publishTrustees(rt: TestRuntime): Promise<Map<string, ShareFile> & { epochShares: Map<string, TrusteeShare[]> }> {
  const passphrases = new Map(TRUSTEES.map((t) => [t, passphraseOf(t)]));
  const dealt = await rt.registry.trusteeSets.deal({ threshold: 3, trustees: TRUSTEES, passphrases, scrypt: FAST_SCRYPT });
  await rt.registry.trusteeSets.publish(dealt.trusteeSet);
  const epochShares = await dealTestEpochs(rt.registry, dealt.trusteeSet.id);
  return Object.assign(new Map(dealt.shareFiles.map((s) => [s.trusteeId, s.file])), { epochShares });
}

export function devKeyOf(rt: TestRuntime): DevIssuerKey {
  return loadDevIssuerKey(keyDirOf(rt.config.dataDir), 'development');
}

export async function nonce(rt: TestRuntime): Promise<string> {
  const reply = await rt.app.inject({ method: 'POST', url: '/registry/v1/nonces' });
  assert.equal(reply.statusCode, 201, reply.body);
  return (reply.json() as { nonce: string }).nonce;
}

/** A dev PID for `claims` presented over a fresh nonce from the API. */
export async function presentation(rt: TestRuntime, key: DevIssuerKey, claims: PidClaims, holder: Holder = generateHolderKey()) {
  const credential = await issueDevPid(key, claims, holder.publicJwk, { now: rt.clock.now() });
  const text = await presentPid(credential, holder.privateJwk, { nonce: await nonce(rt), audience: AUDIENCE, now: rt.clock.now() });
  return { credential, holder, presentation: text };
}

/** A holder assertion (session sign-in or key proof) over a fresh nonce from the API. */
export async function holderAssertion(rt: TestRuntime, holder: Holder, typ: string, header: Record<string, unknown>): Promise<string> {
  const iat = Math.floor(rt.clock.now().getTime() / 1000);
  return signJws({ typ, ...header }, { aud: AUDIENCE, nonce: await nonce(rt), iat }, holder.privateJwk);
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** `Authorization: Basic` for a client id and secret (client_secret_basic). */
export function basic(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

/** Registers a world through the admin API in process; returns its client credentials and their Basic header. */
export async function registerWorldAsAdmin(app: FastifyInstance, adminToken: string, name: string) {
  const reply = await app.inject({
    method: 'POST',
    url: '/admin/v1/worlds',
    headers: bearer(adminToken),
    payload: {
      name,
      redirectUris: [`https://${name.toLowerCase().replace(/\W+/g, '-')}.example/cb`],
      claims: [{ name: 'age_over_18', required: true }],
      rules: [{ category: 'harassment', text: 'Be kind.' }],
      purpose: 'To test.',
    },
  });
  assert.equal(reply.statusCode, 201, reply.body);
  const { clientId, clientSecret } = reply.json() as { clientId: string; clientSecret: string };
  return { clientId, clientSecret, headers: basic(clientId, clientSecret) };
}
