/**
 * Concurrent enrolments share one transaction (enrolment.ts, batch.ts), on both engines.
 * A gated sealer holds every enrolment at its last step before the write, so the test
 * decides which enrolments arrive together: they are then written as one batch. Checked: each
 * gets its own person and rows; two enrolments of one person in one batch yield one person
 * and `person_already_enrolled`; a conflict with a write made outside the batch (a nonce
 * consumed elsewhere meanwhile) rolls the batch back, and each enrolment gets its own answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Envelope, type EnvelopeSealer, type SealEnvelopeInput, sealEnvelope } from '../crypto/index.ts';
import { ENGINES } from '../../test/support/engines.ts';
import { createRegistryFixture, devPid, personClaims, present, type RegistryFixture } from '../../test/support/registry.ts';
import type { PidClaims } from './index.ts';
import { usedNonceRow } from './nonces.ts';
import { FIELD_GROUPS } from './types.ts';

/** Seals in-thread, but only once released: enrolments wait there, just before their write. */
class GatedSealer implements EnvelopeSealer {
  waiting = 0;
  #release!: () => void;
  #gate = this.#close();
  #close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#release = resolve;
    });
  }
  async seal(inputs: readonly SealEnvelopeInput[]): Promise<Envelope[]> {
    this.waiting += 1;
    await this.#gate;
    return inputs.map((input) => sealEnvelope(input));
  }
  /** Waits until `count` enrolments are held, runs `meanwhile`, then lets them all go in the same turn. */
  async release(count: number, meanwhile?: () => Promise<void>): Promise<void> {
    while (this.waiting < count) await new Promise((resolve) => setTimeout(resolve, 5));
    await meanwhile?.();
    this.#release();
    this.#gate = this.#close();
    this.waiting = 0;
  }
  async close(): Promise<void> {}
}

for (const engine of ENGINES) {
  describe(`batched enrolments on ${engine}`, () => {
    let f: RegistryFixture;
    const sealer = new GatedSealer();
    let transactions = 0;
    before(async () => {
      f = await createRegistryFixture(engine, { sealer });
      const transaction = f.store.transaction;
      f.store.transaction = (work) => {
        transactions += 1;
        return transaction(work);
      };
    });
    after(async () => f.close());

    async function presentation(claims: PidClaims) {
      const { credential, holder } = await devPid(f, claims);
      const nonce = f.registry.issueNonce().nonce;
      return { nonce, text: await present(f, credential, holder, nonce) };
    }

    /** Starts every enrolment, holds them at the sealer, releases them together; returns their outcomes. */
    async function together(presentations: string[], meanwhile?: () => Promise<void>) {
      const settled = Promise.allSettled(presentations.map((p) => f.registry.enrolments.enrol(p)));
      await sealer.release(presentations.length, meanwhile);
      return settled;
    }

    const count = async (table: 'registry_persons' | 'registry_envelopes' | 'person_sessions' | 'log_outbox', personIds: string[]) => {
      if (table === 'log_outbox') return (await f.store.db.selectFrom('log_outbox').select('id').execute()).length;
      const rows = await f.store.db
        .selectFrom(table)
        .select('person_id' as never)
        .where('person_id' as never, 'in', personIds as never)
        .execute();
      return rows.length;
    };

    it('writes enrolments that arrive together in one transaction, each with its own person and rows', async () => {
      const people = await Promise.all([1, 2, 3, 4, 5].map(() => presentation(personClaims())));
      const outboxBefore = await count('log_outbox', []);
      transactions = 0;
      const outcomes = await together(people.map((p) => p.text));
      assert.equal(transactions, 1, 'one transaction for the five');
      const results = outcomes.map((o) => {
        assert.equal(o.status, 'fulfilled');
        return (o as PromiseFulfilledResult<Awaited<ReturnType<typeof f.registry.enrolments.enrol>>>).value;
      });
      const ids = results.map((r) => r.personId);
      assert.equal(new Set(ids).size, 5);
      const persons = await f.store.db.selectFrom('registry_persons').select('id').where('id', 'in', ids).execute();
      assert.equal(persons.length, 5);
      assert.equal(await count('registry_envelopes', ids), 5 * FIELD_GROUPS.length);
      // Every session works and belongs to its own person.
      for (const r of results) assert.equal((await f.registry.sessions.authenticate(r.session.token))?.personId, r.personId);
      // Each enrolment's log entries: its envelopes and its person event (and at most one tag count).
      const queued = (await count('log_outbox', [])) - outboxBefore;
      assert.ok(queued === 5 * (FIELD_GROUPS.length + 1) || queued === 5 * (FIELD_GROUPS.length + 1) + 1, `${queued} entries`);
    });

    it('refuses the second of two enrolments of one person that arrive in the same batch', async () => {
      const claims = personClaims();
      const [first, second, other] = [await presentation(claims), await presentation(claims), await presentation(personClaims())];
      transactions = 0;
      const outcomes = await together([first, second, other].map((p) => p.text));
      const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
      const rejected = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(fulfilled.length, 2);
      assert.equal(rejected.length, 1);
      assert.equal((rejected[0] as PromiseRejectedResult).reason.code, 'person_already_enrolled');
      assert.equal(outcomes[2]?.status, 'fulfilled', 'the other person is enrolled');
      // The batch held one of the two and the other person; the duplicate was written alone after it.
      assert.equal(transactions, 2);
      const tags = await f.store.db.selectFrom('registry_tags').select('person_id').execute();
      const persons = await f.store.db.selectFrom('registry_persons').select('id').execute();
      assert.equal(tags.length, persons.length, 'no person without its tag');
    });

    it('answers each enrolment alone when the batch meets a conflict written outside it', async () => {
      const people = await Promise.all([1, 2, 3].map(() => presentation(personClaims())));
      const replayed = people[1] as { nonce: string };
      transactions = 0;
      // Past their early nonce check, before they write, the second's nonce is consumed elsewhere (another node, a replay).
      const outcomes = await together(
        people.map((p) => p.text),
        async () => {
          const now = f.clock.now();
          await f.store.db
            .insertInto('registry_used_nonces')
            .values(usedNonceRow(replayed.nonce, new Date(now.getTime() + 60_000), now))
            .execute();
        },
      );
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal((outcomes[1] as PromiseRejectedResult).reason.code, 'nonce_replayed');
      assert.equal(transactions, 1 + 3, 'the failed batch, then one transaction each');
      const ids = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.personId] : []));
      assert.equal(await count('registry_envelopes', ids), 2 * FIELD_GROUPS.length);
      const tags = await f.store.db.selectFrom('registry_tags').select('person_id').execute();
      const persons = await f.store.db.selectFrom('registry_persons').select('id').execute();
      assert.equal(tags.length, persons.length, 'the rolled-back batch left no person behind');
    });
  });
}
