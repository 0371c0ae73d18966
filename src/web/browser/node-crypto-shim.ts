/**
 * `node:crypto` for the browser bundles (scripts/build-web.ts aliases the module to this
 * file): the few synchronous functions src/tlog and src/core call — SHA-256, Ed25519 keys,
 * signatures and verification, random bytes, constant-time comparison — on the audited
 * @noble libraries mvid already depends on. Anything else throws, so a bundle that needs
 * more fails loudly in its test rather than computing something else.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
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
  if (algorithm !== 'sha256') throw new Error(`${algorithm} is not available in the browser bundle`);
  const hash = sha256.create();
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
