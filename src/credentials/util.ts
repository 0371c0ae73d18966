/** Small helpers shared by the credentials modules. */
import { createHash } from 'node:crypto';
import { type Random, toBase64Url } from '../core/index.ts';

/** base64url(SHA-256(text)): how credentials, codes, tokens and nonces are stored. */
export function sha256B64u(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

/** A random opaque token with a readable prefix, so a leaked one is recognisable. */
export function randomToken(prefix: string, random: Random, bytes = 32): string {
  return `${prefix}${toBase64Url(random.bytes(bytes))}`;
}

export function addSeconds(from: Date, seconds: number): Date {
  return new Date(from.getTime() + seconds * 1000);
}

/** The issuer-signed JWT of an SD-JWT (everything before the first `~`). */
export function issuerJwtOf(sdJwt: string): string {
  const cut = sdJwt.indexOf('~');
  return cut < 0 ? sdJwt : sdJwt.slice(0, cut);
}

/** Parses JSON this module stored (trusted), typed by the caller. */
export function parseStored<T>(json: string): T {
  return JSON.parse(json) as T;
}
