/** Refusals of a presented PID, each with its own code (both engines: issuers live in the database). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signJws } from './jws.ts';
import { generateHolderKey, issueDevPid, loadDevIssuerKey, presentPid } from './dev-issuer.ts';
import { DEV_ISSUER_ISS } from './types.ts';
import { ENGINES } from '../../test/support/engines.ts';
import {
  AUDIENCE,
  buildTestRegistry,
  createRegistryFixture,
  devPid,
  personClaims,
  present,
  presentRaw,
  type RegistryFixture,
} from '../../test/support/registry.ts';

function rejectsWith(promise: Promise<unknown>, code: string) {
  return assert.rejects(promise, (error: { code?: string; message?: string }) => {
    assert.equal(error.code, code, error.message);
    return true;
  });
}

/** Flips one character in the middle of a base64url segment. */
function flip(segment: string): string {
  const i = Math.floor(segment.length / 2);
  return `${segment.slice(0, i)}${segment[i] === 'A' ? 'B' : 'A'}${segment.slice(i + 1)}`;
}

for (const engine of ENGINES) {
  describe(`PID verification on ${engine}`, () => {
    let f: RegistryFixture;
    before(async () => {
      f = await createRegistryFixture(engine);
    });
    after(async () => f.close());

    it('accepts a well-formed dev PID', async () => {
      const { credential, holder } = await devPid(f, personClaims());
      const result = await f.registry.enrolments.enrol(await present(f, credential, holder));
      assert.match(result.personId, /^[0-9a-f-]{36}$/);
    });

    it('refuses a PID whose issuer-signed payload was tampered with (signature_invalid)', async () => {
      const { credential, holder } = await devPid(f, personClaims());
      const [jwt, ...rest] = credential.split('~');
      const [h, p, s] = (jwt as string).split('.') as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      payload.exp += 86400 * 365;
      const forged = [`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`, ...rest].join('~');
      await rejectsWith(f.registry.enrolments.enrol(await present(f, forged, holder)), 'signature_invalid');
    });

    it('refuses a tampered or foreign disclosure (disclosure_invalid)', async () => {
      const { credential, holder } = await devPid(f, personClaims());
      const parts = credential.split('~');
      const disclosure = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString()) as unknown[];
      disclosure[2] = 'Mallory';
      parts[1] = Buffer.from(JSON.stringify(disclosure)).toString('base64url');
      await rejectsWith(f.registry.enrolments.enrol(presentRaw(f, parts.join('~'), holder)), 'disclosure_invalid');
      // A genuine disclosure lifted from another PID is not covered by this issuer signature either.
      const other = (await devPid(f, personClaims())).credential.split('~');
      const spliced = [...credential.split('~').slice(0, -1), other[1], ''].join('~');
      await rejectsWith(f.registry.enrolments.enrol(presentRaw(f, spliced, holder)), 'disclosure_invalid');
      // The same disclosure twice is refused too.
      const duplicated = [...credential.split('~').slice(0, -1), credential.split('~')[1], ''].join('~');
      await rejectsWith(f.registry.enrolments.enrol(presentRaw(f, duplicated, holder)), 'disclosure_invalid');
    });

    it('refuses a PID from an unregistered issuer (issuer_untrusted)', async () => {
      const rogue = generateHolderKey();
      const key = {
        privateJwk: { ...rogue.privateJwk, kid: 'rogue' },
        publicJwk: { ...rogue.publicJwk, kid: 'rogue', alg: 'ES256' as const, use: 'sig' as const },
      };
      const holder = generateHolderKey();
      const credential = await issueDevPid(key, personClaims(), holder.publicJwk, { now: f.clock.now() });
      // Same claims, but re-signed as another iss: the dev issuer's iss would be accepted, so rewrite it.
      const [jwt, ...rest] = credential.split('~');
      const [, p] = (jwt as string).split('.') as [string, string, string];
      const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), iss: 'https://rogue.example' };
      const resigned = [signJws({ typ: 'dc+sd-jwt', kid: 'rogue' }, payload, key.privateJwk), ...rest].join('~');
      await rejectsWith(f.registry.enrolments.enrol(await present(f, resigned, holder)), 'issuer_untrusted');
    });

    it('refuses a replayed nonce (nonce_replayed) and an expired one (nonce_expired)', async () => {
      const first = await devPid(f, personClaims());
      const nonce = f.registry.issueNonce().nonce;
      await f.registry.enrolments.enrol(await present(f, first.credential, first.holder, nonce));
      const second = await devPid(f, personClaims());
      await rejectsWith(f.registry.enrolments.enrol(await present(f, second.credential, second.holder, nonce)), 'nonce_replayed');
      const old = f.registry.issueNonce().nonce;
      f.clock.advance(301_000);
      const late = await present(f, second.credential, second.holder, old);
      await rejectsWith(f.registry.enrolments.enrol(late), 'nonce_expired');
    });

    it('refuses a nonce mvid never issued (nonce_invalid)', async () => {
      const { credential, holder } = await devPid(f, personClaims());
      const real = f.registry.issueNonce().nonce;
      await rejectsWith(f.registry.enrolments.enrol(await present(f, credential, holder, flip(real))), 'nonce_invalid');
      await rejectsWith(f.registry.enrolments.enrol(await present(f, credential, holder, 'chosen-by-the-client')), 'nonce_invalid');
    });

    it('refuses a key binding by another key than the one in cnf (kb_invalid)', async () => {
      const { credential } = await devPid(f, personClaims());
      const thief = generateHolderKey();
      await rejectsWith(f.registry.enrolments.enrol(await present(f, credential, thief)), 'kb_invalid');
    });

    it('refuses a missing, mis-addressed or stale key binding', async () => {
      const { credential, holder } = await devPid(f, personClaims());
      await rejectsWith(f.registry.enrolments.enrol(credential), 'kb_missing');
      const nonce = f.registry.issueNonce().nonce;
      const elsewhere = await presentPid(credential, holder.privateJwk, { nonce, audience: 'https://other.example', now: f.clock.now() });
      await rejectsWith(f.registry.enrolments.enrol(elsewhere), 'kb_audience_mismatch');
      const stale = await presentPid(credential, holder.privateJwk, {
        nonce,
        audience: AUDIENCE,
        now: new Date(f.clock.now().getTime() - 600_000),
      });
      await rejectsWith(f.registry.enrolments.enrol(stale), 'kb_stale');
    });

    it('refuses a PID lacking required claims or with implausible ones', async () => {
      const { given_name: _, ...partial } = personClaims();
      const { credential, holder } = await devPid(f, partial as never);
      await rejectsWith(f.registry.enrolments.enrol(await present(f, credential, holder)), 'claims_missing');
      const future = await devPid(f, personClaims({ birthdate: '2999-01-01' }));
      await rejectsWith(f.registry.enrolments.enrol(await present(f, future.credential, future.holder)), 'schema_violation');
    });

    it('refuses an expired PID (credential_expired)', async () => {
      const { credential, holder } = await devPid(f, personClaims());
      f.clock.advanceDays(31);
      try {
        await rejectsWith(f.registry.enrolments.enrol(await present(f, credential, holder)), 'credential_expired');
      } finally {
        f.clock.advanceDays(-31);
      }
    });

    it('refuses garbage (presentation_malformed)', async () => {
      await rejectsWith(f.registry.enrolments.enrol('not an sd-jwt'), 'presentation_malformed');
      await rejectsWith(f.registry.enrolments.enrol('a.b.c~'), 'presentation_malformed');
    });

    it('refuses identifiers in a namespace the issuer may not attest (issuer_namespace_refused)', async () => {
      const issuerKey = generateHolderKey();
      const kid = 'gb-issuer';
      await f.registry.issuers.add({
        name: 'gb-only',
        iss: 'https://pid.gb.example',
        jwks: { keys: [{ ...issuerKey.publicJwk, kid }] },
        namespaces: ['GB:nino'],
      });
      const holder = generateHolderKey();
      const dev = await issueDevPid(
        { privateJwk: { ...issuerKey.privateJwk, kid }, publicJwk: { ...issuerKey.publicJwk, kid, alg: 'ES256', use: 'sig' } },
        personClaims({ unique_id_namespace: 'FR:nir' }),
        holder.publicJwk,
        { now: f.clock.now() },
      );
      const [jwt, ...rest] = dev.split('~');
      const [, p] = (jwt as string).split('.') as [string, string, string];
      const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), iss: 'https://pid.gb.example' };
      const credential = [signJws({ typ: 'dc+sd-jwt', kid }, payload, issuerKey.privateJwk), ...rest].join('~');
      await rejectsWith(f.registry.enrolments.enrol(await present(f, credential, holder)), 'issuer_namespace_refused');
    });
  });

  describe(`PID verification in production mode on ${engine}`, () => {
    it('refuses a dev PID in production (dev_issuer_disabled), even with the dev issuer still in the database', async () => {
      const f = await createRegistryFixture(engine);
      try {
        const { credential, holder } = await devPid(f, personClaims());
        const production = buildTestRegistry(f.store, f.clock, f.keys, 'production', undefined, undefined, f.db.dataDir);
        assert.equal(await production.setupDevIssuer(f.keyDir), undefined);
        assert.ok(await production.issuers.findByIss(DEV_ISSUER_ISS), 'the dev issuer row is still there');
        const nonce = production.issueNonce().nonce;
        await rejectsWith(production.enrolments.enrol(await present(f, credential, holder, nonce)), 'dev_issuer_disabled');
        assert.throws(() => loadDevIssuerKey(f.keyDir, 'production'), { code: 'dev_issuer_disabled' });
      } finally {
        await f.close();
      }
    });
  });
}
