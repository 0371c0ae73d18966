/** WorldsService: the record of what each world received, on both engines; the client cache. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, systemRandom } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { createTestStore, ENGINES } from '../../test/support/engines.ts';
import { CLIENT_CACHE_MS, WorldRegistry } from './registration.ts';
import { WorldsService } from './service.ts';

for (const engine of ENGINES) {
  describe(`worlds service on ${engine}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let worlds: WorldsService;
    let worldId: string;
    const clock = new ManualClock('2026-06-01T12:00:00Z');
    before(async () => {
      ({ store, close } = await createTestStore(engine));
      worlds = new WorldsService({
        store,
        clock,
        random: systemRandom,
        publicUrl: 'http://127.0.0.1:1',
        secrets: { pseudonymSecret: new Uint8Array(32).fill(1), cookieSecret: new Uint8Array(32).fill(2) },
        persons: { isActive: async () => true, attributes: async () => ({ occupation: 'nurse', residenceCountry: 'FR' }) },
      });
      ({
        world: { id: worldId },
      } = await worlds.registry.add({
        name: 'Release World',
        redirectUris: ['https://world.example/cb'],
        rules: [{ category: 'conduct', text: 'Be kind.' }],
        purpose: 'testing the release record',
        claims: [
          { name: 'occupation', required: false },
          { name: 'residence_country', required: false },
        ],
      }));
    });
    after(async () => close());

    const lastReleasedAt = async () => (await worlds.worldsOf('p1')).find((w) => w.world.id === worldId)?.lastReleasedAt;

    it('records each release, to the minute: a repeat within a minute writes nothing, a new claim or a later minute does', async () => {
      assert.deepEqual(await worlds.claimsFor(worldId, 'p1', new Set(['occupation'])), { occupation: 'nurse' });
      const first = await lastReleasedAt();
      assert.equal(first, clock.now().toISOString());
      clock.advance(30_000);
      await worlds.claimsFor(worldId, 'p1', new Set(['occupation']));
      assert.equal(await lastReleasedAt(), first, 'same claims 30 s later: the record stands');
      await worlds.claimsFor(worldId, 'p1', new Set(['occupation', 'residence_country']));
      const view = (await worlds.worldsOf('p1')).find((w) => w.world.id === worldId);
      assert.deepEqual(view?.received, ['occupation', 'residence_country'], 'a claim not yet recorded is recorded at once');
      assert.equal(view?.lastReleasedAt, clock.now().toISOString());
      clock.advance(60_000);
      await worlds.claimsFor(worldId, 'p1', new Set(['occupation']));
      assert.equal(await lastReleasedAt(), clock.now().toISOString(), 'a minute later: last_at moves');
    });
  });
}

describe('world client lookups', () => {
  it('are cached briefly, dropped when the world is disabled here, and expire when it changes elsewhere', async () => {
    const { store, close } = await createTestStore('sqlite');
    try {
      const registry = new WorldRegistry(store, new ManualClock('2026-06-01T12:00:00Z'), systemRandom);
      const added = await registry.add({
        name: 'Cached World',
        redirectUris: ['https://world.example/cb'],
        rules: [{ category: 'conduct', text: 'Be kind.' }],
        purpose: 'testing the client cache',
        claims: [],
      });
      const id = added.world.id;
      assert.equal((await registry.clientEntry(id))?.world.disabledAt, null);
      await registry.disable(id);
      assert.notEqual((await registry.clientEntry(id))?.world.disabledAt, null, 'disabled through this registry: seen at once');
      // Another node (or the CLI) renames it behind this registry's back: seen once the entry expires.
      await store.db.updateTable('worlds').set({ name: 'Renamed World' }).where('id', '=', id).execute();
      assert.equal((await registry.clientEntry(id))?.world.name, 'Cached World');
      await new Promise((resolve) => setTimeout(resolve, CLIENT_CACHE_MS + 50));
      assert.equal((await registry.clientEntry(id))?.world.name, 'Renamed World');
      assert.equal(await registry.clientEntry('w_unknown'), undefined);
    } finally {
      await close();
    }
  });
});
