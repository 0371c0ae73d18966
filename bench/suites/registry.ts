/**
 * Enrolments per second through the registry service (no HTTP): PID verification
 * (issuer signature + key binding), uniqueness tag (VOPRF with the embedded tag service, as
 * `mvid serve` in development wires it: its steps in the worker pool), four escrow envelopes sealed to a
 * 3-of-5 trustee set, encrypted service attributes, person + keys + events + log outbox,
 * one durable transaction each. The wallet side (issuing and presenting the dev PID) is
 * prepared outside the timed section.
 */
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { ManualClock, systemRandom } from '../../src/core/index.ts';
import { SealingPool } from '../../src/crypto/index.ts';
import { initKeyDir, keyDirOf, loadKeys } from '../../src/keys/index.ts';
import { generateHolderKey, issueDevPid, loadDevIssuerKey, presentPid, type Registry } from '../../src/registry/index.ts';
import { openStore, type Store, type StoreLocation } from '../../src/store/index.ts';
import { buildRegistry } from '../../src/server/index.ts';
import { dealTestEpochsUnused } from '../../test/support/epochs.ts';
import { AUDIENCE, FAST_SCRYPT, passphraseOf, personClaims, TRUSTEES } from '../../test/support/registry.ts';
import { preparedOpsPerSecond } from '../harness/measure.ts';
import { defineSuite, type SuiteContext, Unavailable } from '../harness/types.ts';

const CONCURRENCY = 8;
const BATCH = 100;

interface Enroller {
  registry: Registry;
  store: Store;
  clock: ManualClock;
  prepare(n: number): Promise<string[]>;
}

async function enroller(ctx: SuiteContext, location: StoreLocation, dataDir: string): Promise<Enroller> {
  const store = openStore(location);
  ctx.defer(() => store.close());
  await store.migrate();
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const keyDir = keyDirOf(dataDir);
  initKeyDir(keyDir, clock);
  const keys = loadKeys(keyDir);
  // As `mvid serve` wires it: envelopes sealed by the worker pool at its configured size.
  const config = loadConfig({ env: {}, overrides: { mode: 'development', publicUrl: AUDIENCE } });
  const sealer = new SealingPool({ workers: config.sealWorkers });
  ctx.defer(() => sealer.close());
  const registry = buildRegistry(config, store, keys, clock, systemRandom, sealer);
  await registry.setupDevIssuer(keyDir);
  const devKey = loadDevIssuerKey(keyDir, 'development');
  const dealt = await registry.trusteeSets.deal({
    threshold: 3,
    trustees: TRUSTEES,
    passphrases: new Map(TRUSTEES.map((t) => [t, passphraseOf(t)])),
    scrypt: FAST_SCRYPT,
  });
  await registry.trusteeSets.publish(dealt.trusteeSet);
  // Enrolment seals to the retention epoch's key (issue 17): deal them as the tests do.
  await dealTestEpochsUnused(registry, dealt.trusteeSet.id);
  return {
    registry,
    store,
    clock,
    async prepare(n) {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const holder = generateHolderKey();
        const credential = await issueDevPid(devKey, personClaims(), holder.publicJwk, { now: clock.now() });
        out.push(
          await presentPid(credential, holder.privateJwk, { nonce: registry.issueNonce().nonce, audience: AUDIENCE, now: clock.now() }),
        );
      }
      return out;
    },
  };
}

/** Enrols prepared presentations with CONCURRENCY in flight until `seconds` of timed work; returns enrolments/s. */
function enrolFor(e: Enroller, seconds: number): Promise<number> {
  return preparedOpsPerSecond(
    seconds,
    CONCURRENCY,
    () => e.prepare(BATCH),
    (presentation) => e.registry.enrolments.enrol(presentation),
  );
}

const NOTE = `registry.enrolments.enrol, ${CONCURRENCY} in flight, uniqueness tag through the embedded tag service (VOPRF: blind, evaluate with proof, verify, unblind) and envelopes sealed by the worker pool (MVID_SEAL_WORKERS default, libsodium), 3-of-5 trustee set, 4 envelopes per person; PID issuance and presentation prepared outside the timed section`;

export default defineSuite<{ sqlite: Enroller; postgres: Enroller | Error }>({
  name: 'registry',
  title: 'Registry enrolment',
  kind: 'mvid',
  async setup(ctx) {
    const sqliteDir = ctx.tempDir('registry-sqlite');
    const sqlite = await enroller(ctx, { engine: 'sqlite', path: join(sqliteDir, 'mvid.sqlite') }, sqliteDir);
    let postgres: Enroller | Error;
    try {
      const pg = await ctx.postgres();
      postgres = await enroller(ctx, { engine: 'postgres', url: pg.url }, ctx.tempDir('registry-postgres'));
    } catch (error) {
      postgres = error as Error;
    }
    return { sqlite, postgres };
  },
  benchmarks: [
    {
      id: 'registry.enrol',
      seconds: 2,
      metrics: [{ id: 'registry.enrol', title: 'Enrolments (SQLite)', unit: 'enrolments/s', better: 'higher', note: NOTE }],
      async run(state, rep) {
        return { 'registry.enrol': await enrolFor(state.sqlite, rep.seconds) };
      },
    },
    {
      id: 'registry.enrol.postgres',
      seconds: 2,
      metrics: [{ id: 'registry.enrol.postgres', title: 'Enrolments (PostgreSQL)', unit: 'enrolments/s', better: 'higher', note: NOTE }],
      async run(state, rep) {
        if (state.postgres instanceof Error) throw new Unavailable(`PostgreSQL: ${state.postgres.message}`);
        return { 'registry.enrol.postgres': await enrolFor(state.postgres, rep.seconds) };
      },
    },
  ],
});
