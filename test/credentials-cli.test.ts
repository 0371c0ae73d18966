/**
 * `mvid attribute-issuers add|list|disable` on both engines: what the CLI registers is
 * what the HTTP API then trusts (and stops trusting once disabled).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { publicJwkOf } from '../src/sdk/index.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from './support/engines.ts';
import { captureIo } from './support/cli.ts';

for (const engine of ENGINES) {
  describe(`attribute-issuers CLI on ${engine}`, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    let jwksFile: string;
    const run = async (args: string[]) => {
      const io = captureIo({ ...env, MVID_PUBLIC_URL: 'https://mvid.example' });
      const code = await runCli(args, io);
      return { code, out: io.stdout, err: io.stderr };
    };

    before(async () => {
      db = await createTestDatabase(engine);
      env = { MVID_DATA_DIR: db.dataDir, ...(db.location.engine === 'postgres' ? { MVID_DATABASE_URL: db.location.url } : {}) };
      assert.equal((await run(['init'])).code, 0);
      jwksFile = join(db.dataDir, 'board.jwks.json');
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...publicJwkOf(publicKey), kid: 'board-1' }] }));
    });
    after(async () => db.drop());

    it('adds, lists and disables an attribute issuer; refuses bad registrations', async () => {
      const add = ['attribute-issuers', 'add', '--name', 'Board of Nursing', '--iss', 'https://nursing.example', '--jwks-file', jwksFile];
      const added = await run([...add, '--vct', 'occupation']);
      assert.equal(added.code, 0, added.err);
      assert.match(added.out, /registered attribute issuer Board of Nursing .* https:\/\/mvid\.example\/credentials\/types\/occupation/);

      const listed = await run(['attribute-issuers', 'list']);
      const [issuer] = JSON.parse(listed.out) as Array<{ id: string; iss: string; vcts: string[]; jwks: { keys: Array<{ kid: string }> } }>;
      assert.equal(issuer?.iss, 'https://nursing.example');
      assert.deepEqual(issuer?.vcts, ['https://mvid.example/credentials/types/occupation']);
      assert.equal(issuer?.jwks.keys[0]?.kid, 'board-1');

      const again = await run([...add, '--vct', 'occupation']);
      assert.equal(again.code, 1);
      assert.match(again.err, /issuer_exists/);
      const natural = await run([...add.slice(0, 3), 'Age Inc', '--iss', 'https://age.example', '--jwks-file', jwksFile, '--vct', 'age']);
      assert.equal(natural.code, 1);
      assert.match(natural.err, /validation_failed/);
      const noVct = await run([...add.slice(0, 3), 'Other', '--iss', 'https://other.example', '--jwks-file', jwksFile]);
      assert.equal(noVct.code, 2);
      const noFile = await run([
        ...add.slice(0, 3),
        'Other',
        '--iss',
        'https://other.example',
        '--jwks-file',
        '/nonexistent.json',
        '--vct',
        'membership',
      ]);
      assert.equal(noFile.code, 2);

      assert.equal((await run(['attribute-issuers', 'disable', '--id', issuer?.id ?? ''])).code, 0);
      const after = JSON.parse((await run(['attribute-issuers', 'list'])).out) as Array<{ disabledAt: string | null }>;
      assert.ok(after[0]?.disabledAt);
      assert.equal((await run(['attribute-issuers', 'disable', '--id', 'Board of Nursing'])).code, 1);
    });
  });
}
