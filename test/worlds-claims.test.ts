/**
 * Every claim the consent page offers arrives in the ID token once the person ticks it —
 * one test per claim, from the sources production wires (the registry's sealed
 * attributes, handles, trust levels, and the occupation an attribute issuer attested
 * and mvid re-issued). A new claim without a test here fails to compile (the expected
 * values are a Record over every claim). A revoked occupation is no longer released.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { keyDirOf } from '../src/keys/index.ts';
import { generateHolderKey, issueDevPid, loadDevIssuerKey, presentPid } from '../src/registry/index.ts';
import { presentCredential } from '../src/sdk/index.ts';
import { DEFAULT_TRUST_LEVEL, WORLD_CLAIM_NAMES, WORLD_CLAIMS, type WorldClaim } from '../src/worlds/index.ts';
import { attributeIssuer, cNonce, registerAttributeIssuer } from './support/credentials.ts';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';
import { TestAuthenticator } from './support/webauthn.ts';
import {
  addPasskey,
  codeFlow,
  registerWorld,
  startWorldsRuntime,
  type TestPerson,
  type WorldsRuntime,
  worldClient,
} from './support/worlds.ts';

const REDIRECT = 'http://localhost:9/claims-world/callback';

/** A 15-year-old on 2026-06-01 (the runtime's clock): the age predicates are not all true. */
const EXPECTED: Record<WorldClaim, unknown> = {
  age_over_13: true,
  age_over_16: false,
  age_over_18: false,
  age_over_21: false,
  handle: 'Grace_H',
  trust_level: DEFAULT_TRUST_LEVEL,
  occupation: 'Registered nurse',
  residence_country: 'GB',
};

for (const engine of ENGINES) {
  describe(`every offered claim is delivered on ${engine}`, () => {
    let rt: WorldsRuntime;
    let config: oidc.Configuration;
    let grace: TestPerson;
    let claims: Record<string, unknown>;

    async function signIn(): Promise<Record<string, unknown>> {
      const tokens = await codeFlow(rt, config, grace, REDIRECT, `openid ${WORLD_CLAIM_NAMES.join(' ')}`);
      return tokens.claims() ?? {};
    }

    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
      const world = await registerWorld(rt, {
        name: 'Claims World',
        redirectUris: [REDIRECT],
        claims: WORLD_CLAIM_NAMES.map((name) => ({ name, required: false })),
      });
      config = await worldClient(rt, world);

      // Enrolment keeps the holder key: the person presents the board's credential with it.
      const pid = personClaims({ birthdate: '2010-06-15' });
      const holder = generateHolderKey();
      const credential = await issueDevPid(loadDevIssuerKey(keyDirOf(rt.config.dataDir), 'development'), pid, holder.publicJwk, {
        now: rt.clock.now(),
      });
      const presentation = await presentPid(credential, holder.privateJwk, {
        nonce: rt.registry.issueNonce().nonce,
        audience: rt.url,
        now: rt.clock.now(),
      });
      const enrolled = await rt.registry.enrolments.enrol(presentation);
      grace = { personId: enrolled.personId, sessionToken: enrolled.session.token, claims: pid, authenticator: new TestAuthenticator() };
      await addPasskey(rt, grace);

      const handle = await fetch(`${rt.url}/worlds/v1/me/worlds/${world.clientId}/handle`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${grace.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handle: EXPECTED.handle }),
      });
      assert.equal(handle.status, 200);

      const board = attributeIssuer(rt, 'https://nursing.example');
      await registerAttributeIssuer(rt, board, 'Board of Nursing', ['occupation']);
      const source = await board.issue(
        'occupation',
        { occupation: EXPECTED.occupation, issuing_body: 'Board of Nursing' },
        holder.publicJwk,
      );
      const shown = await presentCredential(source, {
        disclose: ['occupation', 'issuing_body'],
        holderPrivateKey: holder.privateJwk,
        audience: rt.url,
        nonce: await cNonce(rt),
        now: rt.clock.now(),
      });
      await rt.credentials.issuance.issue(grace.personId, { kind: 'occupation', source: shown });
      claims = await signIn();
    });
    after(async () => rt.stop());

    for (const name of WORLD_CLAIM_NAMES) {
      it(`delivers ${name} (${WORLD_CLAIMS[name].label}) when ticked`, () => {
        assert.deepEqual(claims[name], EXPECTED[name]);
      });
    }

    it('keeps the attested occupation sealed at rest', async () => {
      const row = await rt.store.db
        .selectFrom('credentials_issued')
        .select('attested_sealed')
        .where('person_id', '=', grace.personId)
        .where('kind', '=', 'occupation')
        .executeTakeFirstOrThrow();
      assert.ok(row.attested_sealed);
      assert.doesNotMatch(row.attested_sealed, /nurse/i);
      assert.doesNotMatch(Buffer.from(row.attested_sealed, 'base64url').toString('latin1'), /nurse/i);
    });

    it('stops releasing the occupation once its re-issued credential is revoked', async () => {
      const revoked = await rt.credentials.revocations.revoke({ personId: grace.personId, kind: 'occupation' }, 'issuer_request');
      assert.ok(revoked >= 1);
      const again = await signIn();
      assert.equal(again.occupation, undefined);
      const rows = await rt.store.db
        .selectFrom('credentials_issued')
        .select('attested_sealed')
        .where('person_id', '=', grace.personId)
        .execute();
      assert.ok(
        rows.every((r) => r.attested_sealed === null),
        'the sealed claims are dropped with the revocation',
      );
      assert.equal(again.residence_country, 'GB', 'the other claims still arrive');
    });
  });
}
