/**
 * The registry's command line on both engines: admin token create, issuers add, trustees
 * init (the ceremony), trustee check-share, dev pid (and its refusal in production),
 * and sweep.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { loadConfig } from '../src/config/index.ts';
import { ManualClock } from '../src/core/index.ts';
import { generateHolderKey, presentPid } from '../src/registry/index.ts';
import { createLogger, type Runtime, startRuntime } from '../src/server/index.ts';
import { createTestDatabase, ENGINES, REPO_ROOT, type TestDatabase } from './support/engines.ts';
import { captureIo } from './support/cli.ts';

const TRUSTEES = ['alice', 'bob', 'carol', 'dave', 'erin'];

for (const engine of ENGINES) {
  describe(`registry CLI on ${engine}`, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const io = captureIo({ ...env, ...extra });
      const code = await runCli(args, io);
      return { code, out: io.stdout, err: io.stderr };
    };
    /** A runtime on the CLI's data dir and database, with its own clock. */
    const runtime = (clock: ManualClock, overrides: Record<string, unknown> = {}): Promise<Runtime> =>
      startRuntime(loadConfig({ env, cwd: REPO_ROOT, overrides: { logLevel: 'silent', publicUrl: 'http://mvid.test', ...overrides } }), {
        clock,
        logger: createLogger('silent'),
        background: false,
      });

    before(async () => {
      db = await createTestDatabase(engine);
      // The commands and the server share one configuration (the log's origin comes from the public URL).
      env = {
        MVID_DATA_DIR: db.dataDir,
        MVID_PUBLIC_URL: 'http://mvid.test',
        ...(db.location.engine === 'postgres' ? { MVID_DATABASE_URL: db.location.url } : {}),
      };
      assert.equal((await run(['init'])).code, 0);
    });
    after(async () => db.drop());

    it('admin token create prints a token once; only its hash is stored', async () => {
      const r = await run(['admin', 'token', 'create', '--name', 'ops']);
      assert.equal(r.code, 0, r.err);
      const token = r.out.trim();
      assert.match(token, /^mva_[A-Za-z0-9_-]{43}$/);
      assert.match(r.err, /not shown again/);
      const rt = await runtime(new ManualClock());
      try {
        assert.equal((await rt.registry.adminTokens.authenticate(token))?.name, 'ops');
        const rows = await rt.store.db.selectFrom('admin_tokens').select('token_hash').execute();
        assert.ok(rows.every((row) => row.token_hash !== token && /^[0-9a-f]{64}$/.test(row.token_hash)));
      } finally {
        await rt.close();
      }
      const list = await run(['admin', 'token', 'list']);
      assert.doesNotMatch(list.out, /mva_/);
      assert.equal((await run(['admin', 'token', 'create', '--name', ''])).code, 1);
    });

    it('issuers add registers an issuer from a JWKS file, and refuses bad input', async () => {
      const key = generateHolderKey();
      const jwksFile = join(db.dataDir, 'issuer.jwks.json');
      writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...key.publicJwk, kid: 'k1' }] }));
      const add = ['issuers', 'add', '--name', 'gb-pid', '--iss', 'https://pid.gb.example', '--jwks-file', jwksFile];
      const r = await run([...add, '--namespace', 'GB:nino']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /registered issuer gb-pid/);
      assert.match((await run(['issuers', 'list'])).out, /https:\/\/pid\.gb\.example/);
      assert.match((await run([...add, '--namespace', 'GB:nino'])).err, /issuer_exists/);
      assert.equal((await run(add)).code, 2, 'a namespace is required');
      const leaky = join(db.dataDir, 'leaky.jwks.json');
      writeFileSync(leaky, JSON.stringify({ keys: [key.privateJwk] }));
      const refused = await run([
        'issuers',
        'add',
        '--name',
        'leaky',
        '--iss',
        'https://leaky.example',
        '--jwks-file',
        leaky,
        '--namespace',
        '*',
      ]);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /private key material/);
      assert.equal(
        (await run(['issuers', 'add', '--name', 'x', '--iss', 'y', '--jwks-file', join(db.dataDir, 'missing.json'), '--namespace', '*']))
          .code,
        2,
      );
    });

    let shareDir: string;
    it('trustees init writes one private share file per trustee and publishes the set', async () => {
      shareDir = join(db.dataDir, 'ceremony');
      const files = TRUSTEES.slice(0, 2).map((t) => {
        const path = join(db.dataDir, `${t}.pass`);
        writeFileSync(path, `${t} passphrase for the ceremony\n`);
        return `${t}=${path}`;
      });
      const passEnv = Object.fromEntries(
        TRUSTEES.slice(2).map((t) => [`MVID_TRUSTEE_PASSPHRASE_${t.toUpperCase()}`, `${t} passphrase for the ceremony`]),
      );
      const args = [
        'trustees',
        'init',
        '--dev-dealer',
        '--threshold',
        '3',
        ...TRUSTEES.flatMap((t) => ['--trustee', t]),
        '--out-dir',
        shareDir,
      ];
      assert.equal(
        (await run([...args, ...files.flatMap((f) => ['--passphrase-file', f])])).code,
        2,
        'passphrases of carol, dave, erin are missing',
      );
      const short = await run([...args, ...files.flatMap((f) => ['--passphrase-file', f])], {
        ...passEnv,
        MVID_TRUSTEE_PASSPHRASE_ERIN: 'short',
      });
      assert.equal(short.code, 2);
      const noDealer = await run([...args.filter((a) => a !== '--dev-dealer'), ...files.flatMap((f) => ['--passphrase-file', f])], passEnv);
      assert.equal(noDealer.code, 2, 'a dealt set needs --dev-dealer');
      assert.match(noDealer.err, /dkg-open/);
      const r = await run([...args, ...files.flatMap((f) => ['--passphrase-file', f])], passEnv);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /is active: 3 of 5 trustees/);
      for (const t of TRUSTEES) assert.equal(statSync(join(shareDir, `share-${t}.json`)).mode & 0o777, 0o600);
      const published = JSON.parse(readFileSync(join(shareDir, 'trustee-set.json'), 'utf8')) as { id: string };
      const rt = await runtime(new ManualClock());
      try {
        assert.equal((await rt.registry.trusteeSets.active())?.id, published.id);
        const outbox = await rt.store.db.selectFrom('log_outbox').select('entry').execute();
        assert.ok(outbox.some((row) => Buffer.from(row.entry).toString().includes('type trustee_set')));
      } finally {
        await rt.close();
      }
      const again = await run([...args.slice(0, -1), join(db.dataDir, 'other')], passEnv);
      assert.equal(again.code, 2);
      assert.match(again.err, /--replace/);
      assert.equal(
        (await run([...args, ...files.flatMap((f) => ['--passphrase-file', f])], passEnv)).code,
        2,
        'share files are never overwritten',
      );
    });

    it('trustee check-share verifies a share against the published commitments', async () => {
      const share = join(shareDir, 'share-carol.json');
      const ok = await run(['trustee', 'check-share', '--share', share], { MVID_TRUSTEE_PASSPHRASE: 'carol passphrase for the ceremony' });
      assert.equal(ok.code, 0, ok.err);
      assert.match(ok.out, /^ok: share 3 of trustee carol/);
      const offline = await run(['trustee', 'check-share', '--share', share, '--trustee-set', join(shareDir, 'trustee-set.json')], {
        MVID_TRUSTEE_PASSPHRASE: 'carol passphrase for the ceremony',
      });
      assert.equal(offline.code, 0, offline.err);
      const wrong = await run(['trustee', 'check-share', '--share', share], { MVID_TRUSTEE_PASSPHRASE: 'not the right passphrase' });
      assert.equal(wrong.code, 1);
      assert.match(wrong.err, /share_passphrase_invalid/);
      const tampered = JSON.parse(readFileSync(share, 'utf8'));
      tampered.trusteeId = 'mallory';
      const tamperedPath = join(db.dataDir, 'tampered.json');
      writeFileSync(tamperedPath, JSON.stringify(tampered));
      const bad = await run(['trustee', 'check-share', '--share', tamperedPath], {
        MVID_TRUSTEE_PASSPHRASE: 'carol passphrase for the ceremony',
      });
      assert.equal(bad.code, 1);
      assert.match(bad.err, /share_file_invalid/);
      assert.equal((await run(['trustee', 'check-share', '--share', share])).code, 2, 'no passphrase source');
    });

    it('dev pid prints a PID the running service accepts; refused in production', async () => {
      const r = await run([
        'dev',
        'pid',
        '--given-name',
        'Ada',
        '--family-name',
        'Lovelace',
        '--birthdate',
        '1990-12-10',
        '--unique-id',
        'QQ123456C',
        '--namespace',
        'GB:nino',
        '--nationality',
        'GB',
      ]);
      assert.equal(r.code, 0, r.err);
      const { credential, holderKey } = JSON.parse(r.out) as { credential: string; holderKey: Record<string, string> };
      assert.ok(holderKey.d, 'a fresh holder key is printed with the PID');
      const clock = new ManualClock(new Date());
      const rt = await runtime(clock);
      try {
        const nonce = rt.registry.issueNonce().nonce;
        const presentation = await presentPid(credential, holderKey, { nonce, audience: 'http://mvid.test', now: clock.now() });
        const reply = await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation } });
        assert.equal(reply.statusCode, 201, reply.body);
      } finally {
        await rt.close();
      }
      assert.equal((await run(['dev', 'pid', '--given-name', 'Ada', '--birthdate', '1990-13-45', '--unique-id', 'x'])).code, 2);
      const prod = await run(['dev', 'pid', '--given-name', 'Ada', '--birthdate', '1990-12-10', '--unique-id', 'QQ1'], {
        MVID_MODE: 'production',
      });
      assert.equal(prod.code, 1);
      assert.match(prod.err, /dev_issuer_disabled/);
    });

    it('sweep deletes escrow data of accounts closed longer than the retention period', async () => {
      const clock = new ManualClock(new Date());
      const rt = await runtime(clock);
      try {
        const holderFile = join(db.dataDir, 'holder.jwk');
        const args = ['dev', 'pid', '--given-name', 'Old', '--birthdate', '1950-01-01', '--unique-id', 'OLD-1', '--holder-key', holderFile];
        assert.equal((await run(args)).code, 2, 'an unreadable holder key file is a usage error');
        const holder = generateHolderKey();
        writeFileSync(holderFile, JSON.stringify(holder.publicJwk));
        const { credential, holderKey } = JSON.parse((await run(args)).out) as { credential: string; holderKey?: unknown };
        assert.equal(holderKey, undefined, 'no private key is printed for a given holder key');
        const presentation = await presentPid(credential, holder.privateJwk, {
          nonce: rt.registry.issueNonce().nonce,
          audience: 'http://mvid.test',
          now: clock.now(),
        });
        const enrolled = await rt.registry.enrolments.enrol(presentation);
        // The account was closed in 2021: with 365 days of retention its escrow data is due today.
        clock.set('2021-03-01T10:00:00Z');
        const session = await rt.registry.sessions.authenticate(enrolled.session.token);
        assert.ok(session);
        await rt.registry.self.close(session);
      } finally {
        await rt.close();
      }
      const r = await run(['sweep']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /swept 4 envelope\(s\), 1 uniqueness tag\(s\), 1 closed account\(s\)/);
      assert.match((await run(['sweep'])).out, /swept 0 envelope\(s\), 0 uniqueness tag\(s\), 0 closed account\(s\)/);
    });
  });
}
