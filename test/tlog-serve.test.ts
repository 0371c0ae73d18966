/**
 * End to end, as separate processes on each engine: `mvid witness serve`, `mvid serve`
 * configured to push its checkpoints to that witness, and `mvid log verify` /
 * `mvid log inclusion` against it. The monitor succeeds on the honest log, then fails
 * with a clear message after the database is tampered with: a forked checkpoint signed
 * with the log key (split view), and a rewritten leaf (entries no longer hash to the root).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { systemClock } from '../src/core/index.ts';
import { initKeyDir, keyDirOf, loadKeys } from '../src/keys/index.ts';
import { openStore } from '../src/store/index.ts';
import { ed25519Signer, openTransparencyLog, signCheckpoint } from '../src/tlog/index.ts';
import { createTestDatabase, ENGINES } from './support/engines.ts';
import { MVID_BIN as MVID, startListening } from './support/cli.ts';
import { testEntries, testEntry } from './support/tlog.ts';

const ORIGIN = 'mvid.test/log';

/** Runs an mvid command to completion. */
async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MVID, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function waitFor(url: string, size: number, cosigned: boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await fetch(`${url}/log/v1/checkpoints/latest`);
    const body = (await r.json()) as { size: number; cosignatures: number };
    if (body.size === size && (!cosigned || body.cosignatures >= 1)) return;
    if (Date.now() > deadline) throw new Error(`the log did not reach size ${size}: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const engine of ENGINES) {
  it(`mvid log verify against mvid serve with a witness, then after tampering (${engine})`, async () => {
    const db = await createTestDatabase(engine);
    const work = mkdtempSync(join(tmpdir(), 'mvid-monitor-'));
    const children: ChildProcess[] = [];
    try {
      initKeyDir(keyDirOf(db.dataDir));
      const keys = loadKeys(keyDirOf(db.dataDir));
      const logKey = ed25519Signer(ORIGIN, keys.logSigning.seed);
      const witness = await startListening(
        [
          'witness',
          'serve',
          '--log-key',
          logKey.verifier.vkey,
          '--data-dir',
          join(work, 'witness'),
          '--port',
          '0',
          '--name',
          'witness.test/w1',
        ],
        {},
      );
      children.push(witness.child);
      const witnessKey = /witness (\S+) for mvid\.test\/log/.exec(witness.stderr())?.[1] as string;
      assert.match(witnessKey, /^witness\.test\/w1\+[0-9a-f]{8}\+/);

      const env: Record<string, string> = {
        MVID_DATA_DIR: db.dataDir,
        MVID_PORT: '0',
        MVID_PUBLIC_URL: 'http://mvid.test',
        MVID_LOG_LEVEL: 'warn',
        MVID_LOG_INTEGRATE_INTERVAL_MS: '100',
        // The log must hold exactly the entries this test queues.
        MVID_DEMO_SEED: 'false',
        MVID_LOG_WITNESSES: JSON.stringify([{ url: witness.url, vkey: witnessKey }]),
        MVID_LOG_WITNESS_THRESHOLD: '1',
      };
      if (db.location.engine === 'postgres') env.MVID_DATABASE_URL = db.location.url;
      const server = await startListening(['serve'], env);
      children.push(server.child);

      // Another module queues entries in the shared outbox; the server integrates them on its timer.
      const store = openStore(db.location);
      const producer = openTransparencyLog({ store, keys, origin: ORIGIN, clock: systemClock });
      try {
        await store.transaction((tx) => producer.enqueue(tx, testEntries(0, 300)));
        await waitFor(server.url, 300, true);

        const stateDir = join(work, 'state');
        const verify = (...extra: string[]) => run(['log', 'verify', '--url', server.url, '--state-dir', stateDir, ...extra]);
        const ok = await verify('--witness', witnessKey, '--witness-threshold', '1');
        assert.equal(ok.code, 0, ok.stderr);
        assert.match(ok.stdout, /verified mvid\.test\/log at size 300 .*300 new entries, 1 witness cosignatures/);
        assert.match(ok.stderr, /on first use/);
        assert.match(ok.stderr, /checked 256\/300 entries/);

        const entryFile = join(work, 'entry');
        writeFileSync(entryFile, testEntry(5));
        const inclusion = await run(['log', 'inclusion', '--url', server.url, '--state-dir', stateDir, '--entry-file', entryFile]);
        assert.equal(inclusion.code, 0, inclusion.stderr);
        assert.match(inclusion.stdout, /is entry 5 of mvid\.test\/log at size 300/);

        // Tamper 1: the operator signs another root for size 300 with the log key.
        const original = await store.db.selectFrom('tlog_checkpoints').selectAll().where('size', '=', 300).executeTakeFirstOrThrow();
        const forged = new TextDecoder().decode(
          signCheckpoint({ origin: ORIGIN, size: 300n, root: randomBytes(32), extensions: [] }, [logKey]),
        );
        await store.db.updateTable('tlog_checkpoints').set({ note: forged, cosigned_note: forged }).where('size', '=', 300).execute();
        const split = await verify();
        assert.equal(split.code, 1);
        assert.match(split.stderr, /split view: two different roots signed for size 300 \[tlog_split_view\]/);
        assert.ok(
          readdirSync(stateDir).some((f) => f.includes('split-view')),
          'the evidence was kept',
        );
        // With the witness policy the forged note is refused even before (no cosignature).
        const unwitnessed = await verify('--witness', witnessKey);
        assert.equal(unwitnessed.code, 1);
        assert.match(unwitnessed.stderr, /witness_quorum_not_met/);
        await store.db
          .updateTable('tlog_checkpoints')
          .set({ note: original.note, cosigned_note: original.cosigned_note })
          .where('size', '=', 300)
          .execute();

        // Tamper 2: a leaf beyond the verified size is rewritten after it was signed.
        await store.transaction((tx) => producer.enqueue(tx, testEntries(300, 500)));
        await waitFor(server.url, 500, true);
        await store.db
          .updateTable('tlog_leaves')
          .set({ entry: testEntry(4242) })
          .where('idx', '=', 420)
          .execute();
        const altered = await verify();
        assert.equal(altered.code, 1);
        assert.match(altered.stderr, /entries do not hash to the root of its checkpoint 500.*\[tlog_inconsistent\]/);
      } finally {
        await store.close();
      }
      await stop(server.child);
      assert.equal(server.child.exitCode, 0);
    } finally {
      for (const child of children) await stop(child);
      rmSync(work, { recursive: true, force: true });
      await db.drop();
    }
  });
}
