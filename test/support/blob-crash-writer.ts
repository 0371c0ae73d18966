/**
 * Child process for the blob crash test: puts multi-megabyte blobs into a filesystem blob
 * store as fast as it can and prints `ack <sha256>` after each put resolves. The parent
 * kills it with SIGKILL at a random moment, mid-write more often than not.
 */
import { randomFillSync } from 'node:crypto';
import { openBlobStore } from '../../src/blobs/index.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: blob-crash-writer.ts <dir>');
const store = openBlobStore({ kind: 'fs', dir });
process.stdout.write('ready\n');
for (;;) {
  const bytes = randomFillSync(new Uint8Array(1024 * 1024 + Math.floor(Math.random() * 3 * 1024 * 1024)));
  const { sha256 } = await store.put(bytes, 'application/octet-stream');
  process.stdout.write(`ack ${sha256}\n`);
}
