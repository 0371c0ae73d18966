/**
 * Crash safety under mixed load (issue 14), on both engines: a real `mvid serve` takes
 * enrolments, registry sign-ins, disclosure requests and trustee approvals (log appends) and
 * moderation reports with evidence, and is killed with SIGKILL at a random moment,
 * MVID_CRASH_KILLS times (3 in `npm test`, 20 in `npm run test:stress`). After each restart on
 * the same data dir and database every acknowledged write is there, the log verifies end to
 * end against the checkpoint verified before the crash, and no half-written state is visible
 * (test/support/crash-load.ts says exactly what is checked). A last test shows the checks
 * report what they must: a lost acknowledged write, a forked checkpoint, a half-written row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MonitorState, verifyLog } from '../src/tlog/index.ts';
import { systemClock } from '../src/core/index.ts';
import { openStore } from '../src/store/index.ts';
import {
  type Ack,
  awaitIntegrated,
  type CrashLoadClients,
  checkAfterRestart,
  type LoadTally,
  prepareClients,
  runMixedLoad,
} from './support/crash-load.ts';
import { ENGINES } from './support/engines.ts';
import { type Served, startServed } from './support/served.ts';

const KILLS = Number(process.env.MVID_CRASH_KILLS ?? 3);
const KINDS: readonly Ack['kind'][] = ['enrol', 'sign-in', 'request', 'approval', 'report'];

async function everyKindAcknowledged(tally: LoadTally, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!KINDS.every((kind) => tally.acks.some((a) => a.kind === kind))) {
    if (Date.now() > deadline)
      throw new Error(`not every kind of write was acknowledged within ${ms} ms: ${tally.failuresBeforeKill.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
/** Load runs this long (uniformly at random) before each kill. */
const MIN_LOAD_MS = 500;
const MAX_LOAD_MS = 4000;

for (const engine of ENGINES) {
  describe(`crash safety under mixed load, ${KILLS} × SIGKILL (${engine})`, { timeout: 240_000 + KILLS * 30_000 }, () => {
    let served: Served;
    let clients: CrashLoadClients;
    const tally: LoadTally = { acks: [], failuresBeforeKill: [], tried: new Set() };
    let state: MonitorState | null = null;

    before(async () => {
      served = await startServed(engine, { MVID_SEAL_WORKERS: '0' });
      clients = await prepareClients(served);
      state = (await verifyLog({ url: served.url, fetch, clock: systemClock, state: null })).state;
    });
    after(async () => {
      for (const t of clients?.trustees ?? []) t.share.secret.fill(0);
      await served?.close();
    });

    it('every acknowledged write survives each kill; the log verifies; nothing is half-written', async () => {
      const summary: string[] = [];
      let checks = 0;
      for (let kill = 1; kill <= KILLS; kill++) {
        let killed = false;
        const before = tally.acks.length;
        const load = runMixedLoad(served, clients, tally, () => killed);
        // The first kill waits until every kind of write has been acknowledged once, so each is checked on every engine.
        if (kill === 1) await everyKindAcknowledged(tally);
        await new Promise((resolve) => setTimeout(resolve, MIN_LOAD_MS + Math.random() * (MAX_LOAD_MS - MIN_LOAD_MS)));
        killed = true;
        await served.stop('SIGKILL');
        await load;
        await served.start();
        await awaitIntegrated(served);
        const result = await checkAfterRestart(served, tally.acks, state);
        assert.deepEqual(result.problems, [], `after kill ${kill}`);
        state = result.state;
        checks += result.checked;
        summary.push(`kill ${kill}: +${tally.acks.length - before} acks, ${result.checked} checked, log ${result.logSize}`);
      }
      assert.deepEqual(tally.failuresBeforeKill, [], 'no request failed before the kill');
      const kinds = new Map<string, number>();
      for (const a of tally.acks) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
      for (const kind of KINDS) assert.ok((kinds.get(kind) ?? 0) > 0, `some ${kind} was acknowledged`);
      console.log(
        `crash-load ${engine}: ${KILLS} kills, ${tally.acks.length} acknowledged writes, ${checks} checks of them (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}); ${summary.join('; ')}`,
      );
    });

    it('the checks report a lost acknowledged write, a forked checkpoint and half-written state', async () => {
      const [enrolled, request, report] = (['enrol', 'request', 'report'] as const).map((k) => tally.acks.find((a) => a.kind === k));
      assert.ok(enrolled?.kind === 'enrol' && request?.kind === 'request' && report?.kind === 'report');
      const forged: Ack[] = [
        { kind: 'sign-in', personId: enrolled.person.personId, token: 'mvid_s_never_issued' },
        { kind: 'enrol', person: { ...enrolled.person, personId: 'p_lost', sessionToken: 'mvid_s_lost' } },
        { kind: 'request', requestId: '00000000-0000-4000-8000-000000000000', entry: new Uint8Array([1, 2, 3]) },
        { kind: 'approval', requestId: request.requestId, trustee: 'nobody', index: 0 },
        { kind: 'report', reportId: 'mr_lost', evidence: report.evidence },
      ];
      // A fork: the state a monitor would hold had it seen another root at the current size.
      const fork = { ...(state as MonitorState), root: Buffer.alloc(32, 7).toString('base64') };
      const store = openStore(served.db.location);
      try {
        // Half-written rows, as a torn transaction would leave them.
        const now = new Date().toISOString();
        await store.db
          .insertInto('registry_persons')
          .values({ id: 'p_torn', status: 'active', created_at: now, updated_at: now })
          .execute();
        await store.db
          .insertInto('moderation_reports')
          .values({
            id: 'mr_torn',
            world_id: served.material.exampleWorld.clientId,
            case_id: (await store.db.selectFrom('moderation_cases').select('id').executeTakeFirstOrThrow()).id,
            channel: 'world',
            reporter_person_id: null,
            subject_person_id: 'p_torn',
            category: 'harassment',
            text: 'torn',
            occurred_at: null,
            location: null,
            evidence_json: JSON.stringify([{ sha256: 'ab'.repeat(32), contentType: 'text/plain', size: 1 }]),
            priority: 0,
            created_at: now,
          })
          .execute();
        const { problems } = await checkAfterRestart(served, forged, fork);
        const expected = [
          /the log does not verify .*split view/,
          /acknowledged sign-in of .* lost/,
          /acknowledged enrolment p_lost lost/,
          /acknowledged disclosure request 0{8}-.* lost/,
          /acknowledged approval of .* by nobody is not at log index 0/,
          /acknowledged report mr_lost lost/,
          /person p_torn has no envelope/,
          /report mr_torn cites evidence a{0}(ab)+ that was never recorded/,
        ];
        for (const pattern of expected)
          assert.ok(
            problems.some((p) => pattern.test(p)),
            `${pattern} in ${problems.join('\n')}`,
          );
      } finally {
        await store.db.deleteFrom('moderation_reports').where('id', '=', 'mr_torn').execute();
        await store.db.deleteFrom('registry_persons').where('id', '=', 'p_torn').execute();
        await store.close();
      }
    });
  });
}
