/**
 * `node:crypto` for the browser bundles (scripts/build-web.ts aliases the module to this
 * file): the few functions src/tlog, src/core, src/crypto and src/disclosure call — SHA-256,
 * HMAC, HKDF, scrypt, AES-256-GCM, Ed25519 keys, signatures and verification, random bytes,
 * constant-time comparison — on the audited
 * @noble libraries mvid already depends on. Anything else throws, so a bundle that needs
 * more fails loudly in its test rather than computing something else.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { Buffer } from './buffer-shim.ts';

const PKCS8_PREFIX_LENGTH = 16;
const SPKI_PREFIX_LENGTH = 12;

export interface KeyObject {
  type: 'public' | 'private';
  raw: Uint8Array;
  export(options: { format: 'der'; type: string }): Uint8Array;
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function publicKey(raw: Uint8Array): KeyObject {
  return { type: 'public', raw, export: () => Buffer.concat([SPKI_PREFIX, raw]) };
}

export function createHash(algorithm: string) {
  const hashes = { sha256, sha512 } as const;
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new Error(`${algorithm} is not available in the browser bundle`);
  const hash = hashes[algorithm].create();
  const api = {
    update(data: Uint8Array | string) {
      hash.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      return api;
    },
    digest(encoding?: 'hex' | 'base64' | 'base64url') {
      const out = Buffer.wrap(hash.digest());
      return encoding === undefined ? out : out.toString(encoding);
    },
  };
  return api;
}

export function createPrivateKey(options: { key: Uint8Array }): KeyObject {
  const seed = options.key.subarray(PKCS8_PREFIX_LENGTH);
  return { type: 'private', raw: seed, export: () => Buffer.wrap(options.key) };
}

export function createPublicKey(options: KeyObject | { key: Uint8Array }): KeyObject {
  if ('type' in options && options.type === 'private') return publicKey(ed25519.getPublicKey(options.raw));
  const der = (options as { key: Uint8Array }).key;
  if (der.length !== SPKI_PREFIX_LENGTH + 32) throw new Error('not an Ed25519 public key');
  return publicKey(der.subarray(SPKI_PREFIX_LENGTH));
}

export function sign(_algorithm: null, message: Uint8Array, key: KeyObject): Uint8Array {
  return Buffer.wrap(ed25519.sign(message, key.raw));
}

export function verify(_algorithm: null, message: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, key.raw);
  } catch {
    return false;
  }
}

export function randomFillSync<T extends Uint8Array>(bytes: T): T {
  return globalThis.crypto.getRandomValues(bytes);
}

export function randomBytes(n: number): Uint8Array {
  return Buffer.wrap(globalThis.crypto.getRandomValues(new Uint8Array(n)));
}

export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError('inputs must have the same length');
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

const bytesOf = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? new TextEncoder().encode(v) : v);

export function createHmac(algorithm: string, key: Uint8Array | string) {
  if (algorithm !== 'sha256') throw new Error(`HMAC-${algorithm} is not available in the browser bundle`);
  const mac = hmac.create(sha256, bytesOf(key));
  const api = {
    update(data: Uint8Array | string) {
      mac.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      return api;
    },
    digest() {
      return Buffer.wrap(mac.digest());
    },
  };
  return api;
}

export function hkdfSync(
  digest: string,
  ikm: Uint8Array | string,
  salt: Uint8Array | string,
  info: Uint8Array | string,
  length: number,
): ArrayBuffer {
  if (digest !== 'sha256') throw new Error(`HKDF-${digest} is not available in the browser bundle`);
  return hkdf(sha256, bytesOf(ikm), bytesOf(salt), bytesOf(info), length).slice().buffer as ArrayBuffer;
}

export function scrypt(
  password: Uint8Array | string,
  salt: Uint8Array | string,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem?: number },
  callback: (error: Error | null, derived: Uint8Array) => void,
): void {
  scryptAsync(bytesOf(password), bytesOf(salt), {
    N: options.N,
    r: options.r,
    p: options.p,
    dkLen: keylen,
    ...(options.maxmem ? { maxmem: options.maxmem } : {}),
  }).then(
    (derived) => callback(null, Buffer.wrap(derived)),
    (error: Error) => callback(error, new Uint8Array(0)),
  );
}

/**
 * AES-256-GCM in Node's streaming shape, for the callers in src/crypto and src/disclosure:
 * one update() per message (GCM is computed whole), the tag set before update() when
 * deciphering. A message that does not authenticate yields no plaintext and final() throws.
 */
export function createCipheriv(algorithm: string, key: Uint8Array, nonce: Uint8Array) {
  if (algorithm !== 'aes-256-gcm') throw new Error(`${algorithm} is not available in the browser bundle`);
  let aad: Uint8Array = new Uint8Array(0);
  let tag: Uint8Array | undefined;
  return {
    setAAD(data: Uint8Array) {
      aad = data;
    },
    update(data: Uint8Array) {
      if (tag !== undefined) throw new Error('the browser AES-GCM shim takes one update() per message');
      const sealed = gcm(key, nonce, aad).encrypt(data);
      tag = sealed.subarray(sealed.length - 16);
      return Buffer.wrap(sealed.subarray(0, sealed.length - 16));
    },
    final() {
      return Buffer.alloc(0);
    },
    getAuthTag() {
      if (tag === undefined) throw new Error('no tag before update()');
      return Buffer.wrap(tag);
    },
  };
}

export function createDecipheriv(algorithm: string, key: Uint8Array, nonce: Uint8Array) {
  if (algorithm !== 'aes-256-gcm') throw new Error(`${algorithm} is not available in the browser bundle`);
  let aad: Uint8Array = new Uint8Array(0);
  let tag: Uint8Array | undefined;
  let failed = false;
  let used = false;
  return {
    setAAD(data: Uint8Array) {
      aad = data;
    },
    setAuthTag(data: Uint8Array) {
      tag = data;
    },
    update(data: Uint8Array) {
      if (tag === undefined || used) throw new Error('the browser AES-GCM shim needs the tag first and one update() per message');
      used = true;
      try {
        return Buffer.wrap(gcm(key, nonce, aad).decrypt(Buffer.concat([data, tag])));
      } catch {
        failed = true;
        return Buffer.alloc(0);
      }
    },
    final() {
      if (failed || !used) throw new Error('Unsupported state or unable to authenticate data');
      return Buffer.alloc(0);
    },
  };
}
