/**
 * Key material as a map from a key's name (its path in a key directory, e.g.
 * `data-at-rest.key` or `token-es256/<kid>.jwk`) to its text. The key directory, the
 * database (`service_keys`) and `mvid keys export|import` all hold the same map.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { type Clock, fromBase64Url, MvidError, type Random, toBase64Url } from '../core/index.ts';
import type { ServiceKeys, TokenSigningKey } from './types.ts';

/** name → text, as it would be written to a file of that name in the key directory. */
export type KeyMaterials = Map<string, string>;

export const SECRET_NAMES = {
  uniquenessSecret: 'uniqueness.key',
  dataKey: 'data-at-rest.key',
  pairwiseSecret: 'pairwise.key',
  cookieSecret: 'cookie.key',
  pseudonymSecret: 'pseudonym-vrf.key',
} as const;
export const LOG_KEY_NAME = 'log-ed25519.jwk';
export const TOKEN_KEY_DIR = 'token-es256';

const NAME = /^(?:[a-z0-9-]+\.(?:key|jwk)|token-es256\/[A-Za-z0-9_-]{1,64}\.jwk)$/;

/** Whether `name` may name a key (no path tricks: a flat name or one token key). */
export function isKeyName(name: string): boolean {
  return NAME.test(name);
}

export function isTokenKeyName(name: string): boolean {
  return name.startsWith(`${TOKEN_KEY_DIR}/`);
}

function secretText(random: Random): string {
  return `${toBase64Url(random.bytes(32))}\n`;
}

/**
 * A new token-signing key: its name and text. With `notBefore` the key is published at once
 * but signs only in nodes started after that time (so every node publishes it first).
 */
export function newTokenKey(clock: Clock, random: Random, notBefore?: Date): [string, string] {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = toBase64Url(random.bytes(12));
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid,
    alg: 'ES256',
    use: 'sig',
    created_at: clock.now().toISOString(),
    ...(notBefore ? { not_before: notBefore.toISOString() } : {}),
  };
  return [`${TOKEN_KEY_DIR}/${kid}.jwk`, `${JSON.stringify(jwk, null, 2)}\n`];
}

/** Every key a deployment needs, freshly generated. */
export function generateKeyMaterials(clock: Clock, random: Random): KeyMaterials {
  const out: KeyMaterials = new Map();
  for (const name of Object.values(SECRET_NAMES)) out.set(name, secretText(random));
  const { privateKey } = generateKeyPairSync('ed25519');
  out.set(LOG_KEY_NAME, `${JSON.stringify({ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'EdDSA' }, null, 2)}\n`);
  out.set(...newTokenKey(clock, random));
  return out;
}

/**
 * Fresh keys for every required key `present` lacks (a secret a newer version added, or no
 * token key at all); what is present is never replaced.
 */
export function missingKeys(present: KeyMaterials, clock: Clock, random: Random): KeyMaterials {
  const fresh = generateKeyMaterials(clock, random);
  const hasToken = [...present.keys()].some(isTokenKeyName);
  for (const name of [...fresh.keys()]) {
    if (present.has(name) || (hasToken && isTokenKeyName(name))) fresh.delete(name);
  }
  return fresh;
}

/** The secret bytes of a key's text: the 32 random bytes of a secret, `d` of a JWK. */
function secretOf(name: string, text: string): Uint8Array {
  if (name.endsWith('.key')) return fromBase64Url(text.trim());
  const jwk = JSON.parse(text) as JsonWebKey;
  return fromBase64Url(jwk.d ?? '');
}

/**
 * A fingerprint of a key, safe to store beside the data: SHA-256 over a label, the name
 * and the key's secret bytes (256-bit random secrets, so it cannot be inverted). Two
 * nodes whose keys have the same fingerprints have the same keys.
 */
export function fingerprintOf(name: string, text: string): string {
  return toBase64Url(createHash('sha256').update('mvid service key v1\0').update(name).update('\0').update(secretOf(name, text)).digest());
}

function secret(materials: KeyMaterials, name: string, where: string): Uint8Array {
  const text = materials.get(name);
  if (text === undefined) throw new MvidError('keys_missing', `${where} lacks the key ${name} (run \`mvid init\`)`);
  const bytes = fromBase64Url(text.trim());
  if (bytes.length !== 32) throw new MvidError('keys_missing', `the key ${name} in ${where} must hold 32 bytes`);
  return bytes;
}

function tokenKeyOf(text: string): TokenSigningKey {
  const jwk = JSON.parse(text) as JsonWebKey & { kid: string; created_at: string; not_before?: string };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const pub = createPublicKey(privateKey).export({ format: 'jwk' });
  return {
    kid: jwk.kid,
    createdAt: jwk.created_at,
    ...(jwk.not_before ? { notBefore: jwk.not_before } : {}),
    privateKey,
    publicJwk: { kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y, kid: jwk.kid, alg: 'ES256', use: 'sig' },
    privateJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid: jwk.kid, alg: 'ES256', use: 'sig' },
  } as TokenSigningKey;
}

/** Newest first among the keys that may sign at `now`; keys not yet active after them (published only). */
function signingOrder(keys: TokenSigningKey[], now: Date): TokenSigningKey[] {
  const at = now.toISOString();
  const newestFirst = (a: TokenSigningKey, b: TokenSigningKey) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.kid < b.kid ? 1 : -1;
  const active = keys.filter((k) => k.notBefore === undefined || k.notBefore <= at).sort(newestFirst);
  const pending = keys.filter((k) => !active.includes(k)).sort(newestFirst);
  return [...active, ...pending];
}

/**
 * The service keys in `materials`; throws `keys_missing` naming the first missing key.
 * `where` names the source; `now` decides which token key is active (see `newTokenKey`).
 */
export function serviceKeysOf(materials: KeyMaterials, where: string, now: Date = new Date()): ServiceKeys {
  const logText = materials.get(LOG_KEY_NAME);
  if (logText === undefined) throw new MvidError('keys_missing', `${where} lacks the key ${LOG_KEY_NAME} (run \`mvid init\`)`);
  const logJwk = JSON.parse(logText) as JsonWebKey;
  const logPrivate = createPrivateKey({ key: logJwk, format: 'jwk' });
  const logPublicJwk = createPublicKey(logPrivate).export({ format: 'jwk' });
  const tokenSigning = signingOrder(
    [...materials].filter(([name]) => isTokenKeyName(name)).map(([, text]) => tokenKeyOf(text)),
    now,
  );
  if (tokenSigning.length === 0) throw new MvidError('keys_missing', `${where} has no token signing key (run \`mvid init\`)`);
  return {
    logSigning: { privateKey: logPrivate, seed: fromBase64Url(logJwk.d ?? ''), publicKey: fromBase64Url(logPublicJwk.x ?? '') },
    tokenSigning,
    uniquenessSecret: secret(materials, SECRET_NAMES.uniquenessSecret, where),
    dataKey: secret(materials, SECRET_NAMES.dataKey, where),
    pairwiseSecret: secret(materials, SECRET_NAMES.pairwiseSecret, where),
    cookieSecret: secret(materials, SECRET_NAMES.cookieSecret, where),
    pseudonymSecret: secret(materials, SECRET_NAMES.pseudonymSecret, where),
  };
}
