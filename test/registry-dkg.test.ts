/**
 * Dealerless key generation end to end, on both engines: five trustees run
 * `runDkg` (what `mvid trustee dkg` runs) against the server's HTTP API in parallel;
 * the server relays, publishes the agreed set and logs it with the transcript hash.
 * One scenario has a cheating trustee who deals a bad share to one peer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '../src/core/index.ts';
import {
  type DkgIdentity,
  type DkgParameters,
  type TrusteeSet,
  type TrusteeShare,
  decryptShareFile,
  dkgAnnounce,
  dkgCommit,
  dkgComplaints,
  newDkgIdentity,
  partialDecrypt,
  sealEnvelope,
  sealShare,
  signShares,
  thresholdOpen,
  validAnnouncements,
} from '../src/crypto/index.ts';
import { ApiClient } from '../src/disclosure/index.ts';
import { type DkgCall, type DkgMessageView, dkgPaths, runDkg } from '../src/registry/index.ts';
import { injectFetch } from './support/disclosure.ts';
import { ENGINES } from './support/engines.ts';
import { FAST_SCRYPT, TRUSTEES, passphraseOf } from './support/registry.ts';
import { problem } from './support/registry-http.ts';
import { type TestRuntime, startTestRuntime } from './support/runtime.ts';

const BASE = 'http://mvid.test';

function callOf(rt: TestRuntime, token?: string): DkgCall {
  const api = new ApiClient(BASE, token, injectFetch(rt.app));
  return (method, path, body) => api.json(method, path, body);
}

/** Every log entry, integrated or still queued, as text. */
async function logText(rt: TestRuntime): Promise<string[]> {
  const queued = await rt.store.db.selectFrom('log_outbox').select('entry').execute();
  const leaves = await rt.store.db.selectFrom('tlog_leaves').select('entry').execute();
  return [...leaves, ...queued].map((row) => Buffer.from(row.entry).toString());
}

async function openWith(set: TrusteeSet, shares: TrusteeShare[]): Promise<Uint8Array> {
  const envelope = sealEnvelope({
    escrowPublicKey: set.escrowPublicKey,
    envelopeId: 'env-dkg',
    personId: 'p-dkg',
    trusteeSetId: set.id,
    fieldGroup: 'name_birth',
    plaintext: utf8('{"legalName":"Grace Hopper"}'),
  });
  const partials = shares.map((share) => partialDecrypt({ share, c1: envelope.c1, requestId: 'req-dkg', envelopeId: envelope.envelopeId }));
  return thresholdOpen(envelope, partials, { trusteeSet: set, requestId: 'req-dkg' }).plaintext;
}

/** What `mvid trustee dkg` runs, for one trustee, through the app. */
function honestTrustee(rt: TestRuntime, ceremonyId: string, t: { token: string; trusteeId: string }) {
  const call = callOf(rt, t.token);
  return runDkg({ ceremonyId, call, passphrase: passphraseOf(t.trusteeId), scrypt: FAST_SCRYPT, pollMs: 20, timeoutMs: 60_000 });
}

/** A trustee who follows the protocol but deals `victim` a share off its committed polynomial, then stops. */
async function cheat(rt: TestRuntime, ceremonyId: string, token: string, victim: number): Promise<void> {
  const call = callOf(rt, token);
  const me = await call<{ ceremony: { threshold: number; trustees: string[] }; trusteeIndex: number }>(
    'GET',
    `${dkgPaths.ceremony(ceremonyId)}/me`,
  );
  const params: DkgParameters = { ceremonyId, threshold: me.ceremony.threshold, trustees: me.ceremony.trustees };
  const index = me.trusteeIndex;
  const id: DkgIdentity = newDkgIdentity();
  await call('POST', dkgPaths.messages(ceremonyId, 'announce'), dkgAnnounce(params, index, id));
  const waitAll = async (round: 'announce' | 'commit') => {
    for (;;) {
      const { messages } = await call<{ messages: DkgMessageView[] }>('GET', dkgPaths.messages(ceremonyId, round));
      if (messages.length === params.trustees.length) return messages;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const announced = validAnnouncements(params, new Map((await waitAll('announce')).map((m) => [m.trusteeIndex, m.body as never])));
  const { message, polynomial } = dkgCommit(params, index, id);
  await call('POST', dkgPaths.messages(ceremonyId, 'commit'), message);
  await waitAll('commit');
  const sealed: Record<string, ReturnType<typeof sealShare>> = {};
  for (const [to, a] of announced) {
    if (to === index) continue;
    let value = 0n;
    for (let k = polynomial.coefficients.length - 1; k >= 0; k--) value = value * BigInt(to) + (polynomial.coefficients[k] as bigint);
    sealed[String(to)] = sealShare(params, index, to, id, a.encKey, to === victim ? value + 1n : value);
  }
  await call('POST', dkgPaths.messages(ceremonyId, 'shares'), signShares(params, index, id, sealed));
  await call('POST', dkgPaths.messages(ceremonyId, 'complaints'), dkgComplaints(params, index, id, []));
}

for (const engine of ENGINES) {
  describe(`dealerless key generation over HTTP (${engine})`, () => {
    it('five trustees make a 3-of-5 set no machine held; its shares open envelopes by quorum, not with 2; the log names the ceremony', async () => {
      const rt = await startTestRuntime(engine);
      try {
        const { ceremony, tokens } = await rt.registry.dkg.create({ threshold: 3, trustees: TRUSTEES });
        const results = await Promise.all(tokens.map((t) => honestTrustee(rt, ceremony.id, t)));
        const set = results[0]?.trusteeSet as TrusteeSet;
        assert.ok(results.every((r) => r.trusteeSet.id === set.id && r.fingerprint === results[0]?.fingerprint));
        const active = await rt.registry.trusteeSets.active();
        assert.equal(active?.id, set.id);
        assert.equal(active?.trustees.length, 5);
        const shares = await Promise.all(results.map((r, k) => decryptShareFile(r.shareFile, passphraseOf(TRUSTEES[k] as string))));
        assert.match(new TextDecoder().decode(await openWith(set, [shares[0], shares[2], shares[4]] as TrusteeShare[])), /Grace Hopper/);
        await assert.rejects(openWith(set, [shares[1], shares[3]] as TrusteeShare[]), { code: 'threshold_not_met' });
        const entry = (await logText(rt)).find((text) => text.includes('type trustee_set'));
        assert.match(entry ?? '', /ceremony dkg/);
        const transcript = (await rt.app.inject({ url: `/registry/v1/dkg/${ceremony.id}/transcript` })).json() as {
          outcome: { transcript: string; qualified: number[] };
          messages: Array<{ round: string; body: unknown }>;
        };
        assert.match(entry ?? '', new RegExp(`transcript ${transcript.outcome.transcript}`));
        assert.deepEqual(transcript.outcome.qualified, [1, 2, 3, 4, 5]);
        // What the server stored cannot open anything: no share appears in clear anywhere in the transcript.
        const stored = JSON.stringify(transcript.messages);
        for (const s of shares) assert.equal(stored.includes(Buffer.from(s.secret).toString('base64url')), false);
        for (const s of shares) s.secret.fill(0);
      } finally {
        await rt.stop();
      }
    });

    it('a trustee who sends one peer a bad share is disqualified on that peer’s proven complaint; the other four finish', async () => {
      const rt = await startTestRuntime(engine);
      try {
        const { ceremony, tokens } = await rt.registry.dkg.create({ threshold: 3, trustees: TRUSTEES });
        const honest = tokens.filter((t) => t.trusteeIndex !== 2);
        const [results] = await Promise.all([
          Promise.all(honest.map((t) => honestTrustee(rt, ceremony.id, t))),
          cheat(rt, ceremony.id, tokens[1]?.token as string, 4),
        ]);
        const set = results[0]?.trusteeSet as TrusteeSet;
        assert.deepEqual(results[0]?.outcome.disqualified, [{ index: 2, reason: 'bad_share', by: 4 }]);
        assert.deepEqual(
          set.trustees.map((t) => t.id),
          ['alice', 'carol', 'dave', 'erin'],
        );
        assert.equal((await rt.registry.trusteeSets.active())?.id, set.id);
        const shares = await Promise.all(
          results.map((r) => decryptShareFile(r.shareFile, passphraseOf(TRUSTEES[r.trusteeIndex - 1] as string))),
        );
        assert.match(new TextDecoder().decode(await openWith(set, shares.slice(1))), /Grace Hopper/);
        await assert.rejects(openWith(set, shares.slice(0, 2)), { code: 'threshold_not_met' });
        assert.ok((await logText(rt)).some((text) => /ceremony dkg[\s\S]*disqualified 1/.test(text)));
      } finally {
        await rt.stop();
      }
    });

    it('refuses posts without the ceremony token, unsigned or re-signed messages, and rewriting a posted message', async () => {
      const rt = await startTestRuntime(engine);
      try {
        const { ceremony, tokens } = await rt.registry.dkg.create({ threshold: 2, trustees: ['a', 'b', 'c'] });
        const url = `/registry/v1/dkg/${ceremony.id}/messages/announce`;
        const params: DkgParameters = { ceremonyId: ceremony.id, threshold: 2, trustees: ['a', 'b', 'c'] };
        const id = newDkgIdentity();
        const announce = dkgAnnounce(params, 1, id);
        problem(await rt.app.inject({ method: 'POST', url, payload: announce }), 401, 'unauthenticated');
        const auth = (k: number) => ({ authorization: `Bearer ${tokens[k]?.token}` });
        // Trustee 2's token cannot post trustee 1's announcement (the index comes from the token, and the signature binds it).
        problem(await rt.app.inject({ method: 'POST', url, headers: auth(1), payload: announce }), 400, 'validation_failed');
        assert.equal((await rt.app.inject({ method: 'POST', url, headers: auth(0), payload: announce })).statusCode, 201);
        assert.equal((await rt.app.inject({ method: 'POST', url, headers: auth(0), payload: announce })).statusCode, 201, 'a retry');
        problem(
          await rt.app.inject({ method: 'POST', url, headers: auth(0), payload: dkgAnnounce(params, 1, newDkgIdentity()) }),
          409,
          'conflict',
        );
        // A commit signed by another key than the announced one.
        const forged = dkgCommit(params, 1, newDkgIdentity()).message;
        problem(
          await rt.app.inject({
            method: 'POST',
            url: `/registry/v1/dkg/${ceremony.id}/messages/commit`,
            headers: auth(0),
            payload: forged,
          }),
          400,
          'validation_failed',
        );
        problem(
          await rt.app.inject({
            method: 'POST',
            url: `/registry/v1/dkg/${ceremony.id}/messages/shares`,
            headers: auth(0),
            payload: { sealed: {}, sig: 'x' },
          }),
          400,
          'validation_failed',
        );
        problem(await rt.app.inject({ url: '/registry/v1/dkg/nope' }), 404, 'not_found');
      } finally {
        await rt.stop();
      }
    });
  });
}
