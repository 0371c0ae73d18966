/**
 * The moderator console in the browser, on both engines: Mia works Moonbase's queue
 * (filters, assignment to herself), reads the case with its evidence previewed inline
 * only as its recorded image type, adds a note and decides with a complete statement of
 * reasons; Tom appeals; Mia may not decide the appeal against her own decision (the page
 * says why) and Max does. A moderator of Moonbase is nobody in Starport, a member is
 * nobody in the console, and every form needs the session's CSRF token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from '../src/cli/demo/browser.ts';
import { ENGINES } from './support/engines.ts';
import { accountBrowser, asPerson, asWorld, type ModerationStory, SCREENSHOT, startModerationStory } from './support/moderation.ts';
import { csrfOf } from './support/worlds.ts';

const FACTS = 'Tom wrecked the shared greenhouse twice in one evening.';
const HTML = { accept: 'text/html' };

async function page(browser: Browser, path: string): Promise<{ status: number; text: string; headers: Headers }> {
  const r = await browser.fetch(path, { headers: HTML });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

async function post(browser: Browser, path: string, form: Record<string, string>): Promise<Response> {
  return browser.fetch(path, {
    method: 'POST',
    headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

for (const engine of ENGINES) {
  describe(`moderator console on ${engine}`, () => {
    let story: ModerationStory;
    let mia: Browser;
    let max: Browser;
    let caseId: string;
    let sha256: string;
    const mb = () => `/moderation/console/${story.moonbase.id}`;

    before(async () => {
      story = await startModerationStory(engine);
      const up = await asWorld(
        story,
        story.moonbase,
        'POST',
        `/moderation/v1/worlds/${story.moonbase.id}/evidence`,
        new Uint8Array(SCREENSHOT),
        'image/png',
      );
      assert.equal(up.status, 201, up.text);
      sha256 = String(up.json().sha256);
      const text = await asWorld(
        story,
        story.moonbase,
        'POST',
        `/moderation/v1/worlds/${story.moonbase.id}/evidence`,
        new TextEncoder().encode('chat log: <b>hi</b>\n'),
        'text/plain',
      );
      assert.equal(text.status, 201, text.text);
      const filed = await asWorld(story, story.moonbase, 'POST', `/moderation/v1/worlds/${story.moonbase.id}/reports`, {
        reporter: 'Max',
        subject: 'Tom',
        category: 'griefing',
        text: 'Greenhouse wrecked again.',
        evidence: [sha256, String(text.json().sha256)],
      });
      assert.equal(filed.status, 201, filed.text);
      caseId = String(filed.json().caseId);
      mia = await accountBrowser(story, story.mia);
      max = await accountBrowser(story, story.max);
    });
    after(async () => story.rt.stop());

    it('the account page links the console for moderators only', async () => {
      assert.match((await page(mia, '/account')).text, new RegExp(`href="${mb()}"`));
      const tom = await accountBrowser(story, story.tom);
      assert.doesNotMatch((await page(tom, '/account')).text, /moderation\/console/);
    });

    it('queue → assign → case with evidence → note → decision', async () => {
      const queue = await page(mia, mb());
      assert.equal(queue.status, 200, queue.text);
      assert.match(queue.text, new RegExp(`cases/${caseId}`));
      assert.match(queue.headers.get('content-security-policy') ?? '', /script-src 'nonce-/);
      // Filters: another rule, or decided cases, do not list it.
      assert.doesNotMatch((await page(mia, `${mb()}?category=harassment`)).text, new RegExp(`cases/${caseId}`));
      assert.doesNotMatch((await page(mia, `${mb()}?status=decided&sort=age`)).text, new RegExp(`cases/${caseId}`));
      const csrf = csrfOf(queue.text);

      assert.equal((await post(mia, `${mb()}/cases/${caseId}/assign`, {})).status, 403, 'no CSRF token, no assignment');
      assert.equal((await post(mia, `${mb()}/cases/${caseId}/assign`, { csrf: 'forged' })).status, 403);
      const assigned = await post(mia, `${mb()}/cases/${caseId}/assign`, { csrf });
      assert.equal(assigned.status, 303);
      assert.match((await page(mia, mb())).text, /<td>you <\/td>/);

      const file = await page(mia, `${mb()}/cases/${caseId}`);
      assert.equal(file.status, 200, file.text);
      assert.match(file.text, new RegExp(`<img src="/moderation/v1/worlds/${story.moonbase.id}/cases/${caseId}/evidence/${sha256}"`));
      assert.equal((file.text.match(/<img /g) ?? []).length, 1, 'only the PNG is inline; the text log is a download link');
      assert.match(file.text, /Download evidence<\/a> \(text\/plain/);
      assert.ok(!file.text.includes('<b>hi</b>'));
      const img = await mia.fetch(`/moderation/v1/worlds/${story.moonbase.id}/cases/${caseId}/evidence/${sha256}`);
      assert.equal(img.status, 200);
      assert.equal(img.headers.get('content-type'), 'image/png');
      assert.equal(img.headers.get('x-content-type-options'), 'nosniff');

      const noted = await post(mia, `${mb()}/cases/${caseId}/notes`, { csrf, text: 'Two witnesses confirm.' });
      assert.equal(noted.status, 303);
      assert.match((await page(mia, `${mb()}/cases/${caseId}`)).text, /Two witnesses confirm\./);

      const refused = await post(mia, `${mb()}/cases/${caseId}/decision`, { csrf, facts: FACTS, category: 'griefing', sanction: 'exile' });
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), /role="alert">[^<]*sanction/);

      const decided = await post(mia, `${mb()}/cases/${caseId}/decision`, {
        csrf,
        facts: FACTS,
        category: 'griefing',
        sanction: 'suspension',
        durationDays: '7',
        automatedDetection: 'yes',
      });
      assert.equal(decided.status, 303, await decided.text());
      const after = await page(mia, `${mb()}/cases/${caseId}`);
      assert.match(after.text, new RegExp(FACTS));
      assert.match(after.text, /Do not wreck what others build\./);
      assert.match(after.text, /Detection: yes\. Decision: no\./);
      assert.match(after.text, /How to appeal/);
      assert.doesNotMatch(after.text, /Decide and notify/, 'a decided case has no decision form');
    });

    it('Tom appeals; Mia is refused on her own decision with a human message; Max decides', async () => {
      const file = await asPerson(story, story.mia, 'GET', `/moderation/v1/worlds/${story.moonbase.id}/cases/${caseId}`);
      const decisionId = String((file.json().decisions as Array<{ id: string }>)[0]?.id);
      const appealed = await asPerson(story, story.tom, 'POST', `/moderation/v1/me/decisions/${decisionId}/appeal`, {
        text: 'It was my own greenhouse.',
      });
      assert.equal(appealed.status, 201, appealed.text);
      const appealId = String(appealed.json().appealId ?? appealed.json().id);

      const list = await page(mia, `${mb()}/appeals`);
      assert.match(list.text, /It was my own greenhouse\./);
      const own = await post(mia, `${mb()}/appeals/${appealId}/decision`, {
        csrf: csrfOf(list.text),
        outcome: 'uphold',
        reasons: 'The facts are established.',
      });
      assert.ok(own.status === 403 || own.status === 409, String(own.status));
      assert.match(await own.text(), /role="alert">another moderator/);

      const maxList = await page(max, `${mb()}/appeals`);
      const done = await post(max, `${mb()}/appeals/${appealId}/decision`, {
        csrf: csrfOf(maxList.text),
        outcome: 'reverse',
        reasons: 'The greenhouse was his.',
      });
      assert.equal(done.status, 303);
      assert.match((await page(max, `${mb()}/appeals`)).text, /No open appeals/);
      assert.match((await page(max, `${mb()}/cases/${caseId}`)).text, /appeal reversed/);
    });

    it('the world statistics page charts the decisions', async () => {
      const stats = await page(mia, `${mb()}/statistics`);
      assert.equal(stats.status, 200, stats.text);
      assert.match(stats.text, /<svg /);
      assert.match(stats.text, /Decisions by sanction/);
    });

    it('the statistics download as CSV, with the same figures as the page and the public JSON', async () => {
      const r = await mia.fetch(`${mb()}/statistics.csv`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(r.headers.get('content-disposition') ?? '', /attachment; filename="moderation-/);
      const rows = (await r.text())
        .trimEnd()
        .split(/\r?\n/)
        .map((line) => line.split(','));
      assert.deepEqual(rows[0], ['section', 'key', 'value']);
      const value = (section: string, label: string) => rows.find((row) => row[0] === section && row[1] === label)?.[2];
      const json = await fetch(`${story.rt.url}/moderation/v1/worlds/${story.moonbase.id}/statistics`);
      const s = (await json.json()) as {
        reports: { total: number };
        decisions: { total: number; bySanction: Record<string, number> };
        appeals: { filed: number; reversed: number };
      };
      assert.equal(value('reports', 'total'), String(s.reports.total));
      assert.equal(value('decisions', 'total'), String(s.decisions.total));
      assert.ok(s.decisions.total >= 1);
      for (const [sanction, n] of Object.entries(s.decisions.bySanction)) assert.equal(value('decisions_by_sanction', sanction), String(n));
      assert.equal(value('appeals', 'filed'), String(s.appeals.filed));
      assert.equal(value('appeals', 'reversed'), String(s.appeals.reversed));
      const stats = await page(mia, `${mb()}/statistics`);
      assert.match(stats.text, new RegExp(`${s.decisions.total} decisions?\\b`));
      assert.match(stats.text, /statistics\.csv/);
    });

    it('a moderator of Moonbase is nobody in Starport; a member is nobody in the console', async () => {
      const sp = `/moderation/console/${story.starport.id}`;
      for (const path of [sp, `${sp}/appeals`, `${sp}/statistics`, `${sp}/statistics.csv`, `${sp}/cases/${caseId}`]) {
        const r = await page(mia, path);
        assert.equal(r.status, 403, path);
        assert.match(r.headers.get('content-type') ?? '', /text\/html/);
        assert.ok(!r.text.includes('Greenhouse') && !r.text.includes(caseId), 'no data of either world');
      }
      const csrf = csrfOf((await page(mia, `${mb()}/cases/${caseId}`)).text);
      assert.equal((await post(mia, `${sp}/cases/${caseId}/notes`, { csrf, text: 'cross-world' })).status, 403);
      const alice = await accountBrowser(story, story.alice);
      const r = await page(alice, mb());
      assert.equal(r.status, 403);
      assert.ok(!r.text.includes(caseId));
      const anonymous = await fetch(`${story.rt.url}${mb()}`, { headers: HTML });
      assert.equal(anonymous.status, 401);
    });
  });
}
