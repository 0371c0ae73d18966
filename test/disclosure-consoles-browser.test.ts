/**
 * Lawful disclosure in Chromium, from the authority's page and the trustees' consoles.
 * The authority files a request in its page (the court order encrypted in the browser).
 * Three trustees decide in their consoles: each opens the state file
 * `mvid trustee enrol` wrote, sees the request verified step by step (inclusion,
 * checkpoint signature, witnesses, consistency with last seen) with the court order
 * decrypted in the browser, opens their share file with its passphrase and approves;
 * the third approval releases to the authority, which fetches and decrypts the release in
 * its page with its key file. No request body ever carries share material (the share
 * file, its passphrase, or the share itself) nor the authority's secret key. axe and
 * 390 px on both consoles; screenshots in test-results/trustee-console/ and
 * test-results/authority/. One engine (the disclosure HTTP suites cover both).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { toBase64Url, toHex } from '../src/core/index.ts';
import { decryptShareFile } from '../src/crypto/index.ts';
import { newAuthorityKey, TrusteeClient, type TrusteeClientState } from '../src/disclosure/index.ts';
import { axe, horizontalOverflow, launchChromium, NO_CHROMIUM, requestBodies, screenshot } from './support/browser.ts';
import { passphraseOf } from './support/registry.ts';
import { enrolPerson, registerWorld, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

const SERIOUS = ['serious', 'critical'];
const DECIDING = ['alice', 'bob', 'carol'];

describe('the disclosure consoles in a browser', { skip: NO_CHROMIUM }, () => {
  let rt: WorldsRuntime;
  let browser: Browser;
  let requestId: string;
  let authorityToken: string;
  let worldId: string;
  let handle: string;
  let givenName: string;
  const authorityKey = newAuthorityKey();
  const states = new Map<string, TrusteeClientState>();
  const order = 'Amtsgericht Tiergarten, Beschluss 351 Gs 1234/26: disclose the name of the user tom_on_the_moon.';
  before(async () => {
    rt = await startWorldsRuntime('sqlite', 'localhost');
    // The browser's client checks validity windows on the real clock.
    rt.clock.set(new Date().toISOString());
    const admin = { authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' };
    const world = await registerWorld(rt, { name: 'Moonbase', redirectUris: ['https://moonbase.example/cb'], claims: [] });
    const tom = await enrolPerson(rt);
    worldId = world.clientId;
    givenName = tom.claims.given_name;
    handle = await rt.worlds.handles.claim(world.clientId, tom.personId, 'tom_on_the_moon');
    const authority = (await (
      await fetch(`${rt.url}/admin/v1/authorities`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({
          name: 'Landeskriminalamt Berlin',
          jurisdiction: 'DE',
          contact: 'lka@police.example',
          encryptionKey: authorityKey.publicKey,
        }),
      })
    ).json()) as { token: string };
    for (const name of DECIDING) {
      const res = await fetch(`${rt.url}/admin/v1/disclosure/trustee-credentials`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ trustee: name }),
      });
      const { token } = (await res.json()) as { token: string };
      states.set(name, await TrusteeClient.enrol({ url: rt.url, token, fetch }));
    }
    authorityToken = authority.token;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('the authority files in its page, three trustees approve in their consoles, the authority decrypts in its page', async () => {
    const authorityContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const authorityPage = await authorityContext.newPage();
    const authorityBodies = requestBodies(authorityPage);
    await authorityPage.goto(`${rt.url}/disclosure/authority`);
    await authorityPage.getByText('Your key file never leaves this computer.').waitFor();
    assert.deepEqual(await axe(authorityPage, SERIOUS), [], 'axe (authority)');
    assert.equal(await horizontalOverflow(authorityPage), 0, 'the authority console overflows 390 px');
    await screenshot(authorityPage, 'authority', '01-console');
    await authorityPage.getByLabel('Your authority token').fill(authorityToken);
    await authorityPage.getByLabel('World (client id)').fill(worldId);
    await authorityPage.getByLabel('Pseudonym or handle in that world').fill(handle);
    await authorityPage.getByLabel('Offence').selectOption('threat_to_life');
    await authorityPage.getByLabel('Statute').fill('StGB § 241 (Bedrohung)');
    await authorityPage.getByLabel('Court', { exact: true }).fill('Amtsgericht Tiergarten');
    await authorityPage.getByLabel('Order reference').fill('351 Gs 1234/26');
    await authorityPage.setInputFiles('#order-document', { name: 'order.txt', mimeType: 'text/plain', buffer: Buffer.from(order) });
    await authorityPage.getByRole('button', { name: 'Encrypt the order and file' }).click();
    await authorityPage.waitForSelector('#file-status:is(:has-text("Filed:"), :has-text("Refused"))', { timeout: 30_000 });
    assert.match((await authorityPage.locator('#file-status').textContent()) ?? '', /^Filed: request /);
    requestId = await authorityPage.getByLabel('Request', { exact: true }).inputValue();
    assert.ok(!authorityBodies.some((b) => b.includes(order)), 'the order document left the browser in the clear');
    await screenshot(authorityPage, 'authority', '02-filed');
    await rt.tlog.integrate();

    /** One trustee's visit to the console: open the state file, review, then approve or send the share. */
    const visit = async (n: number, name: string, action: 'approve' | 'release', expect: RegExp) => {
      const shareFile = rt.shareFiles.get(name);
      const share = await decryptShareFile(shareFile, passphraseOf(name));
      const secrets = [
        passphraseOf(name),
        toBase64Url(share.secret),
        toHex(share.secret),
        ...Object.values(shareFile as object).filter((v) => typeof v === 'string' && v.length > 20),
      ];
      share.secret.fill(0);
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const bodies = requestBodies(page);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${rt.url}/disclosure/trustee`);
      await page.getByText('Your share file never leaves this computer.').waitFor();
      if (n === 0) {
        assert.deepEqual(await axe(page, SERIOUS), [], 'axe');
        assert.equal(await horizontalOverflow(page), 0, 'overflows 390 px');
        await screenshot(page, 'trustee-console', '01-console');
      }
      await page.setInputFiles('#state-file', {
        name: `${name}-state.json`,
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(states.get(name))),
      });
      await page.getByRole('button', { name: 'Show my queue' }).click();
      await page.getByRole('button', { name: 'Review' }).click();
      await page.waitForSelector('#status:is(:has-text("verified"), :has-text("Refused"))');
      const steps = await page.locator('#steps li').allTextContents();
      assert.equal(steps.length, 5, `${steps.join('\n')}\n${await page.locator('#status').textContent()}\n${errors.join('\n')}`);
      assert.ok(steps.every((s) => s.startsWith('✓')));
      assert.match(steps[0] as string, /^✓ Inclusion: the request is entry \d+ of the log/);
      assert.match(steps[1] as string, /^✓ Checkpoint signature/);
      assert.match(steps[2] as string, /^✓ Witness cosignatures/);
      assert.match(steps[3] as string, /^✓ Consistency with last seen/);
      assert.equal(await page.locator('#document-text').textContent(), order);
      if (n === 0) {
        assert.deepEqual(await axe(page, SERIOUS), [], 'axe with a request open');
        assert.equal(await horizontalOverflow(page), 0, 'overflows 390 px with a request open');
        await screenshot(page, 'trustee-console', '02-verified');
      }
      await page.getByLabel('Your statement of reasons').fill(`${name}: the order is valid and proportionate`);
      await page.setInputFiles('#share-file', {
        name: `share-${name}.json`,
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(shareFile)),
      });
      await page.getByLabel('Share passphrase').fill(passphraseOf(name));
      await page.getByRole('button', { name: action === 'approve' ? 'Approve' : 'Send my partial decryption', exact: true }).click();
      await page.waitForSelector('#status:is(:has-text("Approved:"), :has-text("Sent:"), :has-text("Refused"))', { timeout: 60_000 });
      const done = (await page.locator('#status').textContent()) ?? '';
      assert.match(done, expect, done);
      await screenshot(page, 'trustee-console', `03-${action}-${name}`);
      for (const body of bodies)
        for (const secret of secrets) assert.ok(!body.includes(secret), `a request body carried share material of ${name}`);
      assert.deepEqual(errors, []);
      await context.close();
    };
    // Quorum-gated release: the first two approvals wait; the third finds the quorum logged and sends.
    const waits = /^Approved: logged at entry \d+; your partial decryption waits until enough trustees have approved/;
    await visit(0, 'alice', 'approve', waits);
    await visit(1, 'bob', 'approve', waits);
    await visit(2, 'carol', 'approve', /^Approved: logged at entry \d+; your partial decryption is sent \(1 so far\)/);
    // The first two come back once the quorum is in the log and send theirs.
    await visit(3, 'alice', 'release', /^Sent: your partial decryption is sent \(2 so far\)/);
    await visit(4, 'bob', 'release', /^Sent: your partial decryption is sent \(3 so far, released to the authority\)/);
    await authorityPage.getByRole('button', { name: 'Check progress' }).click();
    await authorityPage.waitForSelector(`#progress-status:has-text("Request ${requestId}: released")`);
    await authorityPage.setInputFiles('#key-file', {
      name: 'authority.key',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'mvid-authority-key', ...authorityKey })),
    });
    await authorityPage.getByRole('button', { name: 'Fetch and decrypt' }).click();
    await authorityPage.waitForSelector('#release-status:is(:has-text("Opened"), :has-text("Refused"))', { timeout: 60_000 });
    const opened = (await authorityPage.locator('#release-status').textContent()) ?? '';
    assert.match(opened, /^Opened 1 field group in your browser\. Receipt logged at \d+/, opened);
    assert.match((await authorityPage.locator('#released').textContent()) ?? '', new RegExp(`given_name: ${givenName}`));
    assert.deepEqual(await axe(authorityPage, SERIOUS), [], 'axe (authority, released)');
    assert.equal(await horizontalOverflow(authorityPage), 0, 'the opened release overflows 390 px');
    await screenshot(authorityPage, 'authority', '03-decrypted');
    for (const body of authorityBodies) assert.ok(!body.includes(authorityKey.secretKey), 'a request body carried the authority key');
    await authorityContext.close();
  });
});
