/**
 * IdP-blind sign-in end to end on both engines (issue 20): a person fetches a batch of
 * credentials; their wallet checks them against the pinned key; a world verifies a
 * presentation offline (no request reaches mvid while it does); the pseudonym is stable per
 * world, the same after a second batch, and unlinkable across worlds; and the properties
 * that make mvid mvid survive: the world's blind pseudonym resolves to the person for
 * moderation and lawful disclosure (the trustees check the VRF-bound opening), and a
 * closed account gets no credentials.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { vrfVerify } from '../src/crypto/index.ts';
import {
  type BlindCredential,
  blindNymInput,
  blindPseudonym,
  checkBlindCredential,
  nymFromVrfOutput,
  presentBlind,
  verifyBlindPresentation,
} from '../src/bbs/index.ts';
import { findPersonInWorld, worldsPseudonymResolver } from '../src/server/index.ts';
import { approveAndRelease, signInTom, type Story, startStory, tomRequest } from './support/disclosure.ts';
import { ENGINES } from './support/engines.ts';
import { enrolPerson, recoverPerson, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

interface Metadata {
  issuer: string;
  publicKey: string;
  attributes: string[];
}

for (const engine of ENGINES) {
  describe(`blind sign-in on ${engine}`, () => {
    let story: Story;
    let metadata: Metadata;
    let batch: BlindCredential[];
    let token: string;

    const fetchBatch = async (bearer: string) =>
      story.rt.app.inject({ method: 'POST', url: '/worlds/v1/me/blind-credentials', headers: { authorization: `Bearer ${bearer}` } });

    before(async () => {
      story = await startStory(engine);
      metadata = (await story.rt.app.inject({ method: 'GET', url: '/worlds/v1/blind-signin' })).json() as Metadata;
      token = await signInTom(story);
      const res = await fetchBatch(token);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      batch = (res.json() as { credentials: BlindCredential[] }).credentials;
    });
    after(async () => story?.stop());

    it('publishes the issuer key and issues this epoch and the next, each checked by the wallet', () => {
      assert.equal(metadata.issuer, story.rt.config.publicUrl);
      assert.deepEqual(metadata.attributes, ['age_over_13', 'age_over_16', 'age_over_18', 'age_over_21', 'residence_country']);
      assert.equal(batch.length, 2);
      assert.notEqual(batch[0]?.header, batch[1]?.header);
      for (const c of batch) assert.ok(checkBlindCredential(c, metadata.publicKey, metadata.issuer));
      assert.equal(batch[0]?.attributes.age_over_18, 'true');
    });

    it('a world verifies offline (a pure function: no fetch, no mvid): its pseudonym for Tom, the attribute it asked for, nothing else', async () => {
      const credential = batch[0] as BlindCredential;
      const presentation = presentBlind(credential, story.worldId, 'nonce-1', ['age_over_18']);
      const seen = verifyBlindPresentation(JSON.parse(JSON.stringify(presentation)), {
        publicKey: metadata.publicKey,
        issuer: metadata.issuer,
        worldId: story.worldId,
        nonce: 'nonce-1',
        now: story.clock.now(),
        require: ['age_over_18'],
      });
      assert.deepEqual(seen.attributes, { age_over_18: 'true' });
      assert.equal(seen.pseudonym, story.rt.worlds.blind.pseudonymFor(story.worldId, story.tom.personId));
      assert.notEqual(seen.pseudonym, story.tom.pseudonym, 'not the OIDC subject: the two modes do not link');
      assert.notEqual(presentBlind(credential, `${story.worldId}-other`, 'nonce-1', []).pseudonym, seen.pseudonym);
    });

    it('the pseudonym is the same in a later batch (the secret is the person’s, not the batch’s)', async () => {
      const again = (await fetchBatch(token)).json() as { credentials: BlindCredential[] };
      assert.equal(again.credentials[0]?.nymSecret, batch[0]?.nymSecret);
      const a = presentBlind(batch[0] as BlindCredential, story.worldId, 'n', []).pseudonym;
      const b = presentBlind(again.credentials[1] as BlindCredential, story.worldId, 'n', []).pseudonym;
      assert.equal(a, b);
    });

    it('moderation resolves the blind pseudonym through the index; a planted or unknown one resolves to nobody', async () => {
      const pseudonym = story.rt.worlds.blind.pseudonymFor(story.worldId, story.tom.personId);
      assert.equal(await findPersonInWorld(story.rt.worlds, story.worldId, pseudonym), story.tom.personId);
      assert.equal(await findPersonInWorld(story.rt.worlds, story.worldId, blindPseudonym(story.worldId, 99n)), undefined);
      await story.rt.store.db
        .insertInto('worlds_pseudonyms')
        .values({ world_id: story.worldId, pseudonym: blindPseudonym(story.worldId, 12345n), person_id: story.tom.personId })
        .execute();
      assert.equal(await findPersonInWorld(story.rt.worlds, story.worldId, blindPseudonym(story.worldId, 12345n)), undefined);
    });

    it('lawful disclosure from a blind pseudonym: the opening is VRF-bound and three trustees release', async () => {
      const pseudonym = story.rt.worlds.blind.pseudonymFor(story.worldId, story.tom.personId);
      const resolver = worldsPseudonymResolver(story.rt.worlds);
      const found = await resolver.resolve(story.worldId, pseudonym);
      assert.ok(found);
      const output = vrfVerify(resolver.pseudonymKey, blindNymInput(story.tom.personId), found.proof);
      assert.ok(output !== undefined && blindPseudonym(story.worldId, nymFromVrfOutput(output)) === pseudonym);
      const { requestId } = await story.authority.client.file(tomRequest(story, { target: { worldId: story.worldId, pseudonym } }));
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol']);
      const opened = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      assert.ok(JSON.stringify(opened.envelopes[0]?.fields).includes(story.tom.familyName));
    });

    it('refuses strangers, and a closed account gets no credentials', async () => {
      assert.equal((await fetchBatch('not-a-token')).statusCode, 401);
      const closed = await story.rt.app.inject({
        method: 'POST',
        url: '/registry/v1/me/close',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.ok(closed.statusCode < 300, closed.body);
      assert.notEqual((await fetchBatch(token)).statusCode, 200);
    });
  });
}

for (const engine of ENGINES) {
  describe(`blind pseudonyms survive recovery on ${engine}`, () => {
    let rt: WorldsRuntime;
    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
    });
    after(async () => rt?.stop());

    it('after re-proofing on a new device, the credentials carry the same secret: a ban in a world still sticks', async () => {
      const person = await enrolPerson(rt);
      const batchOf = async (token: string) =>
        (
          (await (
            await fetch(`${rt.url}/worlds/v1/me/blind-credentials`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
          ).json()) as {
            credentials: BlindCredential[];
          }
        ).credentials;
      const before = await batchOf(person.sessionToken);
      const recovered = await recoverPerson(rt, person);
      assert.equal(recovered.personId, person.personId, 'recovery re-proves the same person');
      const after = await batchOf(recovered.sessionToken);
      assert.equal(after[0]?.nymSecret, before[0]?.nymSecret);
      assert.equal(
        presentBlind(after[0] as BlindCredential, 'w', 'n', []).pseudonym,
        presentBlind(before[0] as BlindCredential, 'w', 'n', []).pseudonym,
      );
    });
  });
}
