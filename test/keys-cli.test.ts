/** `mvid init`, `mvid keys rotate|export|import` with a key-encryption key and without, on both engines. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { initKeyDir, readKeyDir } from '../src/keys/index.ts';
import { captureIo } from './support/cli.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from './support/engines.ts';

const KEK = Buffer.alloc(32, 3).toString('base64');

for (const engine of ENGINES) {
  describe(`mvid keys on ${engine}`, () => {
    let db: TestDatabase;
    let work: string;
    const env = (dataDir: string, extra: Record<string, string> = {}) => ({
      MVID_DATA_DIR: dataDir,
      MVID_PUBLIC_URL: 'http://mvid.test',
      ...(db.location.engine === 'postgres' ? { MVID_DATABASE_URL: db.location.url } : {}),
      ...extra,
    });
    const run = async (args: string[], e: Record<string, string>) => {
      const io = captureIo(e);
      return { code: await runCli(args, io), out: io.stdout, err: io.stderr };
    };
    before(async () => {
      db = await createTestDatabase(engine);
      work = mkdtempSync(join(tmpdir(), 'mvid-keys-cli-'));
    });
    after(async () => {
      await db?.drop();
      rmSync(work, { recursive: true, force: true });
    });

    it('init with the KEK seals the keys in the database and writes no key file', async () => {
      const r = await run(['init'], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /created data-at-rest\.key \(sealed in the database\)/);
      assert.equal(existsSync(join(db.dataDir, 'keys')), false);
      const again = await run(['init'], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      assert.match(again.out, /nothing created/);
    });

    it('export writes a private file once; import installs it on a node without the KEK, which then starts', async () => {
      const file = join(work, 'keys.json');
      const exported = await run(['keys', 'export', '--out', file], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      assert.equal(exported.code, 0, exported.err);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { format: string }).format, 'mvid-keys-v1');
      assert.equal((await run(['keys', 'export', '--out', file], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }))).code, 2);

      const node2 = join(work, 'node2');
      const imported = await run(['keys', 'import', file], env(node2));
      assert.equal(imported.code, 0, imported.err);
      assert.match(imported.out, /imported \d+ keys/);
      assert.equal(statSync(join(node2, 'keys', 'data-at-rest.key')).mode & 0o777, 0o600);
      // The node without the KEK now has the deployment's keys: commands that use them run.
      const again = join(work, 'again.json');
      assert.equal((await run(['keys', 'export', '--out', again], env(node2))).code, 0);
      assert.deepEqual(JSON.parse(readFileSync(again, 'utf8')), JSON.parse(readFileSync(file, 'utf8')));
    });

    it('refuses to import keys that are not the deployment’s, and changes nothing', async () => {
      const stranger = join(work, 'stranger');
      initKeyDir(join(stranger, 'keys'));
      const file = join(work, 'stranger.json');
      writeFileSync(file, JSON.stringify({ format: 'mvid-keys-v1', keys: Object.fromEntries(readKeyDir(join(stranger, 'keys'))) }));
      const r = await run(['keys', 'import', file], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      assert.equal(r.code, 1);
      assert.match(r.err, /keys_mismatch/);
      assert.equal(existsSync(join(db.dataDir, 'keys')), false);
    });

    it('rotate adds a token key for every node', async () => {
      const r = await run(['keys', 'rotate'], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /created token-es256\/[A-Za-z0-9_-]+\.jwk; restart every node/);
      const file = join(work, 'rotated.json');
      await run(['keys', 'export', '--out', file], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      const names = Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { keys: object }).keys);
      assert.equal(names.filter((n) => n.startsWith('token-es256/')).length, 2);
    });

    it('reseal changes the KEK: the old one no longer opens the keys, the new one does', async () => {
      const newKek = Buffer.alloc(32, 4).toString('hex');
      const file = join(work, 'new-kek');
      writeFileSync(file, `${newKek}\n`, { mode: 0o600 });
      const r = await run(['keys', 'reseal', '--new-key-file', file], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /sealed \d+ keys/);
      const old = await run(['keys', 'export', '--out', join(work, 'old.json')], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY: KEK }));
      assert.equal(old.code, 1);
      assert.match(old.err, /keys_mismatch/);
      const fresh = await run(['keys', 'export', '--out', join(work, 'new.json')], env(db.dataDir, { MVID_KEY_ENCRYPTION_KEY_FILE: file }));
      assert.equal(fresh.code, 0, fresh.err);
      assert.deepEqual(
        JSON.parse(readFileSync(join(work, 'new.json'), 'utf8')),
        JSON.parse(readFileSync(join(work, 'rotated.json'), 'utf8')),
      );
    });
  });
}
