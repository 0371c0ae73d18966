/**
 * Test support for the credentials and SDK tests: an issuer, a holder, a status
 * list and the verifier options that trust them. Lives here, not in src/sdk,
 * because the SDK must not depend on src/credentials; not exported by index.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SeededRandom } from '../core/index.ts';
import { createStatusList, issuanceClaimsSchema, issueCredentials, signStatusList, vctFor } from './index.ts';
import type { CredentialKind, IssueCredentialsInput, IssuerKey } from './index.ts';
import { publicJwkOf } from '../sdk/index.ts';
import type { JSONWebKeySet, JsonWebKey, VerifyPresentationOptions } from '../sdk/index.ts';

export const PUBLIC_URL = 'https://mvid.example';
export const AUDIENCE = 'https://world.example';
export const NONCE = 'n-0S6_WzA2Mj';
export const NOW = new Date('2026-05-01T10:00:00Z');
export const STATUS_URI = `${PUBLIC_URL}/credentials/status/1`;

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JsonWebKey;
}

export function keyPair(type: 'ES256' | 'EdDSA' = 'ES256'): KeyPair {
  const { privateKey, publicKey } = type === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicJwk: publicJwkOf(publicKey) };
}

export interface Kit {
  issuerKeys: KeyPair;
  issuer: IssuerKey;
  jwks: JSONWebKeySet;
  holder: KeyPair;
  list: ReturnType<typeof createStatusList>;
  /** A freshly signed status-list JWT of the current list. */
  statusToken(now?: Date): string;
  /** Issues copies of `kind` with status indices 1000, 1001, ... */
  issue(kind: CredentialKind, claims: Record<string, unknown>, extra?: Partial<IssueCredentialsInput>): Promise<string[]>;
  /** Verifier options trusting this issuer, with the status list wired in. */
  options(overrides?: Partial<VerifyPresentationOptions>): VerifyPresentationOptions;
}

export function kit(alg: 'ES256' | 'EdDSA' = 'ES256'): Kit {
  const issuerKeys = keyPair(alg);
  const issuer: IssuerKey = { iss: PUBLIC_URL, kid: 'mvid-1', privateKey: issuerKeys.privateKey };
  const jwks: JSONWebKeySet = { keys: [{ ...issuerKeys.publicJwk, kid: 'mvid-1', use: 'sig', alg }] };
  const holder = keyPair('ES256');
  const list = createStatusList();
  const random = new SeededRandom(7);
  let nextIdx = 1000;
  const statusToken = (now = NOW): string => signStatusList({ list, uri: STATUS_URI, issuer, now });
  return {
    issuerKeys,
    issuer,
    jwks,
    holder,
    list,
    statusToken,
    async issue(kind, claims, extra = {}) {
      const issued = await issueCredentials({
        vct: vctFor(PUBLIC_URL, kind),
        claims,
        holderJwk: holder.publicJwk,
        issuer,
        copies: 1,
        lifetimeSeconds: 30 * 86_400,
        now: NOW,
        random,
        status: () => ({ uri: STATUS_URI, idx: nextIdx++ }),
        schema: issuanceClaimsSchema(kind),
        ...extra,
      });
      return issued.map((c) => c.credential);
    },
    options(overrides = {}) {
      return {
        audience: AUDIENCE,
        nonce: NONCE,
        trustedIssuers: [{ iss: PUBLIC_URL, jwks }],
        now: NOW,
        statusLists: { get: (uri: string) => (uri === STATUS_URI ? statusToken() : undefined) },
        ...overrides,
      };
    },
  };
}

/** Decodes every base64url segment of a presentation into text, for "is it in the bytes?" checks. */
export function decodedSegments(presentation: string): string[] {
  return presentation
    .split('~')
    .flatMap((segment) => segment.split('.'))
    .filter((s) => s !== '')
    .map((s) => Buffer.from(s, 'base64url').toString('latin1'));
}
