/**
 * The whole lawful-disclosure story over HTTP, on both engines: an authority asks for
 * Tom's `name_birth` under a court order; two approvals release nothing; the third
 * does; the authority opens exactly that group and no other; a bad share is named and
 * routed around; every step is in the log; Tom sees it exactly when the delay ends;
 * the transparency report counts it and anyone can recompute it from the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromBase64Url, MvidError, toBase64Url, utf8 } from '../src/core/index.ts';
import {
  combinePartials,
  type Envelope,
  openEnvelopeWithSharedPoint,
  openFromSender,
  partialDecrypt,
  sealToRecipient,
} from '../src/crypto/index.ts';
import { computeTransparencyReport, type FetchedRelease, parseLogEntries, sharesAad } from '../src/disclosure/index.ts';
import { hashLeaf, openCheckpoint, parseVerifierKey, verifyInclusion, type NoteVerifier } from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { signInTom, type Story, startStory, tomRequest } from './support/disclosure.ts';

const DAY = 86_400_000;

async function rejects(promise: Promise<unknown>, code: string): Promise<MvidError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MvidError, `expected MvidError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

async function allLogEntries(story: Story): Promise<Uint8Array[]> {
  const size = (await story.rt.disclosure.log.checkpoint()).size;
  const out: Uint8Array[] = [];
  for (let start = 0n; start < size; start += 1000n) {
    const end = start + 1000n < size ? start + 1000n : size;
    out.push(...(await story.rt.disclosure.log.entries(start, end)));
  }
  return out;
}

for (const engine of ENGINES) {
  describe(`lawful disclosure story on ${engine}`, () => {
    let story: Story;
    let requestId: string;
    let opened: FetchedRelease;

    before(async () => {
      story = await startStory(engine);
    });
    after(async () => story?.stop());

    it('files a request for Tom’s name_birth: logged, with an inclusion proof the authority verifies', async () => {
      const log = (await story.rt.app.inject({ url: '/disclosure/v1/log' })).json() as { origin: string; verifierKey: string };
      const accepted = await story.authority.client.file(tomRequest(story), { origin: log.origin, vkey: log.verifierKey });
      requestId = accepted.requestId;
      assert.equal(accepted.status, 'pending');
      assert.equal(typeof accepted.logIndex, 'number');
      // The entry holds ids, hashes and times only: neither the handle nor the case reference.
      const entry = Buffer.from(fromBase64Url(accepted.entry)).toString('utf8');
      assert.match(entry, /^mvid-log-entry\/v1\ntype disclosure_request\n/);
      for (const secret of [story.tom.handle, '351 Gs 1234/26', 'Tiergarten', story.tom.pseudonym])
        assert.ok(!entry.includes(secret), secret);
    });

    it('two approvals release nothing: no partial decryption exists before the log holds a quorum', async () => {
      for (const name of ['alice', 'bob']) {
        const t = story.trustees.get(name);
        assert.ok(t);
        const result = await t.client.approve(requestId, t.share, `${name}: the order is lawful and proportionate`);
        assert.equal(result.upload, undefined);
        assert.equal(result.waiting, 'quorum');
      }
      const shares = await story.rt.store.db
        .selectFrom('disclosure_shares')
        .select('trustee_index')
        .where('request_id', '=', requestId)
        .execute();
      assert.deepEqual(shares, []);
      await rejects(story.authority.client.fetchRelease(requestId, story.authority.secretKey), 'release_not_ready');
      const status = await story.authority.client.status(requestId);
      assert.equal(status.status, 'pending');
      assert.equal(status.approvals, 2);
      assert.ok(!status.events.some((e) => e.type === 'release'));
    });

    it('the third approval releases; the authority opens exactly name_birth and names nobody bad', async () => {
      const carol = story.trustees.get('carol');
      assert.ok(carol);
      const result = await carol.client.approve(requestId, carol.share, 'carol: approved');
      assert.equal(result.upload?.shares, 1);
      assert.equal(result.upload?.released, false);
      // Now the log proves three approvals: alice and bob, who approved earlier, release their partials.
      for (const name of ['alice', 'bob']) {
        const t = story.trustees.get(name);
        assert.ok(t);
        const up = await t.client.release(requestId, t.share);
        assert.equal(up.released, name === 'bob');
      }
      opened = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      assert.deepEqual(
        opened.envelopes.map((e) => e.fieldGroup),
        ['name_birth'],
      );
      const fields = opened.envelopes[0]?.fields as Record<string, unknown>;
      assert.equal(JSON.stringify(fields).includes(story.tom.givenName), true);
      assert.equal(JSON.stringify(fields).includes(story.tom.familyName), true);
      assert.deepEqual(opened.badTrustees, []);
      assert.deepEqual(opened.envelopes[0]?.usedTrustees, [1, 2, 3]);
    });

    it('the same shares open no other field group of Tom', async () => {
      const rows = await story.rt.store.db
        .selectFrom('registry_envelopes')
        .select('envelope_json')
        .where('person_id', '=', story.tom.personId)
        .execute();
      const others = rows.map((r) => JSON.parse(r.envelope_json) as Envelope).filter((e) => e.fieldGroup !== 'name_birth');
      assert.equal(others.length, 3);
      const material = (
        await story.rt.app.inject({
          url: `/disclosure/v1/requests/${requestId}/release`,
          headers: { authorization: `Bearer ${story.authority.token}` },
        })
      ).json() as {
        shares: Array<{ trusteeIndex: number; sealed: unknown }>;
        escrowKeys: Array<{ id: string; threshold: number; trustees: Array<{ index: number; id: string; verificationKey: string }> }>;
      };
      // The partials are checked with the verification keys of the envelope's retention-epoch key.
      const [epochKey] = material.escrowKeys;
      assert.ok(epochKey && material.escrowKeys.length === 1, 'the one released envelope names its epoch key');
      assert.deepEqual(
        (material as unknown as { envelopes: Envelope[] }).envelopes.map((e) => e.fieldGroup),
        ['name_birth'],
      );
      const partials = material.shares.flatMap(
        (s) =>
          (
            JSON.parse(
              Buffer.from(openFromSender(story.authority.secretKey, s.sealed, sharesAad(requestId, s.trusteeIndex))).toString(),
            ) as { partials: unknown[] }
          ).partials,
      );
      for (const other of others) {
        // Claimed for another envelope, the DLEQ proofs fail; reinterpreted, the points are for another C1.
        assert.throws(
          () =>
            combinePartials(
              partials.map((p) => ({ ...(p as object), envelopeId: other.envelopeId })),
              { threshold: 3, verificationKeys: epochKey.trustees, c1: other.c1, requestId, envelopeId: other.envelopeId },
            ),
          (e: MvidError) => e.code === 'share_invalid',
        );
        const forged = combinePartials(partials, {
          threshold: 3,
          verificationKeys: epochKey.trustees,
          c1: (partials[0] as { d: string }) && rowsC1(rows, 'name_birth'),
          requestId,
          envelopeId: (partials[0] as { envelopeId: string }).envelopeId,
        });
        assert.throws(
          () => openEnvelopeWithSharedPoint(other, forged.point),
          (e: MvidError) => e.code === 'envelope_invalid',
        );
      }
    });

    it('records receipt; every step of the request is in the log and verifies against the signed checkpoint', async () => {
      const { indices } = await story.authority.client.receipt(requestId, opened);
      assert.equal(indices.length, 2);
      const status = await story.authority.client.status(requestId);
      assert.equal(status.status, 'closed');
      assert.equal(status.outcome, 'released');
      assert.deepEqual(
        status.events.map((e) => e.type),
        ['disclosure_request', 'trustee_approval', 'trustee_approval', 'trustee_approval', 'release', 'release_receipt', 'request_closed'],
      );
      const log = (await story.rt.app.inject({ url: '/disclosure/v1/log' })).json() as { origin: string; verifierKey: string };
      const note = (await story.rt.app.inject({ url: '/disclosure/v1/log/checkpoint' })).body;
      const { checkpoint } = openCheckpoint(note, { origin: log.origin, log: parseVerifierKey(log.verifierKey) as NoteVerifier });
      const entries = await allLogEntries(story);
      for (const event of status.events) {
        assert.notEqual(event.index, null, event.type);
        const index = event.index as number;
        assert.equal(toBase64Url(hashLeaf(entries[index] as Uint8Array)), event.leafHash);
        const { proof } = (
          await story.rt.app.inject({ url: `/disclosure/v1/log/inclusion?index=${index}&size=${checkpoint.size}` })
        ).json() as { proof: string[] };
        assert.ok(
          verifyInclusion(BigInt(index), checkpoint.size, fromBase64Url(event.leafHash), proof.map(fromBase64Url), checkpoint.root),
          event.type,
        );
      }
    });

    it('Tom sees nothing before the delay ends, and the disclosure exactly when it does', async () => {
      const view = async () => {
        const res = await story.rt.app.inject({
          url: '/disclosure/v1/me/disclosures',
          headers: { authorization: `Bearer ${await signInTom(story)}` },
        });
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as {
          disclosures: Array<{
            requestId: string;
            fieldGroups: string[];
            authority: { name: string };
            courtOrder: { reference: string };
            log: Array<{ type: string; index: number }>;
          }>;
        };
      };
      const row = await story.rt.store.db
        .selectFrom('disclosure_requests')
        .select(['notify_at', 'released_at'])
        .where('id', '=', requestId)
        .executeTakeFirstOrThrow();
      assert.equal(Date.parse(row.notify_at as string) - Date.parse(row.released_at as string), 30 * DAY);
      assert.deepEqual((await view()).disclosures, []);
      story.clock.set(Date.parse(row.notify_at as string) - 1000);
      assert.deepEqual((await view()).disclosures, []);
      story.clock.set(row.notify_at as string);
      const [d] = (await view()).disclosures;
      assert.ok(d);
      assert.equal(d.requestId, requestId);
      assert.deepEqual(d.fieldGroups, ['name_birth']);
      assert.equal(d.authority.name, 'Landeskriminalamt Berlin');
      assert.equal(d.courtOrder.reference, '351 Gs 1234/26');
      assert.equal(d.log.length, 7);
      // …and in his account view.
      const page = await story.rt.app.inject({
        url: '/account/disclosures',
        headers: { authorization: `Bearer ${await signInTom(story)}` },
      });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Landeskriminalamt Berlin/);
      assert.match(page.body, /351 Gs 1234\/26/);
    });

    it('the transparency report counts it, and recomputing it from the log gives the same figures', async () => {
      const res = await story.rt.app.inject({ url: '/disclosure/v1/transparency-report' });
      const served = res.json() as ReturnType<typeof computeTransparencyReport> & { generatedAt: string };
      assert.equal(served.totals.requests, 1);
      assert.equal(served.totals.approvals, 3);
      assert.equal(served.totals.releases, 1);
      assert.equal(served.totals.emergencyRequests, 0);
      assert.equal(served.byOffenceCategory[0]?.category, 'threat_to_life');
      assert.equal(served.byJurisdiction[0]?.jurisdiction, 'DE');
      assert.equal(served.unverified, 0);
      const records = (await story.rt.app.inject({ url: '/disclosure/v1/transparency/records' })).json() as Parameters<
        typeof computeTransparencyReport
      >[1] extends infer R
        ? { requests: R; authorities: Parameters<typeof computeTransparencyReport>[2] }
        : never;
      const recomputed = computeTransparencyReport(parseLogEntries(await allLogEntries(story)), records.requests, records.authorities);
      const { generatedAt: _g, ...figures } = served;
      assert.deepEqual(recomputed, figures);
      const page = await story.rt.app.inject({ url: '/transparency' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Landeskriminalamt Berlin/);
      const console = await story.rt.app.inject({ url: '/disclosure/trustee' });
      assert.equal(console.statusCode, 200);
      assert.match(String(console.headers['content-security-policy']), /script-src 'nonce-/);
      assert.match(console.body, /Trustee console/);
    });

    it('with one bad share among four, the authority names the bad trustee and decrypts with the other three', async () => {
      story.clock.set('2026-06-02T12:00:00Z');
      const accepted = await story.authority.client.file(tomRequest(story));
      const id = accepted.requestId;
      const alice = story.trustees.get('alice');
      const bob = story.trustees.get('bob');
      assert.ok(alice && bob);
      await alice.client.approve(id, alice.share, 'ok');
      // Bob logs an approval like anyone, then uploads a partial whose point is not x_bob·C1.
      const review = await bob.client.review(id);
      const decided = await story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/trustee/requests/${id}/decisions`,
        headers: { authorization: `Bearer ${bob.token}` },
        payload: { decision: 'approve', statement: { text: 'ok', salt: toBase64Url(new Uint8Array(16).fill(7)) } },
      });
      assert.equal(decided.statusCode, 200, decided.body);
      const envelope = review.request.subject.envelopes[0];
      assert.ok(envelope);
      // The envelope is sealed to a retention-epoch key: each trustee's share of that key.
      const keyId = review.request.escrowKeys.find((k) => k.envelopeId === envelope.envelopeId)?.key.id;
      const epochShare = (t: typeof bob) => t.share.find((s) => s.trusteeSetId === keyId) as (typeof t.share)[number];
      const good = partialDecrypt({ share: epochShare(bob), c1: envelope.c1, requestId: id, envelopeId: envelope.envelopeId });
      const wrong = partialDecrypt({ share: epochShare(alice), c1: envelope.c1, requestId: id, envelopeId: envelope.envelopeId });
      const bad = { ...good, d: wrong.d };
      const bobIndex = review.request.trusteeSet.trustees.find((t) => t.id === 'bob')?.index as number;
      const sealed = sealToRecipient(
        review.request.authority.encryptionKey,
        utf8(JSON.stringify({ version: 1, requestId: id, trusteeIndex: bobIndex, partials: [bad] })),
        sharesAad(id, bobIndex),
      );
      const up = await story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/trustee/requests/${id}/shares`,
        headers: { authorization: `Bearer ${bob.token}` },
        payload: { sealed },
      });
      assert.equal(up.statusCode, 409, 'no share before the quorum is logged');
      const carol = story.trustees.get('carol');
      assert.ok(carol);
      assert.equal((await carol.client.approve(id, carol.share, 'ok')).upload?.shares, 1);
      await alice.client.release(id, alice.share);
      const upAgain = await story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/trustee/requests/${id}/shares`,
        headers: { authorization: `Bearer ${bob.token}` },
        payload: { sealed },
      });
      assert.equal(upAgain.statusCode, 201, upAgain.body);
      const refused = await rejects(story.authority.client.fetchRelease(id, story.authority.secretKey), 'share_invalid');
      assert.match(refused.message, /bob/);
      const dave = story.trustees.get('dave');
      assert.ok(dave);
      await dave.client.approve(id, dave.share, 'ok');
      const release = await story.authority.client.fetchRelease(id, story.authority.secretKey);
      assert.deepEqual(
        release.badTrustees.map((b) => b.trusteeId),
        ['bob'],
      );
      assert.deepEqual(release.envelopes[0]?.usedTrustees, [1, 3, 4]);
      assert.ok(JSON.stringify(release.envelopes[0]?.fields).includes(story.tom.familyName));
    });
  });
}

function rowsC1(rows: Array<{ envelope_json: string }>, group: string): string {
  const e = rows.map((r) => JSON.parse(r.envelope_json) as Envelope).find((x) => x.fieldGroup === group);
  if (!e) throw new Error(`no ${group} envelope`);
  return e.c1;
}
