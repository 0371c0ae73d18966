/**
 * Hooks of other modules run inside the registry's transactions: what they write commits with
 * the recovery or not at all (credentials revoke the old wallet's copies this way).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { createRegistryFixture, devPid, personClaims, present } from './support/registry.ts';

for (const engine of ENGINES) {
  it(`a recovery hook runs in the recovery's transaction, and its failure undoes the recovery (${engine})`, async () => {
    const fixture = await createRegistryFixture(engine);
    try {
      const claims = personClaims();
      const first = await devPid(fixture, claims);
      const { personId, holderKeyId } = await fixture.registry.enrolments.enrol(await present(fixture, first.credential, first.holder));

      let fail = true;
      const seen: Array<{ personId: string; revokedKeys: string[] }> = [];
      fixture.registry.enrolments.onPersonRecovered(async (tx, event) => {
        await tx
          .insertInto('service_meta')
          .values({ key: `recovered-${event.personId}`, value: '1', updated_at: event.at.toISOString() })
          .execute();
        seen.push({ personId: event.personId, revokedKeys: event.revokedKeys });
        if (fail) throw new Error('hook refused');
      });

      const lost = await devPid(fixture, claims);
      await assert.rejects(fixture.registry.enrolments.recover(await present(fixture, lost.credential, lost.holder)), /hook refused/);
      const keys = await fixture.registry.self.keys(personId);
      assert.equal(keys.find((k) => k.kid === holderKeyId)?.revokedAt, null, 'the old key is still valid: the recovery rolled back');
      const marker = await fixture.store.db
        .selectFrom('service_meta')
        .select('key')
        .where('key', '=', `recovered-${personId}`)
        .executeTakeFirst();
      assert.equal(marker, undefined, "the hook's write rolled back with it");

      fail = false;
      const again = await devPid(fixture, claims);
      const result = await fixture.registry.enrolments.recover(await present(fixture, again.credential, again.holder));
      assert.equal(result.personId, personId);
      assert.deepEqual(seen.at(-1), { personId, revokedKeys: [holderKeyId] });
      const committed = await fixture.store.db
        .selectFrom('service_meta')
        .select('key')
        .where('key', '=', `recovered-${personId}`)
        .executeTakeFirst();
      assert.ok(committed, "the hook's write committed with the recovery");
    } finally {
      await fixture.close();
    }
  });
}
