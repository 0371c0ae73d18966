/**
 * Attacks 3 and 5 of issue 12, on both engines, against the authority client.
 *
 * 5. Fabricated release: the server deals itself a trustee set, seals an envelope naming
 *    "Mallory" to it and hands the authority partials for a request no trustee approved.
 *    The authority client rebuilds the logged request from what it is shown (trustee-set
 *    id, subject, order, offence, its own key) and proves it, the trustee set's entry, M
 *    approvals and every release entry with its transcript in the log — or refuses,
 *    naming what differed.
 * 3. Field-group relabel: an order for `name_birth` used to open `contact`. The authority
 *    client decrypts with associated data built from the logged request (field group,
 *    envelope id, C1, trustee set), never from the envelope's own header, and refuses a
 *    field group the order does not cover.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { utf8 } from '../src/core/index.ts';
import { dealEscrowKey, type Envelope, partialDecrypt, sealEnvelope, sealToRecipient } from '../src/crypto/index.ts';
import {
  AuthorityClient,
  type FetchLike,
  offenceCommitment,
  type ReleaseMaterial,
  sharesAad,
  subjectCommitment,
} from '../src/disclosure/index.ts';
import { encodeEntry } from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { approveAndRelease, type Story, startStory, tomRequest, URL_BASE, rejects } from './support/disclosure.ts';

/** A server that answers the authority's release call with `forge(real or undefined)`. */
function forgingRelease(inner: FetchLike, forge: (requestId: string) => Promise<ReleaseMaterial>): FetchLike {
  return async (url, init) => {
    const m = /^\/disclosure\/v1\/requests\/([^/]+)\/release$/.exec(new URL(url).pathname);
    if (!m || (init?.method ?? 'GET') !== 'GET') return inner(url, init);
    const body = JSON.stringify(await forge(decodeURIComponent(m[1] as string)));
    return { status: 200, headers: { get: () => 'application/json' }, text: async () => body };
  };
}

for (const engine of ENGINES) {
  describe(`release attacks on the authority client, on ${engine}`, () => {
    let story: Story;
    before(async () => {
      story = await startStory(engine);
    });
    after(async () => story?.stop());

    /** The release as the honest server serves it. */
    async function realRelease(id: string): Promise<ReleaseMaterial> {
      const res = await story.fetch(`${URL_BASE}/disclosure/v1/requests/${id}/release`, {
        headers: { authorization: `Bearer ${story.authority.token}` },
      });
      return JSON.parse(await res.text()) as ReleaseMaterial;
    }

    const clientOver = (fetch: FetchLike) => new AuthorityClient({ url: URL_BASE, token: story.authority.token, fetch });

    it('a filing answered with another entry’s proof, or for another world, is refused', async () => {
      const logKey = { origin: story.rt.disclosure.log.verifierKey.split('+')[0] as string, vkey: story.rt.disclosure.log.verifierKey };
      /** A server that rewrites the answer to the filing. */
      const lyingFiling =
        (rewrite: (accepted: Record<string, unknown>) => Record<string, unknown>): FetchLike =>
        async (url, init) => {
          const res = await story.fetch(url, init);
          if (new URL(url).pathname !== '/disclosure/v1/requests' || init?.method !== 'POST') return res;
          const body = JSON.stringify(rewrite(JSON.parse(await res.text()) as Record<string, unknown>));
          return { status: res.status, headers: { get: () => 'application/json' }, text: async () => body };
        };
      await rejects(
        clientOver(lyingFiling((a) => ({ ...a, requestId: crypto.randomUUID() }))).file(tomRequest(story), logKey),
        'log_entry_missing',
      );
      await rejects(
        clientOver(lyingFiling((a) => ({ ...a, target: { ...(a.target as object), worldId: 'another-world' } }))).file(tomRequest(story)),
        'request_mismatch',
      );
    });
    const row = (id: string) =>
      story.rt.store.db.selectFrom('disclosure_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('5: a release fabricated from a trustee set the server dealt itself, for a request with no approval, is refused', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      const r = await row(requestId);
      const subject = JSON.parse(r.subject_json) as ReleaseMaterial['subject'];
      const committed = subject.envelopes[0];
      assert.ok(committed);
      // The forger's own set: it knows every share.
      const deal = dealEscrowKey({ threshold: 3, trustees: ['alice', 'bob', 'carol', 'dave', 'erin'] });
      const fake = sealEnvelope({
        escrowPublicKey: deal.trusteeSet.escrowPublicKey,
        envelopeId: committed.envelopeId,
        personId: story.tom.personId,
        trusteeSetId: deal.trusteeSet.id,
        fieldGroup: 'name_birth',
        plaintext: utf8(JSON.stringify({ given_name: 'Mallory', family_name: 'Framed' })),
      });
      const forged: ReleaseMaterial = {
        requestId,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        trusteeSet: deal.trusteeSet,
        subject: { ...subject, envelopes: [{ ...committed, c1: fake.c1 }] },
        courtOrder: JSON.parse(r.court_order_json),
        offence: JSON.parse(r.offence_json),
        envelopes: [fake],
        shares: deal.shares.slice(0, 3).map((share) => ({
          trusteeIndex: share.index,
          sealed: sealToRecipient(
            story.authority.publicKey,
            utf8(
              JSON.stringify({
                version: 1,
                requestId,
                trusteeIndex: share.index,
                partials: [partialDecrypt({ share, c1: fake.c1, requestId, envelopeId: fake.envelopeId })],
              }),
            ),
            sharesAad(requestId, share.index),
          ),
        })),
        events: [],
      } as unknown as ReleaseMaterial;
      const client = clientOver(forgingRelease(story.fetch, async () => forged));
      const refused = await rejects(
        client.fetchRelease(requestId, story.authority.secretKey),
        'request_mismatch',
        'log_entry_missing',
        'subject_binding_invalid',
      );
      assert.doesNotMatch(refused.message, /Mallory/);
    });

    it('5: the real trustee set but no logged quorum (approvals the server claims) is refused', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol']);
      const real = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      assert.ok(JSON.stringify(real.envelopes[0]?.fields).includes(story.tom.givenName));
      // The server strips the approvals (or shows another request's): the client counts nothing.
      const stripped = forgingRelease(story.fetch, async (id) => {
        const m = await realRelease(id);
        return { ...m, approvalEntries: [] };
      });
      await rejects(clientOver(stripped).fetchRelease(requestId, story.authority.secretKey), 'approval_quorum_not_logged');
    });

    it('3: an envelope relabelled to a field group of the order does not open, and a group outside the order is refused', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol']);
      const contact = JSON.parse(
        (
          await story.rt.store.db
            .selectFrom('registry_envelopes')
            .select('envelope_json')
            .where('person_id', '=', story.tom.personId)
            .where('field_group', '=', 'contact')
            .executeTakeFirstOrThrow()
        ).envelope_json,
      ) as Envelope;
      // The header relabelled: the served envelope claims to be name_birth, with contact's ciphertext.
      const relabelled = forgingRelease(story.fetch, async (id) => {
        const m = await realRelease(id);
        const e = m.envelopes[0] as Envelope;
        return { ...m, envelopes: [{ ...e, nonce: contact.nonce, ciphertext: contact.ciphertext }] };
      });
      await rejects(
        clientOver(relabelled).fetchRelease(requestId, story.authority.secretKey),
        'envelope_invalid',
        'request_mismatch',
        'subject_binding_invalid',
      );
      // The subject shown names a group the order does not cover.
      const outside = forgingRelease(story.fetch, async (id) => {
        const m = await realRelease(id);
        const envelopes = m.subject.envelopes.map((e) => ({ ...e, fieldGroup: 'contact' }));
        return {
          ...m,
          subject: { ...m.subject, envelopes },
          offence: { ...m.offence, fieldGroups: ['contact'] },
          envelopes: m.envelopes.map((e) => ({ ...e, fieldGroup: 'contact' })),
        };
      });
      const refused = await rejects(clientOver(outside).fetchRelease(requestId, story.authority.secretKey), 'request_mismatch');
      assert.match(refused.message, /not covered by the court order/);
      assert.equal((refused.extensions as { differs?: string }).differs, 'fieldGroups');
    });

    it('3: a trustee refuses a logged request whose envelopes name a group the order does not cover', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      const r = await row(requestId);
      const contact = await story.rt.store.db
        .selectFrom('registry_envelopes')
        .select(['id', 'envelope_json'])
        .where('person_id', '=', story.tom.personId)
        .where('field_group', '=', 'contact')
        .executeTakeFirstOrThrow();
      // The operator files, and logs, a request for `contact` under the order for `name_birth`.
      const subject = JSON.parse(r.subject_json) as ReleaseMaterial['subject'];
      const c1 = (JSON.parse(contact.envelope_json) as Envelope).c1;
      const forged = { ...subject, envelopes: [{ fieldGroup: 'contact', envelopeId: contact.id, c1 }] };
      const offence = { ...JSON.parse(r.offence_json), fieldGroups: ['contact'] };
      const id = '0c0c0c0c-0000-4000-8000-0000000c0c0c';
      const entry = encodeEntry({
        type: 'disclosure_request',
        time: r.created_at,
        request: id,
        authority: r.authority_id,
        subject: subjectCommitment(forged),
        courtOrder: r.court_order,
        offence: offenceCommitment(offence),
        trusteeSet: r.trustee_set_id,
        expires: r.expires_at,
      });
      await story.rt.store.transaction(async (tx) => {
        await tx
          .insertInto('disclosure_requests')
          .values({
            ...r,
            id,
            subject: subjectCommitment(forged),
            subject_json: JSON.stringify(forged),
            offence_json: JSON.stringify(offence),
          })
          .execute();
        await story.rt.disclosure.ledger.record(tx, id, [entry]);
      });
      await story.rt.disclosure.ledger.settle();
      const alice = story.trustees.get('alice');
      assert.ok(alice);
      const refused = await rejects(alice.client.approve(id, alice.share, 'yes'), 'request_mismatch');
      assert.match(refused.message, /order does not cover/);
      const shares = await story.rt.store.db.selectFrom('disclosure_shares').select('trustee_index').where('request_id', '=', id).execute();
      assert.deepEqual(shares, []);
    });
  });
}
