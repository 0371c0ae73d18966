/**
 * The log under SIGKILL and with two writer processes, on both engines. A child appends
 * batches (directly and through the outbox) and acknowledges each once durable; after a
 * kill at a random moment and a restart, every acknowledged entry is in the log, the
 * indices are dense, the root recomputed from the entries is the signed one and every
 * checkpoint is consistent with the one before. Two processes appending at once never
 * fork the log.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { systemClock } from '../src/core/index.ts';
import { initKeyDir, keyDirOf, loadKeys } from '../src/keys/index.ts';
import { openStore } from '../src/store/index.ts';
import { hashLeaf, openTransparencyLog } from '../src/tlog/index.ts';
import { createTestDatabase, ENGINES, REPO_ROOT, type TestDatabase } from './support/engines.ts';
import { assertWellFormed } from './support/tlog.ts';
import { WRITER_BATCH, WRITER_WORKERS, writerBatch } from './support/tlog-writer.ts';

interface Writer {
  child: ChildProcess;
  acks: Array<[number, number]>;
  exited: Promise<number | null>;
  done: boolean;
}

function startWriter(db: TestDatabase, salt: number, rounds?: number, onAck?: (w: Writer) => void): Writer {
  const args = [join(REPO_ROOT, 'test', 'support', 'tlog-writer.ts'), JSON.stringify(db.location), db.dataDir, String(salt)];
  if (rounds !== undefined) args.push(String(rounds));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const writer: Writer = { child, acks: [], exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), done: false };
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const match = /^ack (\d+) (\d+)$/.exec(line);
      if (match) writer.acks.push([Number(match[1]), Number(match[2])]);
      if (line === 'done') writer.done = true;
    }
    onAck?.(writer);
  });
  return writer;
}

async function prepare(engine: (typeof ENGINES)[number]): Promise<TestDatabase> {
  const db = await createTestDatabase(engine);
  initKeyDir(keyDirOf(db.dataDir));
  const store = openStore(db.location);
  await store.migrate();
  await store.close();
  return db;
}

/** Reopens the log as a restarted node would, integrates leftovers, and checks every acknowledged batch. */
async function checkAfter(db: TestDatabase, acked: Array<[number, [number, number]]>, expectedSize?: number): Promise<number> {
  const store = openStore(db.location);
  try {
    const log = openTransparencyLog({ store, keys: loadKeys(keyDirOf(db.dataDir)), origin: 'mvid.test/log', clock: systemClock });
    await log.integrate();
    const size = Number(await log.size());
    if (expectedSize !== undefined) assert.equal(size, expectedSize);
    const entries = await assertWellFormed(store, log, size);
    const present = new Set(entries.map((e) => Buffer.from(e).toString('hex')));
    assert.equal(present.size, entries.length, 'no entry was integrated twice');
    for (const [salt, [worker, round]] of acked) {
      for (const entry of writerBatch(salt, worker, round)) {
        assert.ok(present.has(Buffer.from(entry).toString('hex')), `acknowledged batch ${salt}/${worker}/${round} was lost`);
      }
    }
    assert.notEqual(await log.findByLeafHash(hashLeaf(writerBatch(acked[0]?.[0] ?? 1, 0, 0)[0] as Uint8Array)), null);
    assert.equal((await store.db.selectFrom('log_outbox').select('id').execute()).length, 0, 'the outbox was drained');
    return size;
  } finally {
    await store.close();
  }
}

for (const engine of ENGINES) {
  it(`every acknowledged log entry survives SIGKILL and the tree verifies (${engine})`, async () => {
    const db = await prepare(engine);
    try {
      const target = 40 + Math.floor(Math.random() * 40);
      const writer = startWriter(db, 1, undefined, (w) => {
        if (w.acks.length >= target) w.child.kill('SIGKILL');
      });
      const timer = setTimeout(() => writer.child.kill('SIGKILL'), 60_000);
      await writer.exited;
      clearTimeout(timer);
      assert.ok(writer.acks.length >= target, `the writer acknowledged only ${writer.acks.length} batches`);
      const size = await checkAfter(
        db,
        writer.acks.map((a) => [1, a]),
      );
      assert.ok(size >= writer.acks.length * WRITER_BATCH);
    } finally {
      await db.drop();
    }
  });

  it(`two writer processes appending at once produce one log, no gaps, no duplicates (${engine})`, async () => {
    const db = await prepare(engine);
    try {
      const rounds = 8;
      const writers = [startWriter(db, 2, rounds), startWriter(db, 3, rounds)];
      const codes = await Promise.all(writers.map((w) => w.exited));
      assert.deepEqual(codes, [0, 0]);
      assert.ok(writers.every((w) => w.done));
      const acked = writers.flatMap((w, i) => w.acks.map((a): [number, [number, number]] => [i + 2, a]));
      await checkAfter(db, acked, 2 * WRITER_WORKERS * rounds * WRITER_BATCH);
    } finally {
      await db.drop();
    }
  });
}
