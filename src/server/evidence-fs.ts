/**
 * INTERIM evidence store for moderation until src/blobs (content-addressed blob store,
 * built in parallel) is merged: files under `<data dir>/evidence/<sha256>`, hash checked
 * on every read, types sniffed from magic bytes. Replaced by src/blobs at merge.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MvidError } from '../core/index.ts';
import type { EvidenceStore } from '../moderation/index.ts';

const MB = 1024 * 1024;
const LIMITS: Record<string, number> = {
  'image/png': 5 * MB,
  'image/jpeg': 5 * MB,
  'image/webp': 5 * MB,
  'text/plain': MB,
  'video/mp4': 20 * MB,
  'video/webm': 20 * MB,
};
const SHA256 = /^[0-9a-f]{64}$/;

function sniff(b: Uint8Array): string | undefined {
  const at = (i: number, bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  if (at(4, [0x66, 0x74, 0x79, 0x70])) return 'video/mp4';
  if (at(0, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    // Control characters other than tab and line ends mean a binary file, not a text log.
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return undefined;
    }
    return 'text/plain';
  } catch {
    return undefined;
  }
}

export function fileEvidenceStore(dataDir: string): EvidenceStore {
  const dir = join(dataDir, 'evidence');
  const path = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new MvidError('not_found', 'no such evidence');
    return join(dir, sha256);
  };
  return {
    check(bytes, declaredType) {
      const type = sniff(bytes);
      const declared = declaredType.split(';')[0]?.trim().toLowerCase();
      if (type === undefined || declared !== type)
        throw new MvidError('unsupported_media_type', 'evidence is a PNG, JPEG or WebP image, a UTF-8 text log or an MP4/WebM clip');
      if (bytes.length === 0 || bytes.length > (LIMITS[type] ?? 0))
        throw new MvidError('payload_too_large', `${type} evidence is at most ${(LIMITS[type] ?? 0) / MB} MB`);
      return type;
    },
    async put(bytes, contentType) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(path(sha256), bytes, { mode: 0o600 });
      writeFileSync(`${path(sha256)}.type`, contentType, { mode: 0o600 });
      return { sha256, size: bytes.length, contentType };
    },
    async get(sha256) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path(sha256));
      } catch (error) {
        throw new MvidError('not_found', 'no such evidence', { cause: error });
      }
      if (createHash('sha256').update(bytes).digest('hex') !== sha256)
        throw new MvidError('internal_error', 'stored evidence does not match its hash');
      return { bytes, contentType: readFileSync(`${path(sha256)}.type`, 'utf8') };
    },
    async delete(sha256) {
      rmSync(path(sha256), { force: true });
      rmSync(`${path(sha256)}.type`, { force: true });
    },
  };
}
