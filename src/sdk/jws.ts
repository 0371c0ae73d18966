import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import type { JsonWebKey, webcrypto } from 'node:crypto';
import { decodeBase64Url, decodeJsonObject, encodeBase64Url } from './encoding.ts';

/**
 * The JWS layer of the SDK, on node:crypto alone: a world verifying offline
 * should not need more than Node, and two algorithms are all mvid accepts.
 * ES256 is what wallets and HSMs support everywhere; EdDSA (Ed25519) is the
 * fast, misuse-resistant choice. Anything else — above all `none` and the
 * HMAC family, which a public key must never be mistaken for — is refused.
 */
export const ALLOWED_ALGS = ['ES256', 'EdDSA'] as const;
export type JwsAlg = (typeof ALLOWED_ALGS)[number];

export type { JsonWebKey };

/** A JWK Set as published at an issuer's `jwks_uri`. */
export interface JSONWebKeySet {
  keys: JsonWebKey[];
}

/** A private key as a node KeyObject, a WebCrypto/jose CryptoKey, or a private JWK. */
export type PrivateKeyInput = KeyObject | webcrypto.CryptoKey | JsonWebKey;

export function isAllowedAlg(alg: unknown): alg is JwsAlg {
  return alg === 'ES256' || alg === 'EdDSA';
}

/** The JWS algorithm a key can produce, or undefined for keys mvid does not use. */
export function algForKey(key: KeyObject): JwsAlg | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

/**
 * Normalises a private key and checks it is a P-256 or Ed25519 private key.
 * @throws TypeError when the key is not one (a caller's mistake, not bad data)
 */
export function toPrivateKey(input: PrivateKeyInput): { key: KeyObject; alg: JwsAlg } {
  let key: KeyObject;
  if (input instanceof KeyObject) key = input;
  else if (isCryptoKey(input)) key = KeyObject.from(input);
  else if (typeof input === 'object' && input !== null && typeof input.d === 'string') {
    key = createPrivateKey({ key: input, format: 'jwk' });
  } else throw new TypeError('expected a private key (KeyObject, CryptoKey or private JWK)');
  const alg = algForKey(key);
  if (key.type !== 'private' || alg === undefined) throw new TypeError('expected a P-256 (ES256) or Ed25519 (EdDSA) private key');
  return { key, alg };
}

function isCryptoKey(value: unknown): value is webcrypto.CryptoKey {
  return typeof globalThis.CryptoKey === 'function' && value instanceof globalThis.CryptoKey;
}

/**
 * The public half of a key as a minimal JWK: only the members that define the
 * key, so a `cnf` built from it carries nothing a holder did not mean to share.
 *
 * @example const holderJwk = publicJwkOf(holderKeyPair.publicKey); // { kty: 'EC', crv: 'P-256', x, y }
 */
export function publicJwkOf(key: KeyObject | JsonWebKey): JsonWebKey {
  const jwk = key instanceof KeyObject ? (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' }) : key;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string') {
    return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string') return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  throw new TypeError('expected a P-256 or Ed25519 key');
}

const importedKeys = new WeakMap<object, KeyObject | null>();

/**
 * Imports a public JWK for `alg`, or undefined when it is unusable: wrong curve
 * for the algorithm, a private member present, or not a key at all. Cached per
 * JWK object, so a world's configured JWKS is parsed once.
 */
export function publicKeyFromJwk(jwk: unknown, alg: JwsAlg): KeyObject | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  let key = importedKeys.get(jwk);
  if (key === undefined) {
    key = importPublicJwk(jwk as JsonWebKey);
    importedKeys.set(jwk, key);
  }
  return key !== null && algForKey(key) === alg ? key : undefined;
}

function importPublicJwk(jwk: JsonWebKey): KeyObject | null {
  // A JWK with `d` is a private key: accepting it as "public" would hide a leak.
  if (jwk.d !== undefined || (jwk.kty !== 'EC' && jwk.kty !== 'OKP')) return null;
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return null;
  }
}

/**
 * The keys of a JWKS that may have signed a JWS with this `kid` and `alg`:
 * with a kid, only that key; without, every key of the right type. A key whose
 * own `alg` or `use` says otherwise is skipped.
 */
export function candidateKeys(jwks: JSONWebKeySet, kid: unknown, alg: JwsAlg): KeyObject[] {
  const out: KeyObject[] = [];
  for (const jwk of jwks.keys) {
    if (kid !== undefined && jwk.kid !== kid) continue;
    if (jwk.alg !== undefined && jwk.alg !== alg) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    const key = publicKeyFromJwk(jwk, alg);
    if (key !== undefined) out.push(key);
  }
  return out;
}

export function signJwsInput(signingInput: string, key: KeyObject, alg: JwsAlg): string {
  const data = Buffer.from(signingInput, 'ascii');
  const signature = alg === 'ES256' ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : sign(null, data, key);
  return encodeBase64Url(signature);
}

/** Checks a JWS signature; false (never a throw) for anything that does not verify. */
export function verifyJwsSignature(signingInput: string, signature: string, key: KeyObject, alg: JwsAlg): boolean {
  const sig = decodeBase64Url(signature);
  if (sig === undefined || sig.length !== 64) return false; // both algs use 64-byte signatures
  const data = Buffer.from(signingInput, 'ascii');
  try {
    return alg === 'ES256' ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig) : verify(null, data, key, sig);
  } catch {
    return false;
  }
}

/**
 * Signs a compact JWS; `alg` is set from the key, so header and key cannot disagree.
 *
 * @example
 * const jwt = signCompactJws({ typ: 'statuslist+jwt', kid: 'k1' }, { sub: uri, iat }, privateJwk);
 */
export function signCompactJws(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: PrivateKeyInput): string {
  const { key, alg } = toPrivateKey(privateKey);
  const input = `${encodeBase64Url(JSON.stringify({ ...header, alg }))}.${encodeBase64Url(JSON.stringify(payload))}`;
  return `${input}.${signJwsInput(input, key, alg)}`;
}

export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: string;
}

/** Splits and decodes a compact JWS without verifying it; undefined when malformed. */
export function parseCompactJws(jws: string): ParsedJws | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJsonObject(h);
  const payload = decodeJsonObject(p);
  if (header === undefined || payload === undefined || decodeBase64Url(s) === undefined) return undefined;
  return { header, payload, signingInput: `${h}.${p}`, signature: s };
}
