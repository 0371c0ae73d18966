/**
 * "My credentials" in the portal over HTTP, as a browser uses it (cookie session, CSRF
 * token on every form), on both engines: the ledger is listed with each copy's status;
 * the person revokes a copy of their own (and only their own); a wallet offer is drawn
 * as a QR code with a working same-device link and transaction code; a verifier's
 * OpenID4VP request is checked (who asks for which credential) before going to the
 * wallet, and a link that is not one is refused in words, never rendered as a link.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
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

const REDIRECT = 'http://localhost:9/credentials-world/callback';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

for (const engine of ENGINES) {
  describe(`My credentials on ${engine}`, () => {
    let rt: WorldsRuntime;
    let world: { clientId: string; clientSecret?: string };
    let ada: TestPerson;
    let bob: TestPerson;
    let browser: Browser;

    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
      world = await registerWorld(rt, {
        name: 'Credential World',
        redirectUris: [REDIRECT],
        claims: [{ name: 'age_over_18', required: true }],
      });
      ada = await enrolPerson(rt);
      bob = await enrolPerson(rt);
      browser = new Browser(rt.url);
      await codeFlow(rt, await worldClient(rt, world), ada, REDIRECT, 'openid age_over_18', browser);
      await rt.credentials.issuance.issue(ada.personId, { kind: 'age', copies: 2 });
      await rt.credentials.issuance.issue(ada.personId, { kind: 'personhood' });
      await rt.credentials.issuance.issue(bob.personId, { kind: 'age' });
    });
    after(async () => rt.stop());

    async function account(): Promise<{ html: string; csrf: string; section: string }> {
      const r = await browser.fetch('/account');
      const html = await r.text();
      assert.equal(r.status, 200);
      const section = /<section aria-labelledby="my-credentials">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
      return { html, csrf: csrfOf(html), section };
    }
    const post = (path: string, fields: Record<string, string>) =>
      browser.fetch(path, { method: 'POST', headers: FORM, body: new URLSearchParams(fields).toString() });

    it('lists what was issued, with its status, and revokes the person’s own copy only', async () => {
      let { section, csrf } = await account();
      assert.match(section, /My credentials/);
      assert.equal((section.match(/data-status="valid"/g) ?? []).length, 3, section);
      const ledger = await rt.credentials.issuedTo(ada.personId);
      const target = ledger.find((c) => c.kind === 'age')?.credentialHash as string;
      assert.ok(section.includes(`value="${target}"`));
      const bobs = (await rt.credentials.issuedTo(bob.personId))[0]?.credentialHash as string;

      assert.equal((await post('/account/credentials/revoke', { credential: target })).status, 403, 'no CSRF token, no revocation');
      assert.equal((await post('/account/credentials/revoke', { csrf, credential: bobs })).status, 404, 'not someone else’s');
      assert.equal((await rt.credentials.issuedTo(bob.personId))[0]?.revokedAt, null);
      assert.equal((await post('/account/credentials/revoke', { csrf, credential: 'x' })).status, 400);
      const done = await post('/account/credentials/revoke', { csrf, credential: target });
      assert.equal(done.status, 303);
      assert.equal((await post('/account/credentials/revoke', { csrf, credential: target })).status, 404, 'once');
      const revoked = (await rt.credentials.issuedTo(ada.personId)).find((c) => c.credentialHash === target);
      assert.equal(revoked?.revokedReason, 'holder');
      ({ section, csrf } = await account());
      assert.equal((section.match(/data-status="valid"/g) ?? []).length, 2);
      assert.match(section, /data-status="revoked"><strong>Age<\/strong>[\s\S]*?Revoked — revoked [^<]+ UTC by you/);
      assert.ok(!section.includes(`Revoke Age ${target.slice(0, 8)}`), 'no revoke button on a revoked copy');
      // The section speaks the reader's language (the message catalogue).
      const german = await (await browser.fetch('/account', { headers: { 'accept-language': 'de' } })).text();
      assert.match(german, /<h2 id="my-credentials">Meine Nachweise<\/h2>/);
      assert.match(german, /Widerrufen — widerrufen am [^<]+ von Ihnen/);
    });

    it('re-issues through a wallet offer: a QR code, a same-device link and a transaction code that work', async () => {
      const { csrf } = await account();
      assert.equal((await post('/account/credentials/offer', { kind: 'age' })).status, 403);
      assert.equal((await post('/account/credentials/offer', { csrf, kind: 'occupation' })).status, 400);
      const r = await post('/account/credentials/offer', { csrf, kind: 'age' });
      assert.equal(r.status, 200);
      const html = await r.text();
      assert.match(html, /<figure class="qr"><svg [^>]*role="img"[^>]*><rect [^>]*\/><path fill="#000" d="M/);
      assert.ok(!/<img|src="http/.test(html), 'nothing external');
      const link = /href="(openid-credential-offer:\/\/[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') as string;
      assert.ok(link, html);
      const txCode = /<strong id="tx-code">(\d{6})<\/strong>/.exec(html)?.[1] as string;
      const offer = JSON.parse(new URL(link).searchParams.get('credential_offer') as string) as {
        credential_configuration_ids: string[];
        grants: Record<string, { 'pre-authorized_code': string }>;
      };
      assert.deepEqual(offer.credential_configuration_ids, ['age']);
      const code = Object.values(offer.grants)[0]?.['pre-authorized_code'] as string;
      const token = await fetch(`${rt.url}/credentials/oid4vci/token`, {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
          'pre-authorized_code': code,
          tx_code: txCode,
        }).toString(),
      });
      assert.equal(token.status, 200, await token.clone().text());
      assert.ok(((await token.json()) as { access_token?: string }).access_token);
    });

    it('checks a verifier’s request before the wallet answers it, and refuses what is not one', async () => {
      const asked = await fetch(`${rt.url}/credentials/v1/presentation-requests`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${world.clientId}:${world.clientSecret}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ claims: ['age_over_18'] }),
      });
      assert.equal(asked.status, 201, await asked.clone().text());
      const request = (await asked.json()) as { nonce: string; dcqlQuery: unknown };
      const link = `openid4vp://?${new URLSearchParams({
        client_id: world.clientId,
        response_type: 'vp_token',
        nonce: request.nonce,
        dcql_query: JSON.stringify(request.dcqlQuery),
      })}`;
      const empty = await browser.fetch('/account/credentials/present');
      assert.equal(empty.status, 200);
      assert.match(await empty.text(), /The verifier’s request link/);
      const r = await browser.fetch(`/account/credentials/present?${new URLSearchParams({ request: link })}`);
      assert.equal(r.status, 200);
      const html = await r.text();
      assert.match(html, /<h2>Credential World asks for<\/h2>/);
      assert.match(html, /A world registered with mvid\./);
      assert.match(html, /<li>Age — you hold a valid one<\/li>/);
      assert.match(html, /<figure class="qr"><svg /);
      assert.ok(html.includes(`href="${link.replaceAll('&', '&amp;')}"`));

      const stranger = `openid4vp://?${new URLSearchParams({ client_id: 'https://unknown.example', request_uri: 'https://unknown.example/r/1' })}`;
      const unknown = await (await browser.fetch(`/account/credentials/present?${new URLSearchParams({ request: stranger })}`)).text();
      assert.match(unknown, /<strong>This verifier is not a world registered with mvid/);
      assert.match(unknown, /fetched by your wallet/);

      for (const bad of ['javascript:alert(1)//openid4vp://', 'https://evil.example/?client_id=x', 'openid4vp://?dcql_query=%7B%7D']) {
        const refused = await browser.fetch(`/account/credentials/present?${new URLSearchParams({ request: bad })}`);
        assert.equal(refused.status, 400, bad);
        const text = await refused.text();
        assert.match(text, /role="alert">this is not a verifier&#39;s OpenID4VP request: /);
        assert.ok(!text.includes('href="javascript'), 'never a link');
      }
      const anonymous = await fetch(`${rt.url}/account/credentials/present`, { headers: { accept: 'text/html' } });
      assert.equal(anonymous.status, 401);
    });
  });
}
