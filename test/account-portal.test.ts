/**
 * The person's portal over HTTP, as a browser uses it (cookie session, CSRF token on
 * every form): My worlds shows what a world received, the handle and the trust level
 * there, and withdrawing consent changes it; passkeys are renamed and removed (never
 * the last); the export download holds the worlds side and the issued credentials
 * too; closing needs the deliberate tick and ends everything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PersonExportDocument } from '../src/http/person-export.ts';
import { ENGINES } from './support/engines.ts';
import {
  addPasskey,
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

const REDIRECT = 'http://localhost:9/portal-world/callback';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

for (const engine of ENGINES) {
  describe(`the person portal on ${engine}`, () => {
    let rt: WorldsRuntime;
    let world: { clientId: string };
    let ada: TestPerson;
    let browser: Browser;

    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
      const registered = await registerWorld(rt, {
        name: 'Portal World',
        redirectUris: [REDIRECT],
        claims: [
          { name: 'age_over_18', required: true },
          { name: 'handle', required: false },
        ],
      });
      world = registered;
      ada = await enrolPerson(rt);
      const handle = await fetch(`${rt.url}/worlds/v1/me/worlds/${world.clientId}/handle`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ada.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handle: 'AdaL' }),
      });
      assert.equal(handle.status, 200);
      browser = new Browser(rt.url);
      await codeFlow(rt, await worldClient(rt, registered), ada, REDIRECT, 'openid age_over_18 handle', browser);
      await rt.credentials.issuance.issue(ada.personId, { kind: 'age' });
    });
    after(async () => rt.stop());

    async function account(): Promise<{ html: string; csrf: string }> {
      const r = await browser.fetch('/account');
      const html = await r.text();
      assert.equal(r.status, 200);
      assert.match(html, /Your mvid account/);
      return { html, csrf: csrfOf(html) };
    }
    const post = (path: string, fields: Record<string, string>) =>
      browser.fetch(path, { method: 'POST', headers: FORM, body: new URLSearchParams(fields).toString() });

    it('exports everything, the worlds side and the credentials included, as a download', async () => {
      const { csrf } = await account();
      assert.equal((await post('/account/export', {})).status, 403, 'no CSRF token, no export');
      const r = await post('/account/export', { csrf });
      assert.equal(r.status, 200);
      assert.match(String(r.headers.get('content-disposition')), /attachment; filename="mvid-export.json"/);
      const doc = (await r.json()) as PersonExportDocument;
      assert.equal(doc.format, 'mvid-person-export');
      assert.equal(doc.person.id, ada.personId);
      assert.ok(doc.envelopes.length > 0 && doc.holderKeys.length > 0 && doc.events.length > 0);
      const w = doc.worlds.worlds[0];
      assert.ok(w);
      assert.equal(w.world.name, 'Portal World');
      assert.equal(w.pseudonym, rt.worlds.subjectFor(world.clientId, ada.personId));
      assert.deepEqual(w.received, ['age_over_18', 'handle']);
      assert.deepEqual(
        doc.worlds.handles.map((h) => h.handle),
        ['AdaL'],
      );
      assert.equal(doc.worlds.grants.length, 1);
      assert.match(doc.worlds.grants[0]?.scope ?? '', /age_over_18/);
      assert.equal(doc.worlds.passkeys.length, 1);
      assert.ok((doc.worlds.passkeys[0]?.publicKey.length ?? 0) > 20);
      assert.ok(doc.worlds.browserSessions.length >= 1);
      assert.ok(doc.credentials.length >= 1 && doc.credentials.every((c) => c.kind === 'age'));
      // The API export is the same document.
      const api = await fetch(`${rt.url}/registry/v1/me/export`, { headers: { authorization: `Bearer ${ada.sessionToken}` } });
      const apiDoc = (await api.json()) as PersonExportDocument;
      assert.deepEqual(Object.keys(apiDoc).sort(), Object.keys(doc).sort());
      assert.deepEqual(apiDoc.worlds.handles, doc.worlds.handles);
    });

    it('renames and removes passkeys, but never the last one', async () => {
      let { html, csrf } = await account();
      const first = /name="id" value="([^"]+)"/.exec(html)?.[1] as string;
      assert.ok(first);
      assert.match(html, /Your only passkey cannot be removed/);
      assert.equal((await post('/account/passkeys/rename', { id: first, name: 'Laptop' })).status, 403);
      assert.equal((await post('/account/passkeys/rename', { csrf, id: first, name: 'Laptop <b>' })).status, 303);
      assert.equal((await post('/account/passkeys/rename', { csrf, id: 'nope', name: 'X' })).status, 404);
      assert.equal((await post('/account/passkeys/remove', { csrf, id: first })).status, 409);
      await addPasskey(rt, ada);
      ({ html, csrf } = await account());
      assert.match(html, /<strong>Laptop &lt;b&gt;<\/strong>/);
      assert.match(html, /Remove Laptop &lt;b&gt;/);
      assert.equal((await post('/account/passkeys/remove', { csrf, id: first })).status, 303);
      const left = await rt.worlds.passkeys.list(ada.personId);
      assert.equal(left.length, 1);
      assert.notEqual(left[0]?.id, first);
    });

    it('My worlds shows what the world received, the handle and the trust level; withdrawing consent changes it', async () => {
      let { html, csrf } = await account();
      assert.match(html, /<h3>Portal World<\/h3>/);
      assert.match(html, /Given for Over 18 and Handle\./);
      assert.match(html, /<dt>Received<\/dt><dd>Over 18 and Handle — first /);
      assert.match(html, /<dt>Your handle there<\/dt><dd>AdaL<\/dd>/);
      assert.match(html, /<dt>Trust level there<\/dt><dd>new /);
      const action = `/account/worlds/${encodeURIComponent(world.clientId)}/revoke`;
      assert.ok(html.includes(`action="${action}"`));
      assert.equal((await post(action, {})).status, 403);
      assert.equal((await post(action, { csrf })).status, 303);
      ({ html, csrf } = await account());
      assert.match(html, /<strong>Withdrawn\.<\/strong> Portal World receives nothing more/);
      assert.ok(!html.includes(`action="${action}"`), 'no withdraw button once withdrawn');
    });

    it('closes the account only after the deliberate tick, and signs the browser out', async () => {
      const page = await browser.fetch('/account/close');
      const html = await page.text();
      assert.match(html, /Closing is meant to be final/);
      const csrf = csrfOf(html);
      assert.equal((await post('/account/close', { csrf })).status, 400, 'no tick, no closure');
      assert.equal(await rt.registry.self.status(ada.personId), 'active');
      assert.equal((await post('/account/close', { confirm: 'yes' })).status, 403, 'no CSRF token, no closure');
      const closed = await post('/account/close', { csrf, confirm: 'yes' });
      assert.equal(closed.status, 200);
      assert.match(await closed.text(), /Your account is closed/);
      assert.equal(await rt.registry.self.status(ada.personId), 'closed');
      assert.match(await (await browser.fetch('/account')).text(), /Sign in to your mvid account/);
    });
  });
}
