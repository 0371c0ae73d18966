/**
 * Resharing from the command line against a listening server, on both engines: the
 * operator runs `mvid trustees reshare-open`, three old trustees and three new ones each
 * run `mvid trustee reshare` once (in parallel, as on their own machines) for the set's key
 * and its two retention-epoch keys. The new share files verify against the new set and its
 * new epoch keys; the old share files (set and epoch) are destroyed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { decryptShareFile, encryptShareFile, verifyShare } from '../src/crypto/index.ts';
import { captureIo } from './support/cli.ts';
import { ENGINES } from './support/engines.ts';
import { FAST_SCRYPT, passphraseOf } from './support/registry.ts';
import { startWorldsRuntime } from './support/worlds.ts';

for (const engine of ENGINES) {
  describe(`mvid trustees reshare-open and mvid trustee reshare (${engine})`, () => {
    it('3-of-5 to 2-of-3 from the command line; old share files destroyed, new ones verify; bad usage is refused', async () => {
      // Two retention-epoch keys: they move with the set's own key.
      const rt = await startWorldsRuntime(engine, '127.0.0.1', {}, { epochs: 2 });
      const dir = mkdtempSync(join(tmpdir(), 'mvid-reshare-'));
      try {
        const env = {
          MVID_DATA_DIR: rt.database.dataDir,
          MVID_PUBLIC_URL: rt.url,
          ...(rt.database.location.engine === 'postgres' ? { MVID_DATABASE_URL: rt.database.location.url } : {}),
        };
        const run = async (args: string[], extra: Record<string, string> = {}) => {
          const io = captureIo({ ...env, ...extra }, dir);
          const code = await runCli(args, io);
          return { code, out: io.stdout, err: io.stderr };
        };
        const oldSet = await rt.registry.trusteeSets.active();
        const open = await run([
          'trustees',
          'reshare-open',
          '--threshold',
          '2',
          '--trustees',
          'carol,frank,gina',
          '--dealers',
          'alice,bob,carol',
          '--out-dir',
          'tokens',
        ]);
        assert.equal(open.code, 0, open.err);
        const ceremony = /reshare ceremony ([0-9a-f-]{36})/.exec(open.out)?.[1] as string;
        assert.ok(ceremony, open.out);
        const base = ['trustee', 'reshare', '--url', rt.url, '--ceremony', ceremony];
        assert.equal((await run([...base, '--token-file', 'tokens/reshare-token-new-frank'])).code, 2, 'neither --share-file nor --out');
        const noEpochs = await run([...base, '--token-file', 'tokens/reshare-token-new-frank', '--out', 'x.json']);
        assert.equal(noEpochs.code, 2, 'a new trustee without --epochs-out');
        assert.match(noEpochs.err, /2 retention-epoch key\(s\) too: give --epochs-out/);
        assert.match(open.out, /with its 2 live retention-epoch key\(s\)/);
        for (const name of ['alice', 'bob', 'carol']) {
          writeFileSync(join(dir, `old-${name}.json`), JSON.stringify(rt.shareFiles.get(name)));
          mkdirSync(join(dir, `old-epochs-${name}`));
          for (const share of rt.epochShares.get(name) ?? []) {
            const file = await encryptShareFile(share, passphraseOf(name), { scrypt: FAST_SCRYPT });
            writeFileSync(join(dir, `old-epochs-${name}`, `share-epoch-${share.trusteeSetId}.json`), JSON.stringify(file));
          }
        }
        const participant = (role: 'old' | 'new', name: string, files: string[]) =>
          run([...base, '--token-file', `tokens/reshare-token-${role}-${name}`, ...files], { MVID_TRUSTEE_PASSPHRASE: passphraseOf(name) });
        const runs = await Promise.all([
          ...['alice', 'bob', 'carol'].map((name) =>
            participant('old', name, ['--share-file', `old-${name}.json`, '--share-file', `old-epochs-${name}`]),
          ),
          ...['carol', 'frank', 'gina'].map((name) =>
            participant('new', name, ['--out', `new-${name}.json`, '--epochs-out', `new-epochs-${name}`]),
          ),
        ]);
        for (const r of runs) assert.equal(r.code, 0, r.err);
        const active = await rt.registry.trusteeSets.active();
        assert.equal(active?.escrowPublicKey, oldSet?.escrowPublicKey);
        assert.equal(active?.resharedFrom, oldSet?.id);
        for (const name of ['alice', 'bob', 'carol']) {
          assert.equal(existsSync(join(dir, `old-${name}.json`)), false, `${name}'s old share`);
          assert.deepEqual(readdirSync(join(dir, `old-epochs-${name}`)), [], `${name}'s old epoch shares`);
        }
        const epochs = await rt.registry.epochs.list(active?.id);
        assert.equal(epochs.length, 2);
        for (const name of ['carol', 'frank', 'gina']) {
          const share = await decryptShareFile(JSON.parse(readFileSync(join(dir, `new-${name}.json`), 'utf8')), passphraseOf(name));
          assert.equal(share.trusteeSetId, active?.id);
          assert.ok(verifyShare(share, active?.commitments ?? []));
          share.secret.fill(0);
          for (const epoch of epochs) {
            const file = join(dir, `new-epochs-${name}`, `share-epoch-${epoch.epoch}.json`);
            const epochShare = await decryptShareFile(JSON.parse(readFileSync(file, 'utf8')), passphraseOf(name));
            assert.equal(epochShare.trusteeSetId, epoch.key.id);
            assert.ok(verifyShare(epochShare, epoch.key.commitments));
            epochShare.secret.fill(0);
          }
        }
        // The old set's key moved: it cannot be reshared again.
        const again = await run([
          'trustees',
          'reshare-open',
          '--threshold',
          '2',
          '--trustees',
          'a,b,c',
          '--from',
          oldSet?.id as string,
          '--out-dir',
          't2',
        ]);
        assert.notEqual(again.code, 0);
        assert.match(again.err, /already reshared/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await rt.stop();
      }
    });
  });
}
