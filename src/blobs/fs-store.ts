/**
 * The filesystem blob store (the default): `<dir>/ab/cd/abcd…` for the blob whose SHA-256
 * is `abcd…`, the directory 0700 and the files 0600.
 *
 * A file is `mvid-blob/1 <content type> <check>\n` followed by the blob's bytes, so that
 * the type and the bytes are one file and land together; `check` is the SHA-256 of the type
 * and the blob's name, so that a damaged header is caught like damaged bytes. A write goes to a temporary file beside
 * the final one, is fsynced, renamed over the final name and the directory fsynced: after a
 * crash at any point the final name holds either nothing or the whole blob, never a part
 * (a `.tmp` file may remain; it is never read, and the next put of that blob replaces it).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlobStore, checkPut, checkSha256, integrityFailure, isMediaType, MAX_BLOB_BYTES, notFound, verifyBlob } from './blob.ts';
import { sha256Hex } from './sigv4.ts';

const MAGIC = 'mvid-blob/1 ';
const HEADER_MAX = MAGIC.length + 128 + 1 + 64 + 1;

export interface FsBlobStoreConfig {
  /** The default kind: may be left out. */
  kind?: 'fs';
  /** Root directory, e.g. `<dataDir>/blobs`; created 0700 if absent. */
  dir: string;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

const headerCheck = (contentType: string, sha256: string): string => sha256Hex(`${contentType} ${sha256}`);

function header(contentType: string, sha256: string): string {
  return `${MAGIC}${contentType} ${headerCheck(contentType, sha256)}\n`;
}

function parseFile(sha256: string, file: Uint8Array): { bytes: Uint8Array; contentType: string } {
  const newline = file.subarray(0, HEADER_MAX).indexOf(0x0a);
  const line = newline < 0 ? '' : Buffer.from(file.subarray(0, newline)).toString('latin1');
  const [contentType = '', check = ''] = line.startsWith(MAGIC) ? line.slice(MAGIC.length).split(' ') : [];
  if (!isMediaType(contentType) || check !== headerCheck(contentType, sha256)) throw integrityFailure(sha256, 'its header is damaged');
  const bytes = file.subarray(newline + 1);
  verifyBlob(sha256, bytes);
  return { bytes, contentType };
}

/**
 * @example
 * const blobs = openFsBlobStore({ kind: 'fs', dir: join(config.dataDir, 'blobs') });
 */
export function openFsBlobStore(config: FsBlobStoreConfig): BlobStore {
  const root = config.dir;
  let rootReady: Promise<void> | undefined;
  const ensureRoot = (): Promise<void> => {
    rootReady ??= (async () => {
      await mkdir(root, { recursive: true, mode: 0o700 });
      // An existing directory keeps whatever mode it had: tighten it.
      await chmod(root, 0o700);
    })().catch((error: unknown) => {
      rootReady = undefined;
      throw error;
    });
    return rootReady;
  };
  const dirOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256.slice(2, 4));
  const pathOf = (sha256: string) => join(dirOf(sha256), sha256);

  async function read(sha256: string): Promise<{ bytes: Uint8Array; contentType: string }> {
    const path = pathOf(checkSha256(sha256));
    let file: Uint8Array;
    try {
      const info = await stat(path);
      if (info.size > MAX_BLOB_BYTES + HEADER_MAX)
        throw integrityFailure(sha256, `it is ${info.size} bytes, over any blob this store writes`);
      file = await readFile(path);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw notFound(sha256);
      throw error;
    }
    return parseFile(sha256, file);
  }

  /** Creates the two fan-out levels, fsyncing each parent whose entries changed. */
  async function ensureDir(sha256: string): Promise<string> {
    await ensureRoot();
    const dir = dirOf(sha256);
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined) {
      await fsyncPath(root);
      await fsyncPath(join(root, sha256.slice(0, 2)));
    }
    return dir;
  }

  async function write(sha256: string, contentType: string, bytes: Uint8Array): Promise<void> {
    const dir = await ensureDir(sha256);
    const tmp = join(dir, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(tmp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(Buffer.concat([Buffer.from(header(contentType, sha256), 'latin1'), bytes]));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, pathOf(sha256));
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    await fsyncPath(dir);
  }

  return {
    async put(bytes, contentType) {
      const blob = checkPut(bytes, contentType);
      try {
        // Already stored and intact: nothing to write (the type first stored is kept).
        const existing = await read(blob.sha256);
        return { ...blob, contentType: existing.contentType };
      } catch (error) {
        const code = (error as { code?: string }).code;
        // Missing, or damaged: (re)write it from the bytes we were given.
        if (code !== 'blob_not_found' && code !== 'blob_integrity') throw error;
      }
      await write(blob.sha256, contentType, bytes);
      return blob;
    },
    get: read,
    async delete(sha256) {
      const path = pathOf(checkSha256(sha256));
      try {
        await rm(path);
      } catch (error) {
        if (isErrno(error, 'ENOENT')) return;
        throw error;
      }
      await fsyncPath(dirOf(sha256));
    },
  };
}
