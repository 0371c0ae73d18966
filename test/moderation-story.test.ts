/**
 * The whole path, through the HTTP API on both engines: Alice reports Tom with a
 * screenshot; a moderator suspends Tom for 7 days with a statement of reasons; Tom is
 * refused at sign-in with that statement; his recovered account is still suspended there
 * but free in another world, and a second enrolment is refused; his appeal is heard by
 * another moderator, who reverses; Tom signs in again; the statistics and the public
 * transparency page reflect it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModerationStatistics, StatementOfReasons } from '../src/moderation/index.ts';
import { fetchModeration, moderationOf, restricts } from '../src/sdk/index.ts';
import { ENGINES } from './support/engines.ts';
import { asPerson, asWorld, type ModerationStory, SCREENSHOT, SCOPE, signInTo, startModerationStory } from './support/moderation.ts';
import * as oidc from 'openid-client';
import { authorize, Browser, enrolPersonWithoutPasskey, recoverPerson, signIn, walkSignInPages } from './support/worlds.ts';

const FACTS = 'On 1 June at the Moonbase plaza Tom told several residents that Alice steals from their builds, which is untrue.';

for (const engine of ENGINES) {
  describe(`moderation: report → decision → refused sign-in → appeal on ${engine}`, () => {
    let story: ModerationStory;
    let caseId: string;
    let reportId: string;
    let decisionId: string;
    let appealId: string;
    let tomInStarport: string;
    /** Tom's browser and refresh token from a sign-in to Moonbase before the decision. */
    let tomBefore: { browser: Browser; refreshToken: string };
    const mb = () => `/moderation/v1/worlds/${story.moonbase.id}`;

    before(async () => {
      story = await startModerationStory(engine);
    });
    after(async () => story.rt.stop());

    it('Alice uploads a screenshot and reports Tom by his handle under a published rule', async () => {
      const before = await signIn(story.rt, story.moonbase.config, story.tom, story.moonbase.redirect, `${SCOPE} offline_access`);
      tomBefore = { browser: before.browser, refreshToken: String(before.tokens.refresh_token) };
      const up = await asPerson(story, story.alice, 'POST', `${mb()}/evidence`, new Uint8Array(SCREENSHOT), 'image/png');
      assert.equal(up.status, 201, up.text);
      const evidence = up.json();
      assert.equal(evidence.contentType, 'image/png');
      assert.match(String(evidence.sha256), /^[0-9a-f]{64}$/);
      const filed = await asPerson(story, story.alice, 'POST', `${mb()}/reports`, {
        subject: 'Tom',
        category: 'harassment',
        text: 'Tom keeps telling everyone I steal builds.',
        occurredAt: '2026-06-01T10:00:00Z',
        location: 'plaza',
        evidence: [evidence.sha256],
      });
      assert.equal(filed.status, 201, filed.text);
      assert.equal(filed.json().caseId, undefined, 'a person reporter never learns the case id');
      reportId = String(filed.json().reportId);
    });

    it('the case is in the queue; a moderator reads the file and the evidence, assigns it and notes it', async () => {
      const queue = await asPerson(story, story.mia, 'GET', `${mb()}/cases`);
      assert.equal(queue.status, 200, queue.text);
      const cases = queue.json().cases as Array<Record<string, unknown>>;
      assert.equal(cases.length, 1);
      caseId = String(cases[0]?.id);
      const file = await asPerson(story, story.mia, 'GET', `${mb()}/cases/${caseId}`);
      assert.equal(file.status, 200, file.text);
      const report = (file.json().reportList as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
      const [evidence] = report.evidence as Array<{ sha256: string }>;
      const bytes = await fetch(`${story.rt.url}${mb()}/cases/${caseId}/evidence/${evidence?.sha256}`, {
        headers: { authorization: `Bearer ${story.mia.sessionToken}` },
      });
      assert.equal(bytes.status, 200);
      assert.equal(bytes.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), SCREENSHOT);
      const assigned = await asPerson(story, story.mia, 'POST', `${mb()}/cases/${caseId}/assign`, {});
      assert.equal(assigned.status, 200, assigned.text);
      assert.equal(assigned.json().assignedTo, (await signInTo(story, story.mia, story.moonbase)).sub);
      const note = await asPerson(story, story.mia, 'POST', `${mb()}/cases/${caseId}/notes`, { text: 'Two witnesses confirm.' });
      assert.equal(note.status, 201, note.text);
    });

    it('the moderator suspends Tom for 7 days with a statement of reasons shaped for the Transparency Database', async () => {
      const decided = await asPerson(story, story.mia, 'POST', `${mb()}/cases/${caseId}/decision`, {
        facts: FACTS,
        sanction: { type: 'suspension', durationDays: 7 },
        automated: { detection: false, decision: false },
      });
      assert.equal(decided.status, 201, decided.text);
      const { decisionId: id, statement } = decided.json() as { decisionId: string; statement: StatementOfReasons };
      decisionId = id;
      assert.equal(statement.facts, FACTS);
      assert.equal(statement.rule.category, 'harassment');
      assert.equal(statement.sanction.type, 'suspension');
      assert.equal(Date.parse(String(statement.sanction.endsAt)) - Date.parse(statement.sanction.startsAt), 7 * 86_400_000);
      assert.deepEqual(statement.automated, { detection: false, decision: false });
      assert.match(statement.redress.appeal.how, /appeal/i);
      const tdb = statement.transparencyDatabase;
      assert.equal(tdb.puid, decisionId);
      assert.equal(tdb.decision_account, 'DECISION_ACCOUNT_SUSPENDED');
      assert.equal(tdb.decision_ground, 'DECISION_GROUND_INCOMPATIBLE_CONTENT');
      assert.equal(tdb.incompatible_content_ground, 'harassment');
      assert.equal(tdb.automated_detection, 'No');
      assert.equal(tdb.source_type, 'SOURCE_ARTICLE_16');
      assert.equal(tdb.end_date_account_restriction, statement.sanction.endsAt?.slice(0, 10));
      const again = await asPerson(story, story.max, 'POST', `${mb()}/cases/${caseId}/decision`, {
        facts: FACTS,
        sanction: { type: 'ban' },
      });
      assert.equal(again.status, 409);
      assert.equal(again.json().code, 'moderation_case_decided');
    });

    it('Tom is told (the statement); Alice learns the outcome of her report, not the case file', async () => {
      const tom = await asPerson(story, story.tom, 'GET', '/moderation/v1/me/notices');
      const notice = (tom.json().notices as Array<{ kind: string; body: { statement: StatementOfReasons } }>).find(
        (n) => n.kind === 'decision',
      );
      assert.equal(notice?.body.statement.facts, FACTS);
      const outcome = await asPerson(story, story.alice, 'GET', `${mb()}/reports/${reportId}`);
      assert.equal(outcome.status, 200, outcome.text);
      assert.equal(outcome.json().status, 'decided');
      assert.deepEqual((outcome.json().outcome as Record<string, unknown>).decision, 'action_taken');
      const alice = await asPerson(story, story.alice, 'GET', '/moderation/v1/me/notices');
      assert.ok((alice.json().notices as Array<{ kind: string }>).some((n) => n.kind === 'report_outcome'));
      assert.ok(!alice.text.includes(FACTS), 'the reporter does not receive the statement');
      const file = await asPerson(story, story.alice, 'GET', `${mb()}/cases/${caseId}`);
      assert.equal(file.status, 403);
    });

    it('the world sees the suspension through the API and the SDK', async () => {
      const tomSub = (await signInTo(story, story.tom, story.starport)).sub;
      tomInStarport = tomSub;
      const state = await asWorld(story, story.moonbase, 'GET', `${mb()}/sanctions/Tom`);
      assert.equal(state.status, 200, state.text);
      assert.equal(state.json().state, 'suspension');
      assert.ok(state.json().until);
      const sdk = await fetchModeration({
        baseUrl: story.rt.url,
        clientId: story.moonbase.id,
        clientSecret: story.moonbase.secret,
        subject: 'Tom',
      });
      assert.equal(sdk.state, 'suspension');
      assert.equal(restricts(sdk, 'chat', story.rt.clock.now()), true);
    });

    it('Tom is refused at sign-in to Moonbase with the statement of reasons and how to appeal; Starport lets him in', async () => {
      const browser = new Browser(story.rt.url);
      const req = await authorize(story.moonbase.config, story.moonbase.redirect, SCOPE);
      const end = await walkSignInPages(story.rt, browser, story.tom, req.url);
      assert.equal(end.kind, 'page');
      if (end.kind !== 'page') return;
      assert.equal(end.status, 403);
      assert.match(end.html, /cannot sign in to Moonbase/);
      assert.ok(end.html.includes(FACTS.replaceAll("'", '&#39;')), 'the page quotes the facts');
      assert.match(end.html, /harassment/);
      assert.match(end.html, /appeal/i);
      const starport = await signInTo(story, story.tom, story.starport);
      assert.equal((starport.claims.mvid_moderation as { state: string }).state, 'none');
    });

    it('a session from before the suspension does not carry Tom in: his refresh token fails, his browser gets the refusal page', async () => {
      await assert.rejects(oidc.refreshTokenGrant(story.moonbase.config, tomBefore.refreshToken));
      const req = await authorize(story.moonbase.config, story.moonbase.redirect, SCOPE);
      const { response, url } = await tomBefore.browser.follow(req.url);
      assert.ok(url.startsWith(story.rt.url), `not sent back to the world: ${url}`);
      assert.equal(response.status, 403, `${url}: ${(await response.clone().text()).slice(0, 3000)}`);
      assert.match(await response.text(), /cannot sign in to Moonbase/);
      // A silent sign-in with that session is refused at the world, not answered with an error page or a 5xx.
      const silent = await authorize(story.moonbase.config, story.moonbase.redirect, SCOPE, { prompt: 'none' });
      const none = await tomBefore.browser.fetch(silent.url);
      assert.equal(none.status, 303, await none.text());
      assert.equal(new URL(String(none.headers.get('location'))).searchParams.get('error'), 'interaction_required');
      // His mvid account page still works: the suspension holds in Moonbase only.
      const account = await tomBefore.browser.fetch('/account');
      assert.equal(account.status, 200);
      assert.match(await account.text(), /Moonbase/);
    });

    it('ban evasion: the recovered account is still suspended in Moonbase, free in Starport; a second enrolment is refused', async () => {
      story.tom = await recoverPerson(story.rt, story.tom);
      const end = await walkSignInPages(
        story.rt,
        new Browser(story.rt.url),
        story.tom,
        (await authorize(story.moonbase.config, story.moonbase.redirect, SCOPE)).url,
      );
      assert.equal(end.kind, 'page');
      assert.equal(end.kind === 'page' && end.status, 403);
      assert.equal((await signInTo(story, story.tom, story.starport)).sub, tomInStarport, 'recovery keeps the pseudonym');
      await assert.rejects(
        enrolPersonWithoutPasskey(story.rt, story.tom.claims),
        (e: { code?: string }) => e.code === 'person_already_enrolled',
      );
    });

    it('Tom appeals; the deciding moderator may not hear it; another moderator reverses; Tom signs in again', async () => {
      const view = await asPerson(story, story.tom, 'GET', `/moderation/v1/me/worlds/${story.moonbase.id}`);
      assert.equal(view.status, 200, view.text);
      assert.equal(view.json().state, 'suspension');
      assert.equal((view.json().trust as { level: string }).level, 'restricted');
      const filed = await asPerson(story, story.tom, 'POST', `/moderation/v1/me/decisions/${decisionId}/appeal`, {
        text: 'I was quoting a joke from the stage; I never said Alice steals.',
      });
      assert.equal(filed.status, 201, filed.text);
      appealId = String(filed.json().appealId);
      const twice = await asPerson(story, story.tom, 'POST', `/moderation/v1/me/decisions/${decisionId}/appeal`, { text: 'again' });
      assert.equal(twice.json().code, 'appeal_exists');
      const open = await asPerson(story, story.max, 'GET', `${mb()}/appeals`);
      assert.equal((open.json().appeals as unknown[]).length, 1);
      const same = await asPerson(story, story.mia, 'POST', `${mb()}/appeals/${appealId}/decision`, {
        outcome: 'uphold',
        reasons: 'I stand by my decision.',
      });
      assert.equal(same.status, 403);
      assert.equal(same.json().code, 'appeal_same_moderator');
      const reversed = await asPerson(story, story.max, 'POST', `${mb()}/appeals/${appealId}/decision`, {
        outcome: 'reverse',
        reasons: 'The recording shows Tom quoting a performer; no rumour was spread.',
      });
      assert.equal(reversed.status, 200, reversed.text);
      assert.equal(reversed.json().status, 'reversed');
      const back = await signInTo(story, story.tom, story.moonbase);
      assert.equal(moderationOf(back.claims).state, 'none');
      assert.equal(typeof back.claims.trust_level, 'string');
      const notices = await asPerson(story, story.tom, 'GET', '/moderation/v1/me/notices');
      assert.ok((notices.json().notices as Array<{ kind: string }>).some((n) => n.kind === 'appeal_outcome'));
    });

    it('the statistics (JSON and CSV) and the public transparency page reflect it, without personal data', async () => {
      const stats = await fetch(`${story.rt.url}${mb()}/statistics`);
      assert.equal(stats.status, 200);
      const s = (await stats.json()) as ModerationStatistics;
      assert.equal(s.reports.total, 1);
      assert.deepEqual(s.reports.byCategory, { harassment: 1 });
      assert.equal(s.decisions.total, 1);
      assert.equal(s.decisions.bySanction.suspension, 1);
      assert.equal(s.sanctions.byType.suspension, 1);
      assert.equal(s.sanctions.inForce, 0);
      assert.equal(typeof s.medianTimeToDecisionSeconds, 'number');
      assert.deepEqual(s.appeals, { filed: 1, open: 0, upheld: 0, reversed: 1 });
      const csv = await (await fetch(`${story.rt.url}${mb()}/statistics.csv`)).text();
      assert.match(csv, /^section,key,value\n/);
      assert.match(csv, /appeals,reversed,1/);
      const openapi = (await (await fetch(`${story.rt.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      for (const path of [
        '/moderation/v1/worlds/{worldId}/reports',
        '/moderation/v1/worlds/{worldId}/cases/{caseId}/decision',
        '/moderation/v1/me/decisions/{decisionId}/appeal',
        '/moderation/v1/worlds/{worldId}/statistics',
      ])
        assert.ok(path in openapi.paths, path);
      const page = await (await fetch(`${story.rt.url}/transparency`)).text();
      assert.match(page, /Moonbase/);
      assert.match(page, /Moderation/);
      const tomSub = (await signInTo(story, story.tom, story.moonbase)).sub;
      for (const text of [JSON.stringify(s), csv, page]) {
        assert.ok(!text.includes(tomSub) && !text.includes('Tom') && !text.includes(FACTS), 'no personal data in statistics');
      }
    });
    it('trust levels grow with tenure in the world and what is shared there; a reversed sanction does not count', async () => {
      const w = story.moonbase.id;
      const level = async (p: { personId: string }) => (await story.rt.moderation.standing.trust(w, p.personId)).level;
      assert.equal(await level(story.alice), 'new');
      story.rt.clock.advanceDays(8);
      assert.equal(await level(story.alice), 'member');
      story.rt.clock.advanceDays(30);
      assert.equal(await level(story.alice), 'established', 'one attribute shared (age_over_18), no sanction');
      story.rt.clock.advanceDays(150);
      const alice = await story.rt.moderation.standing.trust(w, story.alice.personId);
      assert.equal(alice.level, 'established', 'trusted needs two attributes shared');
      assert.match(alice.reasons.join(' '), /share 1 attribute with this world \(age_over_18\)/);
      const tom = await story.rt.moderation.standing.trust(w, story.tom.personId);
      assert.equal(tom.level, 'trusted', 'age_over_18 and handle shared; the suspension was reversed');
      assert.equal((await story.rt.moderation.standing.trust(story.starport.id, story.tom.personId)).level, 'established');
    });
  });
}
