/**
 * A real `mvid serve` child process on loopback, on a test database of either engine, set up
 * the way `npm start` sets up a development data dir (the demo seed: an admin token, a 3-of-5
 * trustee set made by a dealerless ceremony, the example world, a demo authority), plus the
 * clients the crash and load suites drive it with: a person enrolled with a dev PID (over
 * HTTP), registry sign-ins with the holder key, and the world's Basic credentials.
 *
 * The port is fixed for the life of the deployment, so a restart serves the same public URL
 * and hence the same log origin.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_ABUSE_LIMITS } from '../../bench/harness/abuse.ts';
import { keyDirOf } from '../../src/keys/index.ts';
import type { DevIssuerKey, PidClaims } from '../../src/registry/index.ts';
import { generateHolderKey, issueDevPid, loadDevIssuerKey, presentPid, signJws } from '../../src/registry/index.ts';
import { json as expectJson } from '../../src/cli/demo/story.ts';
import { type DemoMaterial, demoDirOf, readDemoMaterial } from '../../src/server/index.ts';
import type { Engine } from '../../src/store/index.ts';
import { startListening } from './cli.ts';
import { type ClusterNode, stopNode } from './cluster.ts';
import { createTestDatabase, type TestDatabase } from './engines.ts';
import { personClaims } from './registry.ts';
import { freePort } from './worlds.ts';

export interface Served {
  db: TestDatabase;
  url: string;
  env: Record<string, string>;
  material: DemoMaterial & { exampleWorld: NonNullable<DemoMaterial['exampleWorld']>; authority: NonNullable<DemoMaterial['authority']> };
  /** `Basic …` of the example world (client_secret_basic). */
  worldBasic: string;
  devKey: DevIssuerKey;
  node: ClusterNode;
  /** SIGKILL (a crash) or SIGTERM; then `start` serves the same data dir and database again. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and drops the database and data dir. */
  close(): Promise<void>;
}

/** A person enrolled over HTTP: the session enrolment returned and the holder key to sign in again. */
export interface EnrolledPerson {
  personId: string;
  sessionToken: string;
  holder: ReturnType<typeof generateHolderKey>;
  holderKeyId: string;
  claims: PidClaims;
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function seeded(dataDir: string): Served['material'] | undefined {
  if (!existsSync(join(demoDirOf(dataDir), 'authority.json'))) return undefined;
  const material = readDemoMaterial(dataDir);
  return material.exampleWorld && material.authority ? (material as Served['material']) : undefined;
}

/**
 * Starts `mvid serve` on a fresh database and waits for the demo seed. Abuse limits are set
 * as the bench servers set them (every bucket on, at the schema's most per second): these
 * suites send thousands of credential checks and enrolments a second from one loopback
 * address, which the default limits would rightly answer with 429; the limiter's own cost
 * (a counter statement per check) stays in.
 */
export async function startServed(engine: Engine, extra: Record<string, string> = {}): Promise<Served> {
  const db = await createTestDatabase(engine);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    MVID_DATA_DIR: db.dataDir,
    MVID_HOST: '127.0.0.1',
    MVID_PORT: String(port),
    MVID_PUBLIC_URL: url,
    MVID_LOG_LEVEL: 'warn',
    MVID_ABUSE_LIMITS: JSON.stringify(BENCH_ABUSE_LIMITS),
    MVID_LOG_INTEGRATE_INTERVAL_MS: '200',
    ...(db.location.engine === 'postgres' ? { MVID_DATABASE_URL: db.location.url } : {}),
    ...extra,
  };
  let node = await startListening(['serve'], env).catch(async (error) => {
    await db.drop();
    throw error;
  });
  const served: Served = {
    db,
    url,
    env,
    material: undefined as unknown as Served['material'],
    worldBasic: '',
    devKey: undefined as unknown as DevIssuerKey,
    get node() {
      return node;
    },
    async stop(signal = 'SIGTERM') {
      await stopNode(node, signal);
    },
    async start() {
      node = await startListening(['serve'], env);
    },
    async close() {
      // A graceful stop, but never a hang: an overloaded server still draining its queue is killed after 15 s.
      const timer = setTimeout(() => node.child.kill('SIGKILL'), 15_000);
      await stopNode(node, 'SIGTERM');
      clearTimeout(timer);
      await db.drop();
    },
  };
  try {
    served.material = await waitFor('the demo seed', () => seeded(db.dataDir));
    const world = served.material.exampleWorld;
    served.worldBasic = `Basic ${Buffer.from(`${encodeURIComponent(world.clientId)}:${encodeURIComponent(world.clientSecret)}`).toString('base64')}`;
    served.devKey = loadDevIssuerKey(keyDirOf(db.dataDir), 'development');
  } catch (error) {
    await served.close();
    throw error;
  }
  return served;
}

async function nonce(url: string): Promise<string> {
  return (await expectJson<{ nonce: string }>(await fetch(`${url}/registry/v1/nonces`, { method: 'POST' }), 201, 'nonce')).nonce;
}

/** Enrols a person with a development PID over HTTP. */
export async function enrolOverHttp(served: Pick<Served, 'url' | 'devKey'>, claims: PidClaims = personClaims()): Promise<EnrolledPerson> {
  const holder = generateHolderKey();
  const now = new Date();
  const credential = await issueDevPid(served.devKey, claims, holder.publicJwk, { now });
  const presentation = await presentPid(credential, holder.privateJwk, { nonce: await nonce(served.url), audience: served.url, now });
  const body = await expectJson<{ personId: string; holderKeyId: string; session: { token: string } }>(
    await fetch(`${served.url}/registry/v1/enrolments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ presentation }),
    }),
    201,
    'enrolment',
  );
  return { personId: body.personId, sessionToken: body.session.token, holder, holderKeyId: body.holderKeyId, claims };
}

/** A registry sign-in: a holder-key assertion over a fresh nonce; returns the new session token. */
export async function signInOverHttp(url: string, person: EnrolledPerson): Promise<string> {
  const assertion = await signJws(
    { typ: 'mvid-session+jwt', kid: person.holderKeyId },
    { aud: url, nonce: await nonce(url), iat: Math.floor(Date.now() / 1000) },
    person.holder.privateJwk,
  );
  const response = await fetch(`${url}/registry/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assertion }),
  });
  return (await expectJson<{ token: string }>(response, 201, 'sign-in')).token;
}
