/**
 * The rest of a request's life, on both engines: N−M+1 denials close it; the clock
 * expires it; shares are refused before the trustee's approval is logged; an
 * emergency request has a shorter validity but the same quorum; a notification delay
 * is extended only by a logged quorum decision, and the person sees nothing until then.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MvidError, toBase64Url } from '../src/core/index.ts';
import { ENGINES } from './support/engines.ts';
import { approveAndRelease, signInTom, type Story, startStory, tomRequest } from './support/disclosure.ts';

const DAY = 86_400_000;

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof MvidError && e.code === code);
}

function trustee(story: Story, name: string) {
  const t = story.trustees.get(name);
  assert.ok(t);
  return t;
}

for (const engine of ENGINES) {
  describe(`disclosure lifecycle on ${engine}`, () => {
    let story: Story;

    before(async () => {
      story = await startStory(engine);
    });
    after(async () => story?.stop());

    it('three denials (N−M+1) close the request, logged; nothing can follow', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      await trustee(story, 'alice').client.approve(requestId, trustee(story, 'alice').share, 'ok');
      for (const name of ['bob', 'carol', 'dave'])
        await trustee(story, name).client.deny(requestId, 'disproportionate', `${name}: a lesser measure would do`);
      const status = await story.authority.client.status(requestId);
      assert.equal(status.status, 'closed');
      assert.equal(status.outcome, 'denied');
      assert.deepEqual(
        status.events.map((e) => e.type),
        ['disclosure_request', 'trustee_approval', 'trustee_denial', 'trustee_denial', 'trustee_denial', 'request_closed'],
      );
      assert.ok(status.events.every((e) => typeof e.index === 'number'));
      await rejects(
        trustee(story, 'erin').client.approve(requestId, trustee(story, 'erin').share, 'too late'),
        'disclosure_request_closed',
      );
      await rejects(story.authority.client.fetchRelease(requestId, story.authority.secretKey), 'release_not_ready');
    });

    it('a denial needs a reason; a trustee cannot flip its decision', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      const token = trustee(story, 'alice').token;
      const post = (payload: Record<string, unknown>) =>
        story.rt.app.inject({
          method: 'POST',
          url: `/disclosure/v1/trustee/requests/${requestId}/decisions`,
          headers: { authorization: `Bearer ${token}` },
          payload,
        });
      const salt = toBase64Url(new Uint8Array(16).fill(1));
      assert.equal((await post({ decision: 'deny', statement: { text: 'no', salt } })).statusCode, 400);
      assert.equal((await post({ decision: 'deny', reason: 'order_invalid', statement: { text: 'no', salt } })).statusCode, 200);
      const flip = await post({ decision: 'approve', statement: { text: 'yes', salt } });
      assert.equal(flip.statusCode, 409);
      assert.equal((flip.json() as { code: string }).code, 'trustee_already_decided');
    });

    it('shares are refused from a trustee whose approval is not in the log', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      const sealed = {
        version: 1,
        epk: toBase64Url(new Uint8Array(32)),
        nonce: toBase64Url(new Uint8Array(12)),
        ciphertext: toBase64Url(new Uint8Array(40)),
      };
      const res = await story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/trustee/requests/${requestId}/shares`,
        headers: { authorization: `Bearer ${trustee(story, 'bob').token}` },
        payload: { sealed },
      });
      assert.equal(res.statusCode, 409);
      assert.equal((res.json() as { code: string }).code, 'approval_not_logged');
    });

    it('the clock expires a request: logged, and trustees refuse it; an emergency expires in hours, not weeks', async () => {
      const ordinary = await story.authority.client.file(tomRequest(story));
      const emergency = await story.authority.client.file(tomRequest(story, { emergency: true }));
      const now = story.clock.now().getTime();
      assert.equal(Date.parse(emergency.expiresAt) - now, 48 * 3_600_000);
      assert.equal(Date.parse(ordinary.expiresAt) - now, 30 * DAY);
      story.clock.set(Date.parse(emergency.expiresAt));
      const report = await story.rt.disclosure.sweeper.sweep();
      assert.ok(report.expired >= 1);
      const status = await story.authority.client.status(emergency.requestId);
      assert.equal(status.outcome, 'expired');
      assert.deepEqual(
        status.events.map((e) => e.type),
        ['disclosure_request', 'request_expired', 'request_closed'],
      );
      assert.equal((await story.authority.client.status(ordinary.requestId)).status, 'pending');
      await rejects(trustee(story, 'carol').client.review(emergency.requestId), 'request_expired');
      const served = (await story.rt.app.inject({ url: '/disclosure/v1/transparency-report' })).json() as {
        totals: { emergencyRequests: number; expiredRequests: number };
      };
      assert.equal(served.totals.emergencyRequests, 1);
      assert.ok(served.totals.expiredRequests >= 1);
    });

    it('a delay extension takes effect only on a logged quorum decision; until then and after, the person sees nothing early', async () => {
      story.clock.set('2026-07-01T12:00:00Z');
      const { requestId } = await story.authority.client.file(tomRequest(story, { notificationDelayDays: 10 }));
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol'], 'ok');
      const opened = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      await story.authority.client.receipt(requestId, opened);
      const notifyAt = Date.parse((await story.authority.client.status(requestId)).notifyAt as string);
      const until = new Date(notifyAt + 40 * DAY).toISOString();
      const today = story.clock.now().toISOString().slice(0, 10);
      const order = {
        court: 'Amtsgericht Tiergarten',
        reference: '351 Gs 1300/26',
        date: today,
        documentSha256: 'a'.repeat(64),
        fieldGroups: ['name_birth' as const],
      };
      await rejects(
        story.authority.client.requestExtension(requestId, new Date(notifyAt + 200 * DAY).toISOString(), order),
        'notification_delay_invalid',
      );
      const { id } = await story.authority.client.requestExtension(requestId, until, order);
      for (const name of ['dave', 'erin'])
        await trustee(story, name).client.decideExtension(requestId, id, 'approve', 'the investigation is ongoing');
      let status = await story.authority.client.status(requestId);
      assert.equal(Date.parse(status.notifyAt as string), notifyAt, 'two approvals change nothing');
      await trustee(story, 'alice').client.decideExtension(requestId, id, 'approve', 'agreed');
      status = await story.authority.client.status(requestId);
      assert.equal(status.notifyAt, until);
      const extended = status.events.filter((e) => e.type === 'notification_delay_extended');
      assert.equal(extended.length, 1);
      assert.equal(typeof extended[0]?.index, 'number');
      const mine = async () =>
        (
          (
            await story.rt.app.inject({
              url: '/disclosure/v1/me/disclosures',
              headers: { authorization: `Bearer ${await signInTom(story)}` },
            })
          ).json() as {
            disclosures: Array<{ requestId: string; delayExtensions: unknown[] }>;
          }
        ).disclosures.filter((d) => d.requestId === requestId);
      story.clock.set(notifyAt + DAY);
      assert.deepEqual(await mine(), [], 'the original delay has ended, but it was extended');
      story.clock.set(Date.parse(until) - 1000);
      assert.deepEqual(await mine(), []);
      story.clock.set(until);
      const [d] = await mine();
      assert.equal(d?.delayExtensions.length, 1);
    });
  });
}
