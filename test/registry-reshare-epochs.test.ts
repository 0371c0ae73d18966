/**
 * Resharing a set that has retention-epoch keys, on both engines (issue 17): a 3-of-5 set
 * whose enrolments are sealed to its epoch keys becomes 2-of-3 (alice, bob, dave and erin
 * leave, frank and gina join, carol stays). One reshare ceremony per key — the set's own
 * and each live epoch key — runs in one batch that every participant runs with one
 * `runReshareBatch` (what `mvid trustee reshare` runs); the batch publishes the new set and
 * its epoch keys (same public keys) in one transaction. A pending disclosure request holds
 * the reshare back, and a request filed while the reshare is open is refused (neither would
 * be answerable afterwards). Afterwards an envelope sealed to an old epoch key is released by
 * two new trustees, not by one, and not with old shares; a destroyed epoch is not carried. An
 * old trustee who cheats in one epoch key's ceremony is disqualified in that ceremony only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Envelope,
  type TrusteeSet,
  type TrusteeShare,
  decryptShareFile,
  encryptShareFile,
  parseTrusteeSet,
} from '../src/crypto/index.ts';
import { DENIAL_REASONS, type TrusteeClient } from '../src/disclosure/index.ts';
import { type DkgMe, type EscrowEpochView, type ReshareBatchResult, dkgPaths, runReshare, runReshareBatch } from '../src/registry/index.ts';
import { parseEntry } from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { type Story, enrolPerson, rejects, startStory, tomRequest } from './support/disclosure.ts';
import { FAST_SCRYPT, passphraseOf, personClaims } from './support/registry.ts';
import { problem } from './support/registry-http.ts';
import {
  type OpenedReshare,
  callOf,
  cheatingDealer,
  enrolTrusteeClients,
  fileAddressedTo,
  openWith,
  postReshare,
} from './support/reshare.ts';

const NEW = ['carol', 'frank', 'gina'];
const DAY = 86_400_000;

async function envelopesOf(story: Story, personId: string): Promise<Envelope[]> {
  const rows = await story.rt.store.db.selectFrom('registry_envelopes').select('envelope_json').where('person_id', '=', personId).execute();
  return rows.map((r) => JSON.parse(r.envelope_json) as Envelope);
}

for (const engine of ENGINES) {
  describe(`resharing a set together with its retention-epoch keys (${engine})`, () => {
    let story: Story;
    let oldSet: TrusteeSet;
    let oldEpochs: EscrowEpochView[];
    let destroyedKey: TrusteeSet;
    let una: { personId: string; handle: string };
    let results: Map<string, ReshareBatchResult[]>;
    const newShares = new Map<string, TrusteeShare[]>();

    before(async () => {
      // Four monthly epochs: Tom's (destroyed below), Una's two months on, and two more.
      story = await startStory(engine, { epochs: 4 });
      oldSet = parseTrusteeSet(await story.rt.registry.trusteeSets.active());
    });
    after(async () => {
      for (const list of newShares.values()) for (const s of list) s.secret.fill(0);
      await story?.stop();
    });

    it('a pending request holds the reshare back (it would be stranded); once decided, the reshare may open', async () => {
      const log = (await story.rt.app.inject({ url: '/disclosure/v1/log' })).json() as { origin: string; verifierKey: string };
      const { requestId } = await story.authority.client.file(tomRequest(story), { origin: log.origin, vkey: log.verifierKey });
      const refused = await postReshare(story, { threshold: 2, trustees: NEW });
      problem(refused, 409, 'disclosure_requests_pending');
      assert.deepEqual((refused.json() as { requests: string[] }).requests, [requestId]);
      const opened = await story.rt.store.db.selectFrom('registry_dkg_ceremonies').select('id').where('kind', '=', 'reshare').execute();
      assert.deepEqual(opened, [], 'no ceremony was opened');
      // N − M + 1 = 3 denials close it.
      for (const name of ['alice', 'bob', 'carol'])
        await story.trustees.get(name)?.client.deny(requestId, DENIAL_REASONS[0], `${name}: not proportionate`);
      const row = await story.rt.store.db.selectFrom('disclosure_requests').select('status').where('id', '=', requestId).executeTakeFirst();
      assert.equal(row?.status, 'closed');
    });

    it('an epoch whose key is destroyed is not live: Una enrols two months on, Tom’s epoch ends and its shares are destroyed', async () => {
      story.clock.set(new Date(story.clock.now().getTime() + 62 * DAY));
      const { enrolled } = await enrolPerson(story.rt, personClaims({ given_name: 'Una', family_name: 'Uhland' }));
      const handle = await story.rt.worlds.handles.claim(story.worldId, enrolled.personId, 'una_on_the_moon');
      una = { personId: enrolled.personId, handle };
      const tomKeyId = (await envelopesOf(story, story.tom.personId))[0]?.escrowKeyId as string;
      const unaKeyId = (await envelopesOf(story, una.personId))[0]?.escrowKeyId as string;
      assert.ok(tomKeyId && unaKeyId && tomKeyId !== unaKeyId);
      const tomEpoch = (await story.rt.registry.epochs.byId(tomKeyId)) as EscrowEpochView;
      destroyedKey = tomEpoch.key;
      story.clock.set(new Date(Date.parse(tomEpoch.endsAt) + DAY));
      for (const name of ['alice', 'bob', 'carol']) {
        const t = story.trustees.get(name);
        const share = t?.share.find((s) => s.trusteeSetId === tomKeyId) as TrusteeShare;
        await t?.client.destroyEpochShare({ ...share, secret: share.secret.slice() }, () => {});
      }
      assert.ok((await story.rt.registry.epochs.byId(tomKeyId))?.destroyedAt);
      oldEpochs = await story.rt.registry.epochs.live(oldSet.id);
      assert.ok(oldEpochs.length >= 2 && oldEpochs.some((e) => e.key.id === unaKeyId));
      assert.ok(!oldEpochs.some((e) => e.key.id === tomKeyId));
    });

    it('3-of-5 to 2-of-3: one ceremony per key in one batch; the new set and each live epoch key move, same public keys', async () => {
      const res = await postReshare(story, { threshold: 2, trustees: NEW, dealers: ['alice', 'bob', 'carol', 'dave'] });
      assert.equal(res.statusCode, 201, res.body);
      const opened = res.json() as OpenedReshare;
      assert.equal(opened.ceremony.batch.length, 1 + oldEpochs.length);
      assert.equal(opened.ceremony.batch[0], opened.ceremony.id, 'the set’s own key leads the batch');
      assert.equal(opened.tokens.length, 3 + 4, 'one token per participant for the whole batch');
      // While it runs, a request to the set is refused: the old trustees are about to lose their keys.
      const log = (await story.rt.app.inject({ url: '/disclosure/v1/log' })).json() as { origin: string; verifierKey: string };
      const early = await rejects(
        story.authority.client.file(tomRequest(story, { target: { worldId: story.worldId, pseudonym: una.handle } }), {
          origin: log.origin,
          vkey: log.verifierKey,
        }),
        'trustee_set_resharing',
      );
      assert.match(early.message, new RegExp(opened.ceremony.id));
      // A second reshare of the same set while this one is open: refused.
      problem(await postReshare(story, { threshold: 2, trustees: NEW }), 409, 'conflict');

      // Bob re-deals the set's key and the first epoch keys honestly, but seals gina a bad sub-share of the last one.
      const cheatIn = opened.ceremony.batch.at(-1) as string;
      const bobRuns = async (token: string) => {
        const call = callOf(story, token);
        const shares = story.trustees.get('bob')?.share as TrusteeShare[];
        for (const ceremonyId of opened.ceremony.batch) {
          const me = await call<DkgMe>('GET', `${dkgPaths.ceremony(ceremonyId)}/me`);
          const share = shares.find((x) => x.trusteeSetId === me.ceremony.fromSetId) as TrusteeShare;
          if (ceremonyId === cheatIn) await cheatingDealer(story, ceremonyId, token, share, 3);
          else await runReshare({ ceremonyId, call, share, awaitCompletion: false, pollMs: 20, timeoutMs: 120_000 });
        }
        return [];
      };
      const runs = opened.tokens.map(async (t) => {
        const r =
          t.role === 'dealer' && t.trusteeId === 'bob'
            ? await bobRuns(t.token)
            : await runReshareBatch({
                ceremonyId: opened.ceremony.id,
                call: callOf(story, t.token),
                ...(t.role === 'dealer'
                  ? { shares: story.trustees.get(t.trusteeId)?.share as TrusteeShare[] }
                  : { passphrase: passphraseOf(t.trusteeId), scrypt: FAST_SCRYPT }),
                pollMs: 20,
                timeoutMs: 120_000,
              });
        return [`${t.role}:${t.trusteeId}`, r] as const;
      });
      results = new Map(await Promise.all(runs));
      const carol = results.get('member:carol') as ReshareBatchResult[];
      assert.equal(carol.length, 1 + oldEpochs.length);
      // Bob is disqualified in that ceremony only (gina proved the bad sub-share); its key moved all the same.
      const outcomes = carol.map((r) => r.result.outcome.disqualifiedBecause);
      assert.deepEqual(
        outcomes.slice(0, -1),
        outcomes.slice(0, -1).map(() => []),
      );
      const bobInLast = oldEpochs.at(-1)?.key.trustees.find((x) => x.id === 'bob')?.index;
      assert.deepEqual(outcomes.at(-1), [{ index: bobInLast, reason: 'bad_share', by: 3 }]);
      const set = carol[0]?.result.trusteeSet as TrusteeSet;
      assert.equal(set.escrowPublicKey, oldSet.escrowPublicKey);
      assert.deepEqual(
        set.trustees.map((t) => t.id),
        NEW,
      );
      assert.equal((await story.rt.registry.trusteeSets.active())?.id, set.id);
      // Every live epoch key now has a successor of the new set with the same public key; the destroyed one has none.
      const moved = await story.rt.registry.epochs.list(set.id);
      assert.equal(moved.length, oldEpochs.length);
      for (const old of oldEpochs) {
        const now = await story.rt.registry.epochs.byId(old.key.id);
        const successor = moved.find((e) => e.resharedFrom === old.key.id);
        assert.ok(successor, `epoch ${old.epoch} moved`);
        assert.equal(now?.resharedTo, successor.key.id);
        assert.equal(successor.key.escrowPublicKey, old.key.escrowPublicKey);
        assert.equal(successor.key.threshold, 2);
        assert.deepEqual([successor.epoch, successor.startsAt, successor.endsAt], [old.epoch, old.startsAt, old.endsAt]);
        assert.equal(successor.ceremony.kind, 'reshare');
      }
      assert.equal((await story.rt.registry.epochs.byId(destroyedKey.id))?.resharedTo, undefined);
      assert.ok(!moved.some((e) => e.startsAt === (oldEpochs[0] as EscrowEpochView).startsAt && e.resharedFrom === destroyedKey.id));
      // The log names each key moved: one `escrow_epoch` entry per epoch key, ceremony reshare, reshared from the old key.
      await story.rt.tlog.integrate();
      const events = (await story.rt.disclosure.log.entries(0n, (await story.rt.disclosure.log.checkpoint()).size)).map((b) =>
        parseEntry(b),
      );
      const logged = events.filter((e) => e.type === 'escrow_epoch' && e.ceremony === 'reshare');
      assert.equal(logged.length, oldEpochs.length);
      for (const e of moved)
        assert.ok(
          logged.some(
            (x) =>
              x.type === 'escrow_epoch' &&
              x.escrowKey === e.key.id &&
              x.resharedFrom === e.resharedFrom &&
              x.trusteeSet === set.id &&
              x.transcript !== undefined &&
              x.disqualified === (e.resharedFrom === oldEpochs.at(-1)?.key.id ? 1 : 0),
          ),
        );
      for (const name of NEW) {
        const list = (results.get(`member:${name}`) ?? []).map((r) => r.result.shareFile);
        newShares.set(name, await Promise.all(list.map((f) => decryptShareFile(f, passphraseOf(name)))));
      }
      // Enrolment needs no new epoch ceremony: it seals to the new set's (reshared) epoch keys.
      const last = moved.at(-1) as EscrowEpochView;
      const sealingAt = new Date(Date.parse(last.startsAt) - story.rt.registry.epochs.lifetimeDays * DAY);
      assert.equal((await story.rt.registry.epochs.forSealing(set.id, sealingAt)).key.id, last.key.id);
    });

    it('Una’s envelope (sealed to an old epoch key) opens with two new trustees, not one, not with old shares', async () => {
      const envelope = (await envelopesOf(story, una.personId)).find((e) => e.fieldGroup === 'name_birth') as Envelope;
      const successor = (await story.rt.registry.epochs.list((await story.rt.registry.trusteeSets.active())?.id)).find(
        (e) => e.resharedFrom === envelope.escrowKeyId,
      ) as EscrowEpochView;
      const of = (name: string) => newShares.get(name)?.find((s) => s.trusteeSetId === successor.key.id) as TrusteeShare;
      assert.match(openWith(successor.key, envelope, [of('carol'), of('gina')]), /Uhland/);
      assert.match(openWith(successor.key, envelope, [of('frank'), of('gina')]), /Uhland/);
      assert.throws(() => openWith(successor.key, envelope, [of('frank')]), { code: 'threshold_not_met' });
      const old = ['alice', 'bob', 'dave'].map((n) => story.trustees.get(n)?.share.find((s) => s.trusteeSetId === envelope.escrowKeyId));
      assert.throws(() => openWith(successor.key, envelope, old as TrusteeShare[]), { code: 'share_invalid' });
      // `mvid trustee check-share`: the new epoch share checks against its key; an old one is void.
      const fileOf = (share: TrusteeShare, name: string) => encryptShareFile(share, passphraseOf(name), { scrypt: FAST_SCRYPT });
      const checked = await story.rt.registry.epochs.checkShare(await fileOf(of('gina'), 'gina'), passphraseOf('gina'));
      assert.equal(checked?.trusteeSetId, successor.key.id);
      await rejects(
        story.rt.registry.epochs.checkShare(await fileOf(old[0] as TrusteeShare, 'alice'), passphraseOf('alice')),
        'share_invalid',
      );
    });

    it('lawful disclosure: a request for Una goes to the new set; one new trustee releases nothing, two do; old trustees are refused', async () => {
      const set = parseTrusteeSet(await story.rt.registry.trusteeSets.active());
      const clients = await enrolTrusteeClients(story, NEW);
      const requestId = await fileAddressedTo(
        story,
        tomRequest(story, { target: { worldId: story.worldId, pseudonym: una.handle } }),
        set.id,
      );
      await rejects(story.trustees.get('alice')?.client.review(requestId) as Promise<unknown>, 'unauthenticated');
      const carol = clients.get('carol') as TrusteeClient;
      // carol's old shares (of the old set and its epoch keys) fit nothing of this request.
      await rejects(carol.release(requestId, story.trustees.get('carol')?.share as TrusteeShare[]), 'share_invalid');
      const first = await carol.approve(requestId, newShares.get('carol') as TrusteeShare[], 'carol: lawful');
      assert.equal(first.waiting, 'quorum');
      await rejects(story.authority.client.fetchRelease(requestId, story.authority.secretKey), 'release_not_ready');
      await (clients.get('gina') as TrusteeClient).approve(requestId, newShares.get('gina') as TrusteeShare[], 'gina: approved');
      await carol.release(requestId, newShares.get('carol') as TrusteeShare[]);
      const opened = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      const fields = JSON.stringify(opened.envelopes[0]?.fields);
      assert.ok(fields.includes('Una') && fields.includes('Uhland'), fields);
      assert.deepEqual(opened.badTrustees, []);
    });

    it('the destroyed epoch was not carried: Tom’s envelopes open with no one', async () => {
      const envelope = (await envelopesOf(story, story.tom.personId)).find((e) => e.fieldGroup === 'name_birth') as Envelope;
      assert.equal(envelope.escrowKeyId, destroyedKey.id);
      for (const list of newShares.values()) assert.ok(!list.some((s) => s.trusteeSetId === destroyedKey.id), 'no new share of it');
      const surviving = ['dave', 'erin'].map((n) => story.trustees.get(n)?.share.find((s) => s.trusteeSetId === destroyedKey.id));
      assert.throws(() => openWith(destroyedKey, envelope, surviving as TrusteeShare[]), { code: 'threshold_not_met' });
      // Nor do the new trustees' shares of any key they hold open it.
      const set = parseTrusteeSet(await story.rt.registry.trusteeSets.active());
      const own = ['carol', 'gina'].map((n) => newShares.get(n)?.find((s) => s.trusteeSetId === set.id) as TrusteeShare);
      assert.throws(() => openWith(set, { ...envelope, escrowKeyId: set.id }, own), { code: 'envelope_invalid' });
    });
  });
}
