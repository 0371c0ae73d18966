/**
 * The transparency report's running figures (issue 18) on both engines: after requests
 * from two authorities in two jurisdictions, an emergency one, approvals decided at once,
 * releases, a denial and an expiry, the report served from the running aggregates equals
 * the recomputation from the log (`computeTransparencyReport` over every logged entry and
 * the public openings), figure for figure, median time to decision included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeTransparencyReport, parseLogEntries } from '../src/disclosure/index.ts';
import { approveAndRelease, registerAuthority, type Story, startStory, tomRequest } from './support/disclosure.ts';
import { ENGINES } from './support/engines.ts';

const HOUR = 3_600_000;

for (const engine of ENGINES) {
  describe(`transparency report running figures on ${engine}`, () => {
    let story: Story;

    before(async () => {
      story = await startStory(engine);
    });
    after(async () => story?.stop());

    async function recomputed() {
      const d = story.rt.disclosure;
      const { requests, authorities } = await d.publicRecords();
      return computeTransparencyReport(parseLogEntries(await d.ledger.allEntries()), requests, authorities);
    }

    async function served() {
      const { generatedAt: _g, ...figures } = await story.rt.disclosure.transparencyReport();
      return figures;
    }

    it('is empty before any request, as the recomputation', async () => {
      assert.deepEqual(await served(), await recomputed());
    });

    it('equals the recomputation from the log after requests, decisions, releases, a denial and an expiry', async () => {
      const trustee = (name: string) => story.trustees.get(name) ?? assert.fail(name);
      const released = await story.authority.client.file(tomRequest(story, { offence: { category: 'fraud', statute: 'StGB § 263' } }));
      story.clock.set(story.clock.now().getTime() + 5 * HOUR);
      await approveAndRelease(story, released.requestId, ['alice', 'bob', 'carol']);

      const second = await story.authority.client.file(tomRequest(story));
      story.clock.set(story.clock.now().getTime() + 2 * HOUR);
      // Three trustees decide at once: every approval must be counted (row lock on PostgreSQL).
      const deciders = ['alice', 'bob', 'dave'];
      const decided = await Promise.all(deciders.map((n) => trustee(n).client.approve(second.requestId, trustee(n).share, 'ok')));
      for (const [i, n] of deciders.entries())
        if (decided[i]?.waiting === 'quorum') await trustee(n).client.release(second.requestId, trustee(n).share);

      const denied = await story.authority.client.file(tomRequest(story));
      story.clock.set(story.clock.now().getTime() + 1 * HOUR);
      for (const n of ['carol', 'dave', 'erin']) await trustee(n).client.deny(denied.requestId, 'insufficient_basis', 'no basis');

      const italian = await registerAuthority(story, 'Polizia Postale', 'IT');
      const emergency = await italian.client.file(
        tomRequest(story, { offence: { category: 'threat_to_life', statute: 'c.p. art. 612' }, emergency: true }),
      );
      story.clock.set(Date.parse(emergency.expiresAt) + 1000);
      await story.rt.disclosure.sweeper.sweep();

      const report = await served();
      assert.deepEqual(report, await recomputed());
      assert.equal(report.totals.requests, 4);
      assert.equal(report.totals.approvals, 6);
      assert.equal(report.totals.releases, 2);
      assert.equal(report.totals.denials, 3);
      assert.equal(report.totals.deniedRequests, 1);
      assert.equal(report.totals.expiredRequests, 1);
      assert.equal(report.totals.emergencyRequests, 1);
      assert.deepEqual(
        report.byJurisdiction.map((j) => j.jurisdiction),
        ['DE', 'IT'],
      );
      assert.equal(report.medianTimeToDecisionSeconds, 2 * 3600);
    });
  });
}
