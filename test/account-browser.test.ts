/**
 * The rest of the front door in Chromium (one engine; the storage behind it is tested on
 * both by test/account-recovery.test.ts and test/account-credentials.test.ts):
 *
 * - enrolment with a wallet on another device: the page shows a QR code and goes on by
 *   itself once the (simulated) phone wallet answered, to the first passkey;
 * - My credentials: a copy revoked in the portal shows as revoked, re-issuing shows the
 *   wallet offer's QR code and transaction code, a verifier's request is checked;
 * - recovery on a new device: the old browser is signed out, the old passkey no longer
 *   signs in, and the example world knows the person by the same pseudonym.
 *
 * Every page passes axe (no serious or critical violation), fits 390 px and blocks nothing
 * of ours under the CSP; screenshots go to test-results/account/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addVirtualAuthenticator, axe, horizontalOverflow, launchChromium, NO_CHROMIUM, screenshot } from './support/browser.ts';
import { type ExampleWorld, startExampleWorld } from './support/example-world.ts';
import { personClaims } from './support/registry.ts';
import { walletAnswers } from './support/wallet.ts';
import { startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

const SERIOUS = ['serious', 'critical'];

describe('the person’s account in a browser: cross-device enrolment, My credentials, recovery', { skip: NO_CHROMIUM }, () => {
  let rt: WorldsRuntime;
  let world: ExampleWorld;
  let browser: Browser;
  const cspErrors: string[] = [];
  let step = 0;
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

  async function device(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await addVirtualAuthenticator(context, page);
    return { context, page };
  }

  /** Checks the mvid page on screen: axe, no overflow at 390 px, and a screenshot. */
  async function check(page: Page, name: string): Promise<void> {
    step += 1;
    await screenshot(page, 'account', `${String(step).padStart(2, '0')}-${name}`);
    assert.deepEqual(await axe(page, SERIOUS), [], `${name}: axe`);
    assert.equal(await horizontalOverflow(page), 0, `${name}: overflows 390 px`);
  }

  /** Signs in to the example world with the device's passkey; returns the pseudonym the world shows. */
  async function exampleWorldPseudonym(page: Page): Promise<string> {
    await page.goto(`${world.url}/`);
    await page.getByRole('link', { name: 'Sign in with mvid' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const allow = page.getByRole('button', { name: 'Allow' });
    await Promise.race([page.waitForURL(`${world.url}/callback**`), allow.waitFor()]);
    if (!page.url().startsWith(`${world.url}/callback`)) {
      await allow.click();
      await page.waitForURL(`${world.url}/callback**`);
    }
    const sub = /<dt>Your pseudonym here \(sub\)<\/dt><dd><code>([^<]+)<\/code><\/dd>/.exec(await page.content())?.[1];
    assert.ok(sub, world.output());
    return sub;
  }

  it('enrols cross-device, manages credentials, recovers on a new device with the same pseudonym', async () => {
    const claims = personClaims({ unique_id: 'DEV-grace-browser', unique_id_namespace: 'ZZ:dev', nationalities: ['US'] });
    const desk = await device();
    let page = desk.page;

    // ---- Cross-device enrolment: the desk shows a code, the phone's wallet answers. ----
    await page.goto(`${rt.url}/account/enrol/wallet`);
    await page.getByRole('link', { name: 'Show a QR code to scan' }).click();
    await page.waitForURL(`${rt.url}/account/enrol/wallet/qr`);
    await check(page, 'enrol-qr');
    assert.ok(await page.getByRole('img', { name: 'QR code of the request for your wallet' }).isVisible());
    const link = (await page.locator('#wallet-request').textContent()) ?? '';
    const phone = await walletAnswers(rt, link, claims);
    assert.equal(phone.statusCode, 200, phone.body);
    await page.waitForURL(`${rt.url}/account/welcome`, { timeout: 15_000 });
    await check(page, 'first-passkey-after-qr');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${rt.url}/account`);
    const personId = (await rt.store.db.selectFrom('worlds_passkeys').select('person_id').executeTakeFirstOrThrow()).person_id;

    // ---- My credentials: revoke one copy, re-issue into the wallet, check a verifier's request. ----
    await rt.credentials.issuance.issue(personId, { kind: 'age', copies: 2 });
    await page.reload();
    const credentials = page.locator('section', { has: page.getByRole('heading', { name: 'My credentials' }) });
    assert.equal(await credentials.locator('li[data-status="valid"]').count(), 2);
    await check(page, 'account-credentials');
    await credentials
      .getByRole('button', { name: /^Revoke Age / })
      .first()
      .click();
    await page.waitForURL(`${rt.url}/account#my-credentials`);
    assert.equal(await credentials.locator('li[data-status="valid"]').count(), 1);
    assert.match((await credentials.locator('li[data-status="revoked"]').textContent()) ?? '', /Revoked — revoked .* by you/);
    await check(page, 'account-credential-revoked');
    await credentials.getByRole('button', { name: 'Re-issue to my wallet: Age' }).first().click();
    await page.waitForSelector('text=Add the credential to your wallet');
    assert.ok(await page.getByRole('img', { name: /Scan this code with the wallet on your phone/ }).isVisible());
    assert.match((await page.locator('#tx-code').textContent()) ?? '', /^\d{6}$/);
    assert.match(
      (await page.getByRole('link', { name: 'Open my wallet on this device' }).getAttribute('href')) ?? '',
      /^openid-credential-offer:\/\//,
    );
    await check(page, 'credential-offer');
    const asked = await fetch(`${rt.url}/credentials/v1/presentation-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ world: world.clientId, claims: ['age_over_18'] }),
    });
    assert.equal(asked.status, 201, await asked.clone().text());
    const request = (await asked.json()) as { nonce: string; dcqlQuery: unknown };
    const verifierLink = `openid4vp://?${new URLSearchParams({ client_id: world.clientId, response_type: 'vp_token', nonce: request.nonce, dcql_query: JSON.stringify(request.dcqlQuery) })}`;
    await page.goto(`${rt.url}/account`);
    await page.getByRole('link', { name: 'Show a credential to a verifier' }).click();
    await page.getByLabel('The verifier’s request link').fill(verifierLink);
    await page.getByRole('button', { name: 'Check the request' }).click();
    await page.waitForSelector('text=Example World asks for');
    assert.match((await page.content()) ?? '', /Age — you hold a valid one/);
    await check(page, 'present-credential');

    // ---- The example world knows the person by a pseudonym. ----
    const before = await exampleWorldPseudonym(page);

    // ---- Recovery on a new device: the passkeys of the desk are lost. ----
    const laptop = await device();
    page = laptop.page;
    await page.goto(`${rt.url}/account`);
    await page.getByRole('link', { name: 'Recover your account' }).click();
    await page.waitForURL(`${rt.url}/account/recover`);
    await check(page, 'recover');
    await page.getByLabel('Development identifier').fill('grace-browser');
    await page.getByLabel('Given name').fill(claims.given_name);
    await page.getByLabel('Family name').fill(claims.family_name);
    await page.getByLabel('Date of birth').fill(claims.birthdate);
    await page.getByLabel('Nationality').fill('US');
    await page.getByRole('button', { name: 'Recover my account' }).click();
    await page.waitForURL(`${rt.url}/account/welcome?recovered=1`);
    assert.match((await page.content()) ?? '', /Your account is recovered/);
    await check(page, 'recovered-first-passkey');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${rt.url}/account`);
    await check(page, 'account-after-recovery');
    // The copy revoked by recovery shows why.
    assert.match((await page.content()) ?? '', /when you recovered your account/);

    // The desk's session is over, and its passkey no longer signs in.
    await desk.page.goto(`${rt.url}/account`);
    assert.match(await desk.page.title(), /Sign in/);
    await desk.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await desk.page.waitForSelector('#status:has-text("unknown passkey")');
    assert.match(await desk.page.title(), /Sign in/);

    // Same person, same pseudonym in the example world: what the world decided still sticks.
    const after = await exampleWorldPseudonym(page);
    assert.equal(after, before);
    // The recovery page for a wallet on this device.
    await desk.page.goto(`${rt.url}/account/recover/wallet`);
    await check(desk.page, 'recover-wallet');
    assert.match((await desk.page.getByRole('link', { name: 'Open my wallet' }).getAttribute('href')) ?? '', /^openid4vp:\/\//);
    assert.deepEqual(cspErrors, [], 'the CSP blocked nothing of ours');
    await desk.context.close();
    await laptop.context.close();
  });
});
