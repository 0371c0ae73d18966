/**
 * The registry over HTTP (app.inject) on both engines: a person enrolled from a dev PID
 * cannot enrol twice, recovers, exports, closes and is swept; a 3-of-5 quorum of trustee
 * share files (and no fewer) opens exactly the requested envelope; every refusal is a
 * problem document with its own code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Envelope, partialDecrypt, thresholdOpen, type TrusteeSet, type TrusteeShare } from '../src/crypto/index.ts';
import { type DevIssuerKey, generateHolderKey, issueDevPid, loadDevIssuerKey, presentPid } from '../src/registry/index.ts';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';
import { bearer, devKeyOf, holderAssertion, nonce, presentation, problem, publishTrustees } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

interface Enrolled {
  personId: string;
  holderKeyId: string;
  session: { token: string; tokenType: string; expiresAt: string };
}

for (const engine of ENGINES) {
  describe(`registry HTTP API on ${engine}`, () => {
    let rt: TestRuntime;
    let key: DevIssuerKey;
    let shareFiles: Awaited<ReturnType<typeof publishTrustees>>;

    before(async () => {
      rt = await startTestRuntime(engine, { retentionDays: 30 });
      key = devKeyOf(rt);
    });
    after(async () => rt.stop());

    it('refuses enrolment while no trustee set is active (503 escrow_unavailable)', async () => {
      problem(await rt.app.inject({ method: 'GET', url: '/registry/v1/trustee-set' }), 503, 'escrow_unavailable');
      const { presentation: p } = await presentation(rt, key, personClaims());
      problem(
        await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } }),
        503,
        'escrow_unavailable',
      );
      shareFiles = await publishTrustees(rt);
      const set = (await rt.app.inject({ method: 'GET', url: '/registry/v1/trustee-set' })).json() as TrusteeSet & { status: string };
      assert.equal(set.threshold, 3);
      assert.equal(set.trustees.length, 5);
      assert.equal(set.status, 'active');
      assert.equal(set.escrowPublicKey, set.commitments[0]);
    });

    it('enrols, refuses a second enrolment, recovers, exports, closes and is swept', async () => {
      const claims = personClaims();
      const first = await presentation(rt, key, claims);
      const enrolReply = await rt.app.inject({
        method: 'POST',
        url: '/registry/v1/enrolments',
        payload: { presentation: first.presentation },
      });
      assert.equal(enrolReply.statusCode, 201, enrolReply.body);
      const enrolled = enrolReply.json() as Enrolled;
      assert.equal(enrolled.session.tokenType, 'Bearer');

      const twice = await presentation(rt, key, claims);
      const dup = problem(
        await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: twice.presentation } }),
        409,
        'person_already_enrolled',
      );
      assert.equal(dup.recovery, '/registry/v1/recoveries');

      const me = await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: bearer(enrolled.session.token) });
      assert.equal(me.statusCode, 200, me.body);
      assert.deepEqual(
        (me.json() as { events: Array<{ type: string }> }).events.map((e) => e.type),
        ['enrolled'],
      );

      const lost = await presentation(rt, key, claims);
      const recReply = await rt.app.inject({
        method: 'POST',
        url: '/registry/v1/recoveries',
        payload: { presentation: lost.presentation },
      });
      assert.equal(recReply.statusCode, 200, recReply.body);
      const recovered = recReply.json() as Enrolled & { revokedKeys: string[]; reopened: boolean };
      assert.equal(recovered.personId, enrolled.personId);
      assert.deepEqual(recovered.revokedKeys, [enrolled.holderKeyId]);
      problem(
        await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: bearer(enrolled.session.token) }),
        401,
        'unauthenticated',
      );
      const auth = bearer(recovered.session.token);

      const exported = await rt.app.inject({ method: 'GET', url: '/registry/v1/me/export', headers: auth });
      assert.equal(exported.statusCode, 200, exported.body);
      assert.match(String(exported.headers['content-disposition']), /attachment/);
      const doc = exported.json() as {
        attributes: Record<string, unknown>;
        envelopes: Array<{ fieldGroup: string; supersededAt: string | null; envelope: Envelope }>;
        events: Array<{ type: string }>;
        holderKeys: unknown[];
      };
      // Past 21: the service keeps no trace of the birthdate (it stays in the name_birth envelope).
      assert.deepEqual(doc.attributes.age_milestones, { over13: true, over16: true, over18: true, over21: true });
      assert.equal(JSON.stringify(doc.attributes).includes(claims.birthdate), false);
      assert.equal(doc.envelopes.length, 8);
      assert.deepEqual(
        doc.events.map((e) => e.type),
        ['enrolled', 'recovered', 'exported'],
      );
      assert.equal(doc.holderKeys.length, 2);

      // The quorum opens exactly the requested envelope from the person's export, and no fewer trustees do.
      const asked = doc.envelopes.find((e) => e.fieldGroup === 'name_birth' && e.supersededAt === null)?.envelope as Envelope;
      // Sealed to the retention-epoch key of its expiry: that key's shares, checked with its verification keys.
      const listed = (await rt.app.inject({ method: 'GET', url: '/registry/v1/escrow-epochs' })).json() as {
        epochs: Array<{ key: TrusteeSet }>;
      };
      const set = listed.epochs.find((e) => e.key.id === asked.escrowKeyId)?.key as TrusteeSet;
      assert.ok(set, 'the envelope names a published epoch key');
      const shares = ['alice', 'carol', 'erin'].map(
        (t) => shareFiles.epochShares.get(t)?.find((s) => s.trusteeSetId === set.id) as TrusteeShare,
      );
      const partials = shares.map((share) => partialDecrypt({ share, c1: asked.c1, requestId: 'order-1', envelopeId: asked.envelopeId }));
      const opened = JSON.parse(
        Buffer.from(thresholdOpen(asked, partials, { trusteeSet: set, requestId: 'order-1' }).plaintext).toString(),
      );
      assert.equal(opened.given_name, claims.given_name);
      assert.throws(() => thresholdOpen(asked, partials.slice(0, 2), { trusteeSet: set, requestId: 'order-1' }), {
        code: 'threshold_not_met',
      });
      const contact = doc.envelopes.find((e) => e.fieldGroup === 'contact' && e.supersededAt === null)?.envelope as Envelope;
      assert.throws(() => thresholdOpen(contact, partials, { trusteeSet: set, requestId: 'order-1' }), { code: 'share_invalid' });

      const closeReply = await rt.app.inject({ method: 'POST', url: '/registry/v1/me/close', headers: auth });
      assert.equal(closeReply.statusCode, 200, closeReply.body);
      const { purgeAfter } = closeReply.json() as { purgeAfter: string };
      problem(await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: auth }), 401, 'unauthenticated');
      const signIn = await holderAssertion(rt, lost.holder, 'mvid-session+jwt', { kid: recovered.holderKeyId });
      problem(
        await rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion: signIn } }),
        401,
        'assertion_invalid',
      );

      rt.clock.set(purgeAfter);
      const report = await rt.registry.sweeper.sweep();
      assert.equal(report.tags, 1);
      const left = await rt.store.db.selectFrom('registry_envelopes').select('id').where('person_id', '=', enrolled.personId).execute();
      assert.deepEqual(left, []);
      const tags = await rt.store.db.selectFrom('registry_tags').select('tag').where('person_id', '=', enrolled.personId).execute();
      assert.deepEqual(tags, []);
    });

    it('signs in with a holder key, manages keys, signs out', async () => {
      const first = await presentation(rt, key, personClaims());
      const enrolled = (
        await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: first.presentation } })
      ).json() as Enrolled;
      const assertion = await holderAssertion(rt, first.holder, 'mvid-session+jwt', { kid: enrolled.holderKeyId });
      const signIn = await rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion } });
      assert.equal(signIn.statusCode, 201, signIn.body);
      const { token } = signIn.json() as { token: string };
      problem(await rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion } }), 401, 'nonce_replayed');

      const second = generateHolderKey();
      const proof = await holderAssertion(rt, second, 'mvid-key+jwt', { jwk: second.publicJwk });
      const added = await rt.app.inject({ method: 'POST', url: '/registry/v1/me/keys', headers: bearer(token), payload: { proof } });
      assert.equal(added.statusCode, 201, added.body);
      const { kid } = added.json() as { kid: string };
      const keys = (await rt.app.inject({ method: 'GET', url: '/registry/v1/me/keys', headers: bearer(token) })).json() as {
        keys: unknown[];
      };
      assert.equal(keys.keys.length, 2);
      const other = await rt.app.inject({
        method: 'POST',
        url: '/registry/v1/sessions',
        payload: { assertion: await holderAssertion(rt, second, 'mvid-session+jwt', { kid }) },
      });
      const otherToken = (other.json() as { token: string }).token;
      assert.equal(
        (await rt.app.inject({ method: 'DELETE', url: `/registry/v1/me/keys/${enrolled.holderKeyId}`, headers: bearer(otherToken) }))
          .statusCode,
        204,
      );
      problem(await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: bearer(token) }), 401, 'unauthenticated');
      problem(
        await rt.app.inject({ method: 'DELETE', url: `/registry/v1/me/keys/${kid}`, headers: bearer(otherToken) }),
        409,
        'last_holder_key',
      );
      problem(
        await rt.app.inject({ method: 'DELETE', url: '/registry/v1/me/keys/nope', headers: bearer(otherToken) }),
        404,
        'holder_key_not_found',
      );

      assert.equal(
        (await rt.app.inject({ method: 'DELETE', url: '/registry/v1/sessions/current', headers: bearer(otherToken) })).statusCode,
        204,
      );
      const after = problem(
        await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: bearer(otherToken) }),
        401,
        'unauthenticated',
      );
      assert.ok(after);
    });

    it('refuses bad PIDs with their own codes', async () => {
      const enrol = (p: string) => rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } });
      const good = await presentation(rt, key, personClaims());
      const [jwt, ...rest] = good.presentation.split('~');
      const [h, , s] = (jwt as string).split('.') as [string, string, string];
      const claims = { iss: 'urn:mvid:dev-pid-issuer', vct: 'urn:eudi:pid:1', given_name: 'Mallory' };
      const tampered = [`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`, ...rest].join('~');
      problem(await enrol(tampered), 401, 'signature_invalid');

      const rogue = generateHolderKey();
      const rogueKey = {
        privateJwk: { ...rogue.privateJwk, kid: 'r' },
        publicJwk: { ...rogue.publicJwk, kid: 'r', alg: 'ES256' as const, use: 'sig' as const },
      };
      const unknownIssuer = (await presentation(rt, rogueKey, personClaims())).presentation;
      problem(await enrol(unknownIssuer), 401, 'signature_invalid'); // same iss as the dev issuer, wrong key

      const thief = generateHolderKey();
      const stolen = await presentation(rt, key, personClaims());
      const byThief = await presentPid(stolen.credential, thief.privateJwk, {
        nonce: await nonce(rt),
        audience: 'http://mvid.test',
        now: rt.clock.now(),
      });
      problem(await enrol(byThief), 401, 'kb_invalid');

      const used = await presentation(rt, key, personClaims());
      assert.equal((await enrol(used.presentation)).statusCode, 201);
      const replayNonce = used.presentation.split('~').at(-1) as string;
      const nonceUsed = JSON.parse(Buffer.from(replayNonce.split('.')[1] as string, 'base64url').toString()).nonce as string;
      const fresh = generateHolderKey();
      const credential = await issueDevPid(key, personClaims(), fresh.publicJwk, { now: rt.clock.now() });
      const replayed = await presentPid(credential, fresh.privateJwk, {
        nonce: nonceUsed,
        audience: 'http://mvid.test',
        now: rt.clock.now(),
      });
      problem(await enrol(replayed), 401, 'nonce_replayed');

      // A nonce answered after its 5 minutes, by an otherwise fresh KB-JWT.
      const oldNonce = await nonce(rt);
      rt.clock.advance(6 * 60_000);
      const late = generateHolderKey();
      const lateCredential = await issueDevPid(key, personClaims(), late.publicJwk, { now: rt.clock.now() });
      const slow = await presentPid(lateCredential, late.privateJwk, {
        nonce: oldNonce,
        audience: 'http://mvid.test',
        now: rt.clock.now(),
      });
      problem(await enrol(slow), 401, 'nonce_expired');
    });

    it('validates bodies: unknown members, wrong types and sizes', async () => {
      const enrol = (payload: unknown) =>
        rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: payload as Record<string, unknown> });
      assert.equal(problem(await enrol({ presentation: 'a.b.c~', extra: 1 }), 400, 'validation_failed').field, 'body.extra');
      problem(await enrol({ presentation: { jwt: 'a.b.c~' } }), 400, 'validation_failed');
      problem(await enrol({ presentation: 'a b' }), 400, 'validation_failed');
      problem(await enrol({ presentation: 'a'.repeat(40_000) }), 400, 'validation_failed');
      problem(await enrol({ presentation: 'a'.repeat(70_000) }), 413, 'payload_too_large');
      problem(
        await rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion: 'x.y.z' } }),
        401,
        'assertion_invalid',
      );
    });
  });

  it(`refuses a dev PID in production mode (403 dev_issuer_disabled) on ${engine}`, async () => {
    const rt = await startTestRuntime(engine, { mode: 'production' });
    try {
      await publishTrustees(rt);
      const issuers = await rt.registry.issuers.list();
      assert.equal(issuers.length, 0, 'no dev issuer is registered in production');
      const devKey = loadDevIssuerKey(mkdtempSync(join(tmpdir(), 'mvid-devkey-')), 'development');
      const { presentation: p } = await presentation(rt, devKey, personClaims());
      problem(
        await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } }),
        403,
        'dev_issuer_disabled',
      );
    } finally {
      await rt.stop();
    }
  });
}
