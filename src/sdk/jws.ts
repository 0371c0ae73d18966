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

/** An imported public key with the algorithm it serves (reading `asymmetricKeyDetails` costs a native call). */
interface ImportedKey {
  key: KeyObject;
  alg: JwsAlg | undefined;
}

const importedKeys = new WeakMap<object, ImportedKey | null>();

/**
 * Imports a public JWK for `alg`, or undefined when it is unusable: wrong curve
 * for the algorithm, a private member present, or not a key at all. Cached per
 * JWK object, so a world's configured JWKS is parsed once.
 */
export function publicKeyFromJwk(jwk: unknown, alg: JwsAlg): KeyObject | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  let imported = importedKeys.get(jwk);
  if (imported === undefined) {
    imported = importPublicJwk(jwk as JsonWebKey);
    importedKeys.set(jwk, imported);
  }
  return imported !== null && imported.alg === alg ? imported.key : undefined;
}

/**
 * Trusted keys (issuer JWKS, status-list signers) by content, for worlds that hand a
 * freshly built JWKS object to every call: the WeakMap above never hits for them.
 * Bounded, oldest out first; a holder's `cnf` key never goes in (see `trustedKey`).
 */
const trustedByContent = new Map<string, ImportedKey | null>();
const MAX_TRUSTED_KEYS = 64;

function trustedKey(jwk: JsonWebKey, alg: JwsAlg): KeyObject | undefined {
  let imported = importedKeys.get(jwk);
  if (imported === undefined) {
    // Every member that defines the key, and `d`: a private JWK must never share an entry with its public half.
    const id = `${jwk.kty}|${jwk.crv}|${jwk.x}|${jwk.y}|${jwk.d !== undefined}`;
    imported = trustedByContent.get(id);
    if (imported === undefined) {
      imported = importPublicJwk(jwk);
      if (trustedByContent.size >= MAX_TRUSTED_KEYS) trustedByContent.delete(trustedByContent.keys().next().value as string);
      trustedByContent.set(id, imported);
    }
    importedKeys.set(jwk, imported);
  }
  return imported !== null && imported.alg === alg ? imported.key : undefined;
}

function importPublicJwk(jwk: JsonWebKey): ImportedKey | null {
  // A JWK with `d` is a private key: accepting it as "public" would hide a leak.
  if (jwk.d !== undefined) return null;
  // The algorithm follows from the members; a successful import proves the point is on that curve.
  const alg = jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : jwk.kty === 'OKP' && jwk.crv === 'Ed25519' ? 'EdDSA' : undefined;
  if (alg === undefined) return null;
  try {
    return { key: (alg === 'ES256' ? p256FromCoordinates(jwk) : undefined) ?? createPublicKey({ key: jwk, format: 'jwk' }), alg };
  } catch {
    return null;
  }
}

/** DER of SubjectPublicKeyInfo { id-ecPublicKey, prime256v1 } up to the BIT STRING's content. */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A P-256 JWK whose `x` and `y` are 43 base64url characters (32 bytes each, as RFC 7518 requires)
 * imported as an uncompressed SPKI in PEM; otherwise undefined and the JWK import decides. The
 * same key as the JWK import, and OpenSSL refuses a point off the curve either way, but this
 * path costs a first presentation ~25 µs less: the JWK import builds a legacy key that OpenSSL
 * converts again on its first verification (docs/performance.md, SD-JWT verification).
 */
function p256FromCoordinates(jwk: JsonWebKey): KeyObject | undefined {
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || !COORDINATE.test(jwk.x) || !COORDINATE.test(jwk.y)) return undefined;
  const der = Buffer.allocUnsafe(P256_SPKI_PREFIX.length + 65);
  P256_SPKI_PREFIX.copy(der, 0);
  der[P256_SPKI_PREFIX.length] = 0x04;
  der.write(jwk.x, P256_SPKI_PREFIX.length + 1, 32, 'base64url');
  der.write(jwk.y, P256_SPKI_PREFIX.length + 33, 32, 'base64url');
  return createPublicKey(`-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`);
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
    const key = typeof jwk === 'object' && jwk !== null ? trustedKey(jwk, alg) : undefined;
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
export function verifyJwsSignature(signingInput: string, signature: string | Uint8Array, key: KeyObject, alg: JwsAlg): boolean {
  const sig = typeof signature === 'string' ? decodeBase64Url(signature) : signature;
  if (sig === undefined || sig.length !== 64) return false; // both algs use 64-byte signatures
  const data = Buffer.from(signingInput, 'ascii');
  try {
    // ES256 goes to OpenSSL as DER with the bare KeyObject: the `{ key, dsaEncoding }` form
    // costs Node a slow key-preparation path on every call (about a third of a P-256 verify).
    return alg === 'ES256' ? verify('sha256', data, key, p1363ToDer(sig)) : verify(null, data, key, sig);
  } catch {
    return false;
  }
}

/**
 * A JWS ES256 signature (r‖s, 32 bytes each) as the DER `ECDSA-Sig-Value` OpenSSL reads.
 * One-to-one: each (r, s) has exactly one minimal DER form, so no second spelling of a
 * signature can be made to verify.
 */
export function p1363ToDer(sig: Uint8Array): Buffer {
  const r = derInteger(sig.subarray(0, 32));
  const s = derInteger(sig.subarray(32, 64));
  const out = Buffer.allocUnsafe(6 + r.length + s.length);
  out[0] = 0x30;
  out[1] = 4 + r.length + s.length;
  out[2] = 0x02;
  out[3] = r.length;
  out.set(r, 4);
  out[4 + r.length] = 0x02;
  out[5 + r.length] = s.length;
  out.set(s, 6 + r.length);
  return out;
}

/** A big-endian unsigned integer as DER INTEGER content: no leading zeros, a 0x00 before a high bit. */
function derInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  if (((trimmed[0] ?? 0) & 0x80) === 0) return trimmed;
  const out = new Uint8Array(trimmed.length + 1);
  out.set(trimmed, 1);
  return out;
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
  /** The signature, decoded (once, here). */
  signatureBytes: Uint8Array;
}

/** Splits and decodes a compact JWS without verifying it; undefined when malformed. */
export function parseCompactJws(jws: string): ParsedJws | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const signatureBytes = decodeBase64Url(s);
  if (signatureBytes === undefined) return undefined;
  const header = decodeJsonObject(h);
  const payload = decodeJsonObject(p);
  if (header === undefined || payload === undefined) return undefined;
  return { header, payload, signingInput: `${h}.${p}`, signature: s, signatureBytes };
}
