/**
 * The blind sign-in wallet in a real browser (Debian's Chromium, playwright-core): a signed-in
 * person gets credentials into the page (checked against the pinned key), a world sends them
 * to the wallet with its request in the fragment, the proof is made in the browser and the
 * world receives a presentation it verifies offline. The wallet refuses a request whose
 * return address is not the world's; no request body mvid receives carries the world's
 * nonce, and the page passes axe and the 390 px check in both languages.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { fromBase64Url } from '../src/core/index.ts';
import { verifyBlindPresentation } from '../src/bbs/index.ts';
import { sessionCookieName } from '../src/http/oidc/cookies.ts';
import { axe, horizontalOverflow, launchChromium, NO_CHROMIUM, requestBodies, screenshot } from './support/browser.ts';
import { ENGINES } from './support/engines.ts';
import { enrolPersonWithoutPasskey, freePort, registerWorld, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

for (const engine of ENGINES) {
  describe(`the blind sign-in wallet in a browser on ${engine}`, { skip: NO_CHROMIUM }, () => {
    let rt: WorldsRuntime;
    let browser: Browser;
    let world: Server;
    let worldUrl: string;

    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
      // The page's script checks credentials against today's date: issue for this real week.
      rt.clock.set(new Date());
      const port = await freePort();
      worldUrl = `http://localhost:${port}`;
      world = createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>world</title><p>back</p>'),
      );
      await new Promise<void>((resolve) => world.listen(port, '127.0.0.1', resolve));
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await new Promise((resolve) => world?.close(resolve));
      await rt?.stop();
    });

    it('fetches credentials, answers a world’s request with a proof made in the browser, and refuses a foreign return address', async () => {
      const registered = await registerWorld(rt, { name: 'Blind World', redirectUris: [`${worldUrl}/callback/blind`], claims: [] });
      const person = await enrolPersonWithoutPasskey(rt);
      const { token } = await rt.worlds.webSessions.open(person.personId);
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      await context.addCookies([{ name: sessionCookieName(rt.url), value: token, url: rt.url, httpOnly: true, sameSite: 'Lax' }]);
      const page = await context.newPage();
      const bodies = requestBodies(page);

      await page.goto(`${rt.url}/wallet`);
      await page.getByRole('button', { name: 'Get fresh credentials' }).click();
      await page.getByText('Checked against the key below').waitFor();
      assert.equal(await page.getByText(/A credential valid until/).count(), 2, 'this epoch and the next');
      assert.deepEqual(await axe(page), [], 'wallet page');
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'blind-wallet', 'wallet');

      const nonce = 'nonce-from-the-world';
      const request = { world: registered.clientId, nonce, require: ['age_over_18'], return: `${worldUrl}/callback/blind` };
      const fragment = Buffer.from(JSON.stringify(request)).toString('base64url');
      await page.goto(`${rt.url}/wallet#${fragment}`);
      await page.getByText('Blind World asks you to sign in').waitFor();
      assert.deepEqual(await axe(page), [], 'wallet with a request');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${worldUrl}/callback/blind#presentation=*`);
      const presentation = JSON.parse(new TextDecoder().decode(fromBase64Url(new URL(page.url()).hash.slice('#presentation='.length))));
      const { issuer, publicKey } = rt.worlds.blind.metadata();
      const seen = verifyBlindPresentation(presentation, {
        issuer,
        publicKey,
        worldId: registered.clientId,
        nonce,
        now: new Date(),
        require: ['age_over_18'],
      });
      assert.equal(seen.pseudonym, rt.worlds.blind.pseudonymFor(registered.clientId, person.personId));
      assert.ok(!bodies.some((b) => b.includes(nonce)), 'mvid never received the world’s request');

      const foreign = Buffer.from(JSON.stringify({ ...request, return: 'https://evil.example/steal' })).toString('base64url');
      await page.goto(`${rt.url}/wallet#${foreign}`);
      await page.getByText(/does not come from a world registered with mvid/).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible(), false);

      await page.goto(`${rt.url}/wallet?lang=de`);
      assert.equal(await page.getAttribute('html', 'lang'), 'de');
      assert.ok(await page.getByRole('heading', { name: 'Ihre Wallet für die blinde Anmeldung' }).isVisible());
      assert.deepEqual(await axe(page), [], 'wallet in German');
      await context.close();
    });
  });
}
