/**
 * A world that uses only blind sign-in knows its users by their blind pseudonym, never by an
 * OIDC subject (docs/blind-signin.md): registered with `pseudonyms: "blind"`, it files a
 * report naming Tom's blind pseudonym — the one his wallet shows it — and every moderation
 * answer (roles, the case queue and file, the decision's statement of reasons, appeals, Tom's
 * standing) names persons by their blind pseudonyms and never by their OIDC subjects. A world
 * with the default setting is unchanged; switching the setting (admin API, CLI) is logged
 * with the previous kind. On both engines.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { type BlindCredential, presentBlind } from '../src/bbs/index.ts';
import { runCli } from '../src/cli/main.ts';
import { createLogger } from '../src/server/index.ts';
import { captureIo } from './support/cli.ts';
import { ENGINES } from './support/engines.ts';
import {
  asPerson,
  asWorld,
  claimHandle,
  type ModerationStory,
  moderatedWorld,
  signInTo,
  startModerationStory,
  type TestWorld,
} from './support/moderation.ts';
import { enrolPerson, type TestPerson } from './support/worlds.ts';

const FACTS = 'On 2 June at the dock Tom threatened several residents, which the logs confirm.';

for (const engine of ENGINES) {
  describe(`moderation in a blind-only world on ${engine}`, () => {
    let story: ModerationStory;
    let blindside: TestWorld;
    const logs: Array<Record<string, unknown>> = [];
    /** Each person's pseudonym in Blindside, as their wallet shows it to the world. */
    const blind = new Map<TestPerson, string>();
    let caseId: string;
    let decisionId: string;
    const bs = () => `/moderation/v1/worlds/${blindside.id}`;
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${story.rt.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${story.rt.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    /** What a wallet shows Blindside: a presentation made from the person's fresh credentials. */
    async function walletPseudonym(person: TestPerson): Promise<string> {
      const r = await asPerson(story, person, 'POST', '/worlds/v1/me/blind-credentials');
      assert.equal(r.status, 200, r.text);
      const [credential] = r.json().credentials as BlindCredential[];
      return presentBlind(credential as BlindCredential, blindside.id, 'nonce', []).pseudonym;
    }
    /** Every OIDC subject any of the story's persons has (or would have) in Blindside. */
    const oidcSubjects = () =>
      [story.alice, story.tom, story.mia, story.max].map((p) => story.rt.worlds.subjectFor(blindside.id, p.personId));
    /** Every moderation answer about Blindside so far. */
    const blindsideAnswers = () => story.seen.filter((s) => s.path.startsWith(bs()));

    before(async () => {
      const sink = new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      });
      story = await startModerationStory(engine, { logger: createLogger('info', sink) });
      blindside = await moderatedWorld(story.rt, 'Blindside', 'http://127.0.0.1:9/blindside/callback', { pseudonyms: 'blind' });
      for (const p of [story.alice, story.tom, story.mia, story.max]) blind.set(p, await walletPseudonym(p));
    });
    after(async () => story?.rt.stop());

    it('the world is registered with its kind, and the registration is logged with it', async () => {
      const shown = await admin('GET', `/admin/v1/worlds/${blindside.id}`);
      assert.equal(((await shown.json()) as { pseudonyms: string }).pseudonyms, 'blind');
      const moonbase = (await (await admin('GET', `/admin/v1/worlds/${story.moonbase.id}`)).json()) as { pseudonyms: string };
      assert.equal(moonbase.pseudonyms, 'oidc', 'the default');
      assert.ok(logs.some((l) => l.msg === 'world registered' && l.world === blindside.id && l.pseudonyms === 'blind'));
    });

    it('roles: the world names its moderator by her blind pseudonym and hears it back', async () => {
      const mia = blind.get(story.mia) as string;
      const granted = await asWorld(story, blindside, 'PUT', `${bs()}/roles`, { subject: mia, role: 'moderator' });
      assert.equal(granted.status, 200, granted.text);
      assert.equal(granted.json().subject, mia);
      const roles = await asWorld(story, blindside, 'GET', `${bs()}/roles`);
      assert.deepEqual(
        (roles.json().roles as Array<{ subject: string }>).map((r) => r.subject),
        [mia],
      );
    });

    it('the world files a report naming Tom by his blind pseudonym; the queue and the case file name everyone so', async () => {
      const tom = blind.get(story.tom) as string;
      const filed = await asWorld(story, blindside, 'POST', `${bs()}/reports`, {
        reporter: blind.get(story.alice),
        subject: tom,
        category: 'harassment',
        text: 'Tom threatened me at the dock.',
      });
      assert.equal(filed.status, 201, filed.text);
      caseId = String(filed.json().caseId);
      const queue = await asPerson(story, story.mia, 'GET', `${bs()}/cases`);
      assert.equal(queue.status, 200, queue.text);
      assert.deepEqual(
        (queue.json().cases as Array<{ id: string; subject: string }>).map((c) => [c.id, c.subject]),
        [[caseId, tom]],
      );
      const assigned = await asPerson(story, story.mia, 'POST', `${bs()}/cases/${caseId}/assign`, {});
      assert.equal(assigned.json().assignedTo, blind.get(story.mia));
      const file = await asWorld(story, blindside, 'GET', `${bs()}/cases/${caseId}`);
      assert.equal(file.status, 200, file.text);
      assert.equal(file.json().subject, tom);
      assert.equal((file.json().reportList as Array<{ reporter: string }>)[0]?.reporter, blind.get(story.alice));
    });

    it('the decision’s statement of reasons, the appeal and Tom’s standing are under his blind pseudonym', async () => {
      const tom = blind.get(story.tom) as string;
      const decided = await asPerson(story, story.mia, 'POST', `${bs()}/cases/${caseId}/decision`, {
        facts: FACTS,
        sanction: { type: 'suspension', durationDays: 7 },
      });
      assert.equal(decided.status, 201, decided.text);
      decisionId = String(decided.json().decisionId);
      const file = await asWorld(story, blindside, 'GET', `${bs()}/cases/${caseId}`);
      const [decision] = file.json().decisions as Array<{ moderator: string; statement: { facts: string; world: { id: string } } }>;
      assert.equal(decision?.moderator, blind.get(story.mia));
      assert.equal(decision?.statement.facts, FACTS);
      assert.equal(decision?.statement.world.id, blindside.id);
      const appealed = await asPerson(story, story.tom, 'POST', `/moderation/v1/me/decisions/${decisionId}/appeal`, {
        text: 'I was quoting a film line, not threatening anyone.',
      });
      assert.equal(appealed.status, 201, appealed.text);
      const appeals = await asPerson(story, story.mia, 'GET', `${bs()}/appeals`);
      assert.deepEqual(
        (appeals.json().appeals as Array<{ subject: string }>).map((a) => a.subject),
        [tom],
      );
      const state = await asWorld(story, blindside, 'GET', `${bs()}/sanctions/${encodeURIComponent(tom)}`);
      assert.equal(state.status, 200, state.text);
      assert.equal(state.json().subject, tom);
      assert.equal(state.json().state, 'suspension');
    });

    it('no answer to the blind-only world carries an OIDC subject, and each names Tom by his blind pseudonym', () => {
      const answers = blindsideAnswers();
      assert.ok(answers.length >= 8, `${answers.length} answers`);
      for (const subject of oidcSubjects()) {
        for (const a of answers) assert.ok(!a.body.includes(subject), `${a.path} names an OIDC subject`);
      }
      const tom = blind.get(story.tom) as string;
      assert.ok(answers.filter((a) => a.body.includes(tom)).length >= 5);
    });

    it('a handle resolves to the blind pseudonym, which is indexed so the world can name the person back', async () => {
      const zoe = await enrolPerson(story.rt);
      await claimHandle(story.rt, zoe, blindside.id, 'Zoe');
      const filed = await asWorld(story, blindside, 'POST', `${bs()}/reports`, {
        subject: 'Zoe',
        category: 'griefing',
        text: 'Zoe wrecked the pier.',
      });
      assert.equal(filed.status, 201, filed.text);
      const state = await asWorld(story, blindside, 'GET', `${bs()}/sanctions/Zoe`);
      const named = String(state.json().subject);
      // Zoe never fetched credentials: the name moderation gave resolves because resolving her handle indexed it.
      const again = await asWorld(story, blindside, 'GET', `${bs()}/sanctions/${encodeURIComponent(named)}`);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json().subject, named);
      assert.equal(named, await walletPseudonym(zoe), 'the pseudonym her wallet will show');
    });

    it('a world with the default setting is unchanged: its OIDC subjects', async () => {
      const mb = `/moderation/v1/worlds/${story.moonbase.id}`;
      const tomSub = (await signInTo(story, story.tom, story.moonbase)).sub;
      const filed = await asPerson(story, story.alice, 'POST', `${mb}/reports`, {
        subject: 'Tom',
        category: 'griefing',
        text: 'Tom broke my tower.',
      });
      assert.equal(filed.status, 201, filed.text);
      const queue = await asPerson(story, story.mia, 'GET', `${mb}/cases`);
      assert.deepEqual(
        (queue.json().cases as Array<{ subject: string }>).map((c) => c.subject),
        [tomSub],
      );
      const state = await asWorld(story, story.moonbase, 'GET', `${mb}/sanctions/${encodeURIComponent(blind.get(story.tom) as string)}`);
      assert.equal(state.status, 404, 'Blindside’s pseudonym means nothing in Moonbase');
      assert.equal((await asWorld(story, story.moonbase, 'GET', `${mb}/sanctions/Tom`)).json().subject, tomSub);
    });

    it('the operator switches a world’s kind (admin API): answers follow at once, and the change is logged with the previous kind', async () => {
      const sp = `/moderation/v1/worlds/${story.starport.id}`;
      const tomSub = (await signInTo(story, story.tom, story.starport)).sub;
      const tomBlind = story.rt.worlds.blind.pseudonymFor(story.starport.id, story.tom.personId);
      const stateOf = async (subject: string) =>
        (await asWorld(story, story.starport, 'GET', `${sp}/sanctions/${encodeURIComponent(subject)}`)).json();
      assert.equal((await stateOf(tomSub)).subject, tomSub);
      const switched = await admin('PUT', `/admin/v1/worlds/${story.starport.id}/pseudonyms`, { pseudonyms: 'blind' });
      assert.equal(switched.status, 200);
      assert.equal(((await switched.json()) as { pseudonyms: string }).pseudonyms, 'blind');
      assert.equal((await stateOf(tomSub)).subject, tomBlind, 'input of either kind resolves; the answer names the world’s kind');
      assert.equal((await stateOf(tomBlind)).subject, tomBlind);
      const changed = logs.filter((l) => l.msg === 'world pseudonyms changed' && l.world === story.starport.id);
      assert.equal(changed.length, 1);
      assert.equal(changed[0]?.previous, 'oidc');
      assert.equal(changed[0]?.pseudonyms, 'blind');
      assert.equal(changed[0]?.admin, 'worlds-test');
      // Setting the kind it already has changes nothing and logs nothing.
      assert.equal((await admin('PUT', `/admin/v1/worlds/${story.starport.id}/pseudonyms`, { pseudonyms: 'blind' })).status, 200);
      assert.equal(logs.filter((l) => l.msg === 'world pseudonyms changed' && l.world === story.starport.id).length, 1);
      await admin('PUT', `/admin/v1/worlds/${story.starport.id}/pseudonyms`, { pseudonyms: 'oidc' });
      assert.equal((await stateOf(tomBlind)).subject, tomSub);
    });

    it('refuses a kind that is neither, an unknown world and a non-administrator', async () => {
      const bad = await admin('PUT', `/admin/v1/worlds/${story.starport.id}/pseudonyms`, { pseudonyms: 'handle' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { code: string }).code, 'validation_failed');
      const atRegistration = await admin('POST', '/admin/v1/worlds', {
        name: 'Oddworld',
        redirectUris: ['http://127.0.0.1:9/odd/callback'],
        purpose: 'To run it.',
        rules: [],
        claims: [],
        pseudonyms: 'both',
      });
      assert.equal(atRegistration.status, 400);
      const unknown = await admin('PUT', '/admin/v1/worlds/w_nope/pseudonyms', { pseudonyms: 'blind' });
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as { code: string }).code, 'world_not_found');
      const asTom = await asPerson(story, story.tom, 'PUT', `/admin/v1/worlds/${story.starport.id}/pseudonyms`, { pseudonyms: 'blind' });
      assert.equal(asTom.status, 401);
    });

    it('mvid worlds pseudonyms sets the kind in the database the server uses; list shows it', async () => {
      const db = story.rt.database;
      const run = async (args: string[]) => {
        const io = captureIo({
          MVID_DATA_DIR: db.dataDir,
          MVID_PUBLIC_URL: story.rt.url,
          ...(db.location.engine === 'postgres' ? { MVID_DATABASE_URL: db.location.url } : {}),
        });
        return { code: await runCli(['worlds', ...args], io), out: io.stdout, err: io.stderr };
      };
      const set = await run(['pseudonyms', story.starport.id, 'blind']);
      assert.equal(set.code, 0, set.err);
      assert.match(set.out, /pseudonyms oidc → blind/);
      const shown = (await (await admin('GET', `/admin/v1/worlds/${story.starport.id}`)).json()) as { pseudonyms: string };
      assert.equal(shown.pseudonyms, 'blind');
      assert.match((await run(['list'])).out, new RegExp(`${story.starport.id}  Starport  enabled  pseudonyms=blind`));
      assert.match((await run(['pseudonyms', story.starport.id, 'blind'])).out, /already uses blind/);
      assert.equal((await run(['pseudonyms', story.starport.id, 'handle'])).code, 2);
      const added = await run([
        'add',
        '--name',
        'Quietside',
        '--redirect-uri',
        'http://127.0.0.1:9/quiet/callback',
        '--purpose',
        'To run it.',
        '--pseudonyms',
        'blind',
      ]);
      assert.equal(added.code, 0, added.err);
      assert.match(added.out, /pseudonyms {4}blind/);
    });
  });
}
