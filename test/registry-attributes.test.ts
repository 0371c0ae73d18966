/**
 * The service-readable attributes (birthdate, residence) reach the issuance paths that
 * need them — the OIDC claims of worlds and the credentials — through the registry, as
 * wired in production, without any test override.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { registryPersonDirectory } from '../src/server/worlds.ts';
import { ENGINES } from './support/engines.ts';
import { createRegistryFixture, devPid, personClaims, present } from './support/registry.ts';

for (const engine of ENGINES) {
  it(`service attributes open with the data-at-rest key and feed the world directory (${engine})`, async () => {
    const fixture = await createRegistryFixture(engine, { trustees: true });
    try {
      const claims = personClaims({ birthdate: '2001-02-03' });
      const { credential, holder } = await devPid(fixture, claims);
      const { personId } = await fixture.registry.enrolments.enrol(await present(fixture, credential, holder));
      const attributes = await fixture.registry.self.serviceAttributes(personId);
      assert.equal(attributes.birthdate, '2001-02-03');
      assert.equal(attributes.residence_country, 'GB');
      const directory = registryPersonDirectory(fixture.registry);
      assert.deepEqual(await directory.attributes(personId), { birthdate: '2001-02-03', residenceCountry: 'GB' });
      assert.deepEqual(await fixture.registry.self.serviceAttributes('00000000-0000-4000-8000-000000000000'), {});
    } finally {
      await fixture.close();
    }
  });
}
