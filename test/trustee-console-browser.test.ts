/**
 * Three trustees decide in their consoles in Chromium: each opens the state file
 * `mvid trustee enrol` wrote, sees the request verified step by step (inclusion,
 * checkpoint signature, witnesses, consistency with last seen) with the court order
 * decrypted in the browser, opens their share file with its passphrase and approves;
 * the third approval releases to the authority. No request body ever carries share
 * material (the share file, its passphrase, or the share itself). axe and 390 px on the
 * console; screenshots in test-results/trustee-console/. One engine (the disclosure HTTP
 * suites cover both).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { toBase64Url, toHex } from '../src/core/index.ts';
import { decryptShareFile, generateRecipientKeyPair } from '../src/crypto/index.ts';
import { AuthorityClient, TrusteeClient, type TrusteeClientState } from '../src/disclosure/index.ts';
import { axe, horizontalOverflow, launchChromium, NO_CHROMIUM, screenshot } from './support/browser.ts';
import { passphraseOf } from './support/registry.ts';
import { enrolPerson, registerWorld, startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

const SERIOUS = ['serious', 'critical'];
const DECIDING = ['alice', 'bob', 'carol'];

describe('the trustee console in a browser', { skip: NO_CHROMIUM }, () => {
  let rt: WorldsRuntime;
  let browser: Browser;
  let requestId: string;
  const states = new Map<string, TrusteeClientState>();
  const order = 'Amtsgericht Tiergarten, Beschluss 351 Gs 1234/26: disclose the name of the user tom_on_the_moon.';
  before(async () => {
    rt = await startWorldsRuntime('sqlite', 'localhost');
    // The browser's client checks validity windows on the real clock.
    rt.clock.set(new Date().toISOString());
    const admin = { authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' };
    const world = await registerWorld(rt, { name: 'Moonbase', redirectUris: ['https://moonbase.example/cb'], claims: [] });
    const tom = await enrolPerson(rt);
    const handle = await rt.worlds.handles.claim(world.clientId, tom.personId, 'tom_on_the_moon');
    const pair = generateRecipientKeyPair();
    const authority = (await (
      await fetch(`${rt.url}/admin/v1/authorities`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({
          name: 'Landeskriminalamt Berlin',
          jurisdiction: 'DE',
          contact: 'lka@police.example',
          encryptionKey: pair.publicKey,
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
    const today = new Date().toISOString().slice(0, 10);
    const accepted = await new AuthorityClient({ url: rt.url, token: authority.token, fetch }).file({
      target: { worldId: world.clientId, pseudonym: handle },
      offence: { category: 'threat_to_life', statute: 'StGB § 241 (Bedrohung)' },
      courtOrder: { court: 'Amtsgericht Tiergarten', reference: '351 Gs 1234/26', date: today, fieldGroups: ['name_birth'] },
      fieldGroups: ['name_birth'],
      notificationDelayDays: 30,
      document: new TextEncoder().encode(order),
    });
    requestId = accepted.requestId;
    await rt.tlog.integrate();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await rt?.stop();
  });

  it('three trustees verify and approve in their consoles; no request body carries share material', async () => {
    for (const [n, name] of DECIDING.entries()) {
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
      const bodies: string[] = [];
      page.on('request', (r) => {
        const body = r.postData();
        if (body !== null) bodies.push(body);
      });
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
      await page.getByRole('button', { name: 'Approve and send my partial decryption' }).click();
      await page.waitForSelector('#status:is(:has-text("Approved:"), :has-text("Refused"))', { timeout: 60_000 });
      const done = (await page.locator('#status').textContent()) ?? '';
      assert.match(done, /^Approved: logged at entry \d+; shares sent/, done);
      if (n === DECIDING.length - 1) assert.match(done, /released to the authority/);
      await screenshot(page, 'trustee-console', `03-approved-${name}`);
      assert.ok(bodies.length >= 2, 'the decision and the sealed shares were sent');
      for (const body of bodies)
        for (const secret of secrets) assert.ok(!body.includes(secret), `a request body carried share material of ${name}`);
      assert.deepEqual(errors, []);
      await context.close();
    }
    const view = await fetch(`${rt.url}/disclosure/v1/trustee/requests/${requestId}`, {
      headers: { authorization: `Bearer ${states.get('alice')?.token}` },
    });
    assert.equal(((await view.json()) as { status: string }).status, 'released');
  });
});
