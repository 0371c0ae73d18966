/**
 * OpenID4VCI 1.0, pre-authorized code flow, over HTTP on both engines: offer → token →
 * nonce → credential with one key proof per copy, as a wallet does it; and the attacks a
 * wallet (or a thief of one of its messages) could try: a replayed or expired c_nonce, a
 * proof for another issuer, a repeated key, a reused or guessed code, a wrong tx_code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isPresentationError, presentCredential, signCompactJws, verifyPresentation } from '../src/sdk/index.ts';
import {
  bearer,
  type CredentialsRuntime,
  cNonce,
  enrol,
  keyProof,
  type Person,
  PUBLIC_URL,
  proofKey,
  startCredentialsRuntime,
  WORLD,
  worldVerifier,
} from './support/credentials.ts';
import { ENGINES } from './support/engines.ts';
import { problem } from './support/registry-http.ts';

const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

interface Offer {
  credentialOffer: {
    credential_issuer: string;
    credential_configuration_ids: string[];
    grants: Record<string, { 'pre-authorized_code': string; tx_code?: unknown; authorization_server: string }>;
  };
  credentialOfferUri: string;
  txCode?: string;
}

for (const engine of ENGINES) {
  describe(`OpenID4VCI pre-authorized flow on ${engine}`, () => {
    let rt: CredentialsRuntime;
    let person: Person;

    async function offer(kinds: string[], txCode = false): Promise<Offer> {
      const reply = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/offers',
        headers: bearer(person.token),
        payload: { kinds, ...(txCode ? { txCode } : {}) },
      });
      assert.equal(reply.statusCode, 201, reply.body);
      return reply.json() as Offer;
    }
    /** The wallet's token request, form-encoded as OAuth wants it. */
    function token(params: Record<string, string>) {
      return rt.app.inject({
        method: 'POST',
        url: '/credentials/oid4vci/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(params).toString(),
      });
    }
    async function accessToken(kinds = ['age']): Promise<string> {
      const o = await offer(kinds);
      const reply = await token({
        grant_type: PRE_AUTH,
        'pre-authorized_code': o.credentialOffer.grants[PRE_AUTH]?.['pre-authorized_code'] ?? '',
      });
      assert.equal(reply.statusCode, 200, reply.body);
      return (reply.json() as { access_token: string }).access_token;
    }
    function credential(access: string, body: Record<string, unknown>) {
      return rt.app.inject({ method: 'POST', url: '/credentials/oid4vci/credential', headers: bearer(access), payload: body });
    }
    function oauthError(reply: Parameters<typeof problem>[0], status: number, code: string, error: string) {
      const doc = problem(reply, status, code);
      assert.equal(doc.error, error, reply.body);
      return doc;
    }

    before(async () => {
      rt = await startCredentialsRuntime(engine);
      person = await enrol(rt, { birthdate: '1999-07-14' });
    });
    after(async () => rt.stop());

    it('offer → token → nonce → credential: one copy per key proof, each with its own key', async () => {
      const o = await offer(['age', 'personhood'], true);
      assert.equal(o.credentialOffer.credential_issuer, PUBLIC_URL);
      assert.deepEqual(o.credentialOffer.credential_configuration_ids, ['age', 'personhood']);
      const grant = o.credentialOffer.grants[PRE_AUTH];
      assert.ok(grant?.tx_code && o.txCode?.match(/^\d{6}$/));
      assert.equal(grant.authorization_server, `${PUBLIC_URL}/credentials/oid4vci`);
      assert.ok(!o.credentialOfferUri.includes(o.txCode ?? 'x'), 'the tx_code never travels with the offer');
      assert.ok(o.credentialOfferUri.startsWith('openid-credential-offer://?credential_offer='));

      const tokenReply = await token({
        grant_type: PRE_AUTH,
        'pre-authorized_code': grant['pre-authorized_code'],
        tx_code: o.txCode ?? '',
      });
      assert.equal(tokenReply.statusCode, 200, tokenReply.body);
      assert.equal(tokenReply.headers['cache-control'], 'no-store');
      const { access_token, token_type, expires_in } = tokenReply.json() as {
        access_token: string;
        token_type: string;
        expires_in: number;
      };
      assert.equal(token_type, 'Bearer');
      assert.ok(expires_in > 0);

      const nonce = await cNonce(rt);
      const keys = [proofKey(), proofKey(), proofKey()];
      const reply = await credential(access_token, {
        credential_configuration_id: 'age',
        proofs: { jwt: keys.map((k) => keyProof(rt, k, nonce)) },
      });
      assert.equal(reply.statusCode, 200, reply.body);
      const { credentials } = reply.json() as { credentials: Array<{ credential: string }> };
      assert.equal(credentials.length, 3);
      const cnfs = credentials.map(
        (c) => (JSON.parse(Buffer.from(c.credential.split('.')[1] ?? '', 'base64url').toString()) as { cnf: { jwk: unknown } }).cnf.jwk,
      );
      assert.deepEqual(
        cnfs,
        keys.map((k) => k.publicJwk),
      );

      // What the wallet received is a working credential: a world accepts it.
      const worldNonce = 'w-nonce-1';
      const presentation = await presentCredential(credentials[2]?.credential ?? '', {
        disclose: ['age_over_21'],
        holderPrivateKey: keys[2]?.privateKey as never,
        audience: WORLD,
        nonce: worldNonce,
        now: rt.clock.now(),
      });
      const verified = await verifyPresentation(presentation, await worldVerifier(rt, worldNonce));
      assert.deepEqual(verified.claims, { age_over_21: true });

      // The same token covers the other offered kind, and nothing else.
      const personhood = await credential(access_token, {
        credential_configuration_id: 'personhood',
        proofs: { jwt: [keyProof(rt, proofKey(), await cNonce(rt))] },
      });
      assert.equal(personhood.statusCode, 200, personhood.body);
      oauthError(
        await credential(access_token, {
          credential_configuration_id: 'residence',
          proofs: { jwt: [keyProof(rt, proofKey(), await cNonce(rt))] },
        }),
        400,
        'credential_configuration_unknown',
        'unknown_credential_configuration',
      );
    });

    it('refuses a replayed or expired c_nonce (invalid_nonce)', async () => {
      const access = await accessToken();
      const nonce = await cNonce(rt);
      const first = await credential(access, { credential_configuration_id: 'age', proofs: { jwt: [keyProof(rt, proofKey(), nonce)] } });
      assert.equal(first.statusCode, 200, first.body);
      const replay = oauthError(
        await credential(access, { credential_configuration_id: 'age', proofs: { jwt: [keyProof(rt, proofKey(), nonce)] } }),
        400,
        'proof_nonce_invalid',
        'invalid_nonce',
      );
      assert.equal(replay.reason, 'replayed');

      const stale = await cNonce(rt);
      const proof = keyProof(rt, proofKey(), stale);
      rt.clock.advance(301_000);
      const expired = oauthError(
        await credential(await accessToken(), { credential_configuration_id: 'age', proofs: { jwt: [proof] } }),
        400,
        'proof_nonce_invalid',
        'invalid_nonce',
      );
      assert.equal(expired.reason, 'expired');
      const forged = oauthError(
        await credential(await accessToken(), {
          credential_configuration_id: 'age',
          proofs: { jwt: [keyProof(rt, proofKey(), 'A'.repeat(55))] },
        }),
        400,
        'proof_nonce_invalid',
        'invalid_nonce',
      );
      assert.equal(forged.reason, 'unknown');
    });

    it('refuses proofs for another issuer, of the wrong type, by another key, stale, or repeating a key (invalid_proof)', async () => {
      const access = await accessToken();
      const send = async (proofs: string[]) =>
        oauthError(
          await credential(access, { credential_configuration_id: 'age', proofs: { jwt: proofs } }),
          400,
          'proof_invalid',
          'invalid_proof',
        );
      const key = proofKey();
      const nonce = await cNonce(rt);
      const iat = Math.floor(rt.clock.now().getTime() / 1000);
      const wrongAud = await send([keyProof(rt, key, nonce, { aud: 'https://other-issuer.example' })]);
      assert.match(String(wrongAud.detail), /aud/);
      await send([signCompactJws({ typ: 'JWT', jwk: key.publicJwk }, { aud: PUBLIC_URL, iat, nonce }, key.privateKey)]);
      await send([
        signCompactJws({ typ: 'openid4vci-proof+jwt', jwk: proofKey().publicJwk }, { aud: PUBLIC_URL, iat, nonce }, key.privateKey),
      ]);
      await send([keyProof(rt, key, nonce, { iat: iat - 3600 })]);
      await send([keyProof(rt, key, nonce), keyProof(rt, key, nonce)]);
      await send([keyProof(rt, key, nonce), keyProof(rt, proofKey(), await cNonce(rt))]);
      oauthError(await credential(access, { credential_configuration_id: 'age' }), 400, 'proof_invalid', 'invalid_proof');
      // None of the refused requests spent the nonce: the next honest request still works.
      const ok = await credential(access, { credential_configuration_id: 'age', proofs: { jwt: [keyProof(rt, key, nonce)] } });
      assert.equal(ok.statusCode, 200, ok.body);
    });

    it('codes are single use, a wrong tx_code burns the code, tokens are needed and expire', async () => {
      const o = await offer(['age']);
      const code = o.credentialOffer.grants[PRE_AUTH]?.['pre-authorized_code'] ?? '';
      assert.equal((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code })).statusCode, 200);
      oauthError(await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code }), 400, 'grant_invalid', 'invalid_grant');
      oauthError(await token({ grant_type: PRE_AUTH, 'pre-authorized_code': 'guessed' }), 400, 'grant_invalid', 'invalid_grant');
      oauthError(await token({ grant_type: 'authorization_code', code }), 400, 'validation_failed', 'unsupported_grant_type');

      const withTx = await offer(['age'], true);
      const txGrant = withTx.credentialOffer.grants[PRE_AUTH]?.['pre-authorized_code'] ?? '';
      const wrong = withTx.txCode === '000000' ? '000001' : '000000';
      oauthError(
        await token({ grant_type: PRE_AUTH, 'pre-authorized_code': txGrant, tx_code: wrong }),
        400,
        'grant_invalid',
        'invalid_grant',
      );
      oauthError(
        await token({ grant_type: PRE_AUTH, 'pre-authorized_code': txGrant, tx_code: withTx.txCode ?? '' }),
        400,
        'grant_invalid',
        'invalid_grant',
      );

      const late = await offer(['age']);
      rt.clock.advance(601_000);
      oauthError(
        await token({ grant_type: PRE_AUTH, 'pre-authorized_code': late.credentialOffer.grants[PRE_AUTH]?.['pre-authorized_code'] ?? '' }),
        400,
        'grant_invalid',
        'invalid_grant',
      );

      const access = await accessToken();
      const body = { credential_configuration_id: 'age', proofs: { jwt: [keyProof(rt, proofKey(), await cNonce(rt))] } };
      const anonymous = await rt.app.inject({ method: 'POST', url: '/credentials/oid4vci/credential', payload: body });
      oauthError(anonymous, 401, 'unauthenticated', 'invalid_token');
      assert.match(String(anonymous.headers['www-authenticate']), /invalid_token/);
      oauthError(await credential(person.token, body), 401, 'unauthenticated', 'invalid_token');
      rt.clock.advance(601_000);
      oauthError(await credential(access, body), 401, 'unauthenticated', 'invalid_token');
    });

    it('the OpenAPI document describes the issuance endpoints', async () => {
      const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
      for (const path of [
        '/credentials/v1/issue',
        '/credentials/v1/offers',
        '/credentials/oid4vci/token',
        '/credentials/oid4vci/nonce',
        '/credentials/oid4vci/credential',
      ]) {
        assert.ok(doc.paths[path], `${path} is documented`);
      }
    });

    it('offers only what mvid proofs itself, and only to an active person', async () => {
      problem(
        await rt.app.inject({
          method: 'POST',
          url: '/credentials/v1/offers',
          headers: bearer(person.token),
          payload: { kinds: ['occupation'] },
        }),
        400,
        'validation_failed',
      );
      problem(await rt.app.inject({ method: 'POST', url: '/credentials/v1/offers', payload: { kinds: ['age'] } }), 401, 'unauthenticated');
      // An offer taken while active is worthless once the account is closed.
      const access = await accessToken();
      await rt.app.inject({ method: 'POST', url: '/registry/v1/me/close', headers: bearer(person.token) });
      const refused = await credential(access, {
        credential_configuration_id: 'age',
        proofs: { jwt: [keyProof(rt, proofKey(), await cNonce(rt))] },
      });
      problem(refused, 403, 'person_closed');
    });

    it('a wallet presentation made from an issued copy is refused once revoked (status list over HTTP)', async () => {
      const other = await enrol(rt, { birthdate: '1985-03-03' });
      const nonce = await cNonce(rt);
      const key = proofKey();
      const issued = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/issue',
        headers: bearer(other.token),
        payload: { kind: 'age', proofs: [keyProof(rt, key, nonce)] },
      });
      const [copy] = (issued.json() as { credentials: Array<{ credential: string }> }).credentials;
      const revoke = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/revocations',
        headers: bearer(rt.adminToken),
        payload: { personId: other.personId, kind: 'age' },
      });
      assert.deepEqual(revoke.json(), { revoked: 1 });
      const presentation = await presentCredential(copy?.credential ?? '', {
        disclose: ['age_over_18'],
        holderPrivateKey: key.privateKey,
        audience: WORLD,
        nonce: 'n-2',
        now: rt.clock.now(),
      });
      await assert.rejects(verifyPresentation(presentation, await worldVerifier(rt, 'n-2')), (e: unknown) =>
        isPresentationError(e, 'credential_revoked'),
      );
    });
  });
}
