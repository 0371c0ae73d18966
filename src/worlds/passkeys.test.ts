/** Passkeys on both engines, with real WebAuthn bytes from the software authenticator: the ceremony and its attacks. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, systemRandom } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { createTestStore, ENGINES } from '../../test/support/engines.ts';
import { TestAuthenticator } from '../../test/support/webauthn.ts';
import { CHALLENGE_TTL_SECONDS, Passkeys } from './passkeys.ts';

const ORIGIN = 'https://id.example';

for (const engine of ENGINES) {
  describe(`passkeys on ${engine}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let passkeys: Passkeys;
    const clock = new ManualClock('2026-06-01T12:00:00Z');
    const device = new TestAuthenticator();
    before(async () => {
      ({ store, close } = await createTestStore(engine));
      passkeys = new Passkeys(store, clock, systemRandom, { publicUrl: ORIGIN });
      // biome-ignore lint/suspicious/noExplicitAny: the authenticator's JSON is the browser's JSON
      await passkeys.register('p1', device.create(await passkeys.registrationOptions('p1'), ORIGIN) as any);
    });
    after(async () => close());

    // biome-ignore lint/suspicious/noExplicitAny: as above
    const get = async (overrides: { origin?: string; counter?: number } = {}): Promise<any> =>
      device.get(await passkeys.authenticationOptions(), ORIGIN, 0, overrides);

    it('registers a passkey and signs its person in', async () => {
      assert.equal((await passkeys.list('p1')).length, 1);
      assert.deepEqual(await passkeys.authenticate(await get()), {
        personId: 'p1',
        passkeyId: device.credentials[0]?.id.toString('base64url'),
      });
    });

    it('refuses a replayed assertion (single-use challenge) and an unknown challenge', async () => {
      const assertion = await get();
      await passkeys.authenticate(assertion);
      await assert.rejects(passkeys.authenticate(assertion), { code: 'passkey_invalid' });
      const forged = device.get({ challenge: 'bm90LWlzc3VlZC1oZXJl', rpId: 'id.example' }, ORIGIN, 0);
      // biome-ignore lint/suspicious/noExplicitAny: as above
      await assert.rejects(passkeys.authenticate(forged as any), { code: 'passkey_invalid' });
    });

    it('refuses another origin (phishing), a cloned authenticator (counter not advancing) and no user verification', async () => {
      await assert.rejects(passkeys.authenticate(await get({ origin: 'https://id.example.evil' })), { code: 'passkey_invalid' });
      await assert.rejects(passkeys.authenticate(await get({ counter: 1 })), { code: 'passkey_invalid' });
      device.userVerified = false;
      try {
        await assert.rejects(passkeys.authenticate(await get()), { code: 'passkey_invalid' });
      } finally {
        device.userVerified = true;
      }
    });

    it('refuses an expired challenge, and a registration answering a challenge issued to someone else', async () => {
      const stale = await get();
      clock.advance((CHALLENGE_TTL_SECONDS + 1) * 1000);
      await assert.rejects(passkeys.authenticate(stale), { code: 'passkey_invalid' });
      const theirs = await passkeys.registrationOptions('p2');
      // biome-ignore lint/suspicious/noExplicitAny: as above
      await assert.rejects(passkeys.register('p1', new TestAuthenticator().create(theirs, ORIGIN) as any), { code: 'passkey_invalid' });
    });

    it('refuses an unknown credential', async () => {
      const stranger = new TestAuthenticator();
      stranger.create({ challenge: 'eA', rp: { id: 'id.example' }, user: { id: 'dQ' } }, ORIGIN);
      // biome-ignore lint/suspicious/noExplicitAny: as above
      await assert.rejects(passkeys.authenticate(stranger.get(await passkeys.authenticationOptions(), ORIGIN) as any), {
        code: 'passkey_invalid',
      });
    });
  });
}
