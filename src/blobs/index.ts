/**
 * Evidence blob store: content-addressed (hex SHA-256) storage for the screenshots, logs
 * and clips attached to moderation reports, on the local filesystem (default, under the
 * data dir) or an S3-compatible object store; every read is integrity-checked.
 * `checkEvidence` decides what may be stored, from the bytes rather than the claim.
 */
import type { BlobStore } from './blob.ts';
import { type FsBlobStoreConfig, openFsBlobStore } from './fs-store.ts';
import { openS3BlobStore, type S3BlobStoreConfig } from './s3-store.ts';

export type { BlobStore, StoredBlob } from './blob.ts';
export { MAX_BLOB_BYTES } from './blob.ts';
export { checkEvidence, DEFAULT_EVIDENCE_LIMITS, sniffEvidenceType } from './evidence.ts';
export type { EvidenceLimits } from './evidence.ts';
export type { FsBlobStoreConfig } from './fs-store.ts';
export type { S3BlobStoreConfig } from './s3-store.ts';
export { s3BaseUrl } from './s3-store.ts';
export {
  amzDate,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  parseAuthorization,
  SIGV4_ALGORITHM,
  sha256Hex,
  signature,
  signedHeaderNames,
  signingKey,
  signRequest,
  stringToSign,
  uriEncode,
} from './sigv4.ts';
export type { CanonicalInput, ParsedAuthorization, SignOptions, SigV4Credentials } from './sigv4.ts';

export type BlobStoreConfig = FsBlobStoreConfig | S3BlobStoreConfig;

/**
 * Opens the configured blob store.
 *
 * @example
 * const blobs = openBlobStore(blobStoreConfigOf(config)); // from src/config
 * const { sha256 } = await blobs.put(bytes, checkEvidence(bytes, declaredType));
 */
export function openBlobStore(config: BlobStoreConfig): BlobStore {
  return config.kind === 's3' ? openS3BlobStore(config) : openFsBlobStore(config);
}
