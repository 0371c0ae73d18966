import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { REPO_ROOT } from '../../test/support/engines.ts';
import { type BlobStore, openBlobStore, sha256Hex } from './index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'mvid-blobs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function freshStore(): { store: BlobStore; dir: string } {
  const dir = join(scratch, `store-${counter++}`, 'blobs');
  return { store: openBlobStore({ dir }), dir };
}
const pathIn = (dir: string, sha: string) => join(dir, sha.slice(0, 2), sha.slice(2, 4), sha);
const text = (s: string) => new TextEncoder().encode(s);

async function rejectsWith(code: string, promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** Every file under `dir` that is not a temporary file. */
function finalFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && !entry.name.endsWith('.tmp')) out.push(entry.name);
  }
  return out;
}

describe('filesystem blob store', () => {
  it('stores content-addressed under a two-level fan-out, 0700 directories and 0600 files', async () => {
    const { store, dir } = freshStore();
    const bytes = text('tom: alice is a cheater, everyone knows\n');
    const stored = await store.put(bytes, 'text/plain');
    assert.deepEqual(stored, { sha256: sha256Hex(bytes), size: bytes.length, contentType: 'text/plain' });
    const path = pathIn(dir, stored.sha256);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    for (const d of [dir, join(dir, stored.sha256.slice(0, 2)), join(dir, stored.sha256.slice(0, 2), stored.sha256.slice(2, 4))]) {
      assert.equal(statSync(d).mode & 0o777, 0o700, d);
    }
    const back = await store.get(stored.sha256);
    assert.deepEqual(Buffer.from(back.bytes), Buffer.from(bytes));
    assert.equal(back.contentType, 'text/plain');
  });

  it('put is idempotent: the same bytes again write nothing and keep the first type', async () => {
    const { store, dir } = freshStore();
    const bytes = text('same evidence twice');
    const first = await store.put(bytes, 'text/plain');
    const mtime = statSync(pathIn(dir, first.sha256)).mtimeMs;
    const second = await store.put(new Uint8Array(bytes), 'text/plain');
    assert.deepEqual(second, first);
    const third = await store.put(bytes, 'application/octet-stream');
    assert.equal(third.contentType, 'text/plain');
    assert.equal(statSync(pathIn(dir, first.sha256)).mtimeMs, mtime);
    assert.equal(finalFiles(dir).length, 1);
  });

  it('detects a blob modified on disk, truncated, or with a rewritten header, and put repairs it', async () => {
    const { store, dir } = freshStore();
    const bytes = text('the screenshot shows tom spamming the plaza');
    const { sha256 } = await store.put(bytes, 'text/plain');
    const path = pathIn(dir, sha256);
    const original = readFileSync(path);

    const flipped = Buffer.from(original);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 5) ^ 0x01, flipped.length - 5);
    writeFileSync(path, flipped);
    await rejectsWith('blob_integrity', store.get(sha256));

    writeFileSync(path, original.subarray(0, original.length - 1));
    await rejectsWith('blob_integrity', store.get(sha256));

    writeFileSync(path, Buffer.concat([Buffer.from('mvid-blob/1 text/html; x\n'), bytes]));
    await rejectsWith('blob_integrity', store.get(sha256));
    writeFileSync(path, Buffer.from(original.toString('latin1').replace('text/plain', 'text/plaim'), 'latin1'));
    await rejectsWith('blob_integrity', store.get(sha256));
    writeFileSync(path, bytes);
    await rejectsWith('blob_integrity', store.get(sha256));

    // Swapping in another blob's (valid) file under this name is caught too.
    const other = await store.put(text('other evidence'), 'text/plain');
    writeFileSync(path, readFileSync(pathIn(dir, other.sha256)));
    await rejectsWith('blob_integrity', store.get(sha256));

    await store.put(bytes, 'text/plain');
    assert.deepEqual(Buffer.from((await store.get(sha256)).bytes), Buffer.from(bytes));
  });

  it('property: any single bit flipped anywhere in a stored file is detected on read', async () => {
    const { store, dir } = freshStore();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (bytes, at, bit) => {
          const { sha256 } = await store.put(bytes, 'application/octet-stream');
          const path = pathIn(dir, sha256);
          const original = readFileSync(path);
          const flipped = Buffer.from(original);
          const index = at % flipped.length;
          flipped.writeUInt8(flipped.readUInt8(index) ^ (1 << bit), index);
          writeFileSync(path, flipped);
          await rejectsWith('blob_integrity', store.get(sha256));
          writeFileSync(path, original);
          assert.deepEqual(Buffer.from((await store.get(sha256)).bytes), Buffer.from(bytes));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a missing blob is blob_not_found; delete is idempotent', async () => {
    const { store } = freshStore();
    await rejectsWith('blob_not_found', store.get(sha256Hex('never stored')));
    const { sha256 } = await store.put(text('to be deleted by retention'), 'text/plain');
    await store.delete(sha256);
    await rejectsWith('blob_not_found', store.get(sha256));
    await store.delete(sha256);
  });

  it('refuses names that are not a SHA-256, so no path can be smuggled in', async () => {
    const { store } = freshStore();
    const sha = sha256Hex('x');
    for (const bad of ['../../../etc/passwd', sha.toUpperCase(), `${sha}/..`, sha.slice(1), `../${sha.slice(3)}`, '']) {
      await rejectsWith('validation_failed', store.get(bad));
      await rejectsWith('validation_failed', store.delete(bad));
    }
    await rejectsWith('validation_failed', store.put(text('x'), 'text/html; charset=utf-8'));
    await rejectsWith('validation_failed', store.put(text('x'), '../x'));
  });

  it('tightens an existing, too open blob directory to 0700', async () => {
    const dir = join(scratch, 'loose');
    const { mkdirSync, chmodSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    await openBlobStore({ kind: 'fs', dir }).put(text('x'), 'text/plain');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('a write interrupted before its rename leaves nothing under the final name', async () => {
    const { store, dir } = freshStore();
    const bytes = text('a long clip, cut short');
    const sha256 = sha256Hex(bytes);
    // What a writer killed mid-write leaves behind: a partial temporary file beside the final name.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, sha256.slice(0, 2), sha256.slice(2, 4)), { recursive: true });
    writeFileSync(
      join(dir, sha256.slice(0, 2), sha256.slice(2, 4), `.${sha256}.deadbeef0000.tmp`),
      `mvid-blob/1 text/plain ${'0'.repeat(64)}\na long`,
    );
    await rejectsWith('blob_not_found', store.get(sha256));
    await store.put(bytes, 'text/plain');
    assert.deepEqual(Buffer.from((await store.get(sha256)).bytes), Buffer.from(bytes));
  });

  it('survives SIGKILL mid-write: acknowledged blobs are whole, and no partial blob is visible under a final name', async () => {
    const dir = join(scratch, 'crash', 'blobs');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'test', 'support', 'blob-crash-writer.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: string[] = [];
    const target = 3 + Math.floor(Math.random() * 4);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`writer acknowledged only ${acked.length} blobs in time`));
      }, 60_000);
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const match = /^ack ([0-9a-f]{64})$/.exec(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if (match) acked.push(match[1] as string);
        }
        // Kill a few milliseconds into the next write, at a random point of it.
        if (acked.length >= target && !child.killed) setTimeout(() => child.kill('SIGKILL'), Math.random() * 15);
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    assert.ok(acked.length >= target, `writer acknowledged ${acked.length} blobs`);
    const store = openBlobStore({ kind: 'fs', dir });
    for (const sha256 of acked) assert.equal(sha256Hex((await store.get(sha256)).bytes), sha256);
    for (const name of finalFiles(dir)) assert.equal(sha256Hex((await store.get(name)).bytes), name, `partial blob visible as ${name}`);
  });
});
