/**
 * The service-readable attributes reach the issuance paths that need them — the OIDC
 * claims of worlds and the credentials — through the registry, as wired in production,
 * without any test override. The registry keeps age milestones, not the birthdate: the
 * full birthdate is only in the `name_birth` envelope, which a trustee quorum opens.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type AgeMilestones, agePredicates } from '../src/core/index.ts';
import { partialDecrypt, thresholdOpen, type TrusteeShare } from '../src/crypto/index.ts';
import { registryPersonDirectory } from '../src/server/worlds.ts';
import { ENGINES } from './support/engines.ts';
import { createRegistryFixture, devPid, personClaims, present } from './support/registry.ts';

for (const engine of ENGINES) {
  it(`service attributes hold age milestones, not the birthdate, and feed the world directory (${engine})`, async () => {
    const fixture = await createRegistryFixture(engine, { trustees: true });
    try {
      // 17 at enrolment (the fixture's clock is 2026-06-01): turns 18 on 14 March 2027.
      const claims = personClaims({ birthdate: '2009-03-14' });
      const { credential, holder } = await devPid(fixture, claims);
      const { personId, session } = await fixture.registry.enrolments.enrol(await present(fixture, credential, holder));
      const attributes = await fixture.registry.self.serviceAttributes(personId);
      const milestones: AgeMilestones = { over13: true, over16: true, over18: '2027-04-01', over21: '2030-04-01' };
      assert.deepEqual(attributes.age_milestones, milestones);
      assert.equal(attributes.birthdate, undefined);
      assert.equal(JSON.stringify(attributes).includes('-14'), false, 'no day of birth anywhere in the readable attributes');
      assert.equal(attributes.residence_country, 'GB');
      const directory = registryPersonDirectory(fixture.registry);
      assert.deepEqual(await directory.attributes(personId), { birthdate: milestones, residenceCountry: 'GB' });
      const over18 = (at: string) => agePredicates(milestones, new Date(at)).age_over_18;
      assert.equal(over18('2027-03-14T12:00:00Z'), false, 'never early: the milestone is rounded up to the month');
      assert.equal(over18('2027-04-01T11:59:59Z'), false);
      assert.equal(over18('2027-04-01T12:00:00Z'), true);
      assert.deepEqual(await fixture.registry.self.serviceAttributes('00000000-0000-4000-8000-000000000000'), {});

      // The full birthdate is still escrowed: three trustees open the name_birth envelope.
      const principal = await fixture.registry.sessions.authenticate(session.token);
      assert.ok(principal);
      const doc = await fixture.registry.self.export(principal);
      const envelope = doc.envelopes.find((e) => e.fieldGroup === 'name_birth' && e.supersededAt === null)?.envelope;
      assert.ok(envelope);
      // Sealed to the retention-epoch key of its expiry: three shares of that key open it.
      const set = (await fixture.registry.epochs.byId(envelope.escrowKeyId as string))?.key;
      assert.ok(set);
      const shares = ['alice', 'carol', 'erin'].map(
        (t) => fixture.epochShares.get(t)?.find((s) => s.trusteeSetId === set.id) as TrusteeShare,
      );
      const partials = shares.map((share) =>
        partialDecrypt({ share, c1: envelope.c1, requestId: 'req-age', envelopeId: envelope.envelopeId }),
      );
      const opened = new TextDecoder().decode(thresholdOpen(envelope, partials, { trusteeSet: set, requestId: 'req-age' }).plaintext);
      assert.match(opened, /2009-03-14/);
    } finally {
      await fixture.close();
    }
  });
}
