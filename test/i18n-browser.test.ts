/**
 * The consent page in German, in a real browser (Debian's Chromium via playwright-core):
 * a browser whose language is German gets mvid's sign-in and consent pages in German with
 * `<html lang="de">`, axe-core still finds nothing, the German labels work, and the
 * language switcher (a plain link) turns the next pages to English for good. Not
 * storage-related, so it runs on SQLite only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  addPasskeyInPage,
  addVirtualAuthenticator,
  axe,
  type CallbackWorld,
  horizontalOverflow,
  launchChromium,
  NO_CHROMIUM,
  screenshot,
  startCallbackWorld,
} from './support/browser.ts';
import { browserWorldFlow, enrolPersonWithoutPasskey, freePort, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

describe('the consent page in German', { skip: NO_CHROMIUM }, () => {
  let rt: WorldsRuntime;
  let browser: Browser;
  let world: CallbackWorld;
  let worldUrl: string;

  before(async () => {
    rt = await startWorldsRuntime('sqlite', 'localhost');
    world = await startCallbackWorld(await freePort());
    worldUrl = world.url;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    await rt?.stop();
  });

  it('signs in and consents in German, axe finds nothing, lang is de; the switcher turns pages to English', async () => {
    const flow = await browserWorldFlow(rt, worldUrl, 'Welt Eins');
    const person = await enrolPersonWithoutPasskey(rt);
    // The browser's language is German: Chromium sends Accept-Language: de-DE,de;q=0.9.
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await addVirtualAuthenticator(context, page);
    await page.goto(`${rt.url}/account`);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.ok(await page.getByRole('heading', { name: 'Bei Ihrem mvid-Konto anmelden' }).isVisible());
    assert.equal(await addPasskeyInPage(page, person.sessionToken), 201);

    await page.goto(flow.url.href);
    await page.waitForURL(/\/interaction\//);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.match(await page.title(), /^Anmelden/);
    await page.getByRole('button', { name: 'Mit einem Passkey anmelden' }).click();
    await page.waitForSelector('text=Welt Eins möchte Folgendes wissen');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.deepEqual(await axe(page), [], 'the German consent page passes axe');
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal overflow at 390 px');
    assert.ok(await page.getByText('Datenschutzerklärung von Welt Eins').isVisible());
    assert.ok(await page.getByText('Ein Pseudonym nur für diese Welt (erforderlich)').isVisible());
    await screenshot(page, 'i18n', 'consent-de');
    await page.getByLabel('Anzeigename').uncheck();
    await page.getByRole('button', { name: 'Erlauben' }).click();
    await page.waitForURL(`${worldUrl}/callback**`);
    const callback = world.lastCallback();
    const tokens = await flow.finish(callback);
    assert.equal(tokens.claims()?.age_over_18, true);
    assert.equal(tokens.claims()?.handle, undefined, 'the unticked claim, labelled in German, is not released');

    // The portal in German, then the switcher: a plain link, and the choice sticks.
    await page.goto(`${rt.url}/account`);
    assert.ok(await page.getByRole('region', { name: 'Meine Welten' }).getByRole('heading', { name: 'Welt Eins' }).isVisible());
    assert.deepEqual(await axe(page), [], 'the German account page passes axe');
    await page.getByRole('navigation', { name: 'Sprache' }).getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\?lang=en$/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.ok(await page.getByRole('region', { name: 'My worlds' }).isVisible());
    await page.goto(`${rt.url}/transparency`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice outlives the page: the mvid_lang cookie');
    assert.ok((await context.cookies(rt.url)).some((c) => c.name === 'mvid_lang' && c.value === 'en' && c.sameSite === 'Lax'));
    assert.deepEqual(cspErrors, [], 'the CSP blocked nothing of ours');
    await context.close();
  });
});
