/**
 * The moderator console in Chromium: Mia (signed in to mvid; her session cookie comes
 * from the passkey sign-in the HTTP kit performs) opens Moonbase's queue and a case
 * with an inline screenshot; axe finds nothing serious or critical and nothing overflows
 * 390 px. Screenshots in test-results/moderation-console/. One engine (the console is
 * tested on both in moderation-console.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { axe, horizontalOverflow, launchChromium, NO_CHROMIUM, screenshot } from './support/browser.ts';
import { accountBrowser, asWorld, type ModerationStory, SCREENSHOT, startModerationStory } from './support/moderation.ts';

describe('the moderator console in a browser', { skip: NO_CHROMIUM }, () => {
  let story: ModerationStory;
  let browser: Browser;
  let caseId: string;
  before(async () => {
    story = await startModerationStory('sqlite');
    const api = `/moderation/v1/worlds/${story.moonbase.id}`;
    const up = await asWorld(story, story.moonbase, 'POST', `${api}/evidence`, new Uint8Array(SCREENSHOT), 'image/png');
    assert.equal(up.status, 201, up.text);
    const filed = await asWorld(story, story.moonbase, 'POST', `${api}/reports`, {
      reporter: 'Max',
      subject: 'Tom',
      category: 'griefing',
      text: 'Greenhouse wrecked again, with a very-long-unbroken-word-to-test-wrapping-at-390-pixels-wide-screens.',
      evidence: [String(up.json().sha256)],
    });
    assert.equal(filed.status, 201, filed.text);
    caseId = String(filed.json().caseId);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await story?.rt.stop();
  });

  it('shows the queue and the case, accessible and within 390 px', async () => {
    const signedIn = await accountBrowser(story, story.mia);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies([...signedIn.cookies].map(([name, value]) => ({ name, value, url: story.rt.url })));
    const page = await context.newPage();
    const base = `${story.rt.url}/moderation/console/${story.moonbase.id}`;

    await page.goto(base);
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.waitForURL(`${base}/cases/${caseId}`);
    await page.goto(base);
    assert.match((await page.locator('table').textContent()) ?? '', /griefing/);
    assert.deepEqual(await axe(page, ['serious', 'critical']), [], 'axe on the queue');
    assert.equal(await horizontalOverflow(page), 0, 'the queue overflows 390 px');
    await screenshot(page, 'moderation-console', '01-queue');

    await page.goto(`${base}/cases/${caseId}`);
    const loaded = await page
      .locator('img')
      .evaluate((img: { decode(): Promise<void>; naturalWidth: number }) => img.decode().then(() => img.naturalWidth));
    assert.equal(loaded, 1, 'the screenshot is shown inline');
    assert.deepEqual(await axe(page, ['serious', 'critical']), [], 'axe on the case');
    assert.equal(await horizontalOverflow(page), 0, 'the case overflows 390 px');
    await screenshot(page, 'moderation-console', '02-case');
    await context.close();
  });
});
