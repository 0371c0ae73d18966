/**
 * Resharing an escrow key through the server's relay, on both engines (issue 17): a
 * 3-of-5 set becomes 2-of-3 while each old and new trustee runs `runReshare` (what
 * `mvid trustee reshare` runs) against the HTTP API. The escrow public key stays, so the
 * envelopes sealed before the reshare open with two new trustees and not with one; the
 * old shares are refused by the release path; a cheating old trustee is disqualified;
 * the lawful-disclosure flow works with the new set. (A set with retention-epoch keys:
 * test/registry-reshare-epochs.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Envelope, type TrusteeSet, type TrusteeShare, decryptShareFile, parseTrusteeSet } from '../src/crypto/index.ts';
import { type TrusteeClient, keyLineage } from '../src/disclosure/index.ts';
import { registryEscrowDirectory } from '../src/server/index.ts';
import { toBase64Url } from '../src/core/index.ts';
import { type ReshareRunResult, runReshare } from '../src/registry/index.ts';
import { ENGINES } from './support/engines.ts';
import { type Story, rejects, startStory, tomRequest } from './support/disclosure.ts';
import { FAST_SCRYPT, passphraseOf } from './support/registry.ts';
import { problem } from './support/registry-http.ts';
import {
  type OpenedReshare,
  callOf,
  cheatingDealer,
  enrolTrusteeClients,
  fileAddressedTo,
  openReshare,
  openWith,
} from './support/reshare.ts';

const NEW = ['carol', 'frank', 'gina'];

/** Every participant runs its client; dealers give their old share, new trustees a passphrase. */
function participants(story: Story, opened: OpenedReshare, skip: (t: OpenedReshare['tokens'][number]) => boolean = () => false) {
  return opened.tokens
    .filter((t) => !skip(t))
    .map((t) =>
      runReshare({
        ceremonyId: opened.ceremony.id,
        call: callOf(story, t.token),
        ...(t.role === 'dealer'
          ? { share: story.trustees.get(t.trusteeId)?.share[0] as TrusteeShare }
          : { passphrase: passphraseOf(t.trusteeId), scrypt: FAST_SCRYPT }),
        pollMs: 20,
        timeoutMs: 60_000,
      }),
    );
}

async function tomsEnvelopes(story: Story): Promise<Envelope[]> {
  const rows = await story.rt.store.db
    .selectFrom('registry_envelopes')
    .select(['envelope_json', 'trustee_set_id'])
    .where('person_id', '=', story.tom.personId)
    .execute();
  return rows.map((r) => JSON.parse(r.envelope_json) as Envelope);
}

for (const engine of ENGINES) {
  describe(`a cheating old trustee during a reshare (${engine})`, () => {
    it('bob seals gina a bad sub-share: gina proves it, bob is disqualified, the other dealers finish with the same key', async () => {
      const story = await startStory(engine, { preEpochEnvelopes: true });
      try {
        const oldSet = parseTrusteeSet(await story.rt.registry.trusteeSets.active());
        const opened = await openReshare(story, { threshold: 2, trustees: NEW, dealers: ['alice', 'bob', 'carol', 'dave'] });
        const bob = opened.tokens.find((t) => t.role === 'dealer' && t.trusteeId === 'bob');
        assert.ok(bob);
        // A new trustee may not post an old trustee's round (the token says who speaks).
        const member = opened.tokens.find((t) => t.role === 'member') as OpenedReshare['tokens'][number];
        problem(
          await story.rt.app.inject({
            method: 'POST',
            url: `/registry/v1/dkg/${opened.ceremony.id}/messages/commit`,
            headers: { authorization: `Bearer ${member.token}` },
            payload: { commitments: [], proofOfKnowledge: '', sig: 'x' },
          }),
          400,
          'validation_failed',
        );
        const [done] = await Promise.all([
          Promise.all(participants(story, opened, (t) => t === bob)),
          cheatingDealer(story, opened.ceremony.id, bob.token, story.trustees.get('bob')?.share[0] as TrusteeShare, 3),
        ]);
        const outcome = done[0]?.outcome;
        assert.deepEqual(outcome?.disqualifiedBecause, [{ index: 2, reason: 'bad_share', by: 3 }]);
        assert.deepEqual(outcome?.used, [1, 3, 4]);
        const set = done[0]?.trusteeSet as TrusteeSet;
        assert.equal(set.escrowPublicKey, oldSet.escrowPublicKey);
        assert.equal((await story.rt.registry.trusteeSets.active())?.id, set.id);
        const shares = await Promise.all(
          done.filter((r) => r.role === 'member').map((r) => decryptShareFile(r.shareFile, passphraseOf(NEW[r.index - 1] as string))),
        );
        const nameBirth = (await tomsEnvelopes(story)).find((e) => e.fieldGroup === 'name_birth') as Envelope;
        assert.match(openWith(set, nameBirth, [shares[1], shares[2]] as TrusteeShare[]), /Tiddler/);
        for (const s of shares) s.secret.fill(0);
        const transcript = (await story.rt.app.inject({ url: `/registry/v1/dkg/${opened.ceremony.id}/transcript` })).json() as {
          ceremony: { kind: string; fromSetId: string };
          outcome: { disqualified: unknown[] };
        };
        assert.equal(transcript.ceremony.kind, 'reshare');
        assert.equal(transcript.ceremony.fromSetId, oldSet.id);
        assert.deepEqual(transcript.outcome.disqualified, [{ index: 2, reason: 'bad_share', by: 3 }]);
        await story.rt.disclosure.log.integrate();
        const entries = await story.rt.disclosure.log.entries(0n, (await story.rt.disclosure.log.checkpoint()).size);
        assert.ok(entries.some((e) => /ceremony reshare\n[\s\S]*disqualified 1\n/.test(Buffer.from(e).toString())));
      } finally {
        await story.stop();
      }
    });
  });

  describe(`resharing an escrow key through the relay (${engine})`, () => {
    let story: Story;
    let oldSet: TrusteeSet;
    let results: ReshareRunResult[];
    let newShares: Map<string, TrusteeShare>;

    before(async () => {
      story = await startStory(engine, { preEpochEnvelopes: true });
      oldSet = parseTrusteeSet(await story.rt.registry.trusteeSets.active());
    });
    after(async () => {
      for (const s of newShares?.values() ?? []) s.secret.fill(0);
      await story?.stop();
    });

    it('3-of-5 becomes 2-of-3 with the same escrow key; the old set is retired and the log names the reshare', async () => {
      const envelopesBefore = await tomsEnvelopes(story);
      // Any three old trustees suffice: dave and erin take no part.
      const opened = await openReshare(story, { threshold: 2, trustees: NEW, dealers: ['alice', 'bob', 'carol'] });
      assert.equal(opened.tokens.length, 6);
      results = await Promise.all(participants(story, opened));
      const set = results[0]?.trusteeSet as TrusteeSet;
      assert.ok(results.every((r) => r.trusteeSet.id === set.id && r.fingerprint === results[0]?.fingerprint));
      assert.equal(set.escrowPublicKey, oldSet.escrowPublicKey);
      assert.equal(set.threshold, 2);
      assert.deepEqual(
        set.trustees.map((t) => t.id),
        NEW,
      );
      const active = await story.rt.registry.trusteeSets.active();
      assert.equal(active?.id, set.id);
      assert.equal(active?.resharedFrom, oldSet.id);
      const old = await story.rt.registry.trusteeSets.byId(oldSet.id);
      assert.equal(old?.status, 'retired');
      assert.equal(old?.resharedTo, set.id);
      // The re-sealed record: the envelopes now name the set that opens them; their sealed header does not change.
      const rows = await story.rt.store.db
        .selectFrom('registry_envelopes')
        .select(['trustee_set_id', 'envelope_json'])
        .where('person_id', '=', story.tom.personId)
        .execute();
      assert.ok(rows.every((r) => r.trustee_set_id === set.id));
      assert.deepEqual(await tomsEnvelopes(story), envelopesBefore);
      await story.rt.disclosure.log.integrate();
      const entries = await story.rt.disclosure.log.entries(0n, (await story.rt.disclosure.log.checkpoint()).size);
      const entry = entries.map((e) => Buffer.from(e).toString()).find((t) => t.includes('ceremony reshare'));
      assert.ok(entry?.includes(set.id), entry);
      assert.match(entry ?? '', new RegExp(`reshared_from ${oldSet.id}`));
      assert.match(entry ?? '', new RegExp(`transcript ${results[0]?.outcome.transcript}`));
      // A set whose key moved cannot be reshared again (its successor can).
      const again = await story.rt.app.inject({
        method: 'POST',
        url: '/admin/v1/reshare',
        headers: { authorization: `Bearer ${story.adminToken}` },
        payload: { fromSetId: oldSet.id, threshold: 2, trustees: NEW },
      });
      problem(again, 409, 'conflict');
    });

    it('envelopes sealed before the reshare open with any two new trustees and not with one, nor with old shares', async () => {
      const set = results[0]?.trusteeSet as TrusteeSet;
      newShares = new Map();
      for (const r of results.filter((x) => x.role === 'member')) {
        const name = NEW[r.index - 1] as string;
        newShares.set(name, await decryptShareFile(r.shareFile, passphraseOf(name)));
      }
      const [carol, frank, gina] = NEW.map((n) => newShares.get(n) as TrusteeShare) as [TrusteeShare, TrusteeShare, TrusteeShare];
      const nameBirth = (await tomsEnvelopes(story)).find((e) => e.fieldGroup === 'name_birth') as Envelope;
      assert.equal(nameBirth.trusteeSetId, oldSet.id);
      assert.match(openWith(set, nameBirth, [carol, gina]), /Tiddler/);
      assert.match(openWith(set, nameBirth, [frank, gina]), /Tiddler/);
      assert.throws(() => openWith(set, nameBirth, [frank]), { code: 'threshold_not_met' });
      const old = ['alice', 'bob', 'dave'].map((n) => story.trustees.get(n)?.share[0] as TrusteeShare);
      assert.throws(() => openWith(set, nameBirth, old), { code: 'share_invalid' });
    });

    it('lawful disclosure after the reshare: addressed to the new set, two new trustees release, the authority opens Tom’s name', async () => {
      const set = results[0]?.trusteeSet as TrusteeSet;
      const clients = await enrolTrusteeClients(story, NEW);
      for (const c of clients.values()) assert.equal(c.state.trustee.trusteeSetId, set.id);
      const requestId = await fileAddressedTo(story, tomRequest(story), set.id);
      // The old trustees' tokens died with their set: the release path refuses them (alice is not in the new set).
      const alice = story.trustees.get('alice');
      await rejects(alice?.client.review(requestId) as Promise<unknown>, 'unauthenticated');
      // carol is in both sets: her old share is refused by her client against the new set, and by the server.
      const carol = clients.get('carol') as TrusteeClient;
      await rejects(carol.release(requestId, story.trustees.get('carol')?.share[0] as TrusteeShare), 'share_invalid');
      await rejects(story.rt.registry.trusteeSets.checkShare(story.shareFiles.get('carol'), passphraseOf('carol')), 'share_invalid');
      // One new trustee alone releases nothing; the second completes the quorum.
      const first = await carol.approve(requestId, newShares.get('carol') as TrusteeShare, 'carol: lawful and proportionate');
      assert.equal(first.waiting, 'quorum');
      await rejects(story.authority.client.fetchRelease(requestId, story.authority.secretKey), 'release_not_ready');
      const gina = clients.get('gina') as TrusteeClient;
      await gina.approve(requestId, newShares.get('gina') as TrusteeShare, 'gina: approved');
      await carol.release(requestId, newShares.get('carol') as TrusteeShare);
      const opened = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      const fields = JSON.stringify(opened.envelopes[0]?.fields);
      assert.ok(fields.includes(story.tom.givenName) && fields.includes(story.tom.familyName), fields);
      assert.deepEqual(opened.badTrustees, []);
    });

    it('a retired set’s key is reshared too: its envelopes open with the new trustees while another set seals new ones', async () => {
      // A fresh set replaces the reshared one; Tom's envelopes stay with the (now retired) holder of their key.
      const current = parseTrusteeSet(await story.rt.registry.trusteeSets.active());
      const passphrases = new Map(['hal', 'ida', 'jon'].map((t) => [t, passphraseOf(t)]));
      const fresh = await story.rt.registry.trusteeSets.deal({
        threshold: 2,
        trustees: ['hal', 'ida', 'jon'],
        passphrases,
        scrypt: FAST_SCRYPT,
      });
      await story.rt.registry.trusteeSets.publish(fresh.trusteeSet, { replace: true });
      const opened = await openReshare(story, {
        fromSetId: current.id,
        threshold: 2,
        trustees: ['kim', 'lea'],
        dealers: ['carol', 'gina'],
      });
      const shares = new Map<string, TrusteeShare>();
      const run = opened.tokens.map((t) =>
        runReshare({
          ceremonyId: opened.ceremony.id,
          call: callOf(story, t.token),
          ...(t.role === 'dealer'
            ? { share: newShares.get(t.trusteeId) as TrusteeShare }
            : { passphrase: passphraseOf(t.trusteeId), scrypt: FAST_SCRYPT }),
          pollMs: 20,
          timeoutMs: 60_000,
        }),
      );
      const done = await Promise.all(run);
      const set = done[0]?.trusteeSet as TrusteeSet;
      for (const r of done.filter((x) => x.role === 'member')) {
        const name = ['kim', 'lea'][r.index - 1] as string;
        shares.set(name, await decryptShareFile(r.shareFile, passphraseOf(name)));
      }
      assert.equal(set.escrowPublicKey, oldSet.escrowPublicKey);
      assert.equal((await story.rt.registry.trusteeSets.active())?.id, fresh.trusteeSet.id, 'the fresh set stays active');
      assert.equal((await story.rt.registry.trusteeSets.byId(set.id))?.status, 'retired');
      const issue = (trustee: string, trusteeSet: string) =>
        story.rt.app.inject({
          method: 'POST',
          url: '/admin/v1/disclosure/trustee-credentials',
          headers: { authorization: `Bearer ${story.adminToken}` },
          payload: { trustee, trusteeSet },
        });
      problem(await issue('carol', current.id), 409, 'conflict');
      for (const name of ['kim', 'lea']) assert.equal((await issue(name, set.id)).statusCode, 201);
      // Two hops (3-of-5 → carol/frank/gina → kim/lea), one key: Tom's envelope opens with kim and lea.
      const nameBirth = (await tomsEnvelopes(story)).find((e) => e.fieldGroup === 'name_birth') as Envelope;
      assert.match(openWith(set, nameBirth, [shares.get('kim'), shares.get('lea')] as TrusteeShare[]), /Tiddler/);
      const rows = await story.rt.store.db
        .selectFrom('registry_envelopes')
        .select('trustee_set_id')
        .where('person_id', '=', story.tom.personId)
        .execute();
      assert.ok(rows.every((r) => r.trustee_set_id === set.id));
      const lineage = await story.rt.registry.trusteeSets.lineage(set.id);
      assert.deepEqual(
        lineage.map((l) => l.id),
        [set.id, current.id, oldSet.id],
      );
      // What clients are shown: both logged reshares, checked as one chain of the same key.
      const shown = (
        await registryEscrowDirectory(story.rt.store, story.rt.registry, { indexOf: async () => undefined }).trusteeSetLineage(set.id)
      ).map((e) => ({ index: null, entry: toBase64Url(e) }));
      assert.deepEqual(keyLineage(set, shown).held, [current.id, oldSet.id]);
      assert.throws(() => keyLineage(set, [...shown].reverse()), { code: 'request_mismatch' });
      assert.throws(() => keyLineage(fresh.trusteeSet, shown), { code: 'request_mismatch' });
      for (const s of shares.values()) s.secret.fill(0);
    });
  });
}
