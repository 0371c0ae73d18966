/**
 * The monitor against real mvid logs over HTTP (in-process): an honest log, and a fork
 * signed with the same key. A monitor that verified one checkpoint refuses another root
 * at the same size and a later checkpoint that does not extend it; it refuses a changed
 * key, entries that do not hash to the signed root, and proves inclusion.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, MvidError } from '../src/core/index.ts';
import { type MonitorState, proveInclusion, verifyLog } from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';
import { appFetch, startRuntimeWithKeys, testEntries, testEntry } from './support/tlog.ts';

const clock = new ManualClock('2026-06-01T12:00:00Z');

async function rejects(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<MvidError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MvidError, String(error));
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected ${code}`);
}

for (const engine of ENGINES) {
  describe(`log monitor on ${engine}`, () => {
    let honest: TestRuntime;
    let fork: TestRuntime;
    let other: TestRuntime;
    let serving: () => TestRuntime;
    const fetch = appFetch(() => serving().app);
    const monitor = (state: MonitorState | null, extra: { key?: string } = {}) =>
      verifyLog({ url: 'http://mvid.test', fetch, clock, state, ...extra });

    before(async () => {
      honest = await startTestRuntime(engine, {}, { ready: true });
      await honest.tlog.appendEntries(testEntries(0, 50));
      await honest.tlog.appendEntries(testEntries(50, 300));
      fork = await startRuntimeWithKeys(engine, honest.database.dataDir);
      await fork.tlog.appendEntries(testEntries(0, 50));
      await fork.tlog.appendEntries(testEntries(50, 300, 7)); // same size, other entries
      other = await startTestRuntime(engine, {}, { ready: true });
    });
    after(async () => {
      await honest?.stop();
      await fork?.stop();
      await other?.stop();
    });

    it('verifies an honest log on first use, then only what is new', async () => {
      serving = () => honest;
      const notices: string[] = [];
      const progress: bigint[] = [];
      const first = await verifyLog({
        url: 'http://mvid.test/',
        fetch,
        clock,
        state: null,
        notice: (m) => notices.push(m),
        progress: (done) => progress.push(done),
      });
      assert.equal(first.checkpoint.size, 300n);
      assert.equal(first.verifiedEntries, 300n);
      assert.match(notices[0] ?? '', /on first use/);
      assert.deepEqual(progress, [256n, 300n]);
      assert.equal(first.state.vkey, honest.tlog.verifier.vkey);
      await honest.tlog.appendEntries(testEntries(300, 420));
      const second = await monitor(first.state);
      assert.equal(second.verifiedEntries, 120n);
      assert.equal(second.state.size, '420');
      const again = await monitor(second.state);
      assert.equal(again.verifiedEntries, 0n);
    });

    it('refuses a different root at a size it verified (split view), keeping both notes', async () => {
      serving = () => honest;
      const { state } = await monitor(null);
      await fork.tlog.appendEntries(testEntries(300, 420, 7));
      serving = () => fork;
      const error = await rejects(monitor(state), 'tlog_split_view', /two different roots signed for size 420/);
      assert.equal(error.extensions.seen, state.checkpoint);
      assert.match(String(error.extensions.conflicting), /^mvid\.test\/log\n420\n/);
    });

    it('refuses a later checkpoint that does not extend the verified one', async () => {
      serving = () => honest;
      const { state } = await monitor(null);
      await fork.tlog.appendEntries(testEntries(420, 500, 7));
      serving = () => fork;
      await rejects(monitor(state), 'tlog_split_view', /not consistent with the verified checkpoint 420/);
      // The fork is self-consistent: a monitor that never saw the honest log accepts it.
      assert.equal((await monitor(null)).checkpoint.size, 500n);
    });

    it('accepts an older, consistent checkpoint as stale and keeps its state', async () => {
      serving = () => honest;
      const { state } = await monitor(null);
      const old = await honest.store.db.selectFrom('tlog_checkpoints').select('note').where('size', '=', 50).executeTakeFirstOrThrow();
      const staleFetch = (async (input: string | URL | Request, init?: RequestInit) =>
        String(input).endsWith('/log/checkpoint') ? new Response(old.note, { status: 200 }) : fetch(input, init)) as typeof fetch;
      const result = await verifyLog({ url: 'http://mvid.test', fetch: staleFetch, clock, state });
      assert.equal(result.stale, true);
      assert.equal(result.state, state);
    });

    it('refuses a changed key, pinned or given', async () => {
      serving = () => honest;
      const { state } = await monitor(null);
      serving = () => other;
      await rejects(monitor(state), 'tlog_key_changed');
      serving = () => honest;
      await rejects(monitor(null, { key: other.tlog.verifier.vkey }), 'tlog_key_changed');
      await rejects(monitor(state, { key: other.tlog.verifier.vkey }), 'tlog_key_changed');
      assert.equal((await monitor(null, { key: honest.tlog.verifier.vkey })).checkpoint.origin, 'mvid.test/log');
    });

    it('refuses entries that do not hash to the signed root', async () => {
      serving = () => honest;
      const { state } = await monitor(null);
      await honest.tlog.appendEntries(testEntries(1000, 1010));
      const size = Number(state.size);
      await honest.store.db
        .updateTable('tlog_leaves')
        .set({ entry: testEntry(9999) })
        .where('idx', '=', size + 3)
        .execute();
      await rejects(monitor(state), 'tlog_inconsistent', /do not hash to the root/);
      await rejects(monitor(null), 'tlog_inconsistent');
      await honest.store.db
        .updateTable('tlog_leaves')
        .set({ entry: testEntry(1003) })
        .where('idx', '=', size + 3)
        .execute();
      assert.equal((await monitor(state)).verifiedEntries, 10n);
    });

    it('proves inclusion of an entry, and refuses one the log does not hold', async () => {
      serving = () => honest;
      const { state } = await monitor(null);
      const proven = await proveInclusion({ url: 'http://mvid.test', fetch, clock, state, entry: testEntry(77) });
      assert.equal(proven.index, 77n);
      await rejects(proveInclusion({ url: 'http://mvid.test', fetch, clock, state, entry: testEntry(77, 3) }), 'not_found');
      serving = () => fork;
      await rejects(proveInclusion({ url: 'http://mvid.test', fetch, clock, state, entry: testEntry(77) }), 'tlog_split_view');
    });
  });
}
