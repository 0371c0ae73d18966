/**
 * A browser session that outlives its account. Closing an account ends the person's
 * provider sessions and mvid browser sessions in the same transaction, but a request in
 * flight at that moment (oidc-provider saves the session it loaded when it answers) writes
 * the session back: the browser then holds a live session of a closed — later swept —
 * account. The authorization endpoint answered 500 for it (oidc-provider found no account
 * and failed on the missing grant). Now that session is signed out: the person gets the
 * sign-in page, `prompt=none` gets `login_required` at the world, and mvid's own pages
 * treat the browser as signed out (an HTML page for a browser, problem+json for an API
 * client), never a 5xx; a consent page left open while the account closed refuses and
 * grants nothing. Both engines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { ENGINES } from './support/engines.ts';
import type { RequestOptions } from './support/webauthn.ts';
import {
  authorize,
  Browser,
  csrfOf,
  enrolPerson,
  registerWorld,
  signIn,
  startWorldsRuntime,
  type TestPerson,
  type WorldsRuntime,
  worldClient,
} from './support/worlds.ts';

const REDIRECT = 'http://127.0.0.1:9/ended/callback';
const SCOPE = 'openid age_over_18';
const HTML = { accept: 'text/html,application/xhtml+xml' };
const JSON_CLIENT = { accept: 'application/json' };
/** mvid's own pages that need a signed-in person. */
const PERSON_PAGES = ['/account/welcome', '/account/close', '/account/disclosures', '/moderation/v1/me/notices'];

for (const engine of ENGINES) {
  describe(`a browser session of an ended account on ${engine}`, () => {
    let rt: WorldsRuntime;
    let config: oidc.Configuration;

    before(async () => {
      rt = await startWorldsRuntime(engine);
      const world = await registerWorld(rt, {
        name: 'Ended World',
        redirectUris: [REDIRECT],
        claims: [{ name: 'age_over_18', required: true }],
      });
      config = await worldClient(rt, world);
    });
    after(async () => rt.stop());

    /** Signs the person in to the world, then closes the account while a request in flight writes the sessions back. */
    async function closedBehindTheBrowser(): Promise<{ person: TestPerson; browser: Browser }> {
      const person = await enrolPerson(rt);
      const { browser } = await signIn(rt, config, person, REDIRECT, SCOPE);
      await closeWhileInFlight(person);
      return { person, browser };
    }

    /** Closes the account; then a request in flight answers, writing back the provider state it loaded and keeping mvid's cookie valid. */
    async function closeWhileInFlight(person: TestPerson): Promise<void> {
      const db = rt.store.db;
      const inFlight = await db
        .selectFrom('oidc_models')
        .selectAll()
        .where('model', 'in', ['Session', 'Interaction'])
        .where('account_id', '=', person.personId)
        .execute();
      assert.ok(inFlight.some((row) => row.model === 'Session'));
      const closed = await fetch(`${rt.url}/registry/v1/me/close`, {
        method: 'POST',
        headers: { authorization: `Bearer ${person.sessionToken}` },
      });
      assert.equal(closed.status, 200, await closed.text());
      assert.equal((await db.selectFrom('oidc_models').select('id').where('account_id', '=', person.personId).execute()).length, 0);
      await db.insertInto('oidc_models').values(inFlight).execute();
      await db.updateTable('worlds_web_sessions').set({ revoked_at: null }).where('person_id', '=', person.personId).execute();
    }

    async function assertSignedOut(browser: Browser): Promise<void> {
      const silent = await authorize(config, REDIRECT, SCOPE, { prompt: 'none' });
      const none = await browser.fetch(silent.url);
      assert.equal(none.status, 303, await none.text());
      const back = new URL(String(none.headers.get('location')));
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
      assert.equal(back.searchParams.get('error'), 'login_required');

      for (const headers of [HTML, JSON_CLIENT]) {
        const req = await authorize(config, REDIRECT, SCOPE);
        const answer = await browser.fetch(req.url, { headers });
        assert.equal(answer.status, 303, `${headers.accept}: ${answer.status} ${(await answer.text()).slice(0, 300)}`);
        const interaction = String(answer.headers.get('location'));
        assert.match(interaction, /^\/interaction\/[A-Za-z0-9_-]+$/);
        const page = await browser.fetch(interaction, { headers: HTML });
        const body = await page.text();
        assert.equal(page.status, 200, body.slice(0, 300));
        assert.match(body, /Sign in to continue to Ended World/);
        assert.doesNotMatch(body, /You are signed in to mvid/, 'the ended account is not offered to continue');
      }

      const account = await browser.fetch('/account', { headers: HTML });
      assert.equal(account.status, 200);
      assert.doesNotMatch(await account.text(), /Close account|My worlds/, 'the account page shows sign-in, not the account');
      for (const path of PERSON_PAGES) {
        const page = await browser.fetch(path, { headers: HTML });
        assert.equal(page.status, 401, path);
        assert.match(String(page.headers.get('content-type')), /^text\/html/, path);
        await page.body?.cancel();
        const api = await browser.fetch(path, { headers: JSON_CLIENT });
        assert.equal(api.status, 401, path);
        assert.match(String(api.headers.get('content-type')), /^application\/problem\+json/, path);
        assert.equal(((await api.json()) as { code: string }).code, 'unauthenticated', path);
      }
    }

    it('closed: the authorization endpoint signs the browser out and asks for a sign-in, never a 500', async () => {
      const { browser } = await closedBehindTheBrowser();
      await assertSignedOut(browser);
    });

    // A provider session lasts 8 hours and retention at least a day, so by the time the sweeper runs the
    // written-back session has expired too: this keeps the sweep from turning into a 5xx later.
    it('swept by retention: the same, after the sweeper has deleted what retention allowed', async () => {
      const { person, browser } = await closedBehindTheBrowser();
      rt.clock.advance((rt.config.retentionDays + 1) * 86_400_000);
      const swept = await rt.registry.sweeper.sweep();
      assert.ok(swept.persons >= 1, JSON.stringify(swept));
      assert.equal(await rt.registry.self.status(person.personId), 'closed');
      await assertSignedOut(browser);
    });

    it('closed while the consent page is open: the page and its form refuse, nothing is granted or remembered', async () => {
      const person = await enrolPerson(rt);
      const browser = new Browser(rt.url);
      const signInPage = await browser.follow((await authorize(config, REDIRECT, SCOPE)).url);
      const uid = /\/interaction\/([^/?#]+)/.exec(signInPage.url)?.[1];
      const headers = { 'x-csrf-token': csrfOf(await signInPage.response.text()), 'content-type': 'application/json' };
      const options = (await (
        await browser.fetch(`/interaction/${uid}/passkey/options`, { method: 'POST', headers, body: '{}' })
      ).json()) as RequestOptions;
      const assertion = JSON.stringify(person.authenticator.get(options, rt.url));
      const signedIn = await browser.fetch(`/interaction/${uid}/passkey`, { method: 'POST', headers, body: assertion });
      const consent = await browser.follow(((await signedIn.json()) as { location: string }).location);
      const html = await consent.response.text();
      assert.match(html, /Ended World asks to know/);
      await closeWhileInFlight(person);

      const page = await browser.fetch(consent.url, { headers: HTML });
      assert.equal(page.status, 403);
      assert.match(await page.text(), /Account closed/);
      const form = new URLSearchParams({ csrf: csrfOf(html), decision: 'allow', 'claim:age_over_18': '1' }).toString();
      const posted = await browser.fetch(`${consent.url}/consent`, {
        method: 'POST',
        headers: { ...JSON_CLIENT, 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      assert.equal(posted.status, 403);
      assert.equal(((await posted.json()) as { code: string }).code, 'person_closed');
      const db = rt.store.db;
      assert.equal(
        (await db.selectFrom('worlds_consents').select('world_id').where('person_id', '=', person.personId).execute()).length,
        0,
      );
      const grants = await db
        .selectFrom('oidc_models')
        .select('id')
        .where('model', '=', 'Grant')
        .where('account_id', '=', person.personId)
        .execute();
      assert.equal(grants.length, 0);
    });
  });
}
