/**
 * A trustee set's `trustee_set` log entry is rebuilt from its row whenever a release is
 * shown (so the authority can prove the set is the logged one). The entry must be rebuilt
 * byte for byte: when publishing waited for the trustee-set lock across a second boundary,
 * the entry used to carry the later time while the row kept the earlier one, so the rebuilt
 * entry was not in the log and the authority refused the release (`log_entry_missing`, seen
 * in the demo under load). Both engines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashLeaf } from '../src/tlog/index.ts';
import { registryEscrowDirectory, tlogDisclosureLog } from '../src/server/index.ts';
import { ENGINES } from './support/engines.ts';
import { type Story, startStory } from './support/disclosure.ts';
import { FAST_SCRYPT, passphraseOf } from './support/registry.ts';

for (const engine of ENGINES) {
  describe(`the trustee set's log entry, on ${engine}`, () => {
    let story: Story;
    before(async () => {
      story = await startStory(engine);
    });
    after(async () => story?.stop());

    it('is rebuilt exactly even when publishing waited past a second boundary', async () => {
      const trustees = ['kai', 'lou', 'max'];
      const dealt = await story.rt.registry.trusteeSets.deal({
        threshold: 2,
        trustees,
        passphrases: new Map(trustees.map((t) => [t, passphraseOf(t)])),
        scrypt: FAST_SCRYPT,
      });
      // The lock is held elsewhere for a while: the clock moves on before the set is stored.
      await story.rt.registry.trusteeSets.publish(dealt.trusteeSet, {
        replace: true,
        within: async () => story.clock.advance(1_500),
      });
      const log = tlogDisclosureLog(story.rt.tlog);
      await log.integrate();
      const rebuilt = await registryEscrowDirectory(story.rt.store, story.rt.registry, log).trusteeSetLogEntry(dealt.trusteeSet.id);
      assert.ok(rebuilt);
      assert.notEqual(await log.indexOf(hashLeaf(rebuilt)), undefined, 'the rebuilt entry is the logged one');
    });
  });
}
