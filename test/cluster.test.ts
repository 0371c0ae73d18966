/**
 * Three `mvid serve` nodes on one PostgreSQL behind a round-robin proxy on loopback, set up
 * as docs/deploy.md's cluster section says (one database URL, one public URL, one
 * MVID_KEY_ENCRYPTION_KEY, a data dir each, `mvid migrate` before the rollout). The story
 * runs across them: the nodes, started together, share one set of keys; a person enrols
 * with a nonce from one node at another; a world sign-in walks from node to node; then a
 * mixed load of enrolments and sign-ins while one node is killed (SIGKILL). Every
 * acknowledged enrolment survives, the log's entries from all nodes verify as one log,
 * and sign-ins keep working on the surviving nodes.
 */
import { dealTestEpochsUnused } from './support/epochs.ts';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { loadConfig } from '../src/config/index.ts';
import { systemClock, systemRandom } from '../src/core/index.ts';
import { exportServiceKeys, keyDirOf, parseKeyEncryptionKey } from '../src/keys/index.ts';
import {
  DEV_ISSUER_KEY_FILE,
  type DevIssuerKey,
  devIssuerKeyOf,
  generateHolderKey,
  issueDevPid,
  presentPid,
  signJws,
} from '../src/registry/index.ts';
import { createLogger, startRuntime } from '../src/server/index.ts';
import { openStore } from '../src/store/index.ts';
import { MVID_BIN } from './support/cli.ts';
import { type ClusterNode, type RoundRobinProxy, startNode, startRoundRobinProxy, stopNode } from './support/cluster.ts';
import { createTestDatabase, type TestDatabase } from './support/engines.ts';
import { FAST_SCRYPT, passphraseOf, personClaims, TRUSTEES } from './support/registry.ts';
import { TestAuthenticator } from './support/webauthn.ts';
import { Browser, registerWorld, type TestPerson, walkSignIn, type WorldsRuntime } from './support/worlds.ts';

const REDIRECT = 'http://127.0.0.1:9/cluster-world/callback';

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MVID_BIN, ...args], { env: { ...(process.env as Record<string, string>), ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

async function json(response: Response, status: number): Promise<Record<string, unknown>> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('a three-node cluster on one PostgreSQL', { timeout: 90_000 }, () => {
  let db: TestDatabase;
  let proxy: RoundRobinProxy;
  let env: Record<string, string>;
  let devKey: DevIssuerKey;
  let adminToken: string;
  let world: { clientId: string; clientSecret?: string };
  let client: oidc.Configuration;
  const nodes: ClusterNode[] = [];
  const dirs: string[] = [];

  /** What a person enrolled over HTTP keeps: the session and the holder and passkey to sign in again. */
  interface Enrolled extends TestPerson {
    holder: ReturnType<typeof generateHolderKey>;
    holderKeyId: string;
  }

  const nonce = async () => (await json(await fetch(`${proxy.url}/registry/v1/nonces`, { method: 'POST' }), 201)).nonce as string;

  /** Enrols through the proxy: the nonce from one node, the enrolment at the next. */
  async function enrol(): Promise<Enrolled> {
    const claims = personClaims();
    const holder = generateHolderKey();
    const now = new Date();
    const credential = await issueDevPid(devKey, claims, holder.publicJwk, { now });
    const presentation = await presentPid(credential, holder.privateJwk, { nonce: await nonce(), audience: proxy.url, now });
    const body = await json(
      await fetch(`${proxy.url}/registry/v1/enrolments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ presentation }),
      }),
      201,
    );
    const session = body.session as { token: string };
    return {
      personId: body.personId as string,
      sessionToken: session.token,
      claims,
      authenticator: new TestAuthenticator(),
      holder,
      holderKeyId: body.holderKeyId as string,
    };
  }

  /** A registry sign-in: holder assertion over a nonce from one node, presented to the next. */
  async function signInSession(person: Enrolled): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const assertion = await signJws(
      { typ: 'mvid-session+jwt', kid: person.holderKeyId },
      { aud: proxy.url, nonce: await nonce(), iat },
      person.holder.privateJwk,
    );
    const response = await fetch(`${proxy.url}/registry/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assertion }),
    });
    return (await json(response, 201)).token as string;
  }

  /** A world sign-in (authorization code + PKCE, passkey, consent, token exchange), each step on the next node. */
  async function worldSignIn(person: TestPerson): Promise<string> {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const callback = await walkSignIn({ url: proxy.url } as WorldsRuntime, new Browser(proxy.url), person, url.href);
    assert.equal(callback.searchParams.get('error'), null, callback.href);
    const tokens = await oidc.authorizationCodeGrant(client, callback, { pkceCodeVerifier: verifier, expectedState: state });
    return tokens.claims()?.sub as string;
  }

  async function addPasskey(person: TestPerson): Promise<void> {
    const auth = { authorization: `Bearer ${person.sessionToken}` };
    const options = await json(await fetch(`${proxy.url}/worlds/v1/me/passkeys/options`, { method: 'POST', headers: auth }), 200);
    const response = person.authenticator.create(options as never, proxy.url);
    await json(
      await fetch(`${proxy.url}/worlds/v1/me/passkeys`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(response),
      }),
      201,
    );
  }

  before(async () => {
    db = await createTestDatabase('postgres');
    proxy = await startRoundRobinProxy();
    const kek = randomBytes(32).toString('base64');
    // The cluster's configuration: what docs/deploy.md sets on every node.
    env = {
      MVID_DATABASE_URL: db.location.engine === 'postgres' ? db.location.url : '',
      MVID_DATABASE_POOL_SIZE: '4',
      MVID_KEY_ENCRYPTION_KEY: kek,
      MVID_PUBLIC_URL: proxy.url,
      MVID_LOG_LEVEL: 'warn',
      // Development mode (people enrol with the development PID issuer), but no per-node demo seeding.
      MVID_DEMO_SEED: 'false',
      MVID_SEAL_WORKERS: '0',
      MVID_LOG_INTEGRATE_INTERVAL_MS: '200',
      MVID_SWEEP_INTERVAL_SECONDS: '2',
    };
    const migrated = await run(['migrate'], { ...env, MVID_DATA_DIR: db.dataDir });
    assert.equal(migrated.code, 0, migrated.stderr);
    // Three nodes started together race to create the deployment's keys: one does, all use them.
    const started = await Promise.allSettled(
      [1, 2, 3].map((i) => {
        const dataDir = mkdtempSync(join(tmpdir(), `mvid-node${i}-`));
        dirs.push(dataDir);
        return startNode({ ...env, MVID_DATA_DIR: dataDir, MVID_PORT: '0' });
      }),
    );
    // Every node that did start is stopped by `after`, even when another failed to.
    for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    proxy.upstreams = nodes.map((n) => n.url);

    // The operator's ceremony, on the same configuration: trustees, an admin token.
    const config = loadConfig({ env: { ...env, MVID_DATA_DIR: db.dataDir, MVID_SWEEP_INTERVAL_SECONDS: '0' } });
    const admin = await startRuntime(config, { background: false, createKeys: false, logger: createLogger('silent') });
    try {
      const dealt = await admin.registry.trusteeSets.deal({
        threshold: 3,
        trustees: TRUSTEES,
        passphrases: new Map(TRUSTEES.map((t) => [t, passphraseOf(t)])),
        scrypt: FAST_SCRYPT,
      });
      await admin.registry.trusteeSets.publish(dealt.trusteeSet);
      await dealTestEpochsUnused(admin.registry, dealt.trusteeSet.id);
      adminToken = (await admin.registry.adminTokens.create('cluster-test')).token;
      const exported = await exportServiceKeys({
        store: admin.store,
        keyDir: keyDirOf(db.dataDir),
        kek: parseKeyEncryptionKey(kek, 'test'),
        clock: systemClock,
        random: systemRandom,
      });
      devKey = devIssuerKeyOf(exported.keys[DEV_ISSUER_KEY_FILE] as string);
    } finally {
      await admin.close();
    }
    world = await registerWorld({ url: proxy.url, adminToken } as WorldsRuntime, {
      name: 'Cluster World',
      redirectUris: [REDIRECT],
      claims: [],
    });
    client = await oidc.discovery(
      new URL(`${proxy.url}/oidc`),
      world.clientId,
      undefined,
      oidc.ClientSecretBasic(world.clientSecret as string),
      { execute: [oidc.allowInsecureRequests] },
    );
  });

  after(async () => {
    for (const node of nodes) await stopNode(node);
    await proxy?.close();
    await db?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('every node serves the same keys, and no node wrote a key file', async () => {
    const jwks = await Promise.all(nodes.map(async (n) => (await fetch(`${n.url}/oidc/jwks`)).text()));
    assert.equal(new Set(jwks).size, 1);
    const checkpoints = await Promise.all(nodes.map(async (n) => (await fetch(`${n.url}/log/v1/checkpoints/latest`)).status));
    assert.deepEqual(checkpoints, [200, 200, 200]);
    for (const dir of dirs) assert.equal(existsSync(keyDirOf(dir)), false, `${dir} holds no key file`);
  });

  it('the story across nodes: enrolment, passkey, a world sign-in walking from node to node, a session sign-in', async () => {
    const before = new Map(proxy.served);
    const ada = await enrol();
    await addPasskey(ada);
    const sub = await worldSignIn(ada);
    assert.match(sub, /.+/);
    assert.equal(await worldSignIn(ada), sub, 'the same pseudonym whichever nodes answered');
    await signInSession(ada);
    for (const node of nodes) assert.ok((proxy.served.get(node.url) ?? 0) > (before.get(node.url) ?? 0), `${node.url} took part`);
  });

  it('a node killed mid-load: nothing acknowledged is lost, the log verifies as one log, sign-ins keep working', async () => {
    const acknowledged: Enrolled[] = [];
    let failed = 0;
    let killed: Promise<void> | undefined;
    const victim = nodes[1] as ClusterNode;
    const worker = async (count: number) => {
      for (let i = 0; i < count; i++) {
        try {
          const person = await enrol();
          acknowledged.push(person);
          await signInSession(person);
        } catch {
          failed++; // a request in flight on the killed node: never acknowledged
        }
        if (acknowledged.length >= 8 && !killed) killed = stopNode(victim, 'SIGKILL');
      }
    };
    await Promise.all([worker(8), worker(8), worker(8)]);
    await killed;
    assert.ok(killed, 'the node was killed during the load');
    assert.ok(acknowledged.length >= 16, `${acknowledged.length} enrolments acknowledged, ${failed} failed`);

    for (const person of acknowledged) {
      const me = await fetch(`${proxy.url}/registry/v1/me`, { headers: { authorization: `Bearer ${person.sessionToken}` } });
      assert.equal(me.status, 200, `enrolment ${person.personId} acknowledged, then lost`);
    }

    // The survivors integrate what every node queued, in order, into one log.
    const store = openStore(db.location);
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const queued = await store.db
          .selectFrom('log_outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const latest = (await (await fetch(`${proxy.url}/log/v1/checkpoints/latest`)).json()) as { size: number };
        const leaves = await store.db
          .selectFrom('tlog_leaves')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        if (Number(queued.n) === 0 && latest.size === Number(leaves.n)) break;
        if (Date.now() > deadline) assert.fail(`the log did not integrate the queue: ${queued.n} queued, size ${latest.size}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const leaves = Number(
        (
          await store.db
            .selectFrom('tlog_leaves')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      assert.ok(leaves >= acknowledged.length, `${leaves} log entries for ${acknowledged.length} enrolments`);
      const verified = await run(['log', 'verify', '--url', proxy.url, '--state-dir', join(dirs[0] as string, 'monitor')], env);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stdout, new RegExp(`verified .*/log at size ${leaves} `));
    } finally {
      await store.close();
    }

    const ada = acknowledged[acknowledged.length - 1] as Enrolled;
    await addPasskey(ada);
    assert.match(await worldSignIn(ada), /.+/);
    await signInSession(acknowledged[0] as Enrolled);
  });
});
