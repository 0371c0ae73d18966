/**
 * The transparency page in Chromium: charts render without JavaScript errors, the page
 * passes axe (no serious or critical violation) and fits 390 px, and "verify in your
 * browser" checks the log with src/tlog's monitor — first visit pins the key and checks
 * every entry, the next visit proves consistency with the checkpoint seen last time, and a
 * log that signed a different root for the size this browser saw is caught as a split
 * view. One engine (the storage behind the page is tested on both by
 * transparency-page.test.ts); screenshots in test-results/transparency/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axe, horizontalOverflow, launchChromium, NO_CHROMIUM, screenshot } from './support/browser.ts';
import { enrolPerson, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

const SERIOUS = ['serious', 'critical'];

/** Clicks verify and waits for the outcome; returns the steps shown, failing with them if it failed. */
async function verifyInBrowser(page: Page, expect: 'Verified:' | 'FAILED'): Promise<string[]> {
  await page.getByRole('button', { name: 'Verify in your browser' }).click();
  await page.waitForSelector('#verify-status:is(:has-text("Verified:"), :has-text("FAILED"))', { timeout: 60_000 });
  const steps = await page.locator('#verify-steps li').allTextContents();
  assert.match((await page.locator('#verify-status').textContent()) ?? '', new RegExp(expect), steps.join('\n'));
  return steps;
}
const STATE_KEY = 'mvid.log-monitor.v1';

describe('the transparency page in a browser', { skip: NO_CHROMIUM }, () => {
  let rt: WorldsRuntime;
  let browser: Browser;
  before(async () => {
    rt = await startWorldsRuntime('sqlite', 'localhost');
    await enrolPerson(rt);
    await rt.tlog.integrate();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('verifies the log in the browser, then its consistency on the next visit, and catches a split view', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // Failed loads are checked by URL below (a browser asks for /favicon.ico on its own).
      if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${rt.url}/transparency`);
    assert.equal(await page.locator('svg[role=img]').count(), 2);
    assert.deepEqual(await axe(page, SERIOUS), [], 'axe');
    assert.equal(await horizontalOverflow(page), 0, 'overflows 390 px');
    await screenshot(page, 'transparency', '01-page');

    const first = await verifyInBrowser(page, 'Verified:');
    assert.match(first[0] ?? '', /^✓ Log key pinned on this first visit: /);
    assert.match(first[1] ?? '', /^✓ Checkpoint signature: size \d+ signed by /);
    assert.match(first[2] ?? '', /nothing to compare on a first visit/);
    assert.match(first[3] ?? '', /hash to the signed root/);
    const seen = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), STATE_KEY)) as string) as { size: string; root: string };
    assert.equal(seen.size, String(await rt.tlog.size()));
    assert.deepEqual(await axe(page, SERIOUS), [], 'axe after verifying');
    await screenshot(page, 'transparency', '02-verified-first-visit');

    // The log grows; the next visit proves the old checkpoint is a prefix of the new one.
    await enrolPerson(rt);
    await rt.tlog.integrate();
    await page.reload();
    const second = await verifyInBrowser(page, 'Verified:');
    assert.match(second[0] ?? '', /Log key unchanged since your last visit/);
    assert.match(second[2] ?? '', new RegExp(`the log at ${seen.size} entries .* is a prefix of this one`));
    await screenshot(page, 'transparency', '03-verified-consistent');

    // What this browser saw for a size differs from what the log signs now: a split view.
    const now = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), STATE_KEY)) as string) as { root: string };
    const otherRoot = Buffer.from(Buffer.from(now.root, 'base64').map((b) => b ^ 0xff)).toString('base64');
    await page.evaluate(
      ([k, root]) => {
        const state = JSON.parse(localStorage.getItem(k as string) as string);
        localStorage.setItem(k as string, JSON.stringify({ ...state, root }));
      },
      [STATE_KEY, otherRoot],
    );
    await verifyInBrowser(page, 'FAILED');
    assert.match((await page.locator('#verify-steps li.error').textContent()) ?? '', /split view: two different roots signed for size/);
    await screenshot(page, 'transparency', '04-split-view');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
