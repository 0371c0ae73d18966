/**
 * Keys for a cluster: every node of one deployment uses the deployment's keys, recorded in
 * the database (sealed under the key-encryption key when one is configured); a node whose
 * own keys differ refuses to start, and nothing is overwritten. Reproduces issue 15: a
 * second node with its own data dir overwrote the development issuer key, so node 1 then
 * refused enrolments with `signature_invalid`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/index.ts';
import { ManualClock, systemRandom } from '../src/core/index.ts';
import {
  exportServiceKeys,
  importServiceKeys,
  initKeyDir,
  keyDirOf,
  parseKeyEncryptionKey,
  parseKeyExport,
  rotateServiceTokenKey,
} from '../src/keys/index.ts';
import { DEV_ISSUER_ISS, DEV_ISSUER_KEY_FILE, devIssuerKeyOf } from '../src/registry/index.ts';
import { createLogger, startRuntime, type Runtime } from '../src/server/index.ts';
import { createTestDatabase, createTestStore, ENGINES, type TestDatabase } from './support/engines.ts';
import { devKeyOf, presentation, publishTrustees } from './support/registry-http.ts';
import { personClaims } from './support/registry.ts';
import type { TestRuntime } from './support/runtime.ts';

const clock = new ManualClock('2026-06-01T12:00:00Z');
const parseKek = (text: string) => parseKeyEncryptionKey(text, 'test KEK');

async function startNode(db: TestDatabase, dataDir: string, env: Record<string, string> = {}): Promise<Runtime> {
  const config = loadConfig({
    env,
    overrides: {
      dataDir,
      publicUrl: 'http://mvid.test',
      logLevel: 'silent',
      ...(db.location.engine === 'postgres' ? { databaseUrl: db.location.url } : {}),
    },
  });
  return startRuntime(config, { clock, random: systemRandom, logger: createLogger('silent'), background: false });
}

describe('a second node on the same PostgreSQL with keys of its own', () => {
  let db: TestDatabase;
  let node1: Runtime;
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mvid-node-'));
    dirs.push(dir);
    return dir;
  };
  before(async () => {
    db = await createTestDatabase('postgres');
    node1 = await startNode(db, db.dataDir);
  });
  after(async () => {
    await node1?.close();
    await db?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start, and node 1 keeps accepting enrolments signed by its development issuer', async () => {
    const dir = scratch();
    initKeyDir(keyDirOf(dir));
    await assert.rejects(startNode(db, dir), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'keys_mismatch');
      assert.match(error.message, /differ/);
      return true;
    });
    const rt = node1 as TestRuntime;
    await publishTrustees(rt);
    const { presentation: p } = await presentation(rt, devKeyOf(rt), personClaims());
    const reply = await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } });
    assert.equal(reply.statusCode, 201, reply.body);
  });

  it('refuses to start with an empty data dir and no key-encryption key, saying what to do', async () => {
    await assert.rejects(startNode(db, scratch()), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'keys_missing');
      assert.match(error.message, /MVID_KEY_ENCRYPTION_KEY/);
      return true;
    });
  });
});

const KEK = Buffer.alloc(32, 7).toString('base64url');
const OTHER_KEK = Buffer.alloc(32, 9).toString('hex');

for (const engine of ENGINES) {
  describe(`the deployment's keys in the database on ${engine}`, () => {
    let t: Awaited<ReturnType<typeof createTestStore>>;
    const nodes: Runtime[] = [];
    const dirs: string[] = [];
    const scratch = () => {
      const dir = mkdtempSync(join(tmpdir(), 'mvid-node-'));
      dirs.push(dir);
      return dir;
    };
    const node = async (dataDir: string, env: Record<string, string> = {}) => {
      const config = loadConfig({ env, overrides: { dataDir, publicUrl: 'http://mvid.test', logLevel: 'silent' } });
      const rt = await startRuntime(config, {
        store: t.store,
        clock,
        random: systemRandom,
        logger: createLogger('silent'),
        background: false,
      });
      nodes.push(rt);
      return rt;
    };
    before(async () => {
      t = await createTestStore(engine);
    });
    after(async () => {
      for (const rt of nodes) await rt.close();
      await t?.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('a node with the KEK creates them sealed, another node with the same KEK and no files uses the same keys', async () => {
      const one = await node(scratch(), { MVID_KEY_ENCRYPTION_KEY: KEK });
      assert.equal(existsSync(keyDirOf(one.config.dataDir)), false, 'no key file is written');
      const two = await node(scratch(), { MVID_KEY_ENCRYPTION_KEY: KEK });
      assert.deepEqual(two.keys.logSigning.publicKey, one.keys.logSigning.publicKey);
      assert.deepEqual(two.keys.dataKey, one.keys.dataKey);
      assert.deepEqual(two.keys.cookieSecret, one.keys.cookieSecret);
      assert.deepEqual(
        two.keys.tokenSigning.map((k) => k.kid),
        one.keys.tokenSigning.map((k) => k.kid),
      );
      const jwks = async (rt: Runtime) => (await rt.app.inject({ method: 'GET', url: '/oidc/jwks' })).json();
      assert.deepEqual(await jwks(two), await jwks(one));
      // Development issuer: registered once, node 1's PIDs still verify after node 2 started.
      const dev = devIssuerKeyOf(
        (await exportServiceKeys({ store: t.store, keyDir: keyDirOf(scratch()), kek: parseKek(KEK), clock, random: systemRandom })).keys[
          DEV_ISSUER_KEY_FILE
        ] as string,
      );
      const issuer = await one.registry.issuers.findByIss(DEV_ISSUER_ISS);
      assert.equal((issuer?.jwks.keys[0] as { kid?: string } | undefined)?.kid, dev.publicJwk.kid);
    });

    it('keeps no key in the clear in the database', async () => {
      const rows = await t.store.db.selectFrom('service_keys').selectAll().execute();
      assert.ok(rows.length >= 7);
      const exported = await exportServiceKeys({
        store: t.store,
        keyDir: keyDirOf(scratch()),
        kek: parseKek(KEK),
        clock,
        random: systemRandom,
      });
      const dump = JSON.stringify(rows);
      for (const [name, text] of Object.entries(exported.keys)) {
        const secret = name.endsWith('.key') ? text.trim() : (JSON.parse(text) as { d: string }).d;
        assert.equal(dump.includes(secret), false, `${name} appears in service_keys`);
        assert.match(rows.find((r) => r.name === name)?.sealed ?? '', /^v1\./);
      }
    });

    it('refuses a node whose KEK differs, and changes nothing', async () => {
      const before = await t.store.db.selectFrom('service_keys').selectAll().orderBy('name').execute();
      await assert.rejects(node(scratch(), { MVID_KEY_ENCRYPTION_KEY: OTHER_KEK }), { code: 'keys_mismatch' });
      assert.deepEqual(await t.store.db.selectFrom('service_keys').selectAll().orderBy('name').execute(), before);
    });

    it('refuses a node with a key directory of its own, even with the right KEK', async () => {
      const dir = scratch();
      initKeyDir(keyDirOf(dir));
      await assert.rejects(node(dir, { MVID_KEY_ENCRYPTION_KEY: KEK }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'keys_mismatch');
        assert.match(error.message, /not the key the deployment uses/);
        return true;
      });
    });

    it('rotation reaches every node: the new key signs on each after its restart', async () => {
      const options = { store: t.store, keyDir: keyDirOf(scratch()), kek: parseKek(KEK), clock, random: systemRandom };
      clock.advanceDays(1);
      const name = await rotateServiceTokenKey(options);
      const kid = name.replace(/^token-es256\/(.*)\.jwk$/, '$1');
      const restarted = await node(scratch(), { MVID_KEY_ENCRYPTION_KEY: KEK });
      assert.equal(restarted.keys.tokenSigning[0]?.kid, kid);
      assert.equal(restarted.keys.tokenSigning.length, 2, 'the old key stays published');
    });
  });

  describe(`an upgrade that needs a new key on ${engine}`, () => {
    it('creates the key the deployment lacks once, and replaces none', async () => {
      const t = await createTestStore(engine);
      const dir = mkdtempSync(join(tmpdir(), 'mvid-node-'));
      const start = () =>
        startRuntime(
          loadConfig({
            env: { MVID_KEY_ENCRYPTION_KEY: KEK },
            overrides: { dataDir: dir, publicUrl: 'http://mvid.test', logLevel: 'silent' },
          }),
          { store: t.store, clock, random: systemRandom, logger: createLogger('silent'), background: false },
        );
      const rows = () => t.store.db.selectFrom('service_keys').select(['name', 'fingerprint']).orderBy('name').execute();
      try {
        await (await start()).close();
        // A deployment from before the pseudonym key existed.
        await t.store.db.deleteFrom('service_keys').where('name', '=', 'pseudonym-vrf.key').execute();
        const before = await rows();
        const upgraded = await start();
        const after = await rows();
        assert.deepEqual(
          after.filter((r) => r.name !== 'pseudonym-vrf.key'),
          before,
        );
        assert.equal(after.length, before.length + 1);
        assert.equal(upgraded.keys.pseudonymSecret.length, 32);
        await upgraded.close();
        const again = await start();
        assert.deepEqual(again.keys.pseudonymSecret, upgraded.keys.pseudonymSecret);
        await again.close();
      } finally {
        await t.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe(`staged rotation on ${engine}`, () => {
    it('a key activated later is published by every restarted node first, and signs only in nodes started after', async () => {
      const t = await createTestStore(engine);
      const dirs = [1, 2].map(() => mkdtempSync(join(tmpdir(), 'mvid-node-')));
      const start = (dataDir: string) =>
        startRuntime(
          loadConfig({ env: { MVID_KEY_ENCRYPTION_KEY: KEK }, overrides: { dataDir, publicUrl: 'http://mvid.test', logLevel: 'silent' } }),
          { store: t.store, clock, random: systemRandom, logger: createLogger('silent'), background: false },
        );
      try {
        const first = await start(dirs[0] as string);
        const old = first.keys.tokenSigning[0]?.kid;
        await first.close();
        clock.advanceDays(1);
        const options = { store: t.store, keyDir: keyDirOf(dirs[1] as string), kek: parseKek(KEK), clock, random: systemRandom };
        const name = await rotateServiceTokenKey(options, 3600);
        const kid = name.replace(/^token-es256\/(.*)\.jwk$/, '$1');
        const restarted = await start(dirs[1] as string);
        const jwks = (await restarted.app.inject({ method: 'GET', url: '/oidc/jwks' })).json() as { keys: Array<{ kid: string }> };
        assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [old, kid].sort(), 'published');
        assert.equal(restarted.keys.tokenSigning[0]?.kid, old, 'still signing with the old key');
        await restarted.close();
        clock.advance(3_600_000);
        const later = await start(dirs[1] as string);
        assert.equal(later.keys.tokenSigning[0]?.kid, kid, 'signing with the new key once active');
        await later.close();
      } finally {
        await t.close();
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe(`a deployment that began with a key directory on ${engine}`, () => {
    it('exports its keys, and a node given them by `mvid keys import`, or the KEK added later, joins it', async () => {
      const t = await createTestStore(engine);
      const first = mkdtempSync(join(tmpdir(), 'mvid-node-'));
      const second = mkdtempSync(join(tmpdir(), 'mvid-node-'));
      const third = mkdtempSync(join(tmpdir(), 'mvid-node-'));
      const start = (dataDir: string, env: Record<string, string> = {}) =>
        startRuntime(loadConfig({ env, overrides: { dataDir, publicUrl: 'http://mvid.test', logLevel: 'silent' } }), {
          store: t.store,
          clock,
          random: systemRandom,
          logger: createLogger('silent'),
          background: false,
        });
      try {
        const one = await start(first);
        assert.equal(existsSync(keyDirOf(first)), true);
        const options = (dataDir: string, kek?: string) => ({
          store: t.store,
          keyDir: keyDirOf(dataDir),
          kek: kek === undefined ? undefined : parseKek(kek),
          clock,
          random: systemRandom,
        });
        const exported = await exportServiceKeys(options(first));
        await importServiceKeys(options(second), parseKeyExport(JSON.parse(JSON.stringify(exported))));
        const two = await start(second);
        assert.deepEqual(two.keys.uniquenessSecret, one.keys.uniquenessSecret);
        // The first node restarted with a KEK seals the keys; a node with only the KEK then joins.
        await (await start(first, { MVID_KEY_ENCRYPTION_KEY: KEK })).close();
        const three = await start(third, { MVID_KEY_ENCRYPTION_KEY: KEK });
        assert.deepEqual(three.keys.pairwiseSecret, one.keys.pairwiseSecret);
        assert.equal(existsSync(keyDirOf(third)), false);
        for (const rt of [one, two, three]) await rt.close();
      } finally {
        await t.close();
        for (const dir of [first, second, third]) rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
