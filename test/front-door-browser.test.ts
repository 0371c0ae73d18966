/**
 * The front door in a real browser, as a newcomer meets it: enrol on the development
 * server, add the first passkey (a CDP virtual authenticator), sign in to the example
 * world, consent, find the world under "My worlds", withdraw consent and see the page
 * change. Every mvid page passes axe (no serious or critical violation), blocks nothing
 * of ours under the CSP and fits a 390 px wide screen; screenshots go to
 * test-results/front-door/. One engine: the storage behind these pages is tested on both
 * by the HTTP suites; a browser is costly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addVirtualAuthenticator, axe, horizontalOverflow, launchChromium, NO_CHROMIUM, screenshot } from './support/browser.ts';
import { type ExampleWorld, startExampleWorld } from './support/example-world.ts';
import { startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

const SERIOUS = ['serious', 'critical'];

describe('the front door in a browser', { skip: NO_CHROMIUM }, () => {
  let rt: WorldsRuntime;
  let world: ExampleWorld;
  let browser: Browser;
  before(async () => {
    rt = await startWorldsRuntime('sqlite', 'localhost');
    world = await startExampleWorld(rt);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    world?.stop();
    await rt?.stop();
  });

  it('enrol → first passkey → sign in to the example world → consent → My worlds → withdraw', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await addVirtualAuthenticator(context, page);
    let step = 0;
    /** Checks the mvid page on screen: axe, no overflow at 390 px, and a screenshot. */
    const check = async (name: string) => {
      step += 1;
      await screenshot(page, 'front-door', `${String(step).padStart(2, '0')}-${name}`);
      assert.deepEqual(await axe(page, SERIOUS), [], `${name}: axe`);
      assert.equal(await horizontalOverflow(page), 0, `${name}: overflows 390 px`);
    };

    await page.goto(`${rt.url}/`);
    await check('home');
    await page.getByRole('link', { name: 'Create your identity' }).click();
    await page.waitForURL(`${rt.url}/account/enrol`);
    await check('enrol');
    await page.getByLabel('Given name').fill('Grace');
    await page.getByLabel('Family name').fill('Hopper');
    await page.getByLabel('Date of birth').fill('1990-12-09');
    await page.getByLabel('Nationality').fill('US');
    await page.getByRole('button', { name: 'Create my identity' }).click();
    await page.waitForURL(`${rt.url}/account/welcome`);
    await check('first-passkey');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${rt.url}/account`);
    await check('account-new');

    // The example world, as its README runs it: sign in with mvid.
    await page.goto(`${world.url}/`);
    await page.getByRole('link', { name: 'Sign in with mvid' }).click();
    await page.waitForURL(/\/interaction\//);
    await check('sign-in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForSelector('text=Example World asks to know');
    await check('consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${world.url}/callback**`);
    assert.match(await page.content(), /<dt>Over 18<\/dt><dd>true<\/dd>/, world.output());

    await page.goto(`${rt.url}/account`);
    await myWorldsShows(page, 'Example World', /Over 18/);
    await check('account-my-worlds');
    await page.getByRole('button', { name: /Withdraw consent/ }).click();
    await page.waitForURL(`${rt.url}/account`);
    await myWorldsShows(page, 'Example World', /withdrawn/i);
    await check('account-withdrawn');
    assert.equal(await page.getByRole('button', { name: /Withdraw consent/ }).count(), 0);

    // The other pages a person or an auditor reaches, and a browser's error page.
    for (const [path, name] of [
      ['/account/disclosures', 'disclosures'],
      ['/account/enrol/wallet', 'wallet-request'],
      ['/transparency', 'transparency'],
      ['/disclosure/trustee', 'trustee-console'],
      ['/no/such/page', 'not-found'],
    ] as const) {
      await page.goto(`${rt.url}${path}`);
      await check(name);
    }
    assert.match(await page.content(), /no route for GET \/no\/such\/page/);

    // Closing the account: a confirmation first, then the account is gone from this browser.
    await page.goto(`${rt.url}/account`);
    await page.getByRole('link', { name: 'Close my account…' }).click();
    await page.waitForURL(`${rt.url}/account/close`);
    await check('close-account');
    await page.getByLabel('I understand, close my account').check();
    await page.getByRole('button', { name: 'Close my account' }).click();
    await page.waitForSelector('text=Your account is closed');
    await check('account-closed');
    await page.goto(`${rt.url}/account`);
    assert.match(await page.title(), /Sign in/);
    assert.deepEqual(cspErrors, [], 'the CSP blocked nothing of ours');
    await context.close();
  });
});

async function myWorldsShows(page: Page, name: string, text: RegExp): Promise<void> {
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'My worlds' }) });
  const row = section.locator('article, tr', { hasText: name });
  assert.equal(await row.count(), 1, `${name} is listed under My worlds`);
  assert.match((await row.textContent()) ?? '', text);
}
