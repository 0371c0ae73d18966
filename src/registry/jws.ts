/**
 * Compact JWS for holder keys: ES256 (P-256) and EdDSA (Ed25519) only, as wallets use.
 * Signatures are checked with node:crypto against an explicitly chosen key — never a key
 * named by the token itself — and the algorithm must match the key type.
 */
import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, KeyObject, sign, verify } from 'node:crypto';
import { fromBase64Url, LruCache, MvidError, toBase64Url, utf8 } from '../core/index.ts';

export type HolderAlg = 'ES256' | 'EdDSA';

const B64U = /^[A-Za-z0-9_-]+$/;

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Uint8Array;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits and decodes a compact JWS; `undefined` if it is not one. */
export function decodeJws(compact: string): DecodedJws | undefined {
  const parts = compact.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64U.test(p))) return undefined;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signingInput: `${h}.${p}`, signature: fromBase64Url(s) };
  } catch {
    return undefined;
  }
}

/**
 * Validates an untrusted holder key and returns only its public members.
 * @throws MvidError holder_key_invalid
 */
export function publicHolderJwk(value: unknown): JsonWebKey {
  const bad = (why: string): never => {
    throw new MvidError('holder_key_invalid', `the holder key ${why}`);
  };
  if (!isObject(value)) return bad('is not a JSON object');
  if ('d' in value || 'p' in value || 'k' in value) bad('contains private key material');
  const { kty, crv, x, y } = value;
  const coord = (c: unknown) => typeof c === 'string' && B64U.test(c) && fromBase64Url(c).length === 32;
  let jwk: JsonWebKey;
  if (kty === 'EC' && crv === 'P-256' && coord(x) && coord(y)) jwk = { kty, crv, x: x as string, y: y as string };
  else if (kty === 'OKP' && crv === 'Ed25519' && coord(x)) jwk = { kty, crv, x: x as string };
  else return bad('must be an EC P-256 or OKP Ed25519 public JWK');
  try {
    createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    bad('is not a valid point on its curve');
  }
  return jwk;
}

/** RFC 7638 thumbprint (SHA-256, base64url) of a public holder key. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return toBase64Url(createHash('sha256').update(JSON.stringify(members)).digest());
}

/** The only algorithm a holder key may sign with. */
export function algOf(jwk: JsonWebKey): HolderAlg {
  return jwk.kty === 'EC' ? 'ES256' : 'EdDSA';
}

const keyCache = new LruCache<string, KeyObject>(64);

/**
 * The public KeyObject of a JWK, remembered (bounded LRU): importing a JWK costs about as much
 * as verifying a signature with it, and every enrolment checks the same few issuers' keys.
 */
function publicKeyOf(jwk: JsonWebKey): KeyObject {
  const id = JSON.stringify([jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.n, jwk.e]);
  const cached = keyCache.get(id);
  if (cached) return cached;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  keyCache.set(id, key);
  return key;
}

/** Whether `jws` carries a valid signature by `jwk` with the algorithm that key type implies. */
export function verifiedBy(jws: DecodedJws, jwk: JsonWebKey): boolean {
  const alg = algOf(jwk);
  if (jws.header.alg !== alg) return false;
  try {
    const key = publicKeyOf(jwk);
    const data = utf8(jws.signingInput);
    if (alg === 'ES256') return jws.signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    return verify(null, data, key, jws.signature);
  } catch {
    return false;
  }
}

/** Signs a compact JWS with a private JWK (holder side: tests, the dev tools, wallets built on mvid). */
export function signJws(header: Record<string, unknown>, payload: Record<string, unknown>, privateJwk: JsonWebKey | KeyObject): string {
  const key = privateJwk instanceof KeyObject ? privateJwk : createPrivateKey({ key: privateJwk, format: 'jwk' });
  const alg: HolderAlg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'EdDSA';
  const input = `${toBase64Url(utf8(JSON.stringify({ ...header, alg })))}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  const signature = alg === 'ES256' ? sign('sha256', utf8(input), { key, dsaEncoding: 'ieee-p1363' }) : sign(null, utf8(input), key);
  return `${input}.${toBase64Url(signature)}`;
}
