/**
 * A registry wired the way the runtime wires it, on a fresh database of either engine,
 * with a manual clock, a development issuer and (optionally) a published 3-of-5
 * trustee set whose share files stay in memory.
 */
import { dealTestEpochs } from './epochs.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, type JsonWebKey } from 'node:crypto';
import { ManualClock, type Random, systemRandom } from '../../src/core/index.ts';
import type { EnvelopeSealer, ShareFile, TrusteeShare } from '../../src/crypto/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { initKeyDir, keyDirOf, loadKeys, type ServiceKeys } from '../../src/keys/index.ts';
import { buildRegistry } from '../../src/server/index.ts';
import {
  type DevIssuerKey,
  generateHolderKey,
  issueDevPid,
  loadDevIssuerKey,
  type PidClaims,
  presentPid,
  type PublishedTrusteeSet,
  type Registry,
  signJws,
} from '../../src/registry/index.ts';
import type { Engine, Store } from '../../src/store/index.ts';
import { createTestStore, type TestDatabase } from './engines.ts';

export const AUDIENCE = 'http://mvid.test';
/** The cheapest scrypt the share files accept, so ceremonies in tests take milliseconds. */
export const FAST_SCRYPT = { logN: 14, r: 8, p: 1 };
export const TRUSTEES = ['alice', 'bob', 'carol', 'dave', 'erin'];

export interface RegistryFixture {
  registry: Registry;
  store: Store;
  clock: ManualClock;
  keys: ServiceKeys;
  keyDir: string;
  db: TestDatabase;
  devKey: DevIssuerKey | undefined;
  trusteeSet: PublishedTrusteeSet | undefined;
  shareFiles: Map<string, ShareFile>;
  /** Each trustee's shares of the retention-epoch keys (in the clear; wiped by `close`). */
  epochShares: Map<string, TrusteeShare[]>;
  passphrases: Map<string, string>;
  close(): Promise<void>;
}

export function passphraseOf(trustee: string): string {
  return `${trustee} correct horse battery`;
}

export async function createRegistryFixture(
  engine: Engine,
  options: {
    mode?: 'development' | 'production';
    retentionDays?: number;
    trustees?: boolean;
    random?: Random;
    /** Seals the envelopes (as the runtime's worker pool would); in-thread when absent. */
    sealer?: EnvelopeSealer;
  } = {},
): Promise<RegistryFixture> {
  const { store, db, close } = await createTestStore(engine);
  const keyDir = keyDirOf(db.dataDir);
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  initKeyDir(keyDir, clock);
  const keys = loadKeys(keyDir);
  const mode = options.mode ?? 'development';
  const registry = buildTestRegistry(store, clock, keys, mode, options.retentionDays ?? 365, options.random, db.dataDir, options.sealer);
  await registry.setupDevIssuer(keyDir);
  const devKey = mode === 'development' ? loadDevIssuerKey(keyDir, mode) : undefined;
  const passphrases = new Map(TRUSTEES.map((t) => [t, passphraseOf(t)]));
  const shareFiles = new Map<string, ShareFile>();
  let trusteeSet: PublishedTrusteeSet | undefined;
  const epochShares = new Map<string, TrusteeShare[]>();
  if (options.trustees !== false) {
    const dealt = await registry.trusteeSets.deal({ threshold: 3, trustees: TRUSTEES, passphrases, scrypt: FAST_SCRYPT });
    for (const { trusteeId, file } of dealt.shareFiles) shareFiles.set(trusteeId, file);
    trusteeSet = await registry.trusteeSets.publish(dealt.trusteeSet);
    for (const [trustee, list] of await dealTestEpochs(registry, trusteeSet.id)) epochShares.set(trustee, list);
  }
  const closeAll = async () => {
    for (const list of epochShares.values()) for (const share of list) share.secret.fill(0);
    await close();
  };
  return { registry, store, clock, keys, keyDir, db, devKey, trusteeSet, shareFiles, epochShares, passphrases, close: closeAll };
}

/** A registry over an existing store, wired as the runtime wires it. */
export function buildTestRegistry(
  store: Store,
  clock: ManualClock,
  keys: ServiceKeys,
  mode: 'development' | 'production',
  retentionDays = 365,
  random: Random = systemRandom,
  dataDir: string = mkdtempSync(join(tmpdir(), 'mvid-tags-')),
  sealer?: EnvelopeSealer,
): Registry {
  // The runtime's own wiring, so the tests exercise what ships (the embedded tag service lives under dataDir).
  return buildRegistry(
    loadConfig({ env: {}, overrides: { mode, retentionDays, publicUrl: AUDIENCE, dataDir } }),
    store,
    keys,
    clock,
    random,
    sealer,
  );
}

let counter = 0;

/** Claims of a made-up person; `n` makes them distinct. */
export function personClaims(overrides: Partial<PidClaims> = {}): PidClaims {
  counter += 1;
  return {
    given_name: `Ada${counter}`,
    family_name: `Lovelace-Byron${counter}`,
    birthdate: '1990-12-10',
    nationalities: ['GB'],
    unique_id: `ZZ${String(100000000 + counter * 7919)}`,
    unique_id_namespace: 'GB:nino',
    document_number: `DOC${String(5000000 + counter)}`,
    address: { street_address: `${counter} Marylebone Road`, locality: 'London', country: 'GB' },
    email: `ada${counter}@example.org`,
    ...overrides,
  };
}

export interface Holder {
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/** A dev PID for `claims`, bound to a fresh (or given) holder key. */
export async function devPid(fixture: RegistryFixture, claims: PidClaims, holder: Holder = generateHolderKey()) {
  if (!fixture.devKey) throw new Error('the fixture has no dev issuer (production mode)');
  const credential = await issueDevPid(fixture.devKey, claims, holder.publicJwk, { now: fixture.clock.now() });
  return { credential, holder };
}

/**
 * Adds a KB-JWT to exactly these bytes (unlike `presentPid`, which re-derives the
 * disclosures and would drop a tampered one): what an attacker holding the key can do.
 */
export function presentRaw(
  fixture: RegistryFixture,
  credential: string,
  holder: Holder,
  nonce = fixture.registry.issueNonce().nonce,
): string {
  const body = credential.endsWith('~') ? credential : `${credential}~`;
  const sdHash = createHash('sha256').update(body).digest('base64url');
  const iat = Math.floor(fixture.clock.now().getTime() / 1000);
  return `${body}${signJws({ typ: 'kb+jwt' }, { iat, aud: AUDIENCE, nonce, sd_hash: sdHash }, holder.privateJwk)}`;
}

/** Presents a credential over a fresh nonce, as a wallet would. */
export async function present(fixture: RegistryFixture, credential: string, holder: Holder, nonce = fixture.registry.issueNonce().nonce) {
  return presentPid(credential, holder.privateJwk, { nonce, audience: AUDIENCE, now: fixture.clock.now() });
}
