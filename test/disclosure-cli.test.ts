/**
 * The command line, end to end over a listening server on both engines: the
 * administrator registers an authority and issues trustee tokens on the database;
 * the authority and three trustees work only over HTTP with their own files; the
 * authority ends with Tom's name.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { type EpochDestruction, encryptShareFile, epochDestructionHash } from '../src/crypto/index.ts';
import { parseEntry } from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { type Story, startStory } from './support/disclosure.ts';
import { FAST_SCRYPT, passphraseOf } from './support/registry.ts';
import { captureIo } from './support/cli.ts';

for (const engine of ENGINES) {
  describe(`disclosure CLI on ${engine}`, () => {
    let story: Story;
    let url: string;
    let dir: string;
    let env: Record<string, string | undefined>;
    let keyId: string;

    async function run(args: string[], extra: Record<string, string> = {}) {
      const io = captureIo({ ...env, ...extra }, dir);
      const code = await runCli(args, io);
      assert.equal(code, 0, `mvid ${args.join(' ')}\n${io.stdout}\n${io.stderr}`);
      return io;
    }

    before(async () => {
      story = await startStory(engine);
      // The CLI clients run on the real clock: bring the server's to the same time.
      story.clock.set(Math.floor(Date.now() / 1000) * 1000);
      url = await story.rt.app.listen({ port: 0, host: '127.0.0.1' });
      dir = mkdtempSync(join(tmpdir(), 'mvid-disclosure-cli-'));
      env = {
        MVID_DATA_DIR: story.rt.config.dataDir,
        ...(story.rt.config.databaseUrl ? { MVID_DATABASE_URL: story.rt.config.databaseUrl } : {}),
      };
      // Tom's envelopes are sealed to a retention-epoch key: each trustee also keeps a folder of epoch share files.
      keyId = (
        await story.rt.store.db
          .selectFrom('registry_envelopes')
          .select('escrow_key_id')
          .where('person_id', '=', story.tom.personId)
          .executeTakeFirstOrThrow()
      ).escrow_key_id as string;
      for (const [name, file] of story.shareFiles) {
        writeFileSync(join(dir, `share-${name}.json`), JSON.stringify(file));
        writeFileSync(join(dir, `pass-${name}`), `${passphraseOf(name)}\n`);
        const epochShare = story.trustees.get(name)?.share.find((s) => s.trusteeSetId === keyId);
        assert.ok(epochShare);
        mkdirSync(join(dir, `epochs-${name}`));
        const epochFile = await encryptShareFile(epochShare, passphraseOf(name), { scrypt: FAST_SCRYPT });
        writeFileSync(join(dir, `epochs-${name}`, `share-epoch-${keyId}.json`), JSON.stringify(epochFile));
      }
      writeFileSync(join(dir, 'order.txt'), 'Beschluss 351 Gs 77/26');
    });
    after(async () => story?.stop());

    it('authority and trustees, each with their own files, disclose Tom’s name', async () => {
      const publicKey = (await run(['authority', 'keygen', '--out', 'authority.key'])).stdout.trim();
      const added = await run([
        'authorities',
        'add',
        '--name',
        'Bundeskriminalamt',
        '--jurisdiction',
        'DE',
        '--contact',
        'bka@example.org',
        '--public-key',
        publicKey,
      ]);
      writeFileSync(join(dir, 'authority.token'), `${added.stdout.trim().split('\n')[1]}\n`);
      for (const name of ['alice', 'bob', 'carol']) {
        const issued = await run(['disclosure', 'trustee-token', '--trustee', name]);
        writeFileSync(join(dir, `${name}.token`), `${issued.stdout.trim().split('\n')[1]}\n`);
        await run(['trustee', 'enrol', '--url', url, '--state', `${name}.state`, '--token-file', `${name}.token`]);
      }
      const filed = await run([
        'authority',
        'request',
        '--url',
        url,
        '--token-file',
        'authority.token',
        '--world',
        story.worldId,
        '--target',
        story.tom.pseudonym,
        '--offence-category',
        'extortion',
        '--statute',
        'StGB § 253',
        '--court',
        'Amtsgericht Tiergarten',
        '--order-reference',
        '351 Gs 77/26',
        '--order-date',
        story.clock.now().toISOString().slice(0, 10),
        '--order-document',
        'order.txt',
        '--field-group',
        'name_birth',
        '--delay-days',
        '14',
      ]);
      const requestId = /request ([0-9a-f-]{36}) accepted/.exec(filed.stdout)?.[1];
      assert.ok(requestId, filed.stdout);
      const queue = await run(['trustee', 'review', '--state', 'alice.state']);
      assert.match(queue.stdout, new RegExp(requestId));
      const reviewed = await run([
        'trustee',
        'review',
        '--state',
        'alice.state',
        '--request',
        requestId,
        '--out-document',
        'alice-order.txt',
      ]);
      assert.match(reviewed.stderr, /verified/);
      const withShare = (command: string, name: string) =>
        run([
          'trustee',
          command,
          '--state',
          `${name}.state`,
          '--request',
          requestId,
          '--share',
          `share-${name}.json`,
          '--share',
          `epochs-${name}`,
          '--passphrase-file',
          `pass-${name}`,
        ]);
      for (const name of ['alice', 'bob', 'carol']) {
        const approved = await withShare('approve', name);
        assert.match(approved.stdout, /approved: logged at index \d+/);
        assert.match(approved.stdout, name === 'carol' ? /shares uploaded \(1 so far\)/ : /no partial decryption yet/);
      }
      // The quorum is in the log now: the two who approved first release their partials.
      for (const name of ['alice', 'bob']) {
        const released = await withShare('release', name);
        assert.match(released.stdout, name === 'bob' ? /3 so far, released/ : /2 so far/);
      }
      const fetchArgs = [
        'authority',
        'fetch',
        '--url',
        url,
        '--token-file',
        'authority.token',
        '--request',
        requestId,
        '--key',
        'authority.key',
      ];
      // The authority names the pseudonym it filed for: a release of anyone else is refused before it is opened.
      const other = captureIo(env, dir);
      assert.notEqual(
        await runCli([...fetchArgs, '--no-receipt', '--world', story.worldId, '--target', `${story.tom.pseudonym}x`], other),
        0,
      );
      assert.match(other.stderr, /subject_binding_invalid|another pseudonym/);
      assert.doesNotMatch(other.stdout, new RegExp(story.tom.familyName));
      const fetched = await run([
        ...fetchArgs,
        '--log-key',
        story.rt.disclosure.log.verifierKey,
        '--checkpoint-file',
        'authority-checkpoint.json',
        '--world',
        story.worldId,
        '--target',
        story.tom.pseudonym,
      ]);
      assert.match(fetched.stdout, new RegExp(story.tom.familyName));
      assert.match(fetched.stderr, /as filed/);
      const remembered = JSON.parse(readFileSync(join(dir, 'authority-checkpoint.json'), 'utf8')) as { seen: { size: string } };
      assert.ok(Number(remembered.seen.size) > 0, 'the authority remembers the checkpoint it accepted');
      assert.match(fetched.stderr, /receipt logged/);
    });

    it('mvid trustee destroy-epochs keeps a running epoch’s share; once it ended (--now) shreds the file and the statement is logged', async () => {
      const destroy = ['trustee', 'destroy-epochs', '--state', 'alice.state', '--share', 'epochs-alice', '--passphrase-file', 'pass-alice'];
      const file = join(dir, 'epochs-alice', `share-epoch-${keyId}.json`);
      assert.match((await run(destroy)).stdout, /^0 epoch share\(s\) destroyed/m);
      assert.ok(existsSync(file), 'a share of a running epoch is kept');
      const bad = captureIo(env, dir);
      assert.notEqual(await runCli([...destroy, '--now', 'next tuesday'], bad), 0);
      assert.match(bad.stderr, /--now/);
      // The epoch is over on the server's clock and, by --now, on the trustee's.
      const epoch = await story.rt.registry.epochs.byId(keyId);
      const after = new Date(Date.parse(epoch?.endsAt as string) + 86_400_000);
      story.clock.set(after);
      const done = await run([...destroy, '--now', after.toISOString()]);
      assert.match(done.stdout, new RegExp(`epoch ${epoch?.epoch}: share .* destroyed; statement logged`));
      assert.match(done.stdout, /^1 epoch share\(s\) destroyed/m);
      assert.ok(!existsSync(file), 'the share file is shredded');
      assert.ok(!existsSync(`${file}.destroyed.json`), 'the statement was handed over');
      const alice = epoch?.key.trustees.find((t) => t.id === 'alice');
      const recorded = (await story.rt.registry.epochs.byId(keyId))?.destructions ?? [];
      assert.deepEqual(
        recorded.map((d) => d.verificationKey),
        [alice?.verificationKey],
      );
      await story.rt.tlog.integrate();
      const size = (await story.rt.disclosure.log.checkpoint()).size;
      const logged = (await story.rt.disclosure.log.entries(0n, size))
        .map((b) => parseEntry(b))
        .filter((e) => e.type === 'escrow_epoch_destroyed' && e.escrowKey === keyId);
      assert.equal(logged.length, 1);
      assert.equal(
        logged[0]?.type === 'escrow_epoch_destroyed' ? logged[0].statement : '',
        epochDestructionHash(recorded[0] as EpochDestruction),
      );
    });
  });
}

describe('disclosure clients in production pin witnesses', () => {
  const refused = async (args: string[]) => {
    const io = captureIo({ MVID_MODE: 'production', MVID_TRUSTEE_TOKEN: `mvtr_${'A'.repeat(43)}` }, tmpdir());
    assert.notEqual(await runCli(args, io), 0, io.stdout);
    return io.stderr;
  };

  it('refuses to enrol a trustee, or fetch a release, without a witness (and a threshold without witnesses)', async () => {
    // Refused before anything is sent: nothing listens on this port.
    const url = 'http://127.0.0.1:9';
    assert.match(await refused(['trustee', 'enrol', '--url', url, '--state', 'never.json']), /witness/);
    assert.match(await refused(['trustee', 'enrol', '--url', url, '--state', 'never.json', '--witness-threshold', '1']), /--witness/);
    const fetch = ['authority', 'fetch', '--url', url, '--request', 'r', '--key', 'k', '--token-file', 't'];
    assert.match(await refused(fetch), /--log-key/);
    assert.match(await refused([...fetch, '--log-key', 'log.example+01020304+AQ']), /witness/);
  });
});
