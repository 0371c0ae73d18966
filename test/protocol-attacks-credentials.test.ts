/**
 * Protocol attacks on credentials, against the real server on both engines (c_nonces,
 * presentation requests and status lists are stored): OpenID4VCI key proofs and the
 * online presentation check a world asks mvid for. Forged issuer JWTs and KB-JWTs
 * (`alg: none`, HS256 keyed with the public key, an attacker's key through
 * `jwk`/`jku`/`x5u`/`kid`), a KB-JWT for another world, for another request's nonce, too
 * old or from the future, a replayed presentation or proof, and an expired credential
 * are all refused; a control shows the same harness's honest presentation verifies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { presentCredential } from '../src/sdk/index.ts';
import {
  bearer,
  type CredentialsRuntime,
  cNonce,
  enrol,
  keyProof,
  type Person,
  type ProofKey,
  proofKey,
  startCredentialsRuntime,
} from './support/credentials.ts';
import { ENGINES } from './support/engines.ts';
import { decode, forgeries, rebind, sdParts } from './support/protocol-attacks.ts';
import { signJws } from '../src/registry/index.ts';

for (const engine of ENGINES) {
  describe(`protocol attacks on credentials on ${engine}`, () => {
    let rt: CredentialsRuntime;
    let person: Person;
    let issuerJwk: Record<string, unknown>;
    const worlds: Array<{ clientId: string; headers: Record<string, string> }> = [];

    before(async () => {
      // Failed checks would count against the worlds' abuse limits (tested in abuse-limits.test.ts).
      const off = { limit: 0, windowSeconds: 60 };
      rt = await startCredentialsRuntime(engine, {}, { abuseLimits: { credentialIp: off, credentialPrincipal: off, mintIp: off } });
      person = await enrol(rt, { birthdate: '1990-01-01' });
      const metadata = (await rt.app.inject({ method: 'GET', url: '/.well-known/jwt-vc-issuer' })).json() as {
        jwks: { keys: Array<Record<string, unknown>> };
      };
      issuerJwk = metadata.jwks.keys[0] as Record<string, unknown>;
      for (const name of ['World A', 'World B']) {
        const { clientId, clientSecret } = await rt.worlds.registry.add({
          name,
          purpose: 'To test.',
          redirectUris: [`https://${name.replace(' ', '-').toLowerCase()}.example/cb`],
          claims: [{ name: 'age_over_18', required: true }],
          rules: [],
        });
        worlds.push({ clientId, headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` } });
      }
    });
    after(async () => rt.stop());

    const worldA = () => worlds[0] as { clientId: string; headers: Record<string, string> };
    const worldB = () => worlds[1] as { clientId: string; headers: Record<string, string> };
    const refused = (r: { statusCode: number; body: string }, what: string) =>
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${what}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    const issue = (proofs: string[]) =>
      rt.app.inject({ method: 'POST', url: '/credentials/v1/issue', headers: bearer(person.token), payload: { kind: 'age', proofs } });

    async function ageCredential(): Promise<{ credential: string; key: ProofKey }> {
      const key = proofKey();
      const reply = await issue([keyProof(rt, key, await cNonce(rt))]);
      assert.equal(reply.statusCode, 201, reply.body);
      return { credential: (reply.json() as { credentials: Array<{ credential: string }> }).credentials[0]?.credential ?? '', key };
    }
    async function request(world = worldA()) {
      const r = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/presentation-requests',
        headers: world.headers,
        payload: { claims: ['age_over_18'] },
      });
      assert.equal(r.statusCode, 201, r.body);
      return r.json() as { id: string; nonce: string; audience: string };
    }
    async function shown(held: { credential: string; key: ProofKey }, audience: string, nonce: string) {
      return presentCredential(held.credential, {
        disclose: ['age_over_18'],
        holderPrivateKey: held.key.privateKey as never,
        audience,
        nonce,
        now: rt.clock.now(),
      });
    }
    const verify = (requestId: string, presentation: string, world = worldA()) =>
      rt.app.inject({ method: 'POST', url: '/credentials/v1/verify', headers: world.headers, payload: { requestId, presentation } });

    it('control: an honest presentation, re-bound by the harness, verifies once; the same presentation again is refused', async () => {
      const held = await ageCredential();
      const req = await request();
      const p = rebind(await shown(held, req.audience, req.nonce), held.key.privateKey as never);
      const ok = await verify(req.id, p);
      assert.equal(ok.statusCode, 200, ok.body);
      refused(await verify(req.id, p), 'the presentation replayed');
    });

    it('forged issuer JWTs (alg none, HS256 with mvid’s public key, jwk/jku/x5u/kid) are refused', async () => {
      const held = await ageCredential();
      for (const [name, issuerJwt] of forgeries(sdParts(held.credential).issuerJwt, issuerJwk as never)) {
        const req = await request();
        const r = await verify(req.id, rebind(await shown(held, req.audience, req.nonce), held.key.privateKey as never, { issuerJwt }));
        refused(r, name);
      }
    });

    it('forged KB-JWTs (alg none, HS256 with the holder’s public key, an attacker’s key) are refused', async () => {
      const held = await ageCredential();
      const count = forgeries(sdParts(held.credential).issuerJwt, held.key.publicJwk).length;
      for (let i = 0; i < count; i++) {
        const req = await request();
        const kbForge = (kb: string) => (forgeries(kb, held.key.publicJwk)[i] as [string, string])[1];
        const r = await verify(req.id, rebind(await shown(held, req.audience, req.nonce), held.key.privateKey as never, { kbForge }));
        refused(r, `KB-JWT forgery ${i}`);
      }
    });

    it('audience mix-ups and stale KB-JWTs: for world B, for another request’s nonce, an hour old, from the future — refused', async () => {
      const held = await ageCredential();
      const now = Math.floor(rt.clock.now().getTime() / 1000);
      const forB = await request(worldB());
      const reqA = await request();
      // Made for world B (its audience and nonce), shown by world A under A's request.
      refused(await verify(reqA.id, await shown(held, forB.audience, forB.nonce)), 'a presentation made for world B');
      // World B replays a presentation made for world A under its own request.
      const madeForA = await shown(held, reqA.audience, reqA.nonce);
      refused(await verify(forB.id, madeForA, worldB()), 'world B replaying world A’s presentation');
      // World B uses world A's request id.
      refused(await verify(reqA.id, madeForA, worldB()), 'world B naming world A’s request');
      for (const [name, kb] of [
        ['another request’s nonce', { nonce: forB.nonce }],
        ['an hour old', { iat: now - 3600 }],
        ['from the future', { iat: now + 3600 }],
        ['no audience', { aud: undefined }],
      ] as const) {
        const req = await request();
        const r = await verify(req.id, rebind(await shown(held, req.audience, req.nonce), held.key.privateKey as never, { kb }));
        refused(r, name);
      }
    });

    it('OpenID4VCI key proofs: forged, misaddressed, stale and replayed proofs get no credential', async () => {
      const key = proofKey();
      // A proof names its key in `jwk` by design (possession of that key is what it proves), so
      // the attacker's own key there is an honest proof for the attacker's key, not a forgery.
      for (const [name, forged] of forgeries(keyProof(rt, key, await cNonce(rt)), key.publicJwk)) {
        if (name !== 'attacker key via header jwk') refused(await issue([forged]), `proof ${name}`);
      }
      const now = Math.floor(rt.clock.now().getTime() / 1000);
      for (const [name, change] of [
        ['another audience', { aud: 'https://other-issuer.example' }],
        ['an hour old', { iat: now - 3600 }],
        ['from the future', { iat: now + 3600 }],
        ['a nonce mvid never issued', { nonce: 'bm90LWEtbm9uY2U' }],
      ] as const) {
        refused(await issue([keyProof(rt, key, await cNonce(rt), change)]), `proof for ${name}`);
      }
      const proof = keyProof(rt, key, await cNonce(rt));
      assert.equal((await issue([proof])).statusCode, 201);
      refused(await issue([proof]), 'a replayed proof (its c_nonce spent)');
      // A proof re-signed by the holder over a spent nonce is still spent.
      const d = decode(proof);
      refused(await issue([signJws(d.header, d.payload, key.privateKey)]), 'a spent c_nonce under a fresh signature');
    });

    it('an expired credential is refused (last: the clock moves past its lifetime)', async () => {
      const held = await ageCredential();
      const { exp } = decode(sdParts(held.credential).issuerJwt).payload as { exp: number };
      rt.clock.set(new Date((exp + 3600) * 1000).toISOString());
      const req = await request();
      refused(await verify(req.id, await shown(held, req.audience, req.nonce)), 'an expired credential');
    });
  });
}
