/**
 * Protocol attacks on the tokens mvid itself verifies, against the real server on both
 * engines (nonces and sessions are stored): enrolment PIDs (the issuer's SD-JWT and the
 * holder's KB-JWT), holder-key sign-in assertions, and person sessions. Each forgery —
 * `alg: none`, HS256 keyed with the public key, an attacker's key offered through
 * `jwk`/`jku`/`x5u`/`kid` — expired and not-yet-valid tokens, another audience, and a
 * replayed nonce must be refused; a control shows the same harness's honest token passes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateHolderKey, issueDevPid, presentPid, signJws } from '../src/registry/index.ts';
import { ENGINES } from './support/engines.ts';
import { decode, forgeries, rebind, sdParts } from './support/protocol-attacks.ts';
import { AUDIENCE, personClaims } from './support/registry.ts';
import { bearer, devKeyOf, holderAssertion, nonce, presentation, publishTrustees } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

const DAY_MS = 86_400_000;

for (const engine of ENGINES) {
  describe(`protocol attacks on mvid's own tokens on ${engine}`, () => {
    let rt: TestRuntime;

    before(async () => {
      const off = { limit: 0, windowSeconds: 60 };
      rt = await startTestRuntime(engine, { abuseLimits: { credentialIp: off, credentialPrincipal: off, mintIp: off, enrolIp: off } });
      await publishTrustees(rt);
    });
    after(async () => rt.stop());

    const enrol = (p: string) => rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } });
    /** A refusal: a 4xx problem, never a session. */
    const refused = (r: { statusCode: number; body: string }, what: string) => {
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${what}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      assert.doesNotMatch(r.body, /mvs_/, what);
    };
    const codeOf = (r: { body: string }) => (JSON.parse(r.body) as { code: string }).code;

    it('control: the harness’s honest presentation, re-bound the same way, enrols', async () => {
      const { presentation: p, holder } = await presentation(rt, devKeyOf(rt), personClaims());
      const r = await enrol(rebind(p, holder.privateJwk));
      assert.equal(r.statusCode, 201, r.body);
    });

    it('enrolment PID: a forged issuer JWT (alg none, HS256 with the issuer’s public key, jwk/jku/x5u/kid) is refused', async () => {
      const key = devKeyOf(rt);
      for (const [name, issuerJwt] of forgeries(
        sdParts((await presentation(rt, key, personClaims())).presentation).issuerJwt,
        key.publicJwk,
      )) {
        const { presentation: p, holder } = await presentation(rt, key, personClaims());
        const r = await enrol(rebind(p, holder.privateJwk, { issuerJwt }));
        refused(r, name);
        assert.ok(
          ['alg_not_allowed', 'signature_invalid', 'presentation_invalid', 'issuer_unknown', 'presentation_malformed'].includes(codeOf(r)),
          `${name}: ${r.body}`,
        );
      }
    });

    it('enrolment PID: a forged KB-JWT (alg none, HS256 with the holder’s public key, an attacker’s key) is refused', async () => {
      const key = devKeyOf(rt);
      const sample = await presentation(rt, key, personClaims());
      const names = forgeries(sdParts(sample.presentation).kb, sample.holder.publicJwk).map(([name]) => name);
      for (const [i, name] of names.entries()) {
        const { presentation: p, holder } = await presentation(rt, key, personClaims());
        const forged = rebind(p, holder.privateJwk, { kbForge: (kb) => (forgeries(kb, holder.publicJwk)[i] as [string, string])[1] });
        refused(await enrol(forged), `KB-JWT ${name}`);
      }
    });

    it('enrolment PID: expired and not-yet-valid PIDs, and KB-JWTs too old, from the future or for another audience, are refused', async () => {
      const key = devKeyOf(rt);
      const now = rt.clock.now();
      const at = async (issuedAt: Date) => {
        const holder = generateHolderKey();
        const credential = await issueDevPid(key, personClaims(), holder.publicJwk, { now: issuedAt, validityDays: 30 });
        return presentPid(credential, holder.privateJwk, { nonce: await nonce(rt), audience: AUDIENCE, now });
      };
      const expired = await enrol(await at(new Date(now.getTime() - 31 * DAY_MS)));
      refused(expired, 'an expired PID');
      assert.equal(codeOf(expired), 'credential_expired');
      refused(await enrol(await at(new Date(now.getTime() + DAY_MS))), 'a PID issued tomorrow');

      const iat = (ms: number) => Math.floor((now.getTime() + ms) / 1000);
      for (const [name, kb, code] of [
        ['a KB-JWT for another audience', { aud: 'https://other-verifier.example' }, 'kb_audience_mismatch'],
        ['a KB-JWT an hour old', { iat: iat(-3600_000) }, undefined],
        ['a KB-JWT from the future', { iat: iat(3600_000) }, undefined],
        ['a KB-JWT without a nonce', { nonce: undefined }, undefined],
        ['a KB-JWT over a nonce mvid never issued', { nonce: 'bm90LWEtbm9uY2U' }, undefined],
      ] as const) {
        const { presentation: p, holder } = await presentation(rt, key, personClaims());
        const r = await enrol(rebind(p, holder.privateJwk, { kb }));
        refused(r, name);
        if (code) assert.equal(codeOf(r), code, name);
      }
    });

    it('enrolment PID: a presentation replayed (the same KB-JWT nonce twice) is refused', async () => {
      const { presentation: p } = await presentation(rt, devKeyOf(rt), personClaims());
      assert.equal((await enrol(p)).statusCode, 201);
      refused(await enrol(p), 'the same presentation again');
      // Another person's PID presented over the consumed nonce.
      const { nonce: used } = decode(sdParts(p).kb).payload as { nonce: string };
      const other = await presentation(rt, devKeyOf(rt), personClaims());
      refused(await enrol(rebind(other.presentation, other.holder.privateJwk, { kb: { nonce: used } })), 'a consumed nonce');
    });

    it('administrator tokens (which do not expire) are refused at once when revoked; a look-alike never passes', async () => {
      const { token } = await rt.registry.adminTokens.create('attack-admin');
      const list = () => rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(token) });
      assert.equal((await list()).statusCode, 200);
      for (const forged of [`${token}x`, token.slice(0, -1), token.toUpperCase(), `${token.slice(0, 4)}${'A'.repeat(token.length - 4)}`]) {
        const r = await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(forged) });
        assert.equal(r.statusCode, 401, forged);
      }
      assert.equal(await rt.registry.adminTokens.revoke('attack-admin'), 1);
      assert.equal((await list()).statusCode, 401);
    });

    it('holder sign-in: forged, expired, future, misaddressed and replayed assertions are refused; person sessions expire', async () => {
      const { presentation: p, holder } = await presentation(rt, devKeyOf(rt), personClaims());
      const enrolled = (await enrol(p)).json() as { holderKeyId: string };
      const signIn = (assertion: string) => rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion } });
      const fresh = () => holderAssertion(rt, holder, 'mvid-session+jwt', { kid: enrolled.holderKeyId });

      for (const [name, forged] of forgeries(await fresh(), holder.publicJwk)) refused(await signIn(forged), name);
      const now = Math.floor(rt.clock.now().getTime() / 1000);
      for (const [name, change] of [
        ['another audience', { aud: 'https://other-verifier.example' }],
        ['an hour old', { iat: now - 3600 }],
        ['from the future', { iat: now + 3600 }],
        ['no nonce', { nonce: undefined }],
      ] as const) {
        const d = decode(await fresh());
        refused(await signIn(signJws(d.header, { ...d.payload, ...change }, holder.privateJwk)), name);
      }
      const assertion = await fresh();
      const ok = await signIn(assertion);
      assert.equal(ok.statusCode, 201, ok.body);
      const replay = await signIn(assertion);
      refused(replay, 'a replayed assertion');
      assert.equal(codeOf(replay), 'nonce_replayed');

      const { token, expiresAt } = ok.json() as { token: string; expiresAt: string };
      assert.equal((await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: bearer(token) })).statusCode, 200);
      rt.clock.set(new Date(Date.parse(expiresAt) + 1000).toISOString());
      const late = await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: bearer(token) });
      assert.equal(late.statusCode, 401, 'an expired person session is refused');
    });
  });
}
