/**
 * The OpenAPI document as a contract (issue 14), on both engines. The document is read from
 * the running server; every one of its operations is called with a valid request — a
 * fixture per operation, in the order a deployment lives (people enrol, a world registers,
 * credentials are issued, a court order is filed and released, a report is decided and
 * appealed, trustees run a key ceremony) — and with invalid ones (no credential on a guarded
 * operation, a body that is not JSON, a NUL byte in the query). Every answer, errors
 * included, is checked against the document (test/support/openapi-contract.ts): a declared
 * status, a declared content type, a body that validates against the declared schema. A
 * documented operation without a fixture fails the test, and so does a fixture whose
 * operation is gone (test/openapi-truth.test.ts checks the document's static properties).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateRecipientKeyPair } from '../src/crypto/index.ts';
import { ApiClient } from '../src/disclosure/index.ts';
import { generateHolderKey } from '../src/registry/index.ts';
import { type DkgCall, runDkg } from '../src/registry/index.ts';
import { presentCredential, signCompactJws } from '../src/sdk/index.ts';
import { attributeIssuer, keyProof, proofKey } from './support/credentials.ts';
import { approveAndRelease, injectFetch, registerAuthority, type Story, startStory, tomRequest } from './support/disclosure.ts';
import { ENGINES } from './support/engines.ts';
import { SCREENSHOT } from './support/moderation.ts';
import { Contract, type OpenApi, type OperationKey } from './support/openapi-contract.ts';
import { FAST_SCRYPT, type Holder, passphraseOf, personClaims, TRUSTEES } from './support/registry.ts';
import { basic, bearer, devKeyOf, holderAssertion, presentation } from './support/registry-http.ts';
import { type CreationOptions, TestAuthenticator } from './support/webauthn.ts';

const OFF = { limit: 0, windowSeconds: 60 };
const BASE = 'http://mvid.test';
const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
const DAY = 86_400_000;

interface Person {
  personId: string;
  token: string;
  holder: Holder;
  holderKeyId: string;
  claims: ReturnType<typeof personClaims>;
}

/** What the fixtures build up and hand on. */
interface State {
  story: Story;
  admin: string;
  persons: Map<string, Person>;
  world: { id: string; secret: string; headers: Record<string, string> };
  ids: Map<string, string>;
}

type Reply = { status: number; body: string; json: () => Record<string, unknown>; headers: Record<string, unknown> };
type Fixture = (s: State) => Promise<void>;

const FACTS = 'On 1 June at the plaza Tom told several residents that Alice steals from their builds, which is untrue.';

function fixtures(call: (method: string, url: string, init?: Call) => Promise<Reply>): Record<OperationKey, Fixture> {
  const ok = async (method: string, url: string, init: Call = {}, expected?: number) => {
    const r = await call(method, url, init);
    assert.ok(r.status < 400, `${method} ${url}: ${r.status} ${r.body.slice(0, 400)}`);
    if (expected !== undefined) assert.equal(r.status, expected, `${method} ${url}: ${r.body.slice(0, 400)}`);
    return r;
  };
  const person = (s: State, name: string) => s.persons.get(name) as Person;
  const as = (s: State, name: string) => bearer(person(s, name).token);
  const id = (s: State, name: string) => s.ids.get(name) as string;
  const mod = (s: State) => `/moderation/v1/worlds/${s.world.id}`;
  const enrol = async (s: State, name: string) => {
    const holder = generateHolderKey();
    const claims = personClaims();
    const p = await presentation(s.story.rt, devKeyOf(s.story.rt), claims, holder);
    const r = await ok('POST', '/registry/v1/enrolments', { payload: { presentation: p.presentation } }, 201);
    const body = r.json() as { personId: string; holderKeyId: string; session: { token: string } };
    s.persons.set(name, { personId: body.personId, token: body.session.token, holder, holderKeyId: body.holderKeyId, claims });
  };
  const handle = (s: State, name: string, h: string) =>
    ok('PUT', `/worlds/v1/me/worlds/${s.world.id}/handle`, { headers: as(s, name), payload: { handle: h } });
  const logSize = async () => {
    const r = await ok('GET', '/log/v1/checkpoints/latest');
    return Number((r.json() as { size: number }).size);
  };

  return {
    'GET /healthz': async () => void (await ok('GET', '/healthz')),
    'GET /readyz': async () => void (await ok('GET', '/readyz')),
    'GET /credentials/types/{kind}': async () => {
      const r = await ok('GET', '/credentials/types/age', {}, 200);
      await ok('GET', '/credentials/types/age', { headers: { 'if-none-match': String(r.headers.etag) } }, 304);
    },
    'GET /credentials/schemas/{kind}': async () => void (await ok('GET', '/credentials/schemas/age', {}, 200)),
    'GET /.well-known/jwt-vc-issuer': async () => void (await ok('GET', '/.well-known/jwt-vc-issuer')),
    'GET /.well-known/openid-credential-issuer': async () => void (await ok('GET', '/.well-known/openid-credential-issuer')),
    'GET /.well-known/oauth-authorization-server/credentials/oid4vci': async () =>
      void (await ok('GET', '/.well-known/oauth-authorization-server/credentials/oid4vci')),

    // The registry: people enrol, recover, sign in, manage keys, export and close.
    'POST /registry/v1/nonces': async () => void (await ok('POST', '/registry/v1/nonces', {}, 201)),
    'POST /registry/v1/enrolments': async (s) => {
      for (const name of ['alice', 'mia', 'max', 'closer']) await enrol(s, name);
    },
    'POST /registry/v1/recoveries': async (s) => {
      const alice = person(s, 'alice');
      const holder = generateHolderKey();
      const p = await presentation(s.story.rt, devKeyOf(s.story.rt), alice.claims, holder);
      const r = (await ok('POST', '/registry/v1/recoveries', { payload: { presentation: p.presentation } }, 200)).json() as {
        holderKeyId: string;
        session: { token: string };
      };
      s.persons.set('alice', { ...alice, holder, holderKeyId: r.holderKeyId, token: r.session.token });
    },
    'POST /registry/v1/sessions': async (s) => {
      const alice = person(s, 'alice');
      const assertion = await holderAssertion(s.story.rt, alice.holder, 'mvid-session+jwt', { kid: alice.holderKeyId });
      const r = await ok('POST', '/registry/v1/sessions', { payload: { assertion } }, 201);
      s.ids.set('spareSession', String(r.json().token));
    },
    'DELETE /registry/v1/sessions/current': async (s) =>
      void (await ok('DELETE', '/registry/v1/sessions/current', { headers: bearer(id(s, 'spareSession')) }, 204)),
    'GET /registry/v1/trustee-set': async () => void (await ok('GET', '/registry/v1/trustee-set')),
    'GET /registry/v1/me': async (s) => void (await ok('GET', '/registry/v1/me', { headers: as(s, 'alice') })),
    'GET /registry/v1/me/keys': async (s) => void (await ok('GET', '/registry/v1/me/keys', { headers: as(s, 'alice') })),
    'POST /registry/v1/me/keys': async (s) => {
      const second = generateHolderKey();
      const proof = await holderAssertion(s.story.rt, second, 'mvid-key+jwt', { jwk: second.publicJwk });
      const r = await ok('POST', '/registry/v1/me/keys', { headers: as(s, 'alice'), payload: { proof } }, 201);
      s.ids.set('secondKey', String(r.json().kid));
    },
    'DELETE /registry/v1/me/keys/{kid}': async (s) =>
      void (await ok('DELETE', `/registry/v1/me/keys/${id(s, 'secondKey')}`, { headers: as(s, 'alice') }, 204)),
    'GET /registry/v1/me/export': async (s) => void (await ok('GET', '/registry/v1/me/export', { headers: as(s, 'alice') })),
    'POST /registry/v1/me/close': async (s) => void (await ok('POST', '/registry/v1/me/close', { headers: as(s, 'closer') }, 200)),

    // Administration: PID issuers, trustee sets, worlds.
    'GET /admin/v1/issuers': async (s) => void (await ok('GET', '/admin/v1/issuers', { headers: bearer(s.admin) })),
    'POST /admin/v1/issuers': async (s) => {
      const key = generateHolderKey();
      const payload = {
        name: 'Contract PID provider',
        iss: 'https://pid.contract.example',
        jwks: { keys: [{ ...key.publicJwk, kid: 'k1' }] },
        namespaces: ['GB:nino'],
      };
      s.ids.set('issuer', String((await ok('POST', '/admin/v1/issuers', { headers: bearer(s.admin), payload }, 201)).json().id));
    },
    'DELETE /admin/v1/issuers/{id}': async (s) =>
      void (await ok('DELETE', `/admin/v1/issuers/${id(s, 'issuer')}`, { headers: bearer(s.admin) })),
    'GET /admin/v1/trustee-sets': async (s) => void (await ok('GET', '/admin/v1/trustee-sets', { headers: bearer(s.admin) })),
    'POST /admin/v1/worlds': async (s) => {
      const world = (name: string) => ({
        name,
        redirectUris: ['https://plaza.example/cb'],
        rules: [{ category: 'harassment', text: 'Do not spread rumours about other residents.' }],
        purpose: 'To run the plaza.',
        claims: [
          { name: 'age_over_18', required: true },
          { name: 'handle', required: false },
        ],
      });
      const r = (await ok('POST', '/admin/v1/worlds', { headers: bearer(s.admin), payload: world('Plaza') }, 201)).json();
      s.world = { id: String(r.clientId), secret: String(r.clientSecret), headers: basic(String(r.clientId), String(r.clientSecret)) };
      const spare = await ok('POST', '/admin/v1/worlds', { headers: bearer(s.admin), payload: world('Spare') }, 201);
      s.ids.set('spareWorld', String(spare.json().clientId));
    },
    'GET /admin/v1/worlds': async (s) => void (await ok('GET', '/admin/v1/worlds', { headers: bearer(s.admin) })),
    'GET /admin/v1/worlds/{worldId}': async (s) => void (await ok('GET', `/admin/v1/worlds/${s.world.id}`, { headers: bearer(s.admin) })),
    'PUT /admin/v1/worlds/{worldId}/pseudonyms': async (s) => {
      const spare = id(s, 'spareWorld');
      const set = async (pseudonyms: string) =>
        (await ok('PUT', `/admin/v1/worlds/${spare}/pseudonyms`, { headers: bearer(s.admin), payload: { pseudonyms } }, 200)).json();
      assert.equal((await set('blind')).pseudonyms, 'blind');
      assert.equal((await set('oidc')).pseudonyms, 'oidc');
    },
    'DELETE /admin/v1/worlds/{worldId}': async (s) =>
      void (await ok('DELETE', `/admin/v1/worlds/${id(s, 'spareWorld')}`, { headers: bearer(s.admin) })),

    // A person in worlds: handles, the worlds they use, passkeys.
    'PUT /worlds/v1/me/worlds/{worldId}/handle': async (s) => {
      s.persons.set('tom', {
        personId: s.story.tom.personId,
        token: s.story.tom.sessionToken,
        holder: s.story.tom.holder,
        holderKeyId: s.story.tom.holderKeyId,
        claims: personClaims(),
      });
      for (const [name, h] of [
        ['tom', 'Tom'],
        ['mia', 'Mia'],
        ['max', 'Max'],
        ['alice', 'Alice'],
      ] as const)
        await handle(s, name, h);
    },
    'GET /worlds/v1/me/worlds': async (s) => void (await ok('GET', '/worlds/v1/me/worlds', { headers: as(s, 'alice') })),
    'DELETE /worlds/v1/me/worlds/{worldId}': async (s) => {
      const alice = person(s, 'alice');
      await s.story.rt.worlds.consents.record(alice.personId, s.world.id, { scopes: ['openid'], rejected: [], claims: [], resources: {} });
      await ok('DELETE', `/worlds/v1/me/worlds/${s.world.id}`, { headers: as(s, 'alice') }, 204);
    },
    'POST /worlds/v1/me/passkeys/options': async (s) => {
      const r = await ok('POST', '/worlds/v1/me/passkeys/options', { headers: as(s, 'alice') }, 200);
      s.ids.set('passkeyOptions', r.body);
    },
    'POST /worlds/v1/me/passkeys': async (s) => {
      const options = JSON.parse(id(s, 'passkeyOptions')) as CreationOptions;
      const payload = new TestAuthenticator().create(options, BASE);
      await ok('POST', '/worlds/v1/me/passkeys?name=Laptop', { headers: as(s, 'alice'), payload }, 201);
    },
    'GET /worlds/v1/me/passkeys': async (s) => {
      const r = await ok('GET', '/worlds/v1/me/passkeys', { headers: as(s, 'alice') });
      s.ids.set('passkey', String((r.json().passkeys as Array<{ id: string }>)[0]?.id));
    },
    'GET /worlds/v1/blind-signin': async () => void (await ok('GET', '/worlds/v1/blind-signin', {}, 200)),
    'POST /worlds/v1/me/blind-credentials': async (s) =>
      void (await ok('POST', '/worlds/v1/me/blind-credentials', { headers: as(s, 'alice') }, 200)),
    'DELETE /worlds/v1/me/passkeys/{id}': async (s) =>
      void (await ok('DELETE', `/worlds/v1/me/passkeys/${encodeURIComponent(id(s, 'passkey'))}`, { headers: as(s, 'alice') }, 204)),

    // Credentials: issued to a person, offered to a wallet, verified by a world, revoked.
    'POST /credentials/oid4vci/nonce': async (s) => {
      s.ids.set('cNonce', String((await ok('POST', '/credentials/oid4vci/nonce', {}, 200)).json().c_nonce));
    },
    'POST /credentials/v1/issue': async (s) => {
      const key = proofKey();
      const proof = keyProof(s.story.rt as never, key, id(s, 'cNonce'));
      const r = await ok('POST', '/credentials/v1/issue', { headers: as(s, 'alice'), payload: { kind: 'age', proofs: [proof] } }, 201);
      const credential = String((r.json().credentials as Array<{ credential: string }>)[0]?.credential);
      s.ids.set('credential', credential);
      s.ids.set('credentialKey', JSON.stringify(key.privateKey.export({ format: 'jwk' })));
    },
    'GET /credentials/status/{listId}': async (s) => {
      const payload = JSON.parse(Buffer.from(id(s, 'credential').split('.')[1] ?? '', 'base64url').toString()) as {
        status: { status_list: { uri: string } };
      };
      await ok('GET', new URL(payload.status.status_list.uri).pathname, {}, 200);
    },
    'POST /credentials/v1/offers': async (s) => {
      const r = await ok('POST', '/credentials/v1/offers', { headers: as(s, 'alice'), payload: { kinds: ['age'] } }, 201);
      const offer = r.json().credentialOffer as { grants: Record<string, { 'pre-authorized_code': string }> };
      s.ids.set('preAuthorized', offer.grants[PRE_AUTH]?.['pre-authorized_code'] as string);
    },
    'POST /credentials/oid4vci/token': async (s) => {
      const payload = new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': id(s, 'preAuthorized') }).toString();
      const r = await ok(
        'POST',
        '/credentials/oid4vci/token',
        { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload },
        200,
      );
      s.ids.set('access', String(r.json().access_token));
    },
    'POST /credentials/oid4vci/credential': async (s) => {
      const nonce = String((await ok('POST', '/credentials/oid4vci/nonce')).json().c_nonce);
      const payload = { credential_configuration_id: 'age', proofs: { jwt: [keyProof(s.story.rt as never, proofKey(), nonce)] } };
      await ok('POST', '/credentials/oid4vci/credential', { headers: bearer(id(s, 'access')), payload }, 200);
    },
    'POST /credentials/v1/presentation-requests': async (s) => {
      const r = await ok(
        'POST',
        '/credentials/v1/presentation-requests',
        { headers: s.world.headers, payload: { claims: ['age_over_18'] } },
        201,
      );
      s.ids.set('presentationRequest', r.body);
    },
    'POST /credentials/v1/verify': async (s) => {
      const request = JSON.parse(id(s, 'presentationRequest')) as { id: string; nonce: string };
      const presentation = await presentCredential(id(s, 'credential'), {
        disclose: ['age_over_18'],
        holderPrivateKey: JSON.parse(id(s, 'credentialKey')),
        audience: s.world.id,
        nonce: request.nonce,
        now: s.story.rt.clock.now(),
      });
      await ok('POST', '/credentials/v1/verify', { headers: s.world.headers, payload: { requestId: request.id, presentation } }, 200);
    },
    'POST /credentials/v1/attribute-issuers': async (s) => {
      const kit = attributeIssuer(s.story.rt, 'https://nursing.contract.example');
      s.ids.set('attributeIssuerKey', JSON.stringify(kit.privateKey.export({ format: 'jwk' })));
      const payload = { name: 'Board of Nursing', iss: kit.iss, vcts: [`${BASE}/credentials/types/occupation`], jwks: kit.jwks };
      const r = await ok('POST', '/credentials/v1/attribute-issuers', { headers: bearer(s.admin), payload }, 201);
      s.ids.set('attributeIssuer', String(r.json().id));
    },
    'GET /credentials/v1/attribute-issuers': async (s) =>
      void (await ok('GET', '/credentials/v1/attribute-issuers', { headers: bearer(s.admin) }, 200)),
    'POST /credentials/v1/attribute-issuers/revocations': async (s) => {
      const { createPrivateKey } = await import('node:crypto');
      const key = createPrivateKey({ key: JSON.parse(id(s, 'attributeIssuerKey')), format: 'jwk' });
      const iat = Math.floor(s.story.rt.clock.now().getTime() / 1000);
      const request = signCompactJws(
        { typ: 'mvid-revocation+jwt', kid: 'k1' },
        { iss: 'https://nursing.contract.example', aud: BASE, iat, source_hashes: ['A'.repeat(43)] },
        key,
      );
      await ok('POST', '/credentials/v1/attribute-issuers/revocations', { payload: { request } }, 200);
    },
    'DELETE /credentials/v1/attribute-issuers/{id}': async (s) =>
      void (await ok('DELETE', `/credentials/v1/attribute-issuers/${id(s, 'attributeIssuer')}`, { headers: bearer(s.admin) })),
    'POST /credentials/v1/revocations': async (s) =>
      void (await ok(
        'POST',
        '/credentials/v1/revocations',
        { headers: bearer(s.admin), payload: { personId: person(s, 'alice').personId, kind: 'age' } },
        200,
      )),

    // The transparency log, read as a monitor would.
    'GET /log/checkpoint': async () => void (await ok('GET', '/log/checkpoint', {}, 200)),
    'GET /log/v1/key': async () => void (await ok('GET', '/log/v1/key', {}, 200)),
    'GET /log/v1/checkpoints/latest': async () => void (await logSize()),
    'GET /log/tile/{*}': async () => {
      const size = await logSize();
      assert.ok(size > 1 && size < 256, `log size ${size}`);
      await ok('GET', `/log/tile/0/000.p/${size}`, {}, 200);
      await ok('GET', `/log/tile/entries/000.p/${size}`, {}, 200);
    },
    'GET /log/v1/proof/inclusion': async () => void (await ok('GET', `/log/v1/proof/inclusion?index=0&size=${await logSize()}`, {}, 200)),
    'GET /log/v1/proof/consistency': async () =>
      void (await ok('GET', `/log/v1/proof/consistency?first=1&second=${await logSize()}`, {}, 200)),
    'GET /log/v1/entries': async () => void (await ok('GET', '/log/v1/entries?start=0&end=2', {}, 200)),

    // Lawful disclosure: authorities, a court order, trustees, release, receipt, a delay extension.
    'GET /admin/v1/authorities': async (s) => void (await ok('GET', '/admin/v1/authorities', { headers: bearer(s.admin) })),
    'POST /admin/v1/authorities': async (s) => {
      const spare = await registerAuthority({ rt: s.story.rt, adminToken: s.admin, fetch: injectFetch(s.story.rt.app) }, 'Spare Police');
      s.ids.set('spareAuthority', spare.id);
    },
    'DELETE /admin/v1/authorities/{id}': async (s) =>
      void (await ok('DELETE', `/admin/v1/authorities/${id(s, 'spareAuthority')}`, { headers: bearer(s.admin) }, 200)),
    'POST /disclosure/v1/requests': async (s) => {
      const { requestId } = await s.story.authority.client.file(tomRequest(s.story, { notificationDelayDays: 10 }));
      s.ids.set('request', requestId);
    },
    'GET /disclosure/v1/requests': async (s) =>
      void (await ok('GET', '/disclosure/v1/requests', { headers: bearer(s.story.authority.token) }, 200)),
    'GET /disclosure/v1/requests/{id}': async (s) => void (await s.story.authority.client.status(id(s, 'request'))),
    'GET /disclosure/v1/trustee/me': async (s) => {
      const r = await ok('GET', '/disclosure/v1/trustee/me', { headers: bearer(trustee(s, 'erin').token) }, 200);
      s.ids.set('erin', r.body);
    },
    'PUT /disclosure/v1/trustee/me/encryption-key': async (s) => {
      const { publicKey } = generateRecipientKeyPair();
      await ok(
        'PUT',
        '/disclosure/v1/trustee/me/encryption-key',
        { headers: bearer(trustee(s, 'erin').token), payload: { publicKey } },
        200,
      );
    },
    'GET /disclosure/v1/trustee/requests': async (s) => void (await trustee(s, 'alice').client.queue()),
    'GET /disclosure/v1/trustee/requests/{id}': async (s) => void (await trustee(s, 'alice').client.review(id(s, 'request'))),
    'POST /disclosure/v1/trustee/requests/{id}/decisions': async (s) =>
      approveAndRelease(s.story, id(s, 'request'), ['alice', 'bob', 'carol'], 'the order is sound'),
    'POST /disclosure/v1/trustee/requests/{id}/shares': async (s) => {
      // Uploaded by the trustees in the decisions fixture (quorum-gated release); one more approving after the quorum uploads at once.
      const dave = trustee(s, 'dave');
      await dave.client.approve(id(s, 'request'), dave.share, 'agreed');
    },
    'GET /disclosure/v1/requests/{id}/release': async (s) => {
      const opened = await s.story.authority.client.fetchRelease(id(s, 'request'), s.story.authority.secretKey);
      s.ids.set('opened', JSON.stringify(opened.envelopes.map((e) => ({ ...e, plaintext: undefined }))));
      await s.story.authority.client.receipt(id(s, 'request'), opened);
    },
    'POST /disclosure/v1/requests/{id}/receipt': async (s) => {
      // Recorded by the release fixture (the client posts it once it has opened the release).
      assert.ok(s.ids.has('opened'));
    },
    'POST /disclosure/v1/requests/{id}/delay-extensions': async (s) => {
      const status = await s.story.authority.client.status(id(s, 'request'));
      const until = new Date(Date.parse(String(status.notifyAt)) + 40 * DAY).toISOString();
      const order = {
        court: 'Amtsgericht Tiergarten',
        reference: '351 Gs 1300/26',
        date: s.story.clock.now().toISOString().slice(0, 10),
        documentSha256: 'a'.repeat(64),
        fieldGroups: ['name_birth' as const],
      };
      s.ids.set('extension', (await s.story.authority.client.requestExtension(id(s, 'request'), until, order)).id);
    },
    'POST /disclosure/v1/trustee/requests/{id}/extensions/{extensionId}/decisions': async (s) => {
      for (const name of ['alice', 'bob', 'carol'])
        await trustee(s, name).client.decideExtension(id(s, 'request'), id(s, 'extension'), 'approve', 'the investigation is ongoing');
    },
    'POST /admin/v1/disclosure/trustee-credentials': async (s) =>
      void (await ok('POST', '/admin/v1/disclosure/trustee-credentials', { headers: bearer(s.admin), payload: { trustee: 'erin' } }, 201)),
    'GET /disclosure/v1/me/disclosures': async (s) => void (await ok('GET', '/disclosure/v1/me/disclosures', { headers: as(s, 'tom') })),
    'GET /disclosure/v1/log': async () => void (await ok('GET', '/disclosure/v1/log', {}, 200)),
    'GET /disclosure/v1/log/checkpoint': async () => void (await ok('GET', '/disclosure/v1/log/checkpoint', {}, 200)),
    'GET /disclosure/v1/log/inclusion': async () =>
      void (await ok('GET', `/disclosure/v1/log/inclusion?index=0&size=${await logSize()}`, {}, 200)),
    'GET /disclosure/v1/log/consistency': async () =>
      void (await ok('GET', `/disclosure/v1/log/consistency?from=1&to=${await logSize()}`, {}, 200)),
    'GET /disclosure/v1/log/entries': async () => void (await ok('GET', '/disclosure/v1/log/entries?start=0&end=2', {}, 200)),
    'GET /disclosure/v1/trustees': async () => void (await ok('GET', '/disclosure/v1/trustees', {}, 200)),
    'GET /disclosure/v1/transparency-report': async () => void (await ok('GET', '/disclosure/v1/transparency-report', {}, 200)),
    'GET /disclosure/v1/transparency/records': async () => void (await ok('GET', '/disclosure/v1/transparency/records', {}, 200)),

    // Moderation in one world: evidence, a report, roles, a case decided, an appeal heard.
    'PUT /moderation/v1/worlds/{worldId}/roles': async (s) => {
      for (const subject of ['Mia', 'Max', 'Alice'])
        await ok('PUT', `${mod(s)}/roles`, { headers: s.world.headers, payload: { subject, role: 'moderator' } }, 200);
    },
    'GET /moderation/v1/worlds/{worldId}/roles': async (s) => void (await ok('GET', `${mod(s)}/roles`, { headers: s.world.headers }, 200)),
    'DELETE /moderation/v1/worlds/{worldId}/roles/{role}/{subject}': async (s) =>
      void (await ok('DELETE', `${mod(s)}/roles/moderator/Alice`, { headers: s.world.headers }, 204)),
    'GET /moderation/v1/worlds/{worldId}/settings': async (s) =>
      void (await ok('GET', `${mod(s)}/settings`, { headers: s.world.headers }, 200)),
    'PUT /moderation/v1/worlds/{worldId}/settings': async (s) =>
      void (await ok('PUT', `${mod(s)}/settings`, { headers: s.world.headers, payload: { appealWindowDays: 30 } }, 200)),
    'POST /moderation/v1/worlds/{worldId}/evidence': async (s) => {
      const r = await ok(
        'POST',
        `${mod(s)}/evidence`,
        { headers: { ...as(s, 'alice'), 'content-type': 'image/png' }, payload: Buffer.from(SCREENSHOT) },
        201,
      );
      s.ids.set('evidence', String(r.json().sha256));
    },
    'POST /moderation/v1/worlds/{worldId}/reports': async (s) => {
      const payload = {
        subject: 'Tom',
        category: 'harassment',
        text: 'Tom keeps telling everyone I steal builds.',
        evidence: [id(s, 'evidence')],
      };
      const r = await ok('POST', `${mod(s)}/reports`, { headers: as(s, 'alice'), payload }, 201);
      s.ids.set('report', String(r.json().reportId));
    },
    'GET /moderation/v1/worlds/{worldId}/reports/{reportId}': async (s) =>
      void (await ok('GET', `${mod(s)}/reports/${id(s, 'report')}`, { headers: as(s, 'alice') }, 200)),
    'GET /moderation/v1/worlds/{worldId}/cases': async (s) => {
      const r = await ok('GET', `${mod(s)}/cases?sort=age&status=open&limit=10`, { headers: as(s, 'mia') }, 200);
      s.ids.set('case', String((r.json().cases as Array<{ id: string }>)[0]?.id));
    },
    'GET /moderation/v1/worlds/{worldId}/cases/{caseId}': async (s) =>
      void (await ok('GET', `${mod(s)}/cases/${id(s, 'case')}`, { headers: as(s, 'mia') }, 200)),
    'GET /moderation/v1/worlds/{worldId}/cases/{caseId}/evidence/{sha256}': async (s) =>
      void (await ok('GET', `${mod(s)}/cases/${id(s, 'case')}/evidence/${id(s, 'evidence')}`, { headers: as(s, 'mia') }, 200)),
    'POST /moderation/v1/worlds/{worldId}/cases/{caseId}/assign': async (s) =>
      void (await ok('POST', `${mod(s)}/cases/${id(s, 'case')}/assign`, { headers: as(s, 'mia'), payload: {} }, 200)),
    'POST /moderation/v1/worlds/{worldId}/cases/{caseId}/notes': async (s) =>
      void (await ok(
        'POST',
        `${mod(s)}/cases/${id(s, 'case')}/notes`,
        { headers: as(s, 'mia'), payload: { text: 'Two witnesses.' } },
        201,
      )),
    'POST /moderation/v1/worlds/{worldId}/cases/{caseId}/decision': async (s) => {
      const payload = { facts: FACTS, sanction: { type: 'suspension', durationDays: 7 }, automated: { detection: false, decision: false } };
      const r = await ok('POST', `${mod(s)}/cases/${id(s, 'case')}/decision`, { headers: as(s, 'mia'), payload }, 201);
      s.ids.set('decision', String(r.json().decisionId));
    },
    'GET /moderation/v1/worlds/{worldId}/sanctions/{subject}': async (s) =>
      void (await ok('GET', `${mod(s)}/sanctions/Tom`, { headers: s.world.headers }, 200)),
    'GET /moderation/v1/me/worlds/{worldId}': async (s) =>
      void (await ok('GET', `/moderation/v1/me/worlds/${s.world.id}`, { headers: as(s, 'tom') }, 200)),
    'GET /moderation/v1/me/notices': async (s) => void (await ok('GET', '/moderation/v1/me/notices', { headers: as(s, 'tom') }, 200)),
    'POST /moderation/v1/me/decisions/{decisionId}/appeal': async (s) => {
      const payload = { text: 'I was quoting a joke from the stage.' };
      const r = await ok('POST', `/moderation/v1/me/decisions/${id(s, 'decision')}/appeal`, { headers: as(s, 'tom'), payload }, 201);
      s.ids.set('appeal', String(r.json().appealId));
    },
    'GET /moderation/v1/worlds/{worldId}/appeals': async (s) => void (await ok('GET', `${mod(s)}/appeals`, { headers: as(s, 'max') }, 200)),
    'POST /moderation/v1/worlds/{worldId}/appeals/{appealId}/decision': async (s) => {
      const payload = { outcome: 'reverse', reasons: 'The recording shows Tom quoting a performer.' };
      await ok('POST', `${mod(s)}/appeals/${id(s, 'appeal')}/decision`, { headers: as(s, 'max'), payload }, 200);
    },
    'GET /moderation/v1/worlds/{worldId}/statistics': async (s) => void (await ok('GET', `${mod(s)}/statistics`, {}, 200)),
    'GET /moderation/v1/worlds/{worldId}/statistics.csv': async (s) => void (await ok('GET', `${mod(s)}/statistics.csv`, {}, 200)),

    // Retention epochs of the dealt set (before the DKG replaces it): a batch for an epoch far ahead, and a destruction.
    'GET /registry/v1/escrow-epochs': async () => void (await ok('GET', '/registry/v1/escrow-epochs', {}, 200)),
    'POST /admin/v1/dkg/epochs': async (s) =>
      void (await ok('POST', '/admin/v1/dkg/epochs', { headers: bearer(s.admin), payload: { epochs: ['2040-01'] } }, 201)),
    'POST /disclosure/v1/trustee/escrow-epochs/{id}/destruction': async (s) => {
      // Dave signs for the first epoch once it has ended (a copy of his share; one of five, so the key lives on).
      const dave = trustee(s, 'dave');
      const [first] = await dave.client.epochs();
      const share = dave.share.find((x) => x.trusteeSetId === first?.key.id);
      assert.ok(first && share);
      const saved = s.story.clock.now();
      s.story.clock.set(new Date(Date.parse(first.endsAt) + DAY));
      try {
        await dave.client.destroyEpochShare({ ...share, secret: share.secret.slice() }, () => {});
      } finally {
        s.story.clock.set(saved);
      }
    },
    // A dealerless key ceremony replaces the trustee set (last: the disclosure fixtures use the dealt one).
    'POST /admin/v1/dkg': async (s) => {
      const r = await ok(
        'POST',
        '/admin/v1/dkg',
        { headers: bearer(s.admin), payload: { threshold: 3, trustees: TRUSTEES, replace: true } },
        201,
      );
      s.ids.set('dkg', r.body);
    },
    'GET /registry/v1/dkg/{id}/me': async (s) => {
      const { ceremony, tokens } = JSON.parse(id(s, 'dkg')) as {
        ceremony: { id: string };
        tokens: Array<{ token: string; trusteeId: string }>;
      };
      const results = await Promise.all(
        tokens.map((t) => {
          const api = new ApiClient(BASE, t.token, injectFetch(s.story.rt.app));
          const dkgCall: DkgCall = (method, path, body) => api.json(method, path, body);
          return runDkg({
            ceremonyId: ceremony.id,
            call: dkgCall,
            passphrase: passphraseOf(t.trusteeId),
            scrypt: FAST_SCRYPT,
            pollMs: 20,
            timeoutMs: 60_000,
          });
        }),
      );
      assert.equal(results.length, TRUSTEES.length);
      s.ids.set('ceremony', ceremony.id);
    },
    'GET /registry/v1/dkg/{id}/messages/{round}': async (s) =>
      void (await ok('GET', `/registry/v1/dkg/${id(s, 'ceremony')}/messages/announce`, {}, 200)),
    'POST /registry/v1/dkg/{id}/messages/{round}': async () => {
      // Posted by every trustee's runDkg in the `me` fixture.
    },
    'GET /registry/v1/dkg/{id}': async (s) => void (await ok('GET', `/registry/v1/dkg/${id(s, 'ceremony')}`, {}, 200)),
    'GET /registry/v1/dkg/{id}/transcript': async (s) =>
      void (await ok('GET', `/registry/v1/dkg/${id(s, 'ceremony')}/transcript`, {}, 200)),
    // Opened, not run (test/registry-reshare.test.ts runs it): the answer is the ceremony and its tokens.
    'POST /admin/v1/reshare': async (s) =>
      void (await ok(
        'POST',
        '/admin/v1/reshare',
        { headers: bearer(s.admin), payload: { threshold: 2, trustees: TRUSTEES.slice(0, 3) } },
        201,
      )),
    // Last: a rotation publishes a key that signs only an hour later, and a sweep ends only what has expired.
    'POST /admin/v1/keys/rotations': async (s) =>
      void (await ok('POST', '/admin/v1/keys/rotations', { headers: bearer(s.admin), payload: { activateAfterSeconds: 3600 } }, 201)),
    'POST /admin/v1/sweeps': async (s) => void (await ok('POST', '/admin/v1/sweeps', { headers: bearer(s.admin) }, 200)),
  };
}

/** `url` with every path parameter of `op` replaced by an id that names nothing. */
function unknownIds(op: OperationKey, url: string): string {
  const [path = '', query] = url.split('?');
  const template = (op.split(' ')[1] ?? '').split('/');
  const segments = path.split('/');
  if (template.includes('{*}')) return url;
  const replaced = segments.map((segment, i) => (/^\{.+\}$/.test(template[i] ?? '') ? 'nothing-here-0' : segment)).join('/');
  return query === undefined ? replaced : `${replaced}?${query}`;
}

function trustee(s: State, name: string) {
  const t = s.story.trustees.get(name);
  if (!t) throw new Error(`no trustee ${name}`);
  return t;
}

interface Call {
  headers?: Record<string, string>;
  payload?: unknown;
}

for (const engine of ENGINES) {
  describe(`the OpenAPI document as a contract on ${engine}`, () => {
    let contract: Contract;
    let state: State;
    let table: Record<OperationKey, Fixture>;

    before(async () => {
      const story = await startStory(engine, {
        config: { abuseLimits: { credentialIp: OFF, credentialPrincipal: OFF, mintIp: OFF, enrolIp: OFF } },
      });
      const doc = (await story.rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApi;
      contract = new Contract(doc);
      contract.watch(story.rt.app);
      state = { story, admin: story.adminToken, persons: new Map(), world: { id: '', secret: '', headers: {} }, ids: new Map() };
      table = fixtures(async (method, url, init = {}) => {
        const r = await story.rt.app.inject({
          method: method as 'GET',
          url,
          headers: init.headers ?? {},
          ...(init.payload === undefined ? {} : { payload: init.payload as string }),
        });
        return { status: r.statusCode, body: r.body, headers: r.headers, json: () => JSON.parse(r.body) as Record<string, unknown> };
      });
    });
    after(async () => state?.story.stop());

    it('has a fixture for every documented operation, and none for an operation that is gone', () => {
      const documented = contract.operations();
      assert.ok(documented.length > 100, `${documented.length} operations`);
      assert.deepEqual(
        documented.filter((op) => !(op in table)),
        [],
        'give each new operation a contract fixture',
      );
      assert.deepEqual(
        Object.keys(table).filter((op) => !documented.includes(op)),
        [],
      );
    });

    it('calls every operation with a valid request; each answer keeps the contract', async () => {
      const missing: string[] = [];
      for (const [op, fixture] of Object.entries(table)) {
        await fixture(state);
        if (!contract.exchanges.some((e) => e.op === op && e.status < 400)) missing.push(op);
      }
      assert.deepEqual(missing, [], 'operations without a successful call');
      assert.deepEqual(
        contract.exchanges.filter((e) => e.violation).map((e) => `${e.op} (${e.request.url}): ${e.violation}`),
        [],
      );
    });

    it('calls every operation with invalid requests; each error is a declared problem document', async () => {
      const before = contract.exchanges.length;
      for (const op of contract.operations()) {
        const sample = contract.exchanges.find((e) => e.op === op && e.status < 400)?.request;
        assert.ok(sample, `${op}: no valid request to vary`);
        const declared = contract.operation(op);
        const { authorization: _dropped, ...anonymous } = (sample.headers ?? {}) as Record<string, string>;
        const nul = `${sample.url}${sample.url.includes('?') ? '&' : '?'}x=%00`;
        const variants: Array<Record<string, unknown>> = [{ ...sample, url: nul }];
        if (declared.security?.length) variants.push({ ...sample, headers: anonymous });
        if (declared.requestBody)
          variants.push({ ...sample, headers: { ...sample.headers, 'content-type': 'application/json' }, payload: '{"not json' });
        for (const variant of variants) {
          const r = await state.story.rt.app.inject(variant as never);
          assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${op} ${JSON.stringify(variant).slice(0, 200)}: ${r.statusCode} ${r.body}`);
          assert.match(String(r.headers['content-type']), /^application\/problem\+json/, op);
        }
        // Refusals from the route itself: a body of the wrong type, ids that name nothing. Held to the contract, whatever they answer.
        const probes: Array<Record<string, unknown>> = [];
        if (declared.requestBody)
          probes.push({ ...sample, headers: { ...sample.headers, 'content-type': 'application/json' }, payload: '[]' });
        const unknown = unknownIds(op, sample.url);
        if (unknown !== sample.url) probes.push({ ...sample, url: unknown });
        for (const probe of probes) {
          const r = await state.story.rt.app.inject(probe as never);
          assert.ok(r.statusCode < 500, `${op} ${String(probe.url)}: ${r.statusCode} ${r.body}`);
        }
      }
      const errors = contract.exchanges.slice(before);
      assert.ok(errors.length >= contract.operations().length);
      assert.deepEqual(
        errors.filter((e) => e.violation).map((e) => `${e.op} (${e.request.url.slice(0, 120)}): ${e.violation}`),
        [],
      );
      // Errors the valid run met on its way (refusals a client handled) are held to the contract too.
      const seen = new Set(contract.exchanges.filter((e) => e.status >= 400).map((e) => e.op));
      assert.equal(seen.size, contract.operations().length);
    });
  });
}
