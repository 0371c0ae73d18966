/**
 * The operator console in Chromium: with the administrator token it lists worlds, PID
 * issuers, attribute issuers, trustee sets and authorities, and registers an authority
 * (its token shown once), rotates the signing key and runs the sweeps; a wrong token is
 * refused in words; a world is registered through the form with its pseudonym kind. axe and 390 px; screenshots
 * in test-results/operator/. One engine (the admin API is tested on both elsewhere).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { newAuthorityKey } from '../src/disclosure/index.ts';
import { axe, horizontalOverflow, launchChromium, NO_CHROMIUM, screenshot } from './support/browser.ts';
import { registerWorld, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

describe('the operator console in a browser', { skip: NO_CHROMIUM }, () => {
  let rt: WorldsRuntime;
  let browser: Browser;
  before(async () => {
    rt = await startWorldsRuntime('sqlite', 'localhost');
    await registerWorld(rt, { name: 'Moonbase', redirectUris: ['https://moonbase.example/cb'], claims: [] });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('lists what the operator runs and registers a world and an authority; a wrong token is refused', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${rt.url}/admin`);
    await page.getByLabel('Administrator token').fill('mvat_wrong');
    await page.getByRole('button', { name: 'Load' }).click();
    await page.waitForSelector('#status:has-text("Refused")');
    await page.getByLabel('Administrator token').fill(rt.adminToken);
    await page.getByRole('button', { name: 'Load' }).click();
    await page.waitForSelector('#status:has-text("Loaded.")');
    assert.match((await page.locator('#list-worlds').textContent()) ?? '', /Moonbase/);
    assert.match((await page.locator('#list-trustee-sets').textContent()) ?? '', /alice, bob, carol, dave, erin/);
    // A world that uses only blind sign-in, registered through the form with its pseudonym kind.
    await page.getByLabel('Name', { exact: true }).nth(0).fill('Blindside');
    await page.getByLabel('Redirect URI').fill('https://blindside.example/cb');
    await page.getByLabel('Declared purpose').fill('To run the dock.');
    await page.getByLabel('Pseudonyms').selectOption('blind');
    await page.getByRole('button', { name: 'Register the world' }).click();
    await page.waitForSelector('#world-status:is(:has-text("World added"), :has-text("Refused"))');
    assert.match((await page.locator('#world-status').textContent()) ?? '', /^World added: client id w_\S+/);
    const blindside = (await rt.worlds.registry.list()).find((w) => w.name === 'Blindside');
    assert.equal(blindside?.pseudonyms, 'blind');
    await page.getByLabel('Name', { exact: true }).nth(1).fill('Landeskriminalamt Berlin');
    await page.getByLabel('Jurisdiction').fill('DE-BE');
    await page.getByLabel('Contact').fill('lka@police.example');
    await page.getByLabel('Public key').fill(newAuthorityKey().publicKey);
    await page.getByRole('button', { name: 'Register the authority' }).click();
    await page.waitForSelector('#authority-status:is(:has-text("registered"), :has-text("Refused"))');
    assert.match((await page.locator('#authority-status').textContent()) ?? '', /^Authority registered; its token \(shown once\): \S+/);
    await page.waitForSelector('#list-authorities:has-text("Landeskriminalamt Berlin")');
    // Key rotation and the sweeps, over the admin API, with their result on the page.
    await page.getByRole('button', { name: 'Rotate the signing key' }).click();
    await page.waitForSelector('#rotate-status:is(:has-text("Done"), :has-text("Refused"))');
    assert.match((await page.locator('#rotate-status').textContent()) ?? '', /^Done: created \S+; restart every node to sign with it\.$/);
    await page.getByRole('button', { name: 'Run the sweeps now' }).click();
    await page.waitForSelector('#sweep-status:is(:has-text("Sweep done"), :has-text("Refused"))');
    assert.match((await page.locator('#sweep-status').textContent()) ?? '', /Sweep done:swept \d+ envelope/);
    assert.deepEqual(await axe(page, ['serious', 'critical']), [], 'axe');
    assert.equal(await horizontalOverflow(page), 0, 'overflows 390 px');
    await screenshot(page, 'operator', '01-console');
    await context.close();
  });
});
