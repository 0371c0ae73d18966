/** What both blob stores share: the interface, hashing, argument checks and the integrity check on read. */
import { MvidError, ValidationError } from '../core/index.ts';
import { sha256Hex } from './sigv4.ts';

export interface StoredBlob {
  sha256: string;
  size: number;
  contentType: string;
}

/**
 * Content-addressed storage for evidence: a blob's name is the hex SHA-256 of its bytes.
 * `put` is idempotent; `get` re-hashes what it reads and refuses bytes that no longer
 * match their name (`blob_integrity`), so a blob altered where it is stored is never served.
 */
export interface BlobStore {
  put(bytes: Uint8Array, contentType: string): Promise<StoredBlob>;
  get(sha256: string): Promise<{ bytes: Uint8Array; contentType: string }>;
  delete(sha256: string): Promise<void>;
}

/** The largest blob either store accepts or reads back (over the largest evidence limit, under memory trouble). */
export const MAX_BLOB_BYTES = 64 * 1024 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** A bare media type, as `checkEvidence` returns it. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;

/** A blob name must be exactly 64 lower-case hex digits: it becomes a file name or object key. */
export function checkSha256(sha256: string): string {
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256))
    throw new ValidationError('a blob is named by 64 lower-case hex digits (SHA-256)', 'sha256');
  return sha256;
}

export function checkPut(bytes: Uint8Array, contentType: string): StoredBlob {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('blob bytes must be a Uint8Array');
  if (typeof contentType !== 'string' || !MEDIA_TYPE.test(contentType))
    throw new ValidationError('content type must be a bare media type, e.g. image/png', 'contentType');
  if (bytes.length > MAX_BLOB_BYTES)
    throw new MvidError('payload_too_large', `blob is ${bytes.length} bytes; the store takes at most ${MAX_BLOB_BYTES}`);
  return { sha256: sha256Hex(bytes), size: bytes.length, contentType };
}

export function isMediaType(value: string): boolean {
  return MEDIA_TYPE.test(value);
}

export function notFound(sha256: string): MvidError {
  return new MvidError('blob_not_found', `no blob ${sha256}`);
}

export function integrityFailure(sha256: string, why: string): MvidError {
  return new MvidError('blob_integrity', `blob ${sha256} failed its integrity check: ${why}`);
}

/** Throws `blob_integrity` unless the bytes hash to their name. */
export function verifyBlob(sha256: string, bytes: Uint8Array): void {
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw integrityFailure(sha256, `its bytes hash to ${actual}`);
}
