/**
 * Attack 1 of issue 12, on both engines: an authority holding a copy of the operator's
 * database pools partial decryptions across requests that were each denied. D_i = x_i·C1
 * is the same point for every request naming one envelope, so two approvals of request
 * A and one of request B would give three D_i for Tom's `name_birth` envelope — enough
 * to open it while the transparency report shows no release.
 *
 * Quorum-gated release refuses it: no trustee client computes a partial until the log
 * proves M approvals of that very request, the server stores none before then
 * (`approval_quorum_not_logged`), and sealed shares are deleted once the receipt is logged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromBase64Url } from '../src/core/index.ts';
import {
  decodePoint,
  encodePoint,
  GROUP_ORDER,
  openEnvelopeWithSharedPoint,
  openFromSender,
  parseEnvelope,
  type Point,
  type SealedMessage,
} from '../src/crypto/index.ts';
import { type FetchLike, sharesAad, TrusteeClient } from '../src/disclosure/index.ts';
import { ENGINES } from './support/engines.ts';
import { type Story, startStory, tomRequest, rejects } from './support/disclosure.ts';

const modL = (a: bigint) => ((a % GROUP_ORDER) + GROUP_ORDER) % GROUP_ORDER;
function invL(a: bigint): bigint {
  let [result, base, e] = [1n, modL(a), GROUP_ORDER - 2n];
  while (e > 0n) {
    if (e & 1n) result = (result * base) % GROUP_ORDER;
    base = (base * base) % GROUP_ORDER;
    e >>= 1n;
  }
  return result;
}

/** What the colluding authority does with every sealed share it can find: Lagrange over any M distinct D_i, proofs ignored. */
function poolAndOpen(
  story: Story,
  sealed: Array<{ requestId: string; trusteeIndex: number; sealed: SealedMessage }>,
  envelopeJson: unknown,
) {
  const envelope = parseEnvelope(envelopeJson);
  const byIndex = new Map<number, Point>();
  for (const s of sealed) {
    const opened = JSON.parse(
      Buffer.from(openFromSender(story.authority.secretKey, s.sealed, sharesAad(s.requestId, s.trusteeIndex))).toString('utf8'),
    ) as { partials: Array<{ envelopeId: string; d: string; trusteeIndex: number }> };
    for (const p of opened.partials) if (p.envelopeId === envelope.envelopeId) byIndex.set(p.trusteeIndex, decodePoint(fromBase64Url(p.d)));
  }
  const indices = [...byIndex.keys()].slice(0, 3);
  if (indices.length < 3) return { partials: byIndex.size, name: undefined };
  let sum: Point | undefined;
  for (const i of indices) {
    let lambda = 1n;
    for (const j of indices) if (j !== i) lambda = modL(lambda * BigInt(j) * invL(BigInt(j - i)));
    const term = (byIndex.get(i) as Point).multiply(lambda);
    sum = sum === undefined ? term : sum.add(term);
  }
  const plain = openEnvelopeWithSharedPoint(envelope, encodePoint(sum as Point));
  return { partials: byIndex.size, name: JSON.parse(Buffer.from(plain).toString('utf8')) as Record<string, unknown> };
}

for (const engine of ENGINES) {
  describe(`pooling partials across denied requests, on ${engine}`, () => {
    let story: Story;
    before(async () => {
      story = await startStory(engine);
    });
    after(async () => story?.stop());

    const t = (name: string) => {
      const x = story.trustees.get(name);
      assert.ok(x);
      return x;
    };

    it('two approvals of a denied request and one of another never yield a partial anyone can pool', async () => {
      const a = (await story.authority.client.file(tomRequest(story))).requestId;
      const b = (await story.authority.client.file(tomRequest(story))).requestId;
      await t('alice').client.approve(a, t('alice').share, 'A: yes');
      await t('bob').client.approve(a, t('bob').share, 'A: yes');
      for (const n of ['carol', 'dave', 'erin']) await t(n).client.deny(a, 'disproportionate', 'A: no');
      await t('carol').client.approve(b, t('carol').share, 'B: yes');
      for (const n of ['alice', 'bob', 'dave']) await t(n).client.deny(b, 'insufficient_basis', 'B: no');

      // Both requests are closed as denied; the log shows no release.
      const rows = await story.rt.store.db.selectFrom('disclosure_requests').select(['id', 'outcome']).where('id', 'in', [a, b]).execute();
      assert.deepEqual(rows.map((r) => r.outcome).sort(), ['denied', 'denied']);
      const report = (await story.rt.app.inject({ url: '/disclosure/v1/transparency-report' })).json() as { totals: { releases: number } };
      assert.equal(report.totals.releases, 0);
      // Nobody's client computes a partial for a denied request, however it is asked.
      await rejects(t('alice').client.release(a, t('alice').share), 'disclosure_request_closed');
      await rejects(t('carol').client.release(b, t('carol').share), 'disclosure_request_closed');

      // The colluding authority reads every sealed share the operator's database holds.
      const shares = await story.rt.store.db
        .selectFrom('disclosure_shares')
        .select(['request_id', 'trustee_index', 'sealed_json'])
        .where('request_id', 'in', [a, b])
        .execute();
      const subject = JSON.parse(
        (await story.rt.store.db.selectFrom('disclosure_requests').select('subject_json').where('id', '=', a).executeTakeFirstOrThrow())
          .subject_json,
      ) as { envelopes: Array<{ envelopeId: string }> };
      const envelope = JSON.parse(
        (
          await story.rt.store.db
            .selectFrom('registry_envelopes')
            .select('envelope_json')
            .where('id', '=', subject.envelopes[0]?.envelopeId as string)
            .executeTakeFirstOrThrow()
        ).envelope_json,
      ) as unknown;
      const pooled = poolAndOpen(
        story,
        shares.map((s) => ({ requestId: s.request_id, trusteeIndex: s.trustee_index, sealed: JSON.parse(s.sealed_json) as SealedMessage })),
        envelope,
      );
      assert.equal(pooled.name, undefined, `the pooled partials opened ${JSON.stringify(pooled.name)}`);
      assert.equal(shares.length, 0, 'no trustee computed a partial for a request without a logged quorum');
    });

    it('the server stores no sealed share before the log holds M approvals, and deletes them after the receipt', async () => {
      const id = (await story.authority.client.file(tomRequest(story))).requestId;
      const approved = await t('alice').client.approve(id, t('alice').share, 'yes');
      assert.equal(approved.upload, undefined);
      // A trustee (or a client modified to skip the gate) uploading early is refused.
      const early = await story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/trustee/requests/${id}/shares`,
        headers: { authorization: `Bearer ${t('alice').token}` },
        payload: { sealed: { version: 1, epk: 'A'.repeat(43), nonce: 'A'.repeat(16), ciphertext: 'A'.repeat(64) } },
      });
      assert.equal(early.statusCode, 409, early.body);
      assert.equal((early.json() as { code: string }).code, 'approval_quorum_not_logged');
      await rejects(t('alice').client.release(id, t('alice').share), 'approval_quorum_not_logged');
      await t('bob').client.approve(id, t('bob').share, 'yes');
      const third = await t('carol').client.approve(id, t('carol').share, 'yes');
      assert.equal(third.upload?.shares, 1, 'the approval that completes the quorum uploads at once');
      assert.equal((await t('alice').client.release(id, t('alice').share)).shares, 2);
      const last = await t('bob').client.release(id, t('bob').share);
      assert.equal(last.released, true);
      // A server claiming dave approved (he did not) gets no partial from him: the log shows no approval of his.
      const claiming: FetchLike = async (url, init) => {
        const res = await story.fetch(url, init);
        if (!new URL(url).pathname.endsWith(`/trustee/requests/${id}`)) return res;
        const view = { ...(JSON.parse(await res.text()) as object), myDecision: 'approve' };
        return { ...res, text: async () => JSON.stringify(view) };
      };
      const dave = new TrusteeClient(t('dave').state, { fetch: claiming, clock: story.clock, save: () => {} });
      await rejects(dave.release(id, t('dave').share), 'approval_not_logged');
      const opened = await story.authority.client.fetchRelease(id, story.authority.secretKey);
      assert.equal(JSON.stringify(opened.envelopes[0]?.fields).includes(story.tom.givenName), true);
      await story.authority.client.receipt(id, opened);
      const left = await story.rt.store.db.selectFrom('disclosure_shares').select('trustee_index').where('request_id', '=', id).execute();
      assert.deepEqual(left, [], 'sealed shares are deleted once the receipt is logged');
    });
  });
}
