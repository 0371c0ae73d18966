import { pack } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import { toBase64Url, ValidationError } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { publicJwkOf, signCompactJws, validateJsonSchema } from '../sdk/index.ts';
import type { JsonSchema, JsonWebKey, PrivateKeyInput } from '../sdk/index.ts';

/**
 * Issuance of SD-JWT VCs (RFC 9901, SD-JWT VC) in batches of unlinkable copies.
 * A person shows one copy per world; the copies must therefore share nothing a
 * pair of worlds could join on: fresh salts (so fresh digests), their own
 * signature, their own random status index, no `jti`, and times on a coarse grid.
 */

export interface IssuerKey {
  /** The issuer identifier (`iss`), e.g. mvid's public URL. */
  iss: string;
  /** Key id of `privateKey` in the issuer's published JWKS. */
  kid: string;
  /** ES256 (P-256) or EdDSA (Ed25519) private key. */
  privateKey: PrivateKeyInput;
}

export interface StatusReference {
  uri: string;
  idx: number;
}

export interface IssueCredentialsInput {
  vct: string;
  /** Claim values; every one becomes selectively disclosable. */
  claims: Record<string, unknown>;
  /**
   * The holder key(s) for `cnf.jwk`. One key for all copies (as OpenID4VCI with a
   * single proof gives) makes the copies linkable through `cnf`; pass one key
   * per copy to keep them apart.
   */
  holderJwk: JsonWebKey | readonly JsonWebKey[];
  issuer: IssuerKey;
  copies: number;
  lifetimeSeconds: number;
  now: Date;
  random: Random;
  /** Status-list entry of each copy (0-based copy index); omitted: no status claim. */
  status?: (copy: number) => StatusReference | Promise<StatusReference>;
  /** Hard cap on `exp`, e.g. `predicateValidUntil(birthdate, now)` for age credentials. */
  validUntil?: Date | null;
  /** When given, `claims` must satisfy it (e.g. `issuanceClaimsSchema(kind)`). */
  schema?: JsonSchema;
  /** Pad `_sd` with decoy digests up to this many, so the digest count does not tell which optional claims exist. */
  minDigests?: number;
}

export interface IssuedCredential {
  /** Compact SD-JWT VC: `<issuer JWT>~<disclosure>~...~`. */
  credential: string;
  expiresAt: Date;
  status: StatusReference | undefined;
}

/**
 * Issue timestamps are rounded down to the UTC day. Exact `iat`s would make the
 * copies of one batch recognisable as siblings (same second, nobody else);
 * jitter only blurs that. A whole day puts each copy among every credential of
 * its type issued that day. Expiry follows the same grid.
 */
export const ISSUANCE_GRANULARITY_SECONDS = 86_400;

const RESERVED = new Set(['iss', 'sub', 'iat', 'nbf', 'exp', 'vct', 'vct#integrity', 'cnf', 'status', 'jti', '_sd', '_sd_alg', '...']);
const MAX_COPIES = 100;

/**
 * Issues `copies` independent SD-JWT VCs of the same claims.
 *
 * `exp` is `iat + lifetimeSeconds`, unless `validUntil` comes first: then each
 * copy gets its own random whole-day expiry between `iat` and `validUntil`, so
 * that the exact cap — for age, a birthday — is not written into the credential.
 *
 * @throws ValidationError when `claims` violate `schema` or `validUntil` has passed
 * @throws TypeError on misuse (reserved claim names, private holder key, bad counts)
 *
 * @example
 * const [first] = await issueCredentials({
 *   vct: vctFor(publicUrl, 'age'), claims: agePredicates(birthdate, now), validUntil: predicateValidUntil(birthdate, now),
 *   holderJwk, issuer: { iss: publicUrl, kid, privateKey }, copies: 10, lifetimeSeconds: 30 * 86_400,
 *   now, random: systemRandom, status: (i) => ({ uri: listUri, idx: indices[i] }), schema: issuanceClaimsSchema('age'),
 * });
 */
export async function issueCredentials(input: IssueCredentialsInput): Promise<IssuedCredential[]> {
  const { vct, claims, issuer, copies, lifetimeSeconds, now, random } = input;
  if (typeof vct !== 'string' || vct === '') throw new TypeError('vct must be a non-empty string');
  if (!Number.isInteger(copies) || copies < 1 || copies > MAX_COPIES) throw new TypeError(`copies must be an integer in 1..${MAX_COPIES}`);
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < ISSUANCE_GRANULARITY_SECONDS) {
    throw new TypeError('lifetimeSeconds must be an integer of at least one day');
  }
  if (typeof issuer?.iss !== 'string' || typeof issuer.kid !== 'string') throw new TypeError('issuer needs iss and kid');
  for (const name of Object.keys(claims)) if (RESERVED.has(name)) throw new TypeError(`claim name ${name} is reserved`);
  if (input.schema !== undefined) {
    const violations = validateJsonSchema(input.schema, claims);
    if (violations.length > 0) throw new ValidationError(`claims violate the type schema: ${violations.join('; ')}`, 'claims');
  }
  const holderKeys = holderKeysFor(input.holderJwk, copies);

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const iat = nowSeconds - (nowSeconds % ISSUANCE_GRANULARITY_SECONDS);
  const cap = input.validUntil == null ? undefined : Math.floor(input.validUntil.getTime() / 1000);
  if (cap !== undefined && cap <= nowSeconds) throw new ValidationError('validUntil has already passed', 'validUntil');

  const saltGenerator = (length: number): string => toBase64Url(random.bytes(length));
  const hash = { hasher: digest, alg: 'sha-256' };
  const names = Object.keys(claims);
  const frame = { _sd: names, _sd_decoy: Math.max(0, (input.minDigests ?? 0) - names.length) };

  const issued: IssuedCredential[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const status = input.status === undefined ? undefined : checkStatus(await input.status(copy));
    const exp = expiryFor(iat, lifetimeSeconds, cap, random);
    // pack() draws fresh salts per call: every copy gets its own disclosures and digests.
    const { packedClaims, disclosures } = await pack(claims, frame as never, hash, saltGenerator);
    const payload: Record<string, unknown> = {
      iss: issuer.iss,
      iat,
      exp,
      vct,
      cnf: { jwk: holderKeys[copy] },
      ...(status === undefined ? {} : { status: { status_list: { idx: status.idx, uri: status.uri } } }),
      ...(packedClaims as Record<string, unknown>),
      _sd_alg: 'sha-256',
    };
    const jwt = signCompactJws({ typ: 'dc+sd-jwt', kid: issuer.kid }, payload, issuer.privateKey);
    issued.push({ credential: `${[jwt, ...disclosures.map((d) => d.encode())].join('~')}~`, expiresAt: new Date(exp * 1000), status });
  }
  return issued;
}

function holderKeysFor(holderJwk: JsonWebKey | readonly JsonWebKey[], copies: number): JsonWebKey[] {
  const keys = Array.isArray(holderJwk) ? holderJwk : Array.from({ length: copies }, () => holderJwk as JsonWebKey);
  if (keys.length !== copies) throw new TypeError('holderJwk must be one key or exactly one key per copy');
  return keys.map((jwk: JsonWebKey) => {
    if (typeof jwk !== 'object' || jwk === null || jwk.d !== undefined) throw new TypeError('holderJwk must be a public JWK');
    return publicJwkOf(jwk);
  });
}

function checkStatus(ref: StatusReference): StatusReference {
  if (typeof ref?.uri !== 'string' || !Number.isInteger(ref.idx) || ref.idx < 0) throw new TypeError('status() must return { uri, idx }');
  return { uri: ref.uri, idx: ref.idx };
}

function expiryFor(iat: number, lifetimeSeconds: number, cap: number | undefined, random: Random): number {
  const nominal = iat + lifetimeSeconds;
  if (cap === undefined || cap >= nominal) return nominal;
  const days = Math.floor((cap - iat) / ISSUANCE_GRANULARITY_SECONDS);
  // Less than a day left: the cap itself (it says no more than "soon", which any capped copy says).
  return days < 1 ? cap : iat + ISSUANCE_GRANULARITY_SECONDS * (1 + randomBelow(days, random));
}

/**
 * Uniform integer in [0, n) by rejection sampling, so no value is favoured.
 * @example randomBelow(2 ** 17, systemRandom)
 */
export function randomBelow(n: number, random: Random): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new TypeError('n must be an integer in 1..2^32');
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const b = random.bytes(4);
    const x = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
    if (x < limit) return x % n;
  }
}
