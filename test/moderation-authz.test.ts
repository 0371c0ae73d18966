/**
 * Moderation under attack, on both engines: world A cannot read or act on world B's
 * reports, cases or sanctions; a reporter cannot read the case file; a moderator of A is
 * nobody in B; oversized, mistyped and unknown evidence is refused and a tampered blob is
 * detected; duplicate and flooding reports are rate-limited; trusted flaggers come first;
 * the repeat-offender policy escalates; a suspension ends on time; and nothing a
 * moderation route answers carries another world's pseudonym or any escrowed field.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkOffence } from '../src/disclosure/index.ts';
import { ENGINES } from './support/engines.ts';
import {
  accountBrowser,
  asPerson,
  asWorld,
  type ModerationStory,
  SCREENSHOT,
  SCOPE,
  signInTo,
  startModerationStory,
} from './support/moderation.ts';
import { authorize, Browser, csrfOf, walkSignInPages } from './support/worlds.ts';

const FACTS = 'Tom demolished the shared greenhouse twice in one evening.';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

for (const engine of ENGINES) {
  describe(`moderation: authorisation, evidence, limits and no disclosure on ${engine}`, () => {
    let story: ModerationStory;
    let caseId: string;
    let reportId: string;
    let decisionId: string;
    const mb = () => `/moderation/v1/worlds/${story.moonbase.id}`;
    const sp = () => `/moderation/v1/worlds/${story.starport.id}`;

    before(async () => {
      story = await startModerationStory(engine);
      const filed = await asWorld(story, story.moonbase, 'POST', `${mb()}/reports`, {
        reporter: 'Mia',
        subject: 'Tom',
        category: 'griefing',
        text: 'Greenhouse wrecked again.',
      });
      assert.equal(filed.status, 201, filed.text);
      caseId = String(filed.json().caseId);
      reportId = String(filed.json().reportId);
    });
    after(async () => story.rt.stop());

    it('world B cannot read or act on world A’s reports, cases or sanctions', async () => {
      for (const [method, path, body] of [
        ['GET', `${mb()}/cases`],
        ['GET', `${mb()}/cases/${caseId}`],
        ['POST', `${mb()}/cases/${caseId}/notes`, { text: 'B was here' }],
        ['GET', `${mb()}/reports/${reportId}`],
        ['GET', `${mb()}/sanctions/Tom`],
        ['PUT', `${mb()}/roles`, { subject: 'Tom', role: 'moderator' }],
        ['POST', `${mb()}/reports`, { subject: 'Tom', category: 'griefing', text: 'from B' }],
      ] as const) {
        const r = await asWorld(story, story.starport, method, path, body);
        assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
      }
      // A's ids under B's own paths are simply not there.
      assert.equal((await asWorld(story, story.starport, 'GET', `${sp()}/cases/${caseId}`)).status, 404);
      assert.equal((await asWorld(story, story.starport, 'GET', `${sp()}/reports/${reportId}`)).status, 404);
    });

    it('a moderator of A is nobody in B; a reporter and the subject cannot read the case file; the world cannot decide', async () => {
      assert.equal((await asPerson(story, story.mia, 'GET', `${sp()}/cases`)).status, 403);
      const decideInB = await asPerson(story, story.mia, 'POST', `${sp()}/cases/${caseId}/decision`, {
        facts: FACTS,
        sanction: { type: 'ban' },
      });
      assert.equal(decideInB.status, 403);
      for (const p of [story.alice, story.tom]) {
        assert.equal((await asPerson(story, p, 'GET', `${mb()}/cases/${caseId}`)).status, 403);
        assert.equal((await asPerson(story, p, 'GET', `${mb()}/cases`)).status, 403);
      }
      const byWorld = await asWorld(story, story.moonbase, 'POST', `${mb()}/cases/${caseId}/decision`, {
        facts: FACTS,
        sanction: { type: 'ban' },
      });
      assert.equal(byWorld.status, 403);
      const tomReads = await asPerson(story, story.tom, 'GET', `${mb()}/reports/${reportId}`);
      assert.equal(tomReads.status, 404, 'only the reporter reads a report’s outcome');
      const noAuth = await fetch(`${story.rt.url}${mb()}/cases`);
      assert.equal(noAuth.status, 401);
      const wrongSecret = await asWorld(story, { ...story.moonbase, secret: 'mvcs_wrong' }, 'GET', `${mb()}/cases`);
      assert.equal(wrongSecret.status, 401);
    });

    it('refuses unknown subjects, rules that are not published, and self-reports', async () => {
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ subject: 'Nobody', category: 'griefing', text: 'x' }, 404, 'moderation_subject_unknown'],
        [{ subject: 'Tom', category: 'being_annoying', text: 'x' }, 422, 'moderation_rule_unknown'],
        [{ subject: 'Tom', category: 'griefing', text: 'x', evidence: ['a'.repeat(64)] }, 422, 'moderation_evidence_unknown'],
      ];
      for (const [body, status, code] of cases) {
        const r = await asPerson(story, story.alice, 'POST', `${mb()}/reports`, body);
        assert.equal(r.status, status, r.text);
        assert.equal(r.json().code, code);
      }
      // Tom's Starport pseudonym means nothing in Moonbase.
      const tomInStarport = (await signInTo(story, story.tom, story.starport)).sub;
      const cross = await asPerson(story, story.alice, 'POST', `${mb()}/reports`, {
        subject: tomInStarport,
        category: 'griefing',
        text: 'x',
      });
      assert.equal(cross.json().code, 'moderation_subject_unknown');
      const self = await asPerson(story, story.tom, 'POST', `${mb()}/reports`, { subject: 'Tom', category: 'griefing', text: 'me' });
      assert.equal(self.status, 400);
    });

    it('evidence: oversized and mistyped uploads are refused; evidence of another world cannot be cited; a tampered blob is detected', async () => {
      const big = new Uint8Array(11 * 1024 * 1024);
      big.set(SCREENSHOT);
      const tooBig = await asPerson(story, story.alice, 'POST', `${mb()}/evidence`, big, 'image/png');
      assert.equal(tooBig.status, 413, tooBig.text);
      assert.equal(tooBig.json().code, 'evidence_too_large');
      const lying = await asPerson(
        story,
        story.alice,
        'POST',
        `${mb()}/evidence`,
        new TextEncoder().encode('<script>alert(1)</script>'),
        'image/png',
      );
      assert.equal(lying.status, 415, lying.text);
      assert.equal(lying.json().code, 'evidence_type_unsupported');
      const exe = await asPerson(
        story,
        story.alice,
        'POST',
        `${mb()}/evidence`,
        new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]),
        'application/octet-stream',
      );
      assert.equal(exe.status, 415, exe.text);
      const inB = await asPerson(story, story.alice, 'POST', `${sp()}/evidence`, new Uint8Array(SCREENSHOT), 'image/png');
      assert.equal(inB.status, 201, inB.text);
      const sha = String(inB.json().sha256);
      const cited = await asPerson(story, story.alice, 'POST', `${mb()}/reports`, {
        subject: 'Tom',
        category: 'harassment',
        text: 'x',
        evidence: [sha],
      });
      assert.equal(cited.json().code, 'moderation_evidence_unknown', 'evidence uploaded to B is not A’s');
      const up = await asPerson(story, story.alice, 'POST', `${mb()}/evidence`, new Uint8Array(SCREENSHOT), 'image/png');
      const filed = await asPerson(story, story.alice, 'POST', `${mb()}/reports`, {
        subject: 'Tom',
        category: 'harassment',
        text: 'see screenshot',
        evidence: [up.json().sha256],
      });
      assert.equal(filed.status, 201, filed.text);
      const file = (await asPerson(story, story.mia, 'GET', `${mb()}/cases`)).json().cases as Array<{ id: string; category: string }>;
      const harassment = file.find((c) => c.category === 'harassment')?.id;
      const url = `${mb()}/cases/${harassment}/evidence/${sha}`;
      assert.equal((await asPerson(story, story.mia, 'GET', url)).status, 200);
      // Flip one byte of the stored blob, wherever the store keeps it.
      const stored = filesUnder(story.rt.config.dataDir).filter((f) => {
        try {
          const bytes = Buffer.from(readFileSync(f));
          return bytes.subarray(bytes.length - SCREENSHOT.length).equals(SCREENSHOT);
        } catch {
          return false;
        }
      });
      assert.ok(stored.length >= 1, 'the blob is on disk');
      for (const f of stored) {
        const bytes = readFileSync(f);
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
        writeFileSync(f, bytes);
      }
      const tampered = await asPerson(story, story.mia, 'GET', url);
      assert.notEqual(tampered.status, 200, 'tampered evidence is never served');
      assert.equal(tampered.json().code, 'blob_integrity', tampered.text);
    });

    it('duplicate and flooding reports are rate-limited per reporter', async () => {
      const body = { subject: 'Tom', category: 'griefing', text: 'He did it again.' };
      const first = await asPerson(story, story.max, 'POST', `${mb()}/reports`, body);
      assert.equal(first.status, 201, first.text);
      const dup = await asPerson(story, story.max, 'POST', `${mb()}/reports`, body);
      assert.equal(dup.status, 429);
      assert.equal(dup.json().code, 'rate_limited');
      let last = 0;
      for (let i = 0; i < 12; i++) {
        const subject = i % 2 ? 'Mia' : 'Tom';
        const category = i % 4 < 2 ? 'harassment' : 'griefing';
        last = (await asPerson(story, story.alice, 'POST', `${mb()}/reports`, { subject, category, text: `flood ${i}` })).status;
      }
      assert.equal(last, 429, 'a flood is cut off');
    });

    it('a trusted flagger’s report goes ahead of older ones in the queue', async () => {
      const granted = await asWorld(story, story.moonbase, 'PUT', `${mb()}/roles`, { subject: 'Tom', role: 'trusted_flagger' });
      assert.equal(granted.status, 200, granted.text);
      story.rt.clock.advance(60_000);
      const flagged = await asPerson(story, story.tom, 'POST', `${mb()}/reports`, {
        subject: 'Max',
        category: 'harassment',
        text: 'Max threatened a newcomer.',
      });
      assert.equal(flagged.status, 201, flagged.text);
      const byPriority = (await asPerson(story, story.mia, 'GET', `${mb()}/cases`)).json().cases as Array<{
        id: string;
        subject: string;
        priority: number;
      }>;
      assert.equal(byPriority[0]?.priority, 10);
      const aboutMax = byPriority.find((c) => c.subject === story.rt.worlds.subjectFor(story.moonbase.id, story.max.personId));
      const own = await asPerson(story, story.max, 'POST', `${mb()}/cases/${aboutMax?.id}/decision`, {
        facts: FACTS,
        sanction: { type: 'none' },
      });
      assert.equal(own.status, 403, 'a moderator does not decide a case about themselves');
      const byAge = (await asPerson(story, story.mia, 'GET', `${mb()}/cases?sort=age`)).json().cases as Array<{ openedAt: string }>;
      assert.deepEqual(
        byAge.map((c) => c.openedAt),
        [...byAge.map((c) => c.openedAt)].sort(),
      );
      await asWorld(story, story.moonbase, 'DELETE', `${mb()}/roles/trusted_flagger/Tom`);
    });

    it('refuses decisions whose sanction terms or rule do not hold', async () => {
      const bad: Array<[Record<string, unknown>, number]> = [
        [{ facts: FACTS, sanction: { type: 'suspension' } }, 400],
        [{ facts: FACTS, sanction: { type: 'ban', durationDays: 3 } }, 400],
        [{ facts: FACTS, sanction: { type: 'warning', durationDays: 3 } }, 400],
        [{ facts: FACTS, sanction: { type: 'feature_restriction' } }, 400],
        [{ facts: FACTS, sanction: { type: 'mute', features: ['chat'] } }, 400],
        [{ facts: FACTS, sanction: { type: 'suspension', until: '2020-01-01T00:00:00Z' } }, 400],
        [{ facts: FACTS, sanction: { type: 'suspension', durationDays: 1, until: '2030-01-01T00:00:00Z' } }, 400],
        [{ facts: 'short', sanction: { type: 'warning' } }, 400],
        [{ facts: FACTS, category: 'loitering', sanction: { type: 'warning' } }, 422],
        [{ facts: FACTS, sanction: { type: 'exile' } }, 400],
        [{ facts: FACTS, sanction: { type: 'warning' }, dsaCategory: 'anything' }, 400],
      ];
      for (const [body, status] of bad) {
        const r = await asPerson(story, story.mia, 'POST', `${mb()}/cases/${caseId}/decision`, body);
        assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
      }
      const file = await asPerson(story, story.mia, 'GET', `${mb()}/cases/${caseId}`);
      assert.equal(file.json().status, 'open', 'nothing was decided');
    });

    it('a suspension ends on time: sign-in works again, the sweeper records it, the trust level explains', async () => {
      const decided = await asPerson(story, story.mia, 'POST', `${mb()}/cases/${caseId}/decision`, {
        facts: FACTS,
        // Half an hour, so the persons' one-hour registry sessions outlive it.
        sanction: { type: 'suspension', until: new Date(story.rt.clock.now().getTime() + 30 * 60_000).toISOString() },
      });
      assert.equal(decided.status, 201, decided.text);
      decisionId = String(decided.json().decisionId);
      const refused = await walkSignInPages(
        story.rt,
        new Browser(story.rt.url),
        story.tom,
        (await authorize(story.moonbase.config, story.moonbase.redirect, SCOPE)).url,
      );
      assert.equal(refused.kind === 'page' && refused.status, 403);
      const whyAnswer = await asPerson(story, story.tom, 'GET', `/moderation/v1/me/worlds/${story.moonbase.id}`);
      assert.equal(whyAnswer.status, 200, whyAnswer.text);
      const why = whyAnswer.json().trust as {
        level: string;
        reasons: string[];
      };
      assert.equal(why.level, 'restricted');
      assert.match(why.reasons.join(' '), /suspension is in force/);
      story.rt.clock.advance(30 * 60_000 + 1000);
      const back = await signInTo(story, story.tom, story.moonbase);
      assert.deepEqual(back.claims.mvid_moderation, { state: 'none', until: null, features: [] });
      assert.equal(typeof back.claims.trust_level, 'string');
      assert.equal(await story.rt.moderation.sweep(), 1);
      const state = await asWorld(story, story.moonbase, 'GET', `${mb()}/sanctions/Tom`);
      assert.equal(state.json().state, 'none');
      const trust = (await asPerson(story, story.tom, 'GET', `/moderation/v1/me/worlds/${story.moonbase.id}`)).json().trust as {
        level: string;
        reasons: string[];
      };
      assert.match(trust.reasons.join(' '), /1 sanction in this world/);
    });

    it('the repeat-offender policy (per world) escalates a mute to a suspension', async () => {
      const policy = await asWorld(story, story.moonbase, 'PUT', `${mb()}/settings`, {
        repeatOffender: { threshold: 1, windowDays: 30, escalateTo: 'suspension', suspensionDays: 10 },
      });
      assert.equal(policy.status, 200, policy.text);
      const queue = (await asPerson(story, story.mia, 'GET', `${mb()}/cases`)).json().cases as Array<{ id: string; subject: string }>;
      const tomSub = (await signInTo(story, story.tom, story.moonbase)).sub;
      const next = queue.find((c) => c.subject === tomSub);
      assert.ok(next);
      const decided = await asPerson(story, story.max, 'POST', `${mb()}/cases/${next.id}/decision`, {
        facts: FACTS,
        sanction: { type: 'mute', durationDays: 1 },
      });
      assert.equal(decided.status, 201, decided.text);
      const statement = decided.json().statement as { escalated: boolean; sanction: { type: string } };
      assert.equal(statement.escalated, true);
      assert.equal(statement.sanction.type, 'suspension');
      const inStarport = await asWorld(
        story,
        story.starport,
        'GET',
        `${sp()}/sanctions/${(await signInTo(story, story.tom, story.starport)).sub}`,
      );
      assert.equal(inStarport.json().state, 'none', 'Starport sees nothing of Moonbase');
    });

    it('the account page shows the standing, the trust level and why, the statement, and takes an appeal', async () => {
      const browser = await accountBrowser(story, story.tom);
      const html = await (await browser.fetch('/account')).text();
      assert.match(html, /<h2[^>]*>Moderation<\/h2>/);
      assert.match(html, /Moonbase/);
      assert.match(html, /Trust level: <strong>restricted<\/strong>/);
      assert.ok(html.includes(FACTS), 'the statement of reasons is quoted');
      const action = /action="(\/account\/moderation\/decisions\/[^"]+\/appeal)"/.exec(html)?.[1];
      assert.ok(action, 'an appeal form for the open decision');
      const forged = await browser.fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: 'forged', text: 'not me' }).toString(),
      });
      assert.equal(forged.status, 403);
      const appealed = await browser.fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: csrfOf(html), text: 'The greenhouse was mine to take down.' }).toString(),
      });
      assert.equal(appealed.status, 303);
      const open = await asPerson(story, story.mia, 'GET', `${mb()}/appeals`);
      assert.ok((open.json().appeals as Array<{ text: string }>).some((a) => a.text === 'The greenhouse was mine to take down.'));
    });

    it('mvid’s own report page files a report for a signed-in person, with evidence through the page’s script path', async () => {
      const anonymous = await new Browser(story.rt.url).fetch(`/moderation/report/${story.moonbase.id}`);
      assert.equal(anonymous.status, 303);
      const browser = await accountBrowser(story, story.mia);
      const form = await (await browser.fetch(`/moderation/report/${story.moonbase.id}`)).text();
      assert.match(form, /<option value="griefing">/);
      const csrf = csrfOf(form);
      const post = (fields: Record<string, string>) =>
        browser.fetch(`/moderation/report/${story.moonbase.id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        });
      assert.equal((await post({ csrf: 'forged', subject: 'Max', category: 'harassment', text: 'x' })).status, 403);
      const refused = await post({ csrf, subject: 'Max', category: 'loitering', text: 'x' });
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), /published rules/);
      const filed = await post({ csrf, subject: 'Max', category: 'harassment', text: 'Max mocked a newcomer at the dock.' });
      assert.equal(filed.status, 200);
      assert.match(await filed.text(), /Report filed \(mr_/);
      const upload = await browser.fetch(`/moderation/v1/worlds/${story.moonbase.id}/evidence`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'x-csrf-token': csrf },
        body: new Uint8Array(SCREENSHOT),
      });
      assert.equal(upload.status, 201);
      const noToken = await browser.fetch(`/moderation/v1/worlds/${story.moonbase.id}/evidence`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: new Uint8Array(SCREENSHOT),
      });
      assert.equal(noToken.status, 403, 'a cookie-authenticated upload needs the CSRF token');
    });

    it('authenticates and authorises before reading a body: a stranger 401, another world or a non-moderator 403, never a parse', async () => {
      // Invalid JSON over the app-wide limit: a parse would answer 400 or 413.
      const huge = `{"x":"${'a'.repeat(2 * 1024 * 1024)}`;
      const send = (method: string, path: string, authorization?: string) =>
        fetch(`${story.rt.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: huge,
        });
      const worldB = `Basic ${Buffer.from(`${story.starport.id}:${story.starport.secret}`).toString('base64')}`;
      const routes = [
        ['PUT', `${mb()}/roles`],
        ['PUT', `${mb()}/settings`],
        ['POST', `${mb()}/cases/${caseId}/assign`],
        ['POST', `${mb()}/cases/${caseId}/notes`],
        ['POST', `${mb()}/cases/${caseId}/decision`],
        ['POST', `${mb()}/appeals/x/decision`],
      ] as const;
      for (const [method, path] of [...routes, ['POST', `${mb()}/reports`], ['POST', `${mb()}/evidence`]] as const) {
        const stranger = await send(method, path);
        assert.equal(stranger.status, 401, `${method} ${path} as a stranger`);
        assert.equal(((await stranger.json()) as { code: string }).code, 'unauthenticated');
        const wrongSecret = await send(method, path, `Basic ${Buffer.from(`${story.moonbase.id}:guess`).toString('base64')}`);
        assert.equal(wrongSecret.status, 401, `${method} ${path} with a guessed secret`);
      }
      for (const [method, path] of routes) {
        const other = await send(method, path, worldB);
        assert.equal(other.status, 403, `${method} ${path} as world B: ${await other.text()}`);
        const member = await send(method, path, `Bearer ${story.alice.sessionToken}`);
        assert.equal(member.status, 403, `${method} ${path} as a member who is no moderator`);
      }
    });

    it('a flood of reports meets the per-person abuse limit (reportPrincipal, across worlds): 429 with Retry-After', async () => {
      const report = (worldId: string, subject: string) =>
        fetch(`${story.rt.url}/moderation/v1/worlds/${worldId}/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${story.alice.sessionToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ subject, category: 'griefing', text: 'again and again' }),
        });
      const { limit } = story.rt.app.deps.abuse.policy('reportPrincipal');
      let cut: Response | undefined;
      // Every attempt counts, refused ones too, so at most `limit` more attempts reach the cut.
      for (let i = 0; i <= limit && !cut; i++) {
        const r = await report(story.moonbase.id, 'Tom');
        if (r.status === 429 && /too many attempts/.test(((await r.json()) as { detail: string }).detail)) cut = r;
      }
      assert.ok(cut, 'the abuse limiter answers a flood');
      const wait = Number(cut.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= 3600, `Retry-After ${wait}`);
      // Another world, where the world's own per-world limit has not been reached: still refused.
      const elsewhere = await report(story.starport.id, story.rt.worlds.subjectFor(story.starport.id, story.tom.personId));
      assert.equal(elsewhere.status, 429);
      assert.ok(elsewhere.headers.get('retry-after'));
      // A domain refusal (a duplicate report) carries Retry-After too.
      const byMax = () =>
        fetch(`${story.rt.url}${mb()}/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${story.max.sessionToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ subject: 'Tom', category: 'harassment', text: 'He did it again.' }),
        });
      await byMax();
      const dup = await byMax();
      assert.equal(dup.status, 429);
      assert.ok(Number(dup.headers.get('retry-after')) > 0);
    });

    it('the legal gate refuses a disclosure request that cites a moderation case or decision', () => {
      for (const [category, statute] of [
        ['moderation_decision', 'StGB § 186'],
        ['stalking_harassment', `StGB § 238 per Moonbase moderation case ${caseId}`],
        ['fraud', `StGB § 263, see ${decisionId}`],
      ]) {
        assert.throws(
          () => checkOffence({ category: String(category), statute: String(statute) }),
          (e: { code?: string }) => e.code === 'offence_not_criminal',
        );
      }
    });

    it('no moderation response carries another world’s pseudonym or any escrowed field', async () => {
      const persons = [story.alice, story.tom, story.mia, story.max];
      const subs = { moonbase: [] as string[], starport: [] as string[] };
      for (const p of persons) {
        subs.moonbase.push(story.rt.worlds.subjectFor(story.moonbase.id, p.personId));
        subs.starport.push((await signInTo(story, p, story.starport)).sub);
      }
      assert.ok(subs.starport.includes(story.rt.worlds.subjectFor(story.starport.id, story.tom.personId)));
      const mine = await asPerson(story, story.tom, 'GET', `/moderation/v1/me/worlds/${story.moonbase.id}`);
      const notices = await asPerson(story, story.tom, 'GET', '/moderation/v1/me/notices');
      const file = await asWorld(story, story.moonbase, 'GET', `${mb()}/cases/${caseId}`);
      assert.ok(mine.status === 200 && notices.status === 200 && file.status === 200);
      assert.ok(story.seen.length > 30);
      const secrets = persons.flatMap((p) => [
        p.claims.given_name,
        p.claims.family_name,
        p.claims.birthdate,
        p.claims.document_number,
        p.claims.unique_id,
        p.claims.email,
        p.personId,
      ]);
      for (const { path, body } of story.seen) {
        const foreign = path.includes(story.starport.id) ? subs.moonbase : subs.starport;
        for (const sub of foreign) assert.ok(!body.includes(sub), `${path} answers another world’s pseudonym: ${body.slice(0, 200)}`);
        for (const s of secrets) assert.ok(!body.includes(String(s)), `${path} answers ${s}`);
        assert.doesNotMatch(body, /envelope|ciphertext|escrow/i, path);
      }
    });
  });
}
