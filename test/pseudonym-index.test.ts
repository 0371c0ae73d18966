/**
 * The pseudonym index (issue 18) on both engines: resolving a pseudonym for a disclosure
 * request is one indexed read of `worlds_pseudonyms`, written when the pseudonym is handed
 * to the world, and trusted only after the VRF is evaluated again — a row planted by
 * someone writing to the database resolves to nobody. Persons are never scanned: a
 * pseudonym the world was never given (or one that matches nobody) is a miss, and its
 * cost does not depend on how many persons exist.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pseudonymInput, vrfVerify } from '../src/crypto/index.ts';
import { worldsDirectory, worldsPseudonymResolver } from '../src/server/index.ts';
import { enrolPerson, rejects, type Story, startStory, tomRequest } from './support/disclosure.ts';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';

for (const engine of ENGINES) {
  describe(`pseudonym index on ${engine}`, () => {
    let story: Story;
    let eve: string;
    let worldId: string;

    before(async () => {
      story = await startStory(engine);
      eve = (await enrolPerson(story.rt, personClaims({ given_name: 'Eve', family_name: 'Innocent' }))).enrolled.personId;
      worldId = story.worldId;
    });
    after(async () => story?.stop());

    it('resolves a handed-out pseudonym to its person with a VRF proof', async () => {
      const resolver = worldsPseudonymResolver(story.rt.worlds);
      const found = await resolver.resolve(worldId, story.tom.pseudonym);
      assert.ok(found);
      assert.equal(found.personId, story.tom.personId);
      assert.equal(vrfVerify(resolver.pseudonymKey, pseudonymInput(worldId, found.personId), found.proof), story.tom.pseudonym);
    });

    it('does not resolve a pseudonym never handed to the world, until it is', async () => {
      const resolver = worldsPseudonymResolver(story.rt.worlds);
      const evesPseudonym = story.rt.worlds.subjectFor(worldId, eve);
      assert.equal(await resolver.resolve(worldId, evesPseudonym), undefined);
      await rejects(
        story.authority.client.file(tomRequest(story, { target: { worldId, pseudonym: evesPseudonym } })),
        'disclosure_target_unknown',
      );
      assert.equal(await story.rt.worlds.subjectOf(worldId, eve), evesPseudonym);
      assert.equal(await story.rt.worlds.subjectOf(worldId, eve), evesPseudonym, 'handing it out again is idempotent');
      assert.equal((await resolver.resolve(worldId, evesPseudonym))?.personId, eve);
    });

    it('indexes the pseudonym of a handle holder moderation names to the world', async () => {
      const { rt } = story;
      const mallory = (await enrolPerson(rt, personClaims({ given_name: 'Mallory', family_name: 'Handle' }))).enrolled.personId;
      await rt.worlds.handles.claim(worldId, mallory, 'mallory_never_signed_in');
      const theirs = rt.worlds.subjectFor(worldId, mallory);
      assert.equal(await rt.worlds.personOfSubject(worldId, theirs), undefined);
      assert.equal(await worldsDirectory(rt.store, rt.worlds).resolve(worldId, 'mallory_never_signed_in'), mallory);
      assert.equal(await rt.worlds.personOfSubject(worldId, theirs), mallory, 'moderation will name them by this pseudonym');
      assert.equal(await worldsDirectory(rt.store, rt.worlds).resolve(worldId, theirs), mallory);
    });

    it('misses a pseudonym that matches nobody', async () => {
      const resolver = worldsPseudonymResolver(story.rt.worlds);
      assert.equal(await resolver.resolve(worldId, 'A'.repeat(43)), undefined);
      await rejects(
        story.authority.client.file(tomRequest(story, { target: { worldId, pseudonym: 'B'.repeat(43) } })),
        'disclosure_target_unknown',
      );
    });

    it('trusts no planted row: a pseudonym pointed at another person resolves to nobody', async () => {
      const { rt } = story;
      const other = await rt.worlds.registry.add({
        name: `Planted ${engine}`,
        redirectUris: ['https://planted.example/cb'],
        rules: [],
        purpose: 'Index attacks',
        claims: [],
      });
      // An operator writes Tom's pseudonym in this world against Eve, and a made-up one against Tom.
      const tomThere = rt.worlds.subjectFor(other.clientId, story.tom.personId);
      await rt.store.db
        .insertInto('worlds_pseudonyms')
        .values([
          { world_id: other.clientId, pseudonym: tomThere, person_id: eve },
          { world_id: other.clientId, pseudonym: 'C'.repeat(43), person_id: story.tom.personId },
          // Tom's pseudonym of the story world, copied into this one.
          { world_id: other.clientId, pseudonym: story.tom.pseudonym, person_id: story.tom.personId },
        ])
        .execute();
      const resolver = worldsPseudonymResolver(rt.worlds);
      assert.equal(await resolver.resolve(other.clientId, tomThere), undefined);
      assert.equal(await resolver.resolve(other.clientId, 'C'.repeat(43)), undefined);
      assert.equal(await resolver.resolve(other.clientId, story.tom.pseudonym), undefined);
      await rejects(
        story.authority.client.file(tomRequest(story, { target: { worldId: other.clientId, pseudonym: tomThere } })),
        'disclosure_target_unknown',
      );
    });
  });
}
