/**
 * Forgeries for the protocol-attack suites: a compact JWS (a token, an issuer JWT, a
 * KB-JWT, an assertion) turned into what an attacker would send instead — `alg: none`,
 * HS256 keyed with the verifier's public key, or a signature by the attacker's own key
 * that the header tries to make trusted (an embedded `jwk`, a `jku`/`x5u` URL, a `kid`
 * naming something else). Each is sent to the real server, which must refuse it.
 */
import { createHash, createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import { generateHolderKey, signJws } from '../../src/registry/index.ts';

export interface Jws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decode(jws: string): Jws {
  const [h = '', p = ''] = jws.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/** The same token, unsigned: `alg: none` and an empty signature. */
export function algNone(jws: string, payload?: Record<string, unknown>): string {
  const d = decode(jws);
  return `${b64({ ...d.header, alg: 'none' })}.${b64(payload ?? d.payload)}.`;
}

/** HS256 with the verifier's public key as the HMAC secret (as JSON and as PEM): the classic key confusion. */
export function hmacWithPublicKey(jws: string, publicJwk: JsonWebKey, payload?: Record<string, unknown>): string[] {
  const d = decode(jws);
  const input = `${b64({ ...d.header, alg: 'HS256' })}.${b64(payload ?? d.payload)}`;
  const pem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
  return [JSON.stringify(publicJwk), pem].map((secret) => `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
}

/** The attacker's own signature, with a header that points the verifier at the attacker's key. */
export function attackerSigned(jws: string, payload?: Record<string, unknown>): Record<'jwk' | 'jku' | 'x5u' | 'kid', string> {
  const d = decode(jws);
  const attacker = generateHolderKey();
  const body = payload ?? d.payload;
  const { kid: _kid, ...rest } = d.header;
  return {
    jwk: signJws({ ...rest, jwk: attacker.publicJwk }, body, attacker.privateJwk),
    jku: signJws({ ...d.header, jku: 'http://127.0.0.1:9/attacker/jwks.json' }, body, attacker.privateJwk),
    x5u: signJws({ ...d.header, x5u: 'http://127.0.0.1:9/attacker/cert.pem' }, body, attacker.privateJwk),
    kid: signJws({ ...rest, kid: '../../../../dev/null' }, body, attacker.privateJwk),
  };
}

/** Every forgery of one token, named. */
export function forgeries(jws: string, verifierPublicJwk: JsonWebKey, payload?: Record<string, unknown>): Array<[string, string]> {
  const [hmacJson = '', hmacPem = ''] = hmacWithPublicKey(jws, verifierPublicJwk, payload);
  return [
    ['alg none', algNone(jws, payload)],
    ['HS256 keyed with the public key (JSON)', hmacJson],
    ['HS256 keyed with the public key (PEM)', hmacPem],
    ...Object.entries(attackerSigned(jws, payload)).map(([k, v]): [string, string] => [`attacker key via header ${k}`, v]),
  ];
}

/** The parts of an SD-JWT presentation: issuer JWT, disclosures, KB-JWT. */
export function sdParts(presentation: string): { issuerJwt: string; disclosures: string[]; kb: string } {
  const parts = presentation.split('~');
  return { issuerJwt: parts[0] ?? '', disclosures: parts.slice(1, -1), kb: parts.at(-1) ?? '' };
}

/**
 * The presentation with this issuer JWT and a KB-JWT made for it: the holder signs (or
 * `kbForge` forges) a KB-JWT whose `sd_hash` covers the new issuer JWT, so only the
 * attack under test is wrong.
 */
export function rebind(
  presentation: string,
  holderPrivateJwk: JsonWebKey,
  options: { issuerJwt?: string; kb?: Record<string, unknown>; kbForge?: (kb: string) => string } = {},
): string {
  const parts = sdParts(presentation);
  const issuerJwt = options.issuerJwt ?? parts.issuerJwt;
  const prefix = `${[issuerJwt, ...parts.disclosures].join('~')}~`;
  const old = decode(parts.kb);
  const sd_hash = createHash('sha256').update(prefix, 'ascii').digest('base64url');
  const kb = signJws(old.header, { ...old.payload, sd_hash, ...options.kb }, holderPrivateJwk);
  return `${prefix}${options.kbForge ? options.kbForge(kb) : kb}`;
}
