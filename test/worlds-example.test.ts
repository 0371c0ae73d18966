/**
 * The example world (examples/world/server.ts) runs as its own process against a
 * listening mvid, and a person signs in to it: what the docs promise works as written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BlindCredential, presentBlind } from '../src/bbs/index.ts';
import { ENGINES } from './support/engines.ts';
import { type ExampleWorld, startExampleWorld } from './support/example-world.ts';
import { Browser, enrolPerson, startWorldsRuntime, type TestPerson, walkSignIn, type WorldsRuntime } from './support/worlds.ts';

for (const engine of ENGINES) {
  describe(`the example world on ${engine}`, () => {
    let rt: WorldsRuntime;
    let world: ExampleWorld;
    let ada: TestPerson;
    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
      world = await startExampleWorld(rt);
      // It logs the address to open as it redirects to it (localhost), so following its log signs in.
      assert.match(world.output(), new RegExp(`Example World listening on ${world.url} `));
      ada = await enrolPerson(rt);
      await fetch(`${rt.url}/worlds/v1/me/worlds/${world.clientId}/handle`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ada.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handle: 'Ada' }),
      });
    });
    after(async () => {
      world?.stop();
      await rt?.stop();
    });

    it('signs a person in and shows sub, handle and age_over_18', async () => {
      const worldBrowser = new Browser(world.url);
      const login = await worldBrowser.fetch('/login');
      assert.equal(login.status, 302);
      const callback = await walkSignIn(rt, new Browser(rt.url), ada, login.headers.get('location') as string);
      const page = await worldBrowser.fetch(callback.href);
      const html = await page.text();
      assert.equal(page.status, 200, html);
      assert.match(html, /<dt>Handle<\/dt><dd>Ada<\/dd>/);
      assert.match(html, /<dt>Over 18<\/dt><dd>true<\/dd>/);
      assert.match(html, /<code>[A-Za-z0-9_-]{43}<\/code>/);
      assert.match(html, /<dt>Standing here<\/dt><dd>in good standing<\/dd>/);
    });

    it('has a report button: the world files a member’s report with mvid, and mvid opens a case', async () => {
      const bob = await enrolPerson(rt);
      const worldBrowser = new Browser(world.url);
      const login = await worldBrowser.fetch('/login');
      const callback = await walkSignIn(rt, new Browser(rt.url), bob, login.headers.get('location') as string);
      const welcome = await worldBrowser.fetch(callback.href);
      assert.match(await welcome.text(), /action="\/report"/);
      const filed = await worldBrowser.fetch('/report', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ subject: 'Ada', category: 'harassment', text: 'Ada shouted at newcomers.' }).toString(),
      });
      const html = await filed.text();
      assert.equal(filed.status, 200, html);
      assert.match(html, /Report filed/);
      const [opened] = await rt.moderation.cases.queue(world.clientId);
      assert.equal(opened?.subject, rt.worlds.subjectFor(world.clientId, ada.personId));
      assert.equal(opened?.reports, 1);
    });

    it('signs a person in blind: the wallet presents, the world verifies offline, a replay is refused', async () => {
      // The world's process reads the real time: issue for this week, not the runtime's test date.
      rt.clock.set(new Date());
      const eve = await enrolPerson(rt);
      const batch = await fetch(`${rt.url}/worlds/v1/me/blind-credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${eve.sessionToken}` },
      });
      const body = await batch.text();
      assert.equal(batch.status, 200, body);
      const [credential] = (JSON.parse(body) as { credentials: BlindCredential[] }).credentials;
      const worldBrowser = new Browser(world.url);
      const login = await worldBrowser.fetch('/login/blind');
      const html = await login.text();
      assert.match(html, new RegExp(`href="${rt.url}/wallet#[A-Za-z0-9_-]+"`), 'a link to the wallet, the request in the fragment');
      assert.match(html, /rel="noreferrer"/);
      const request = JSON.parse((/data-request="([^"]+)"/.exec(html)?.[1] ?? '').replaceAll('&#34;', '"')) as {
        world: string;
        nonce: string;
        require: ['age_over_18'];
      };
      const presentation = presentBlind(credential as BlindCredential, request.world, request.nonce, request.require);
      const signIn = () =>
        worldBrowser.fetch('/callback/blind', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ presentation }),
        });
      const welcome = await signIn();
      const page = await welcome.text();
      assert.equal(welcome.status, 200, page);
      assert.ok(page.includes(`<code>${rt.worlds.blind.pseudonymFor(world.clientId, eve.personId)}</code>`));
      assert.match(page, /<dt>Over 18<\/dt><dd>true<\/dd>/);
      assert.equal((await signIn()).status, 400, 'the nonce answered once');
    });
  });
}
