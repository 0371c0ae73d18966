/**
 * `npm start` shows a living system: `mvid serve` in development mode seeds an example
 * world, a demo trustee set, a demo authority and an admin token on a fresh data dir (and
 * nothing more on the next start), so a person can enrol at once. Production mode seeds
 * nothing and refuses to start on demo material.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { keyDirOf } from '../src/keys/index.ts';
import { generateHolderKey, issueDevPid, loadDevIssuerKey, presentPid } from '../src/registry/index.ts';
import { DEMO_TRUSTEES, EXAMPLE_WORLD_URL, readDemoMaterial } from '../src/server/index.ts';
import { MVID_BIN, startListening } from './support/cli.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from './support/engines.ts';
import { freePort } from './support/worlds.ts';

type Served = Awaited<ReturnType<typeof startListening>>;

/** One port (so one public URL, hence one log origin) per data dir: a restart serves the same log. */
const ports = new Map<string, number>();

async function serve(db: TestDatabase, extra: Record<string, string> = {}): Promise<Served> {
  const port = ports.get(db.dataDir) ?? (await freePort());
  ports.set(db.dataDir, port);
  const env: Record<string, string> = {
    MVID_DATA_DIR: db.dataDir,
    MVID_PORT: String(port),
    MVID_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MVID_LOG_LEVEL: 'warn',
    ...extra,
  };
  if (db.location.engine === 'postgres') env.MVID_DATABASE_URL = db.location.url;
  return startListening(['serve'], env);
}

/** Waits until the server has printed `pattern` (its lines after "listening" come a moment later). */
async function printed(served: Served, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100 && !pattern.test(served.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
  return served.stderr();
}

async function stop(served: Served): Promise<void> {
  const exited = new Promise((resolve) => served.child.on('exit', resolve));
  served.child.kill('SIGTERM');
  await exited;
}

async function enrol(url: string, dataDir: string, uniqueId: string): Promise<Response> {
  const holder = generateHolderKey();
  const claims = {
    given_name: 'Ada',
    family_name: 'Lovelace',
    birthdate: '1990-12-10',
    unique_id: uniqueId,
    unique_id_namespace: 'XX:dev',
    nationalities: ['XX'],
  };
  const pid = await issueDevPid(loadDevIssuerKey(keyDirOf(dataDir), 'development'), claims, holder.publicJwk, { now: new Date() });
  const { nonce } = (await (await fetch(`${url}/registry/v1/nonces`, { method: 'POST' })).json()) as { nonce: string };
  const presentation = await presentPid(pid, holder.privateJwk, { nonce, audience: url, now: new Date() });
  return fetch(`${url}/registry/v1/enrolments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ presentation }),
  });
}

for (const engine of ENGINES) {
  it(`npm start on a fresh data dir shows a world, a trustee set and a way in; a restart seeds nothing more (${engine})`, async () => {
    const db = await createTestDatabase(engine);
    let served: Served | undefined;
    try {
      served = await serve(db);
      const { url } = served;
      const material = readDemoMaterial(db.dataDir);
      const stderr = await printed(served, /example world/);
      for (const page of ['/account', '/disclosure/trustee', '/transparency', '/log/checkpoint']) {
        assert.match(stderr, new RegExp(`${url}${page}`), `serve prints ${page}`);
      }
      assert.match(stderr, new RegExp(`example world\\s+${EXAMPLE_WORLD_URL}`));
      assert.match(stderr, /seeded trustee set/);

      const set = (await (await fetch(`${url}/registry/v1/trustee-set`)).json()) as {
        id: string;
        threshold: number;
        trustees: { id: string }[];
      };
      assert.deepEqual(
        set.trustees.map((t) => t.id),
        [...DEMO_TRUSTEES],
      );
      assert.equal(set.threshold, 3);
      assert.equal(set.id, material.trustees.trusteeSetId);
      for (const file of Object.values(material.trustees.shareFiles)) assert.ok(existsSync(join(material.dir, file)));
      // Its retention-epoch key, made by the same dealerless ceremony; each demo trustee's share in epochs-NAME/.
      const epochs = (await (await fetch(`${url}/registry/v1/escrow-epochs`)).json()) as {
        epochs: Array<{ epoch: string; ceremony: { kind: string } }>;
      };
      assert.ok(epochs.epochs.length >= 1);
      assert.ok(epochs.epochs.every((e) => e.ceremony.kind === 'dkg'));
      for (const t of DEMO_TRUSTEES)
        assert.ok(existsSync(join(material.dir, `epochs-${t}`, `share-epoch-${epochs.epochs[0]?.epoch}.json`)));

      const admin = { authorization: `Bearer ${material.adminToken}` };
      const worlds = (await (await fetch(`${url}/admin/v1/worlds`, { headers: admin })).json()) as {
        worlds: { id: string; name: string; redirectUris: string[] }[];
      };
      const world = worlds.worlds.find((w) => w.id === material.exampleWorld?.clientId);
      assert.equal(world?.name, 'Example World');
      assert.deepEqual(world?.redirectUris, [`${EXAMPLE_WORLD_URL}/callback`]);
      assert.equal(material.exampleWorld?.issuer, `${url}/oidc`);
      const authorities = (await (await fetch(`${url}/admin/v1/authorities`, { headers: admin })).json()) as {
        authorities: { id: string }[];
      };
      assert.ok(authorities.authorities.some((a) => a.id === material.authority?.id));
      const mine = await fetch(`${url}/disclosure/v1/requests`, { headers: { authorization: `Bearer ${material.authority?.token}` } });
      assert.equal(mine.status, 200, 'the demo authority token works');

      const enrolled = await enrol(url, db.dataDir, 'SEED-1');
      assert.equal(enrolled.status, 201, await enrolled.clone().text());

      await stop(served);
      served = await serve(db);
      assert.doesNotMatch(await printed(served, /example world/), /seeded/);
      const again = (await (await fetch(`${served.url}/registry/v1/trustee-set`)).json()) as { id: string };
      assert.equal(again.id, set.id);
      const worldsAgain = (await (await fetch(`${served.url}/admin/v1/worlds`, { headers: admin })).json()) as { worlds: unknown[] };
      assert.equal(worldsAgain.worlds.length, worlds.worlds.length);
      assert.equal(readFileSync(join(material.dir, 'admin-token'), 'utf8').trim(), material.adminToken);
      assert.equal((await enrol(served.url, db.dataDir, 'SEED-1')).status, 409, 'Ada is enrolled once');
    } finally {
      if (served && served.child.exitCode === null) await stop(served);
      await db.drop();
    }
  });
}

it('production mode seeds nothing, and refuses to start on a data dir holding demo material', async () => {
  const db = await createTestDatabase('sqlite');
  let served: Served | undefined;
  try {
    served = await serve(db, { MVID_MODE: 'production' });
    assert.equal(existsSync(join(db.dataDir, 'demo-only')), false);
    assert.doesNotMatch(served.stderr(), /seeded|demo/);
    assert.equal((await fetch(`${served.url}/registry/v1/trustee-set`)).status, 503, 'no trustee set: escrow_unavailable');
    await stop(served);
    served = undefined;

    // The same data dir started once in development mode now holds demo material…
    const dev = await serve(db);
    await stop(dev);
    // …which production refuses.
    const child = spawn(process.execPath, [MVID_BIN, 'serve'], {
      env: {
        ...process.env,
        MVID_DATA_DIR: db.dataDir,
        MVID_PORT: '0',
        // The public URL the log was created with (another one is refused first: log_origin_changed).
        MVID_PUBLIC_URL: `http://127.0.0.1:${ports.get(db.dataDir)}`,
        MVID_MODE: 'production',
        MVID_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /demo_material_refused/);
    assert.doesNotMatch(stderr, /listening/);
  } finally {
    if (served && served.child.exitCode === null) await stop(served);
    await db.drop();
  }
});
