/**
 * A person in a real browser (Debian's Chromium, driven by playwright-core) with a
 * virtual WebAuthn authenticator: adds a passkey after enrolment, signs in to a world
 * through mvid, consents, and lands back at the world; axe-core checks every mvid page
 * and the strict CSP must not block anything of ours. Skipped only when Chromium is
 * not installed (`apt-get install chromium`); no browser is ever downloaded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  addPasskeyInPage,
  addVirtualAuthenticator,
  axe,
  type CallbackWorld,
  launchChromium,
  NO_CHROMIUM,
  startCallbackWorld,
} from './support/browser.ts';
import { ENGINES } from './support/engines.ts';
import { browserWorldFlow, enrolPersonWithoutPasskey, freePort, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

for (const engine of ENGINES) {
  describe(`worlds in a browser on ${engine}`, { skip: NO_CHROMIUM }, () => {
    let rt: WorldsRuntime;
    let browser: Browser;
    let world: CallbackWorld;
    let worldUrl: string;

    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
      world = await startCallbackWorld(await freePort());
      worldUrl = world.url;
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await world?.close();
      await rt?.stop();
    });

    it('adds a passkey, signs in to a world with it, consents, and every page passes axe under the CSP', async () => {
      const flow = await browserWorldFlow(rt, worldUrl, 'Browser World');
      const person = await enrolPersonWithoutPasskey(rt);
      const context = await browser.newContext();
      const page = await context.newPage();
      const cspErrors: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
      await addVirtualAuthenticator(context, page);

      // Right after enrolment: the enrolment app (on mvid's origin) adds a passkey with the registry session.
      await page.goto(`${rt.url}/account`);
      assert.deepEqual(await axe(page), [], 'account sign-in page');
      assert.equal(await addPasskeyInPage(page, person.sessionToken), 201);

      await page.goto(flow.url.href);
      await page.waitForURL(/\/interaction\//);
      assert.match(await page.title(), /Sign in/);
      assert.deepEqual(await axe(page), [], 'sign-in page');
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.waitForSelector('text=Browser World asks to know');
      assert.deepEqual(await axe(page), [], 'consent page');
      assert.ok(await page.getByText('To run the game.').isVisible(), 'the declared purpose is shown');
      await page.getByLabel('Handle').uncheck();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${worldUrl}/callback**`);
      const callback = world.lastCallback();
      const tokens = await flow.finish(callback);
      const claims = tokens.claims();
      assert.equal(claims?.age_over_18, true);
      assert.equal(claims?.handle, undefined, 'the unticked optional claim is not released');

      // The browser now holds an mvid session: the account page lists the world.
      await page.goto(`${rt.url}/account`);
      assert.ok(await page.getByRole('region', { name: 'My worlds' }).getByRole('heading', { name: 'Browser World' }).isVisible());
      assert.deepEqual(await axe(page), [], 'account page');
      assert.deepEqual(cspErrors, [], 'the CSP blocked nothing of ours');
      const cookies = await context.cookies(rt.url);
      const session = cookies.find((c) => c.name === 'mvid_session');
      assert.ok(session?.httpOnly && session.sameSite === 'Lax');
      await context.close();
    });
  });
}
