/**
 * Byte-level encodings shared by every crypto module: unambiguous framing of
 * hash/MAC/AAD inputs, strict base64url for serialised objects, and small
 * validation helpers that turn malformed *data* into `MvidError`s.
 */
import { MvidError, concatBytes, toBase64Url, utf8 } from '../core/index.ts';
import type { ErrorCode } from '../core/index.ts';

/** A 4-byte big-endian unsigned integer. */
export function u32be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`u32be: ${value} is not a 32-bit unsigned integer`);
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/**
 * Length-prefixes every part (4-byte big-endian length, then the bytes) and
 * concatenates them. Every hash, MAC and AAD input in mvid goes through this,
 * so that no two different tuples of parts can ever produce the same bytes
 * ("ab" ‖ "c" vs "a" ‖ "bc").
 */
export function frame(...parts: ReadonlyArray<Uint8Array | string>): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (const part of parts) {
    const bytes = typeof part === 'string' ? utf8(part) : part;
    pieces.push(u32be(bytes.length), bytes);
  }
  return concatBytes(...pieces);
}

/** Overwrites secret bytes once they are no longer needed (best effort in JS). */
export function wipe(...buffers: ReadonlyArray<Uint8Array | undefined>): void {
  for (const b of buffers) b?.fill(0);
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url (no padding, canonical trailing bits). Node's own decoder
 * silently skips junk, which would let two different strings mean the same
 * bytes inside a signed or authenticated object.
 */
export function decodeBase64UrlStrict(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  return toBase64Url(bytes) === text ? bytes : undefined;
}

/** Throws a data error with `code`; the message must be safe to show a client. */
export function fail(code: ErrorCode, message: string, extensions?: Record<string, unknown>): never {
  throw new MvidError(code, message, extensions === undefined ? {} : { extensions });
}

/**
 * Reads a base64url field of an untrusted object, checking its decoded length.
 * `length` is exact, or `[min, max]`.
 */
export function readBytesField(value: unknown, field: string, length: number | readonly [number, number], code: ErrorCode): Uint8Array {
  const bytes = typeof value === 'string' ? decodeBase64UrlStrict(value) : undefined;
  if (bytes === undefined) fail(code, `${field} is not canonical base64url`, { field });
  const [min, max] = typeof length === 'number' ? [length, length] : length;
  if (bytes.length < min || bytes.length > max) fail(code, `${field} has the wrong length`, { field });
  return bytes;
}

/** Longest identifier (ids, labels) accepted inside crypto objects, in UTF-16 units. */
export const MAX_LABEL_LENGTH = 256;

// Control characters and lone surrogates would make ids render ambiguously or fail to encode as UTF-8.
const LABEL_FORBIDDEN = /[\p{Cc}\p{Cs}]/u;

/** Whether `value` is a usable identifier: non-empty, bounded, printable, well-formed UTF-16. */
export function isLabel(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_LABEL_LENGTH &&
    value.isWellFormed() &&
    !LABEL_FORBIDDEN.test(value)
  );
}

/** Reads an identifier field of an untrusted object. */
export function readLabelField(value: unknown, field: string, code: ErrorCode): string {
  if (!isLabel(value)) fail(code, `${field} must be a non-empty printable string of at most ${MAX_LABEL_LENGTH} characters`, { field });
  return value;
}

/** Caller-side check for identifiers: a wrong type or empty value is a programming error. */
export function assertLabel(value: unknown, name: string): asserts value is string {
  if (!isLabel(value)) {
    throw new TypeError(`${name} must be a non-empty printable string of at most ${MAX_LABEL_LENGTH} characters`);
  }
}

/** Reads an integer field of an untrusted object within `[min, max]`. */
export function readIntField(value: unknown, field: string, min: number, max: number, code: ErrorCode): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(code, `${field} must be an integer in [${min}, ${max}]`, { field });
  }
  return value;
}

/** Narrows an untrusted value to a plain object, or throws `code`. */
export function readObject(value: unknown, what: string, code: ErrorCode): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(code, `${what} must be an object`);
  return value as Record<string, unknown>;
}

export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}
