/**
 * Crypto-shredding by retention epochs (issue 17), on both engines. Envelopes are sealed
 * to the threshold key of the epoch holding their expiry. The operator keeps a backup
 * taken before the sweep (SQLite: `VACUUM INTO` a copy of the database file; PostgreSQL:
 * a dump of the escrow tables' rows, as pg_dump would write them). When the epoch ends,
 * the trustees' clients destroy their share files and sign destruction statements that
 * the log records; after that the backup's envelopes open with no share anyone still
 * holds, while an envelope of a live epoch still opens with M shares and not with M − 1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { MvidError } from '../src/core/index.ts';
import {
  decryptShareFile,
  type Envelope,
  encryptShareFile,
  epochDestructionHash,
  partialDecrypt,
  signEpochDestruction,
  type TrusteeSet,
  type TrusteeShare,
  thresholdOpen,
  verifyEpochDestruction,
} from '../src/crypto/index.ts';
import type { PublishedEpoch } from '../src/disclosure/index.ts';
import { parseEntry } from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { enrolPerson, type Story, startStory } from './support/disclosure.ts';
import { FAST_SCRYPT, passphraseOf, personClaims, TRUSTEES } from './support/registry.ts';

const DAY = 86_400_000;

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((s) => [first, ...s]), ...subsets(rest, size)];
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof MvidError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

for (const engine of ENGINES) {
  describe(`retention epochs on ${engine}`, () => {
    let story: Story;
    let work: string;
    let tomKey: TrusteeSet;
    let patKey: TrusteeSet;
    let tomEpoch: PublishedEpoch;
    let patId: string;
    /** The operator's backup, taken before the epoch ended and before the sweep. */
    let backup: Envelope[];
    /** Each trustee's folder of share files: its share of the set and of Tom's and Pat's epoch keys. */
    const folderOf = (name: string) => join(work, name);
    const requestId = 'backup-restore-attempt';

    const envelopesOf = async (personId: string): Promise<Envelope[]> =>
      (await story.rt.store.db.selectFrom('registry_envelopes').select('envelope_json').where('person_id', '=', personId).execute()).map(
        (r) => JSON.parse(r.envelope_json) as Envelope,
      );
    const keyOf = async (e: Envelope): Promise<TrusteeSet> =>
      (await story.rt.registry.epochs.byId(e.escrowKeyId as string))?.key as TrusteeSet;
    const open = (e: Envelope, key: TrusteeSet, shares: readonly TrusteeShare[]) =>
      thresholdOpen(
        e,
        shares.map((share) => partialDecrypt({ share, c1: e.c1, requestId, envelopeId: e.envelopeId })),
        { trusteeSet: key, requestId },
      );
    /** A destruction statement posted as the trustee whose token this is. */
    const postStatement = (token: string, payload: object) =>
      story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/trustee/escrow-epochs/${tomKey.id}/destruction`,
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
    /** Every share file a trustee still has, opened. */
    const survivingShares = async (): Promise<TrusteeShare[]> => {
      const out: TrusteeShare[] = [];
      for (const name of TRUSTEES)
        for (const file of readdirSync(folderOf(name)).filter((n) => n.endsWith('.share.json')))
          out.push(await decryptShareFile(JSON.parse(readFileSync(join(folderOf(name), file), 'utf8')), passphraseOf(name)));
      return out;
    };

    before(async () => {
      story = await startStory(engine);
      work = mkdtempSync(join(tmpdir(), 'mvid-epochs-'));
      const [tomEnvelope] = await envelopesOf(story.tom.personId);
      tomKey = await keyOf(tomEnvelope as Envelope);
      // Pat enrols forty days later: her envelopes expire in the next epoch.
      story.clock.set(new Date(story.clock.now().getTime() + 40 * DAY));
      patId = (await enrolPerson(story.rt, personClaims({ given_name: 'Pat', family_name: 'Later', unique_id: 'PAT-40' }))).enrolled
        .personId;
      const [patEnvelope] = await envelopesOf(patId);
      patKey = await keyOf(patEnvelope as Envelope);
      // The trustees keep their shares as files, as `mvid trustee dkg` writes them.
      for (const name of TRUSTEES) {
        mkdirSync(folderOf(name));
        const [setShare, ...epochShares] = story.trustees.get(name)?.share ?? [];
        const kept = [setShare, ...epochShares.filter((s) => s.trusteeSetId === tomKey.id || s.trusteeSetId === patKey.id)];
        for (const share of kept as TrusteeShare[]) {
          const file = await encryptShareFile(share, passphraseOf(name), { scrypt: FAST_SCRYPT });
          writeFileSync(join(folderOf(name), `${share.trusteeSetId}.share.json`), JSON.stringify(file));
        }
      }
    });
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await story.stop();
    });

    it('seals each envelope to the epoch key of its expiry, a key of the same trustees and threshold', async () => {
      assert.notEqual(tomKey.id, patKey.id, 'forty days later is another monthly epoch');
      const epochs = await story.rt.registry.epochs.list();
      const tom = epochs.find((e) => e.key.id === tomKey.id);
      assert.ok(tom);
      for (const e of await envelopesOf(story.tom.personId)) {
        assert.equal(e.escrowKeyId, tomKey.id);
        const row = await story.rt.store.db
          .selectFrom('registry_envelopes')
          .select('expires_at')
          .where('id', '=', e.envelopeId)
          .executeTakeFirstOrThrow();
        const expires = Date.parse(row.expires_at as string);
        assert.ok(expires >= Date.parse(tom.startsAt) && expires < Date.parse(tom.endsAt), 'the expiry lies in the epoch');
      }
      assert.equal(tomKey.threshold, 3);
      assert.deepEqual(
        tomKey.trustees.map((t) => t.id),
        TRUSTEES,
      );
    });

    it('an envelope of a live epoch opens with M shares and not with M − 1', async () => {
      const e = (await envelopesOf(patId)).find((x) => x.fieldGroup === 'name_birth') as Envelope;
      const shares = TRUSTEES.map((t) => story.trustees.get(t)?.share.find((s) => s.trusteeSetId === patKey.id) as TrusteeShare);
      for (const three of subsets(shares, 3)) {
        const fields = JSON.parse(Buffer.from(open(e, patKey, three).plaintext).toString('utf8')) as { given_name: string };
        assert.equal(fields.given_name, 'Pat');
      }
      for (const two of subsets(shares, 2)) assert.throws(() => open(e, patKey, two), { code: 'threshold_not_met' });
    });

    it('enrolment refuses clearly when no epoch key covers the expiry (escrow_epoch_unavailable)', async () => {
      const saved = story.clock.now();
      story.clock.set(new Date(saved.getTime() + 2 * 365 * DAY));
      try {
        await expectCode(enrolPerson(story.rt, personClaims({ unique_id: 'TOO-LATE' })), 'escrow_epoch_unavailable');
      } finally {
        story.clock.set(saved);
      }
    });

    it('the operator takes a backup before the epoch ends (a copy of the database)', async () => {
      const location = story.rt.database.location;
      if (location.engine === 'sqlite') {
        // As a backup tool does it: a second connection copies the live file, consistently.
        const path = join(work, 'backup.sqlite');
        const live = new DatabaseSync(location.path);
        live.exec(`VACUUM INTO '${path}'`);
        live.close();
        const copy = new DatabaseSync(path, { readOnly: true });
        backup = (copy.prepare('select envelope_json from registry_envelopes').all() as Array<{ envelope_json: string }>).map(
          (r) => JSON.parse(r.envelope_json) as Envelope,
        );
        copy.close();
      } else {
        // What pg_dump keeps of the escrow tables: every row, written out.
        const dump = {
          registry_envelopes: await story.rt.store.db.selectFrom('registry_envelopes').selectAll().execute(),
          registry_escrow_epochs: await story.rt.store.db.selectFrom('registry_escrow_epochs').selectAll().execute(),
          registry_trustee_sets: await story.rt.store.db.selectFrom('registry_trustee_sets').selectAll().execute(),
        };
        writeFileSync(join(work, 'backup.json'), JSON.stringify(dump));
        backup = (JSON.parse(readFileSync(join(work, 'backup.json'), 'utf8')) as typeof dump).registry_envelopes.map(
          (r) => JSON.parse(r.envelope_json) as Envelope,
        );
      }
      assert.ok(backup.some((e) => e.personId === story.tom.personId && e.fieldGroup === 'name_birth'));
      // Before the epoch ends, the backup opens with any three shares: what the destruction takes away.
      const e = backup.find((x) => x.personId === story.tom.personId && x.fieldGroup === 'name_birth') as Envelope;
      const shares = ['alice', 'dave', 'erin'].map(
        (t) => story.trustees.get(t)?.share.find((s) => s.trusteeSetId === tomKey.id) as TrusteeShare,
      );
      assert.ok(open(e, tomKey, shares).plaintext.length > 0);
    });

    it('no trustee destroys, and the server logs no destruction, while the epoch runs', async () => {
      const alice = story.trustees.get('alice');
      assert.ok(alice);
      const share = alice.share.find((s) => s.trusteeSetId === tomKey.id) as TrusteeShare;
      await expectCode(
        alice.client.destroyEpochShare({ ...share, secret: share.secret.slice() }, () => assert.fail('destroyed early')),
        'escrow_epoch_live',
      );
      tomEpoch = (await alice.client.epochs()).find((x) => x.key.id === tomKey.id) as PublishedEpoch;
      const early = signEpochDestruction(share, { epoch: tomEpoch.epoch, destroyedAt: story.clock.now().toISOString() });
      const res = await postStatement(alice.token, early);
      assert.equal(res.statusCode, 409, res.body);
      assert.equal((res.json() as { code: string }).code, 'escrow_epoch_live');
    });

    it('after the epoch: each trustee’s client destroys its share file and signs a statement; forgeries are refused', async () => {
      story.clock.set(new Date(Date.parse(tomEpoch.endsAt) + DAY));
      const alice = story.trustees.get('alice');
      const bob = story.trustees.get('bob');
      assert.ok(alice && bob);
      // A statement signed with Alice's share but sent with Bob's token: refused, nothing logged.
      const aliceShare = alice.share.find((s) => s.trusteeSetId === tomKey.id) as TrusteeShare;
      const signed = signEpochDestruction(aliceShare, { epoch: tomEpoch.epoch, destroyedAt: story.clock.now().toISOString() });
      const asBob = await postStatement(bob.token, signed);
      assert.equal(asBob.statusCode, 403, asBob.body);
      // A statement whose proof does not verify under the trustee's verification key.
      const forged = { ...signed, proof: { ...signed.proof, z: signed.proof.c } };
      const bad = await postStatement(alice.token, forged);
      assert.equal(bad.statusCode, 422, bad.body);
      assert.equal((bad.json() as { code: string }).code, 'epoch_statement_invalid');
      // Alice, Bob and Carol destroy theirs: 3 > N − M = 2, so no quorum of that key survives.
      for (const name of ['alice', 'bob', 'carol']) {
        const t = story.trustees.get(name);
        assert.ok(t);
        const file = join(folderOf(name), `${tomKey.id}.share.json`);
        const share = await decryptShareFile(JSON.parse(readFileSync(file, 'utf8')), passphraseOf(name));
        const { statement } = await t.client.destroyEpochShare(share, () => rmSync(file));
        assert.equal(statement.escrowKeyId, tomKey.id);
        assert.ok(!existsSync(file), `${name}'s share file is gone`);
        assert.ok(
          share.secret.every((b) => b === 0),
          'the share is wiped in memory',
        );
        // The same statement again is a harmless retry.
        await t.client.submitEpochDestruction(statement);
      }
      const after = await story.rt.registry.epochs.byId(tomKey.id);
      assert.equal(after?.destructions.length, 3);
      assert.ok(after?.destroyedAt, 'the epoch key is destroyed once fewer than M shares are left');
    });

    it('the sweep deletes the expired envelopes and logs each, as before', async () => {
      const report = await story.rt.registry.sweeper.sweep();
      assert.ok(report.envelopes >= 4, `swept ${report.envelopes}`);
      assert.equal((await envelopesOf(story.tom.personId)).length, 0, 'Tom’s envelopes are gone from the live database');
      assert.equal((await envelopesOf(patId)).length, 4, 'Pat’s epoch is live: her envelopes stay');
    });

    it('the old database copy cannot be opened, even with every surviving share', async () => {
      const surviving = await survivingShares();
      try {
        const ofTom = surviving.filter((s) => s.trusteeSetId === tomKey.id);
        assert.deepEqual(
          ofTom.map((s) => s.trusteeId),
          ['dave', 'erin'],
        );
        for (const e of backup.filter((x) => x.personId === story.tom.personId)) {
          // With the epoch key's own verification keys: two shares are all that is left of it.
          assert.throws(() => open(e, tomKey, ofTom), { code: 'threshold_not_met' });
          // With any three of the other keys' shares (the set's own, Pat's epoch): another secret, no plaintext.
          for (const key of [story.trustees.get('alice')?.state.trustee.trusteeSetId as string, patKey.id]) {
            const of = surviving.filter((s) => s.trusteeSetId === key);
            const set = key === patKey.id ? patKey : ((await story.rt.registry.trusteeSets.byId(key)) as TrusteeSet);
            for (const three of [of.slice(0, 3), of.slice(2, 5)]) {
              const combined = three.map((share) => partialDecrypt({ share, c1: e.c1, requestId, envelopeId: e.envelopeId }));
              assert.throws(() => thresholdOpen({ ...e, escrowKeyId: set.id }, combined, { trusteeSet: set, requestId }), {
                code: 'envelope_invalid',
              });
            }
          }
        }
      } finally {
        for (const s of surviving) s.secret.fill(0);
      }
    });

    it('an envelope of the live epoch still opens from the files the trustees keep', async () => {
      const surviving = await survivingShares();
      try {
        const e = (await envelopesOf(patId)).find((x) => x.fieldGroup === 'name_birth') as Envelope;
        const ofPat = surviving.filter((s) => s.trusteeSetId === patKey.id);
        assert.equal(ofPat.length, 5);
        assert.equal(
          (JSON.parse(Buffer.from(open(e, patKey, ofPat.slice(2)).plaintext).toString()) as { given_name: string }).given_name,
          'Pat',
        );
        assert.throws(() => open(e, patKey, ofPat.slice(3)), { code: 'threshold_not_met' });
      } finally {
        for (const s of surviving) s.secret.fill(0);
      }
    });

    it('the epoch key and every destruction statement are in the log, and the statements verify', async () => {
      await story.rt.tlog.integrate();
      const size = (await story.rt.disclosure.log.checkpoint()).size;
      const events = (await story.rt.disclosure.log.entries(0n, size)).map((bytes) => parseEntry(bytes));
      const published = events.filter((e) => e.type === 'escrow_epoch' && e.escrowKey === tomKey.id);
      assert.equal(published.length, 1);
      assert.equal(published[0]?.type === 'escrow_epoch' ? published[0].publicKey : undefined, tomKey.escrowPublicKey);
      const destroyed = events.filter((e) => e.type === 'escrow_epoch_destroyed' && e.escrowKey === tomKey.id);
      assert.equal(destroyed.length, 3, 'one entry per trustee, retries not logged twice');
      const listed = (await story.rt.app.inject({ url: `/registry/v1/escrow-epochs` })).json() as { epochs: PublishedEpoch[] };
      const epoch = listed.epochs.find((x) => x.key.id === tomKey.id);
      assert.ok(epoch?.destroyedAt);
      assert.equal(epoch.destructions.length, 3);
      for (const statement of epoch.destructions) {
        // Anyone can check: the statement verifies under the logged key's verification key, and the log commits to it.
        verifyEpochDestruction(statement, epoch.key, epoch.epoch);
        assert.ok(
          destroyed.some(
            (e) =>
              e.type === 'escrow_epoch_destroyed' &&
              e.trustee === statement.verificationKey &&
              e.statement === epochDestructionHash(statement),
          ),
        );
      }
      // A statement altered after the fact no longer matches its log entry nor verifies.
      const altered = { ...(epoch.destructions[0] as (typeof epoch.destructions)[number]), destroyedAt: '2020-01-01T00:00:00.000Z' };
      assert.throws(() => verifyEpochDestruction(altered, epoch.key, epoch.epoch), { code: 'epoch_statement_invalid' });
    });
  });
}
