/**
 * The key directory `<data dir>/keys/` (0700, files 0600). Keys never go into the
 * database: an operator who copies the database copies no key. `initKeyDir` creates
 * what is missing and never overwrites; `loadKeys` refuses an incomplete directory.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, MvidError, type Random, systemClock, systemRandom, toBase64Url, fromBase64Url } from '../core/index.ts';

const SECRET_FILES = {
  uniquenessSecret: 'uniqueness.key',
  dataKey: 'data-at-rest.key',
  pairwiseSecret: 'pairwise.key',
  cookieSecret: 'cookie.key',
  pseudonymSecret: 'pseudonym-vrf.key',
} as const;
const LOG_KEY_FILE = 'log-ed25519.jwk';
const TOKEN_KEY_DIR = 'token-es256';

export interface TokenSigningKey {
  kid: string;
  createdAt: string;
  privateKey: KeyObject;
  /** Public JWK with `kid`, `alg` and `use`, as published in the JWKS. */
  publicJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
  privateJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
}

export interface ServiceKeys {
  /** Ed25519 key that signs log checkpoints. */
  logSigning: { privateKey: KeyObject; seed: Uint8Array; publicKey: Uint8Array };
  /** ES256 keys for tokens and credentials, newest first; the first is the active one. */
  tokenSigning: TokenSigningKey[];
  /** Former HMAC key of uniqueness tags; unused since tags come from the tag service (src/tagservice), kept so older key directories load. */
  uniquenessSecret: Uint8Array;
  /** AES-256 key for the little the service itself must read (birthdate, issued attributes). */
  dataKey: Uint8Array;
  /** HMAC secret the log-subject key is derived from (src/registry log.ts). */
  pairwiseSecret: Uint8Array;
  /** 32 bytes the pseudonym VRF key is derived from (src/crypto vrf.ts): world subjects anyone can verify. */
  pseudonymSecret: Uint8Array;
  /** HMAC secret for session cookies and CSRF tokens. */
  cookieSecret: Uint8Array;
}

export function keyDirOf(dataDir: string): string {
  return join(dataDir, 'keys');
}

function writeSecretFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

function newTokenKey(dir: string, clock: Clock, random: Random): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = toBase64Url(random.bytes(12));
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig', created_at: clock.now().toISOString() };
  const path = join(dir, TOKEN_KEY_DIR, `${kid}.jwk`);
  writeSecretFile(path, `${JSON.stringify(jwk, null, 2)}\n`);
  return path;
}

export interface InitKeyDirResult {
  dir: string;
  created: string[];
}

/** Creates the key directory and every missing key; existing keys are left alone. */
export function initKeyDir(dir: string, clock: Clock = systemClock, random: Random = systemRandom): InitKeyDirResult {
  const created: string[] = [];
  mkdirSync(join(dir, TOKEN_KEY_DIR), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  chmodSync(join(dir, TOKEN_KEY_DIR), 0o700);
  for (const file of Object.values(SECRET_FILES)) {
    const path = join(dir, file);
    if (existsSync(path)) continue;
    writeSecretFile(path, `${toBase64Url(random.bytes(32))}\n`);
    created.push(path);
  }
  const logPath = join(dir, LOG_KEY_FILE);
  if (!existsSync(logPath)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeSecretFile(logPath, `${JSON.stringify({ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'EdDSA' }, null, 2)}\n`);
    created.push(logPath);
  }
  if (readdirSync(join(dir, TOKEN_KEY_DIR)).filter((f) => f.endsWith('.jwk')).length === 0) {
    created.push(newTokenKey(dir, clock, random));
  }
  return { dir, created };
}

/** Adds a new active token-signing key; older keys stay for verification until removed. */
export function rotateTokenKey(dir: string, clock: Clock = systemClock, random: Random = systemRandom): string {
  return newTokenKey(dir, clock, random);
}

export function keyDirExists(dir: string): boolean {
  return existsSync(join(dir, LOG_KEY_FILE));
}

function readRequired(dir: string, file: string): string {
  const path = join(dir, file);
  if (!existsSync(path)) throw new MvidError('keys_missing', `key file ${path} is missing (run \`mvid init\`)`);
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) throw new MvidError('keys_missing', `key file ${path} is readable by others (chmod 600 it)`);
  return readFileSync(path, 'utf8');
}

function readSecret(dir: string, file: string): Uint8Array {
  const bytes = fromBase64Url(readRequired(dir, file).trim());
  if (bytes.length !== 32) throw new MvidError('keys_missing', `key file ${join(dir, file)} must hold 32 bytes`);
  return bytes;
}

/** Loads every key; throws `keys_missing` naming the first missing or unsafe file. */
export function loadKeys(dir: string): ServiceKeys {
  const logJwk = JSON.parse(readRequired(dir, LOG_KEY_FILE)) as JsonWebKey;
  const logPrivate = createPrivateKey({ key: logJwk, format: 'jwk' });
  const logPublicJwk = createPublicKey(logPrivate).export({ format: 'jwk' });
  const tokenDir = join(dir, TOKEN_KEY_DIR);
  const tokenFiles = existsSync(tokenDir) ? readdirSync(tokenDir).filter((f) => f.endsWith('.jwk')) : [];
  if (tokenFiles.length === 0) throw new MvidError('keys_missing', `no token signing key in ${tokenDir} (run \`mvid init\`)`);
  const tokenSigning = tokenFiles
    .map((file): TokenSigningKey => {
      const jwk = JSON.parse(readRequired(tokenDir, file)) as JsonWebKey & { kid: string; created_at: string };
      const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      const pub = createPublicKey(privateKey).export({ format: 'jwk' });
      return {
        kid: jwk.kid,
        createdAt: jwk.created_at,
        privateKey,
        publicJwk: { kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y, kid: jwk.kid, alg: 'ES256', use: 'sig' },
        privateJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid: jwk.kid, alg: 'ES256', use: 'sig' },
      } as TokenSigningKey;
    })
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.kid < b.kid ? 1 : -1));
  return {
    logSigning: {
      privateKey: logPrivate,
      seed: fromBase64Url(logJwk.d ?? ''),
      publicKey: fromBase64Url(logPublicJwk.x ?? ''),
    },
    tokenSigning,
    uniquenessSecret: readSecret(dir, SECRET_FILES.uniquenessSecret),
    dataKey: readSecret(dir, SECRET_FILES.dataKey),
    pairwiseSecret: readSecret(dir, SECRET_FILES.pairwiseSecret),
    pseudonymSecret: readSecret(dir, SECRET_FILES.pseudonymSecret),
    cookieSecret: readSecret(dir, SECRET_FILES.cookieSecret),
  };
}
