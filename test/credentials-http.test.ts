/**
 * Credentials over HTTP (app.inject) on both engines: a person enrolled through the
 * registry obtains age and occupation credentials (occupation via a registered
 * attribute issuer), shows only `age_over_18` to a world verifying offline with the SDK
 * and mvid's published keys and status lists, and revoked copies — by account closure
 * and by the attribute issuer's request — are refused. Unregistered issuers, worlds
 * asking beyond their registration and sequential status indices are refused too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { credentialSchema, REVOCATION_REQUEST_TYP, typeMetadata, vctFor } from '../src/credentials/index.ts';
import { isPresentationError, presentCredential, signCompactJws, verifyPresentation } from '../src/sdk/index.ts';
import {
  attributeIssuer,
  bearer,
  type CredentialsRuntime,
  cNonce,
  enrol,
  keyProof,
  type Person,
  PUBLIC_URL,
  proofKey,
  registerAttributeIssuer,
  startCredentialsRuntime,
  WORLD,
  worldVerifier,
} from './support/credentials.ts';
import { problem } from './support/registry-http.ts';
import { ENGINES } from './support/engines.ts';
import { createHash } from 'node:crypto';

interface Issued {
  kind: string;
  vct: string;
  credentials: Array<{ credential: string; expiresAt: string }>;
  linkable: boolean;
}

const payloadOf = (credential: string) =>
  JSON.parse(Buffer.from(credential.split('~')[0]?.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
const statusOf = (credential: string) => (payloadOf(credential).status as { status_list: { idx: number; uri: string } }).status_list;

for (const engine of ENGINES) {
  describe(`credentials HTTP API on ${engine}`, () => {
    let rt: CredentialsRuntime;
    let person: Person;
    const nursing = () => attributeIssuer(rt, 'https://nursing.example');
    let board: ReturnType<typeof nursing>;
    let boardId: string;

    async function issue(who: Person, payload: Record<string, unknown>) {
      return rt.app.inject({ method: 'POST', url: '/credentials/v1/issue', headers: bearer(who.token), payload });
    }
    /** Age credentials, one copy per proven key. */
    async function issueAge(who: Person, copies: number) {
      const nonce = await cNonce(rt);
      const keys = Array.from({ length: copies }, () => proofKey());
      const reply = await issue(who, { kind: 'age', proofs: keys.map((k) => keyProof(rt, k, nonce)) });
      assert.equal(reply.statusCode, 201, reply.body);
      return { keys, issued: reply.json() as Issued };
    }
    /** Occupation re-issued from the board's credential, bound to the person's registered holder key. */
    async function issueOccupation(who: Person) {
      const source = await board.issue(
        'occupation',
        { occupation: 'Registered nurse', issuing_body: 'Board of Nursing' },
        who.holder.publicJwk,
      );
      const shown = await presentCredential(source, {
        disclose: ['occupation', 'issuing_body'],
        holderPrivateKey: who.holder.privateJwk,
        audience: PUBLIC_URL,
        nonce: await cNonce(rt),
        now: rt.clock.now(),
      });
      return { source, reply: await issue(who, { kind: 'occupation', source: shown, copies: 2 }) };
    }
    async function showToWorld(credential: string, key: { privateKey: unknown }, disclose: string[]) {
      const nonce = `world-nonce-${Math.random()}`;
      const presentation = await presentCredential(credential, {
        disclose,
        holderPrivateKey: key.privateKey as never,
        audience: WORLD,
        nonce,
        now: rt.clock.now(),
      });
      return { presentation, options: await worldVerifier(rt, nonce) };
    }

    before(async () => {
      rt = await startCredentialsRuntime(engine);
      person = await enrol(rt, { birthdate: '2000-02-29' });
      board = nursing();
      boardId = (await registerAttributeIssuer(rt, board, 'Board of Nursing', ['occupation'])).id;
    });
    after(async () => rt.stop());

    it('serves type metadata, schemas and issuer metadata with cache headers', async () => {
      const type = await rt.app.inject({ method: 'GET', url: '/credentials/types/age' });
      assert.equal(type.statusCode, 200);
      assert.match(String(type.headers['cache-control']), /max-age=\d+/);
      assert.deepEqual(type.json(), typeMetadata(PUBLIC_URL, 'age'));
      const schema = await rt.app.inject({ method: 'GET', url: '/credentials/schemas/age' });
      assert.match(String(schema.headers['content-type']), /^application\/schema\+json/);
      // The integrity in the type metadata covers exactly the bytes served at schema_uri.
      const integrity = `sha256-${createHash('sha256').update(schema.rawPayload).digest('base64')}`;
      assert.equal((type.json() as Record<string, unknown>)['schema_uri#integrity'], integrity);
      assert.deepEqual(schema.json(), credentialSchema(PUBLIC_URL, 'age'));
      const again = await rt.app.inject({
        method: 'GET',
        url: '/credentials/types/age',
        headers: { 'if-none-match': String(type.headers.etag) },
      });
      assert.equal(again.statusCode, 304);
      problem(await rt.app.inject({ method: 'GET', url: '/credentials/types/birthdate' }), 404, 'not_found');

      const issuer = (await rt.app.inject({ method: 'GET', url: '/.well-known/jwt-vc-issuer' })).json() as {
        issuer: string;
        jwks: { keys: unknown[] };
      };
      assert.equal(issuer.issuer, PUBLIC_URL);
      assert.deepEqual(
        issuer.jwks.keys,
        rt.keys.tokenSigning.map((k) => k.publicJwk),
      );
      const vci = (await rt.app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json() as Record<string, unknown>;
      const configs = vci.credential_configurations_supported as Record<string, { format: string; vct: string }>;
      assert.deepEqual(Object.keys(configs).sort(), ['age', 'membership', 'occupation', 'personhood', 'residence']);
      assert.equal(configs.age?.format, 'dc+sd-jwt');
      assert.equal(configs.age?.vct, vctFor(PUBLIC_URL, 'age'));
      const as = await rt.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server/credentials/oid4vci' });
      assert.equal((as.json() as { token_endpoint: string }).token_endpoint, `${PUBLIC_URL}/credentials/oid4vci/token`);
    });

    it('issues age and occupation; the world accepts a presentation of age_over_18 alone', async () => {
      const { keys, issued } = await issueAge(person, 3);
      assert.equal(issued.credentials.length, 3);
      assert.equal(issued.linkable, false);
      const { reply } = await issueOccupation(person);
      assert.equal(reply.statusCode, 201, reply.body);
      const occupation = reply.json() as Issued;
      assert.equal(occupation.linkable, true, 'two copies on one registered key are linkable, and say so');

      const { presentation, options } = await showToWorld(issued.credentials[0]?.credential ?? '', keys[0] as never, ['age_over_18']);
      const verified = await verifyPresentation(presentation, { ...options, requiredClaims: ['age_over_18'] });
      assert.deepEqual(verified.claims, { age_over_18: true });
      assert.equal(verified.vct, vctFor(PUBLIC_URL, 'age'));
      // Re-issued by mvid, not relayed: the world sees mvid as issuer and nothing of the board's signature.
      const occ = await showToWorld(occupation.credentials[0]?.credential ?? '', { privateKey: person.holder.privateJwk }, ['occupation']);
      const verifiedOcc = await verifyPresentation(occ.presentation, occ.options);
      assert.deepEqual(verifiedOcc.claims, { occupation: 'Registered nurse' });
      assert.equal(verifiedOcc.iss, PUBLIC_URL);
    });

    it('status lists are served signed, cacheable, and their indices are random', async () => {
      const indices: number[] = [];
      let uri = '';
      for (let i = 0; i < 4; i++) {
        const { issued } = await issueAge(person, 10);
        for (const c of issued.credentials) {
          const status = statusOf(c.credential);
          indices.push(status.idx);
          uri = status.uri;
        }
      }
      assert.equal(new Set(indices).size, indices.length, 'each copy its own entry');
      const sorted = [...indices].sort((a, b) => a - b);
      const gaps = sorted.slice(1).map((v, i) => v - (sorted[i] as number));
      assert.ok(Math.min(...gaps) > 1 || gaps.filter((g) => g === 1).length <= 1, 'no run of neighbouring indices');
      const ascending = indices.filter((v, i) => i > 0 && v > (indices[i - 1] as number)).length;
      assert.ok(ascending > 8 && ascending < 31, `issue order says nothing about position (${ascending}/39 ascending)`);
      assert.ok((sorted.at(-1) as number) - (sorted[0] as number) > 2 ** 15, 'spread over the list');
      const reply = await rt.app.inject({ method: 'GET', url: uri.slice(PUBLIC_URL.length) });
      assert.equal(reply.statusCode, 200);
      assert.equal(reply.headers['content-type'], 'application/statuslist+jwt');
      assert.equal(reply.headers['cache-control'], 'public, max-age=900');
      const payload = JSON.parse(Buffer.from(reply.body.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      assert.equal(payload.sub, uri);
      assert.equal(payload.ttl, 900);
      problem(await rt.app.inject({ method: 'GET', url: '/credentials/status/AAAAAAAAAAAAAAAA' }), 404, 'not_found');
    });

    it('the issuer request revokes the re-issued occupation copies, and only them', async () => {
      const { source, reply } = await issueOccupation(person);
      const occupation = reply.json() as Issued;
      const sourceHash = createHash('sha256')
        .update(source.split('~')[0] ?? '')
        .digest('base64url');
      const iat = Math.floor(rt.clock.now().getTime() / 1000);
      const sign = (payload: Record<string, unknown>, key = board.privateKey) =>
        signCompactJws(
          { typ: REVOCATION_REQUEST_TYP, kid: 'k1' },
          { iss: board.iss, aud: PUBLIC_URL, iat, source_hashes: [sourceHash], ...payload },
          key,
        );
      const url = '/credentials/v1/attribute-issuers/revocations';
      // Signed by someone else, or for another audience: refused.
      problem(await rt.app.inject({ method: 'POST', url, payload: { request: sign({}, proofKey().privateKey) } }), 401, 'unauthenticated');
      problem(
        await rt.app.inject({ method: 'POST', url, payload: { request: sign({ aud: 'https://other.example' }) } }),
        401,
        'unauthenticated',
      );
      const ok = await rt.app.inject({ method: 'POST', url, payload: { request: sign({}) } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { issuer: 'Board of Nursing', revoked: 2 });

      for (const copy of occupation.credentials) {
        const shown = await showToWorld(copy.credential, { privateKey: person.holder.privateJwk }, ['occupation']);
        await assert.rejects(verifyPresentation(shown.presentation, shown.options), (e: unknown) =>
          isPresentationError(e, 'credential_revoked'),
        );
      }
      // Age credentials of the same person are untouched.
      const { keys, issued } = await issueAge(person, 1);
      const age = await showToWorld(issued.credentials[0]?.credential ?? '', keys[0] as never, ['age_over_18']);
      assert.deepEqual((await verifyPresentation(age.presentation, age.options)).claims, { age_over_18: true });
    });

    it('refuses an unregistered attribute issuer, a disabled one, and a source bound to another key', async () => {
      const rogue = attributeIssuer(rt, 'https://rogue.example');
      const source = await rogue.issue('occupation', { occupation: 'Surgeon', issuing_body: 'Rogue Board' }, person.holder.publicJwk);
      const shown = (nonce: string, cred = source, key = person.holder.privateJwk) =>
        presentCredential(cred, {
          disclose: ['occupation', 'issuing_body'],
          holderPrivateKey: key,
          audience: PUBLIC_URL,
          nonce,
          now: rt.clock.now(),
        });
      problem(await issue(person, { kind: 'occupation', source: await shown(await cNonce(rt)) }), 403, 'attribute_issuer_unregistered');
      // The board attests occupation only, not membership.
      const member = await board.issue('membership', { organisation: 'Guild' }, person.holder.publicJwk);
      const memberShown = await presentCredential(member, {
        disclose: ['organisation'],
        holderPrivateKey: person.holder.privateJwk,
        audience: PUBLIC_URL,
        nonce: await cNonce(rt),
        now: rt.clock.now(),
      });
      problem(await issue(person, { kind: 'membership', source: memberShown }), 403, 'attribute_issuer_unregistered');
      // Someone else's occupation, presented by its real holder, cannot be re-issued to this person.
      const other = await enrol(rt);
      const theirs = await board.issue('occupation', { occupation: 'Midwife', issuing_body: 'Board of Nursing' }, other.holder.publicJwk);
      problem(
        await issue(person, { kind: 'occupation', source: await shown(await cNonce(rt), theirs, other.holder.privateJwk) }),
        403,
        'source_holder_mismatch',
      );
      // A disabled issuer's credentials are refused from then on.
      const guild = attributeIssuer(rt, 'https://guild.example');
      const { id: guildId } = await registerAttributeIssuer(rt, guild, 'Guild of Builders', ['membership']);
      const membership = async () => {
        const cred = await guild.issue('membership', { organisation: 'Guild of Builders', role: 'mason' }, person.holder.publicJwk);
        const nonce = await cNonce(rt);
        const shownMembership = await presentCredential(cred, {
          disclose: ['organisation', 'role'],
          holderPrivateKey: person.holder.privateJwk,
          audience: PUBLIC_URL,
          nonce,
          now: rt.clock.now(),
        });
        return issue(person, { kind: 'membership', source: shownMembership });
      };
      assert.equal((await membership()).statusCode, 201);
      const disabled = await rt.app.inject({
        method: 'DELETE',
        url: `/credentials/v1/attribute-issuers/${guildId}`,
        headers: bearer(rt.adminToken),
      });
      assert.equal(disabled.statusCode, 204, disabled.body);
      problem(await membership(), 403, 'attribute_issuer_unregistered');
      // A registration naming a natural characteristic is refused.
      const bad = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/attribute-issuers',
        headers: bearer(rt.adminToken),
        payload: { name: 'Age Inc', iss: 'https://age.example', vcts: ['age'], jwks: rogue.jwks },
      });
      problem(bad, 400, 'validation_failed');
      problem(await rt.app.inject({ method: 'GET', url: '/credentials/v1/attribute-issuers' }), 401, 'unauthenticated');
      const listed = await rt.app.inject({ method: 'GET', url: '/credentials/v1/attribute-issuers', headers: bearer(rt.adminToken) });
      const issuers = (listed.json() as { attributeIssuers: Array<{ id: string; disabledAt: string | null }> }).attributeIssuers;
      assert.deepEqual(
        new Map(issuers.map((i) => [i.id, i.disabledAt === null])),
        new Map([
          [boardId, true],
          [guildId, false],
        ]),
      );
    });

    it('a world may ask for the claims it registered and no more', async () => {
      const { clientId, clientSecret } = await rt.worlds.registry.add({
        name: `World ${engine}`,
        redirectUris: ['https://world.example/cb'],
        rules: [],
        purpose: 'A game for adults',
        claims: [{ name: 'age_over_18', required: true }],
      });
      const basic = { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` };
      const url = '/credentials/v1/presentation-requests';
      const ok = await rt.app.inject({ method: 'POST', url, headers: basic, payload: { claims: ['age_over_18'] } });
      assert.equal(ok.statusCode, 201, ok.body);
      const request = ok.json() as { id: string; nonce: string; audience: string; dcqlQuery: { credentials: unknown[] } };
      assert.equal(request.audience, clientId);
      assert.equal(request.dcqlQuery.credentials.length, 1);
      const more = problem(
        await rt.app.inject({ method: 'POST', url, headers: basic, payload: { claims: ['age_over_18', 'country'] } }),
        403,
        'claims_not_registered',
      );
      assert.deepEqual(more.claims, ['country']);
      problem(
        await rt.app.inject({ method: 'POST', url, headers: bearer(rt.adminToken), payload: { world: clientId, claims: ['occupation'] } }),
        403,
        'claims_not_registered',
      );
      const wrongSecret = { authorization: `Basic ${Buffer.from(`${clientId}:nope`).toString('base64')}` };
      problem(
        await rt.app.inject({ method: 'POST', url, headers: wrongSecret, payload: { claims: ['age_over_18'] } }),
        401,
        'unauthenticated',
      );

      // The online check: the world's answer verifies once, with only the requested claim.
      const { keys, issued } = await issueAge(person, 1);
      const presentation = await presentCredential(issued.credentials[0]?.credential ?? '', {
        disclose: ['age_over_18', 'age_over_21'],
        holderPrivateKey: keys[0]?.privateKey as never,
        audience: clientId,
        nonce: request.nonce,
        now: rt.clock.now(),
      });
      const verify = () =>
        rt.app.inject({ method: 'POST', url: '/credentials/v1/verify', headers: basic, payload: { requestId: request.id, presentation } });
      const verified = await verify();
      assert.equal(verified.statusCode, 200, verified.body);
      assert.deepEqual((verified.json() as { claims: unknown }).claims, { age_over_18: true });
      problem(await verify(), 400, 'presentation_request_invalid');
    });

    it('closing the account revokes every credential issued to it', async () => {
      const closing = await enrol(rt, { birthdate: '1990-01-01' });
      const { keys, issued } = await issueAge(closing, 2);
      const before = await showToWorld(issued.credentials[1]?.credential ?? '', keys[1] as never, ['age_over_18']);
      await verifyPresentation(before.presentation, before.options);
      const closed = await rt.app.inject({ method: 'POST', url: '/registry/v1/me/close', headers: bearer(closing.token) });
      assert.equal(closed.statusCode, 200, closed.body);
      for (const [i, copy] of issued.credentials.entries()) {
        const shown = await showToWorld(copy.credential, keys[i] as never, ['age_over_18']);
        await assert.rejects(verifyPresentation(shown.presentation, shown.options), (e: unknown) =>
          isPresentationError(e, 'credential_revoked'),
        );
      }
      problem(await issue(closing, { kind: 'age' }), 401, 'unauthenticated');
      const ledger = await rt.store.db.selectFrom('credentials_issued').selectAll().where('person_id', '=', closing.personId).execute();
      assert.deepEqual(
        ledger.map((r) => [r.revoked_reason, r.kind]),
        [
          ['closed', 'age'],
          ['closed', 'age'],
        ],
      );
      // What is kept is what revocation needs: no claim value, no credential in clear (attested
      // claims of occupation/membership only, sealed, and only while the copy is live).
      for (const row of ledger) assert.equal(row.attested_sealed, null);
      for (const row of ledger)
        assert.deepEqual(Object.keys(row).sort(), [
          'attested_sealed',
          'attribute_issuer_id',
          'credential_hash',
          'expires_at',
          'idx',
          'kind',
          'list_id',
          'person_id',
          'revoked_at',
          'revoked_reason',
          'source_hash',
        ]);
    });

    it('refuses what mvid does not hold and bad requests', async () => {
      // No country in the PID's address: mvid holds no country of residence, so it issues none.
      const stateless = await enrol(rt, { address: { locality: 'Nowhere' } });
      problem(await issue(stateless, { kind: 'residence' }), 409, 'attribute_unavailable');
      const residence = await issue(person, { kind: 'residence' });
      assert.equal(residence.statusCode, 201, residence.body);
      const personhood = await issue(stateless, { kind: 'personhood', copies: 2 });
      assert.equal(personhood.statusCode, 201, personhood.body);
      problem(await issue(stateless, { kind: 'birthdate' }), 400, 'credential_configuration_unknown');
      problem(await issue(stateless, { kind: 'occupation' }), 400, 'validation_failed');
      problem(await issue(stateless, { kind: 'age', source: 'x~y' }), 400, 'validation_failed');
      problem(await rt.app.inject({ method: 'POST', url: '/credentials/v1/issue', payload: { kind: 'age' } }), 401, 'unauthenticated');
    });
  });
}
