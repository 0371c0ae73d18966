/**
 * Issue 12, attacks 2 and 6, on both engines, against the real modules.
 *
 * Attack 2 (envelope substitution): a modified server — the real disclosure services
 * wired to lying worlds and registry ports, swapped into the running app — commits
 * another person's envelope under Tom's request. Before the fix three trustees passed
 * every check and the honest authority client returned the other person's name. Now the
 * trustee and authority clients check the chain pseudonym → person id → logged envelopes
 * (src/disclosure/subject-binding.ts) and refuse with `subject_binding_invalid`: no
 * trustee approves, no partial is uploaded, nothing is decrypted.
 *
 * Attack 6 (look-alike handles): all-Cyrillic `ТОМ` cannot be claimed beside `Tom`, and a
 * request naming the handle `TOM` commits to Tom's pseudonym, provably.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemRandom } from '../src/core/index.ts';
import type { Envelope } from '../src/crypto/index.ts';
import {
  createDisclosure,
  type DisclosureService,
  type EscrowDirectory,
  parseLogEntries,
  type PseudonymResolver,
  resealedEnvelopes,
  type SubjectOpening,
} from '../src/disclosure/index.ts';
import { envelopeSealedEntry } from '../src/registry/index.ts';
import { registryEscrowDirectory, worldsPseudonymResolver } from '../src/server/index.ts';
import { approveAndRelease, enrolPerson, rejects, type Story, startStory, tomRequest } from './support/disclosure.ts';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';

for (const engine of ENGINES) {
  describe(`envelope substitution and look-alike handles on ${engine}`, () => {
    let story: Story;
    let eve: string;
    let honest: { resolver: PseudonymResolver; escrow: EscrowDirectory };

    before(async () => {
      story = await startStory(engine);
      eve = (await enrolPerson(story.rt, personClaims({ given_name: 'Eve', family_name: 'Innocent' }))).enrolled.personId;
      const { rt } = story;
      honest = {
        resolver: worldsPseudonymResolver(rt.worlds),
        escrow: registryEscrowDirectory(rt.store, rt.registry, rt.disclosure.log),
      };
    });
    after(async () => story?.stop());

    /** Files Tom's request through a server whose ports lie as `patch` says; the app is honest again afterwards. */
    async function fileThroughModifiedServer(patch: { resolver?: Partial<PseudonymResolver>; escrow?: Partial<EscrowDirectory> }) {
      const { rt } = story;
      const evil: DisclosureService = createDisclosure({
        store: rt.store,
        clock: rt.clock,
        random: systemRandom,
        log: rt.disclosure.log,
        resolver: { ...honest.resolver, ...patch.resolver },
        escrow: { ...honest.escrow, ...patch.escrow },
        options: rt.disclosure.options,
      });
      const requests = rt.disclosure.requests;
      rt.disclosure.requests = evil.requests;
      try {
        return (await story.authority.client.file(tomRequest(story))).requestId;
      } finally {
        rt.disclosure.requests = requests;
      }
    }

    async function subjectOf(requestId: string): Promise<SubjectOpening> {
      const row = await story.rt.disclosure.requests.row(requestId);
      assert.ok(row);
      return JSON.parse(row.subject_json) as SubjectOpening;
    }

    /** Every trustee refuses before deciding; no share reaches the server; the authority gets nothing. */
    async function refusedByEveryone(requestId: string) {
      for (const t of story.trustees.values()) await rejects(t.client.approve(requestId, t.share, 'looks fine'), 'subject_binding_invalid');
      const decisions = await story.rt.store.db
        .selectFrom('disclosure_decisions')
        .select('trustee_index')
        .where('subject_id', '=', requestId)
        .execute();
      const shares = await story.rt.store.db
        .selectFrom('disclosure_shares')
        .select('trustee_index')
        .where('request_id', '=', requestId)
        .execute();
      assert.equal(decisions.length, 0, 'no trustee decided');
      assert.equal(shares.length, 0, 'no partial left a trustee');
      await rejects(story.authority.client.fetchRelease(requestId, story.authority.secretKey), 'release_not_ready');
    }

    const tomsProof = () => story.rt.worlds.subjectProof(story.worldId, story.tom.personId);

    it('another person’s envelopes under Tom’s pseudonym and proof are refused by every trustee', async () => {
      const requestId = await fileThroughModifiedServer({
        escrow: { envelopes: (_personId, groups) => honest.escrow.envelopes(eve, groups) },
      });
      const subject = await subjectOf(requestId);
      const eves = await honest.escrow.envelopes(eve, ['name_birth']);
      assert.equal(subject.envelopes[0]?.envelopeId, eves[0]?.envelopeId, 'the server did commit Eve’s envelope');
      assert.equal(subject.personId, story.tom.personId);
      await refusedByEveryone(requestId);
    });

    it('Eve’s person id under Tom’s pseudonym, with Tom’s proof or with Eve’s, is refused', async () => {
      for (const proofOf of [story.tom.personId, () => eve]) {
        const requestId = await fileThroughModifiedServer({
          resolver: {
            resolve: async () => {
              const proof = typeof proofOf === 'string' ? tomsProof().proof : story.rt.worlds.subjectProof(story.worldId, proofOf()).proof;
              return { personId: eve, pseudonym: story.tom.pseudonym, proof };
            },
          },
        });
        assert.equal((await subjectOf(requestId)).target, story.tom.pseudonym);
        await refusedByEveryone(requestId);
      }
    });

    it('a forged enrolment entry (the operator holds the log key) gets past the trustees but the authority decrypts nothing', async () => {
      // The operator logs a second, false binding of Eve's envelope to Tom's person id.
      const [envelope] = await honest.escrow.envelopes(eve, ['name_birth']);
      assert.ok(envelope);
      const forged: Envelope = { ...envelope, personId: story.tom.personId };
      await story.rt.store.transaction((tx) => story.rt.disclosure.log.enqueue(tx, [envelopeSealedEntry(forged, story.clock.now())]));
      await story.rt.disclosure.log.integrate();
      const requestId = await fileThroughModifiedServer({
        escrow: {
          envelopes: async () => [envelope],
          sealedRefs: async () => honest.escrow.sealedRefs([forged]),
        },
      });
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol'], 'the log says it is Tom’s');
      const error = await rejects(story.authority.client.fetchRelease(requestId, story.authority.secretKey), 'subject_binding_invalid');
      assert.match(error.message, /personId/);
      // And the forgery is public: anyone reading the log finds the envelope sealed twice.
      const size = (await story.rt.disclosure.log.checkpoint()).size;
      const events = parseLogEntries(await story.rt.disclosure.log.entries(0n, size));
      assert.deepEqual(resealedEnvelopes(events), [envelope.envelopeId]);
    });

    it('the honest request still passes the same checks, and names Tom’s pseudonym though the authority gave a handle', async () => {
      const accepted = await story.authority.client.file(tomRequest(story));
      assert.deepEqual(accepted.target, { worldId: story.worldId, pseudonym: story.tom.pseudonym });
      const subject = await subjectOf(accepted.requestId);
      assert.equal(subject.personId, story.tom.personId);
      const t = story.trustees.get('alice');
      assert.ok(t);
      const reviewed = await t.client.review(accepted.requestId);
      assert.equal(reviewed.request.subject.target, story.tom.pseudonym);
    });

    it('a handle the server resolves to another person: the trustees release, but the authority naming the world’s pseudonym refuses', async () => {
      // The accepted risk of docs/threat-model.md: a request for a handle trusts the server's lookup. The chain
      // handle → Eve is consistent (Eve's own pseudonym, proof and envelopes), so the trustees cannot tell;
      // the answer is the authority comparing the pseudonym with the one the world reported.
      const requestId = await fileThroughModifiedServer({
        resolver: {
          resolve: async (worldId) => {
            const { subject, proof } = story.rt.worlds.subjectProof(worldId, eve);
            return { personId: eve, pseudonym: subject, proof };
          },
        },
      });
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol'], 'looks fine');
      const expected = { worldId: story.worldId, pseudonym: story.tom.pseudonym };
      await rejects(story.authority.client.fetchRelease(requestId, story.authority.secretKey, expected), 'subject_binding_invalid');
      const unchecked = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      const fields = JSON.stringify(unchecked.envelopes.map((e) => e.fields));
      assert.ok(fields.includes('Innocent') && !fields.includes(story.tom.familyName), 'without the comparison it is Eve’s name');
    });

    it('all-Cyrillic ТОМ cannot be claimed beside Tom, and a request for the handle TOM commits to Tom (attack 6)', async () => {
      const world = await story.rt.worlds.registry.add({
        name: `Lookalikes ${engine}`,
        redirectUris: ['https://lookalikes.example/cb'],
        rules: [],
        purpose: 'Confusable handles',
        claims: [],
      });
      await story.rt.worlds.handles.claim(world.clientId, story.tom.personId, 'Tom');
      for (const lookalike of ['\u0422\u041e\u041c', '\u0442\u043e\u043c', 'T0M', 'TOM'])
        await rejects(story.rt.worlds.handles.claim(world.clientId, eve, lookalike), 'handle_taken');
      const accepted = await story.authority.client.file(tomRequest(story, { target: { worldId: world.clientId, pseudonym: 'TOM' } }));
      const tomThere = story.rt.worlds.subjectFor(world.clientId, story.tom.personId);
      assert.deepEqual(accepted.target, { worldId: world.clientId, pseudonym: tomThere });
      assert.equal((await subjectOf(accepted.requestId)).personId, story.tom.personId);
      const t = story.trustees.get('bob');
      assert.ok(t);
      await t.client.review(accepted.requestId);
    });
  });
}
