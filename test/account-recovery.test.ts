/**
 * Recovery and cross-device enrolment in the browser, over HTTP, on both engines.
 *
 * Recovery: a person who lost their passkeys re-proves with a PID whose identifier matches
 * their uniqueness tag (the development form; a wallet on the same device). Every old
 * session ends — the old browser's, the registry's, and oidc-provider's sessions, grants
 * and tokens at worlds — the old passkeys are gone, the new browser adds a new one, the
 * world's pseudonym is the same and the recovery is logged. A wrong identifier recovers
 * nobody, and recovery is never offered cross-device.
 *
 * Cross-device enrolment: the page shows the request as a QR code; until the wallet on the
 * other device answers, "check again" shows the same code; once it answered, only the
 * browser that opened the request finishes it, and lands on the first passkey.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';
import { walletAnswers } from './support/wallet.ts';
import { parseEntry } from '../src/tlog/index.ts';
import { TestAuthenticator } from './support/webauthn.ts';
import {
  Browser,
  codeFlow,
  csrfOf,
  enrolPerson,
  registerWorld,
  startWorldsRuntime,
  type TestPerson,
  type WorldsRuntime,
  worldClient,
} from './support/worlds.ts';

const REDIRECT = 'http://localhost:9/recovery-world/callback';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const HTML = { accept: 'text/html' };

for (const engine of ENGINES) {
  describe(`recovery and cross-device enrolment in the browser on ${engine}`, () => {
    let rt: WorldsRuntime;
    let world: { clientId: string; clientSecret?: string };
    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
      world = await registerWorld(rt, {
        name: 'Recovery World',
        redirectUris: [REDIRECT],
        claims: [{ name: 'age_over_18', required: true }],
      });
    });
    after(async () => rt.stop());

    const post = (browser: Browser, path: string, fields: Record<string, string>) =>
      browser.fetch(path, { method: 'POST', headers: FORM, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
    const oidcRows = async (personId: string) =>
      (await rt.store.db.selectFrom('oidc_models').select('model').where('account_id', '=', personId).execute()).map((r) => r.model);

    /** A person with a passkey, signed in at the world in `browser` (mvid session, oidc-provider session and grant). */
    async function livingPerson(devId: string): Promise<{ person: TestPerson; browser: Browser; subject: string }> {
      const person = await enrolPerson(rt, personClaims({ unique_id: `DEV-${devId}`, unique_id_namespace: 'ZZ:dev' }));
      const browser = new Browser(rt.url);
      const tokens = await codeFlow(rt, await worldClient(rt, world), person, REDIRECT, 'openid age_over_18', browser);
      const subject = tokens.claims()?.sub as string;
      assert.equal((await browser.fetch('/account', { headers: HTML })).status, 200);
      assert.match(await (await browser.fetch('/account', { headers: HTML })).text(), /Your mvid account/);
      assert.ok((await oidcRows(person.personId)).length > 0, 'signed in at the world');
      return { person, browser, subject };
    }

    /** Recoveries in the public log (integrated or still queued). */
    async function loggedRecoveries(): Promise<number> {
      const queued = await rt.store.db.selectFrom('log_outbox').select('entry').execute();
      const leaves = await rt.store.db.selectFrom('tlog_leaves').select('entry').execute();
      return [...queued, ...leaves].filter((r) => {
        const e = parseEntry(r.entry) as { type: string; action?: string };
        return e.type === 'person_event' && e.action === 'recovered';
      }).length;
    }

    /** Registers a passkey for `person` from the browser session in `browser` (as the welcome page does). */
    async function withPasskey(browser: Browser, person: TestPerson): Promise<TestPerson> {
      const csrf = csrfOf(await (await browser.fetch('/account/welcome?recovered=1', { headers: HTML })).text());
      const headers = { 'x-csrf-token': csrf, 'content-type': 'application/json' };
      const options = await (await browser.fetch('/account/passkeys/options', { method: 'POST', headers, body: '{}' })).json();
      const added = await browser.fetch('/account/passkeys', {
        method: 'POST',
        headers,
        body: JSON.stringify(person.authenticator.create(options as never, rt.url)),
      });
      assert.equal(added.status, 200, await added.text());
      return person;
    }

    it('recovers with the development form: every old session ends, the passkeys go, the pseudonym stays, the log says so', async () => {
      const { person, browser: old, subject } = await livingPerson('ada-recovery-1');
      assert.equal((await rt.worlds.passkeys.list(person.personId)).length, 1);
      const recoveriesBefore = await loggedRecoveries();
      const fresh = new Browser(rt.url);
      const page = await fresh.fetch('/account/recover', { headers: HTML });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Recover your mvid account/);
      const csrf = csrfOf(html);
      const fields = {
        dev_id: 'ada-recovery-1',
        given_name: person.claims.given_name,
        family_name: person.claims.family_name,
        birthdate: person.claims.birthdate,
        nationality: person.claims.nationalities[0] as string,
      };
      assert.equal((await post(fresh, '/account/recover', fields)).status, 403, 'no CSRF token, no recovery');
      const wrong = await post(fresh, '/account/recover', { csrf, ...fields, dev_id: 'somebody-else' });
      assert.equal(wrong.status, 404);
      const wrongHtml = await wrong.text();
      assert.match(wrongHtml, /role="alert">Please check the form: no account matches this identity/);
      assert.match(wrongHtml, /value="somebody-else"/, 'the form comes back with what was typed');
      assert.equal((await rt.worlds.passkeys.list(person.personId)).length, 1, 'a refused recovery changes nothing');

      const done = await post(fresh, '/account/recover', { csrf: csrfOf(wrongHtml), ...fields });
      assert.equal(done.status, 303, await done.text());
      assert.equal(done.headers.get('location'), '/account/welcome?recovered=1');
      const welcome = await fresh.fetch('/account/welcome?recovered=1', { headers: HTML });
      assert.match(await welcome.text(), /Your account is recovered: every old session is signed out and your old passkeys are removed/);

      // Every old session is over: the old browser's, the registry's bearer session, the world's.
      assert.match(await (await old.fetch('/account', { headers: HTML })).text(), /Sign in to your mvid account/);
      const me = await fetch(`${rt.url}/registry/v1/me`, { headers: { authorization: `Bearer ${person.sessionToken}` } });
      assert.equal(me.status, 401);
      assert.deepEqual(await oidcRows(person.personId), [], 'no oidc-provider session, grant or token survives');
      // The lost passkeys open nothing any more.
      assert.deepEqual(await rt.worlds.passkeys.list(person.personId), []);
      const thief = new Browser(rt.url);
      const preCsrf = csrfOf(await (await thief.fetch('/account', { headers: HTML })).text());
      const options = await (
        await thief.fetch('/account/sign-in/options', { method: 'POST', headers: { 'x-csrf-token': preCsrf } })
      ).json();
      const stolen = await thief.fetch('/account/sign-in', {
        method: 'POST',
        headers: { 'x-csrf-token': preCsrf, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(person.authenticator.get(options as never, rt.url)),
      });
      assert.ok(stolen.status >= 400 && stolen.status < 500, `the old passkey is refused (${stolen.status})`);
      assert.ok(!thief.cookies.has('mvid_session'));

      // A new passkey from the new browser's session, and the world knows the person by the same pseudonym.
      const next: TestPerson = { ...person, authenticator: new TestAuthenticator() };
      assert.equal(rt.worlds.subjectFor(world.clientId, person.personId), subject);
      const again = await codeFlow(rt, await worldClient(rt, world), await withPasskey(fresh, next), REDIRECT, 'openid age_over_18', fresh);
      assert.equal(again.claims()?.sub, subject, 'the same pairwise pseudonym: sanctions still stick');

      // Logged: in the person's history and, as a salted commitment, in the public log.
      const events = await rt.store.db.selectFrom('registry_events').select('type').where('person_id', '=', person.personId).execute();
      assert.ok(events.some((e) => e.type === 'recovered'));
      assert.equal(await loggedRecoveries(), recoveriesBefore + 1);
    });

    it('recovers from a wallet on the same device, and never offers recovery cross-device', async () => {
      const { person, browser: old } = await livingPerson('ada-recovery-2');
      const fresh = new Browser(rt.url);
      const page = await (await fresh.fetch('/account/recover/wallet', { headers: HTML })).text();
      const link = /href="(openid4vp:\/\/[^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') as string;
      assert.ok(link, page);
      assert.doesNotMatch(page, /QR code/);
      const answered = await walletAnswers(rt, link, person.claims);
      assert.equal(answered.statusCode, 200, answered.body);
      const back = new URL(answered.json().redirect_uri);
      const done = await fresh.fetch(`${back.pathname}${back.search}`, { headers: HTML, redirect: 'manual' });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), '/account/welcome?recovered=1');
      assert.match(await (await old.fetch('/account', { headers: HTML })).text(), /Sign in to your mvid account/);
      assert.deepEqual(await rt.worlds.passkeys.list(person.personId), []);
      await assert.rejects(rt.registry.walletRequests.open({ purpose: 'recover', crossDevice: true }), /same device only/);
      // A wallet PID of nobody enrolled recovers nobody.
      const stranger = await (await new Browser(rt.url).fetch('/account/recover/wallet', { headers: HTML })).text();
      const strangerLink = /href="(openid4vp:\/\/[^"]+)"/.exec(stranger)?.[1]?.replaceAll('&amp;', '&') as string;
      const refused = await walletAnswers(rt, strangerLink, personClaims());
      assert.equal(refused.json().code, 'person_not_enrolled');
    });

    it('enrols from a wallet on another device: the page waits, then only its browser finishes', async () => {
      const desk = new Browser(rt.url);
      const first = await desk.fetch('/account/enrol/wallet/qr', { headers: HTML });
      assert.equal(first.status, 200);
      const html = await first.text();
      assert.match(html, /<figure class="qr"><svg /);
      const link = /<code id="wallet-request">([^<]+)<\/code>/.exec(html)?.[1]?.replaceAll('&amp;', '&') as string;
      assert.ok(link.startsWith('openid4vp://'));
      const csrf = csrfOf(html);
      assert.deepEqual(await (await desk.fetch('/account/enrol/wallet/state')).json(), { state: 'pending' });
      // "Check again" before the wallet answered: the same code, saying so.
      const notYet = await post(desk, '/account/enrol/wallet/finish', { csrf });
      assert.equal(notYet.status, 200);
      const notYetHtml = await notYet.text();
      assert.match(notYetHtml, /No answer from your wallet yet/);
      assert.ok(notYetHtml.includes(`<code id="wallet-request">${link.replaceAll('&', '&amp;')}</code>`), 'the same request');
      // Reloading shows the same request too (the person did not start again).
      const reloaded = await (await desk.fetch('/account/enrol/wallet/qr', { headers: HTML })).text();
      assert.ok(reloaded.includes(link.replaceAll('&', '&amp;')));
      const csrfNow = csrfOf(reloaded);

      const phone = await walletAnswers(rt, link, personClaims());
      assert.equal(phone.statusCode, 200, phone.body);
      assert.deepEqual(phone.json(), {}, 'nowhere to send the wallet: the desk goes on by itself');
      assert.deepEqual(await (await desk.fetch('/account/enrol/wallet/state')).json(), { state: 'answered' });

      // Another browser gets nothing: no cookie, no request; a forged form is refused.
      const other = new Browser(rt.url);
      const otherCsrf = csrfOf(await (await other.fetch('/account/enrol/wallet/qr', { headers: HTML })).text());
      const stolen = await post(other, '/account/enrol/wallet/finish', { csrf: otherCsrf });
      assert.equal(stolen.status, 200, 'its own, unanswered request');
      assert.ok(!other.cookies.has('mvid_session'));
      assert.equal((await post(desk, '/account/enrol/wallet/finish', {})).status, 403, 'no CSRF token');

      assert.equal((await post(desk, '/account/enrol/wallet/finish', { csrf: 'forged' })).status, 403, 'a forged token');
      const finished = await post(desk, '/account/enrol/wallet/finish', { csrf: csrfNow });
      assert.equal(finished.status, 303, await finished.text());
      assert.equal(finished.headers.get('location'), '/account/welcome');
      const welcome = await (await desk.fetch('/account/welcome', { headers: HTML })).text();
      assert.match(welcome, /Your identity is created\. Now add a passkey/);
      assert.equal((await desk.fetch('/account/enrol/wallet/state')).status, 404, 'the request is consumed');
      // A same-device request is never finished without its response code.
      const same = new Browser(rt.url);
      await same.fetch('/account/enrol/wallet', { headers: HTML });
      const sameCsrf = csrfOf(await (await same.fetch('/account/enrol', { headers: HTML })).text());
      assert.equal((await post(same, '/account/enrol/wallet/finish', { csrf: sameCsrf })).status, 404);
    });
  });
}
