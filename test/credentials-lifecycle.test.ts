/**
 * What happens to issued credentials over a person's and an issuer's life, on both
 * engines: recovery revokes the copies bound to the lost wallet; an attribute issuer's
 * own status list is honoured at re-issue; concurrent issuance never hands one status
 * entry out twice; expired state is swept, and a retired status list with it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStatusList, setStatus, signStatusList } from '../src/credentials/index.ts';
import { generateHolderKey } from '../src/registry/index.ts';
import { isPresentationError, presentCredential, verifyPresentation } from '../src/sdk/index.ts';
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
import { ENGINES } from './support/engines.ts';
import { devKeyOf, presentation, problem } from './support/registry-http.ts';

const BOARD_STATUS_URI = 'https://nursing.example/status/1';

for (const engine of ENGINES) {
  describe(`credentials lifecycle on ${engine}`, () => {
    let rt: CredentialsRuntime;
    let board: ReturnType<typeof attributeIssuer>;
    const boardList = createStatusList();
    let boardToken = '';

    async function issueAge(who: Person, copies = 1) {
      const nonce = await cNonce(rt);
      const keys = Array.from({ length: copies }, () => proofKey());
      const reply = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/issue',
        headers: bearer(who.token),
        payload: { kind: 'age', proofs: keys.map((k) => keyProof(rt, k, nonce)) },
      });
      assert.equal(reply.statusCode, 201, reply.body);
      const credentials = (reply.json() as { credentials: Array<{ credential: string }> }).credentials.map((c) => c.credential);
      return credentials.map((credential, i) => ({ credential, key: keys[i] as ReturnType<typeof proofKey> }));
    }
    async function worldCheck(copy: { credential: string; key: ReturnType<typeof proofKey> }) {
      const nonce = `n-${Math.random()}`;
      const shown = await presentCredential(copy.credential, {
        disclose: ['age_over_18'],
        holderPrivateKey: copy.key.privateKey,
        audience: WORLD,
        nonce,
        now: rt.clock.now(),
      });
      return verifyPresentation(shown, await worldVerifier(rt, nonce));
    }

    before(async () => {
      rt = await startCredentialsRuntime(engine, {
        externalStatusLists: { get: (uri) => (uri === BOARD_STATUS_URI ? boardToken : undefined) },
      });
      board = attributeIssuer(rt, 'https://nursing.example');
      await registerAttributeIssuer(rt, board, 'Board of Nursing', ['occupation']);
      boardToken = signStatusList({
        list: boardList,
        uri: BOARD_STATUS_URI,
        issuer: { iss: board.iss, kid: 'k1', privateKey: board.privateKey },
        now: rt.clock.now(),
      });
    });
    after(async () => rt.stop());

    it('recovery revokes the copies bound to the lost wallet; the new wallet gets working ones', async () => {
      const person = await enrol(rt, { birthdate: '1980-10-10' });
      const [old] = await issueAge(person);
      assert.ok(old);
      await worldCheck(old);
      const { presentation: p } = await presentation(rt, devKeyOf(rt), person.claims, generateHolderKey());
      const recovered = await rt.app.inject({ method: 'POST', url: '/registry/v1/recoveries', payload: { presentation: p } });
      assert.equal(recovered.statusCode, 200, recovered.body);
      await assert.rejects(worldCheck(old), (e: unknown) => isPresentationError(e, 'credential_revoked'));
      const token = (recovered.json() as { session: { token: string } }).session.token;
      const [fresh] = await issueAge({ ...person, token });
      assert.ok(fresh);
      assert.deepEqual((await worldCheck(fresh)).claims, { age_over_18: true });
    });

    it('an attribute credential its issuer has revoked is not re-issued', async () => {
      const person = await enrol(rt);
      const reissue = async (idx: number) => {
        const source = await board.issue('occupation', { occupation: 'Nurse', issuing_body: 'Board' }, person.holder.publicJwk, {
          uri: BOARD_STATUS_URI,
          idx,
        });
        const shown = await presentCredential(source, {
          disclose: ['occupation', 'issuing_body'],
          holderPrivateKey: person.holder.privateJwk,
          audience: PUBLIC_URL,
          nonce: await cNonce(rt),
          now: rt.clock.now(),
        });
        return rt.app.inject({
          method: 'POST',
          url: '/credentials/v1/issue',
          headers: bearer(person.token),
          payload: { kind: 'occupation', source: shown },
        });
      };
      assert.equal((await reissue(42)).statusCode, 201);
      setStatus(boardList, 43, true);
      boardToken = signStatusList({
        list: boardList,
        uri: BOARD_STATUS_URI,
        issuer: { iss: board.iss, kid: 'k1', privateKey: board.privateKey },
        now: rt.clock.now(),
      });
      problem(await reissue(43), 401, 'credential_revoked');
    });

    it('concurrent issuance never hands out one status entry twice', async () => {
      const persons = await Promise.all([enrol(rt), enrol(rt), enrol(rt), enrol(rt)]);
      const batches = await Promise.all(persons.flatMap((p) => [issueAge(p, 5), issueAge(p, 5)]));
      const entries = batches.flat().map((c) => {
        const payload = JSON.parse(Buffer.from(c.credential.split('.')[1] ?? '', 'base64url').toString()) as {
          status: { status_list: { idx: number; uri: string } };
        };
        return `${payload.status.status_list.uri}#${payload.status.status_list.idx}`;
      });
      assert.equal(entries.length, 40);
      assert.equal(new Set(entries).size, 40);
      const rows = await rt.store.db
        .selectFrom('credentials_issued')
        .select(['credential_hash'])
        .where('credential_hash', '=', '')
        .execute();
      assert.equal(rows.length, 0, 'every reserved entry was completed');
    });

    it('sweeps expired state, and a retired status list once its credentials have expired', async () => {
      const person = await enrol(rt);
      const [copy] = await issueAge(person);
      assert.ok(copy);
      await cNonce(rt);
      const offer = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/offers',
        headers: bearer(person.token),
        payload: { kinds: ['age'] },
      });
      assert.equal(offer.statusCode, 201);
      const uri = (
        JSON.parse(Buffer.from(copy.credential.split('.')[1] ?? '', 'base64url').toString()) as { status: { status_list: { uri: string } } }
      ).status.status_list.uri;
      // Pretend the list filled up: no new entry lands in it any more.
      await rt.store.db.updateTable('credentials_status_lists').set({ state: 'full' }).execute();
      const early = await rt.credentials.sweep();
      assert.equal(early.statusLists, 0, 'its credentials are still valid');
      rt.clock.advance(40 * 86_400_000);
      const report = await rt.credentials.sweep();
      assert.ok(report.nonces > 0 && report.offers > 0, JSON.stringify(report));
      assert.equal(report.statusLists, 1);
      problem(await rt.app.inject({ method: 'GET', url: uri.slice(PUBLIC_URL.length) }), 404, 'not_found');
      // Issuance opens a new list and goes on (a new session: the old one expired long ago).
      const [next] = await issueAge(await enrol(rt));
      assert.ok(next);
    });
  });
}
