import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ristretto255_FROST } from '@noble/curves/ed25519.js';
import { fromBase64Url, toBase64Url, utf8 } from '../core/index.ts';
import {
  dkgAnnounce,
  dkgCommit,
  dkgComplaints,
  dkgFinalShare,
  dkgOutcome,
  dkgReceive,
  dkgShares,
  newDkgIdentity,
  sealShare,
  signCommit,
  signShares,
  verifyProofOfKnowledge,
} from './dkg.ts';
import type { DkgIdentity, DkgParameters, DkgPolynomial, DkgTranscript } from './dkg.ts';
import { sealEnvelope } from './envelope.ts';
import { evaluatePolynomial, verifyTrusteeSet } from './feldman.ts';
import type { TrusteeShare } from './feldman.ts';
import { decodePoint, encodeScalar } from './group.ts';
import { partialDecrypt, thresholdOpen } from './threshold.ts';

const PARAMS: DkgParameters = { ceremonyId: 'ceremony-1', threshold: 3, trustees: ['ombudsman', 'court', 'ngo', 'auditor', 'university'] };

/** Runs the rounds in memory; `tamper` may change a dealer's shares before they are sealed. */
function run(params: DkgParameters, tamper?: { from: number; to: number }) {
  const n = params.trustees.length;
  const all = Array.from({ length: n }, (_, k) => k + 1);
  const ids = new Map<number, DkgIdentity>(all.map((i) => [i, newDkgIdentity()]));
  const t: DkgTranscript = { announce: new Map(), commit: new Map(), shares: new Map(), complaints: new Map() };
  for (const i of all) t.announce.set(i, dkgAnnounce(params, i, ids.get(i) as DkgIdentity));
  const polys = new Map<number, DkgPolynomial>();
  for (const i of all) {
    const { message, polynomial } = dkgCommit(params, i, ids.get(i) as DkgIdentity);
    t.commit.set(i, message);
    polys.set(i, polynomial);
  }
  for (const i of all) {
    const id = ids.get(i) as DkgIdentity;
    const poly = polys.get(i) as DkgPolynomial;
    let shares = dkgShares(params, i, id, poly, t.announce, all);
    if (tamper?.from === i) {
      // A cheater deals one peer a value off its committed polynomial, signed like any other share.
      const bad = evaluatePolynomial(poly.coefficients, tamper.to) + 1n;
      const encKey = t.announce.get(tamper.to)?.encKey as string;
      const sealed = { ...shares.sealed, [String(tamper.to)]: sealShare(params, i, tamper.to, id, encKey, bad) };
      shares = signShares(params, i, id, sealed);
    }
    t.shares.set(i, shares);
  }
  const received = new Map<number, Map<number, Uint8Array>>();
  for (const i of all) {
    const r = dkgReceive(params, i, ids.get(i) as DkgIdentity, t, all);
    assert.deepEqual(r.unreadable, []);
    received.set(i, r.received);
    t.complaints.set(i, dkgComplaints(params, i, ids.get(i) as DkgIdentity, r.complaints));
  }
  const outcome = dkgOutcome(params, t);
  const shares = new Map<number, TrusteeShare>();
  for (const i of outcome.qualified)
    shares.set(i, dkgFinalShare(params, i, polys.get(i) as DkgPolynomial, received.get(i) as Map<number, Uint8Array>, outcome));
  return { outcome, shares, transcript: t, ids, polys };
}

const PLAINTEXT = utf8('{"legalName":"Ada Lovelace"}');

function openWith(outcome: ReturnType<typeof run>['outcome'], shares: TrusteeShare[]) {
  const set = outcome.trusteeSet;
  const envelope = sealEnvelope({
    escrowPublicKey: set.escrowPublicKey,
    envelopeId: 'env-1',
    personId: 'p-1',
    trusteeSetId: set.id,
    fieldGroup: 'name_birth',
    plaintext: PLAINTEXT,
  });
  const partials = shares.map((share) => partialDecrypt({ share, c1: envelope.c1, requestId: 'req-1', envelopeId: envelope.envelopeId }));
  return thresholdOpen(envelope, partials, { trusteeSet: set, requestId: 'req-1' }).plaintext;
}

test('a 3-of-5 DKG gives a trustee set whose shares open envelopes by quorum, not with 2', () => {
  const { outcome, shares } = run(PARAMS);
  assert.deepEqual(outcome.qualified, [1, 2, 3, 4, 5]);
  assert.deepEqual(outcome.disqualified, []);
  assert.ok(verifyTrusteeSet(outcome.trusteeSet));
  const list = [...shares.values()];
  assert.deepEqual(openWith(outcome, [list[0], list[2], list[4]] as TrusteeShare[]), PLAINTEXT);
  assert.deepEqual(openWith(outcome, [list[1], list[3], list[4]] as TrusteeShare[]), PLAINTEXT);
  assert.throws(() => openWith(outcome, [list[0], list[1]] as TrusteeShare[]), { code: 'threshold_not_met' });
});

test('one trustee sending a bad share to one peer is disqualified by a proven complaint; the rest finish', () => {
  const { outcome, shares, transcript } = run(PARAMS, { from: 2, to: 4 });
  assert.deepEqual(outcome.qualified, [1, 3, 4, 5]);
  assert.deepEqual(outcome.disqualified, [{ index: 2, reason: 'bad_share', by: 4 }]);
  assert.ok(verifyTrusteeSet(outcome.trusteeSet));
  assert.deepEqual(
    outcome.trusteeSet.trustees.map((t) => t.id),
    ['ombudsman', 'ngo', 'auditor', 'university'],
  );
  assert.equal(transcript.complaints.get(4)?.complaints.length, 1);
  const list = [...shares.values()];
  assert.equal(list.length, 4);
  assert.deepEqual(openWith(outcome, list.slice(1)), PLAINTEXT);
  assert.throws(() => openWith(outcome, list.slice(0, 2)), { code: 'threshold_not_met' });
  // The cheater's share is not in the set: its partial is refused as an unknown trustee.
  assert.equal(
    outcome.trusteeSet.trustees.some((t) => t.index === 2),
    false,
  );
});

test('a false complaint (a good share claimed bad, or a forged reveal) disqualifies nobody', () => {
  const base = run(PARAMS);
  const t = base.transcript;
  const id4 = base.ids.get(4) as DkgIdentity;
  const good = dkgReceive(PARAMS, 4, id4, t, [1, 2, 3, 5]).received.get(2) as Uint8Array;
  const forged = toBase64Url(encodeScalar(123n));
  t.complaints.set(
    4,
    dkgComplaints(PARAMS, 4, id4, [
      { against: 2, reveal: { share: toBase64Url(good), sig: t.complaints.get(4)?.sig ?? '' } },
      { against: 3, reveal: { share: forged, sig: t.announce.get(4)?.sig ?? '' } },
    ]),
  );
  const outcome = dkgOutcome(PARAMS, t);
  assert.deepEqual(outcome.qualified, [1, 2, 3, 4, 5]);
});

test('a bad proof of knowledge or a dropped share disqualifies the dealer publicly', () => {
  const base = run(PARAMS);
  const t = base.transcript;
  const c = t.commit.get(5);
  assert.ok(c);
  const sealed = { ...(t.shares.get(3)?.sealed ?? {}) };
  delete sealed['1'];
  t.shares.set(3, { sealed, sig: t.shares.get(3)?.sig ?? '' });
  t.commit.set(5, { ...c, proofOfKnowledge: t.commit.get(1)?.proofOfKnowledge ?? '' });
  const outcome = dkgOutcome(PARAMS, t);
  assert.deepEqual(outcome.qualified, [1, 2, 4]);
  assert.deepEqual(
    outcome.disqualified.map((d) => [d.index, d.reason]),
    [
      [3, 'missing_share'],
      [5, 'bad_commitment'],
    ],
  );
});

test('fewer qualified trustees than the threshold is a failed ceremony', () => {
  const base = run({ ...PARAMS, threshold: 5 });
  const t = base.transcript;
  t.commit.delete(1);
  assert.throws(() => dkgOutcome({ ...PARAMS, threshold: 5 }, t), { code: 'validation_failed' });
});

test('an honest run equals noble FROST round 3 (commitments, verification keys, shares)', () => {
  const params: DkgParameters = { ceremonyId: 'noble', threshold: 2, trustees: ['a', 'b', 'c'] };
  const F = ristretto255_FROST;
  const signers = { min: 2, max: 3 };
  const r1 = [1, 2, 3].map((i) => F.DKG.round1(F.Identifier.fromNumber(i), signers));
  const coefficients = r1.map((r) => [...(r.secret.coefficients ?? [])]);
  const r2 = r1.map((r, k) =>
    F.DKG.round2(
      r.secret,
      r1.filter((_, m) => m !== k).map((x) => x.public),
    ),
  );
  const keys = r1.map((r, k) =>
    F.DKG.round3(
      r.secret,
      r1.filter((_, m) => m !== k).map((x) => x.public),
      r2.filter((_, m) => m !== k).map((x) => x[F.Identifier.fromNumber(k + 1)] as { identifier: string; signingShare: Uint8Array }),
    ),
  );
  // Our outcome from the same commitments and PoKs (signatures are ours, so build the transcript by hand).
  const ids = [1, 2, 3].map(() => newDkgIdentity());
  const t: DkgTranscript = { announce: new Map(), commit: new Map(), shares: new Map(), complaints: new Map() };
  for (const i of [1, 2, 3]) t.announce.set(i, dkgAnnounce(params, i, ids[i - 1] as DkgIdentity));
  for (const i of [1, 2, 3]) {
    const p = r1[i - 1]?.public;
    assert.ok(p);
    assert.ok(verifyProofOfKnowledge(i, decodePoint(p.commitment[0] as Uint8Array), p.proofOfKnowledge));
    const polynomial = { coefficients: coefficients[i - 1] as bigint[] };
    const signed = signCommit(params, i, ids[i - 1] as DkgIdentity, p.commitment, p.proofOfKnowledge);
    t.commit.set(i, signed);
    t.shares.set(i, dkgShares(params, i, ids[i - 1] as DkgIdentity, polynomial, t.announce, [1, 2, 3]));
  }
  for (const i of [1, 2, 3]) t.complaints.set(i, dkgComplaints(params, i, ids[i - 1] as DkgIdentity, []));
  const outcome = dkgOutcome(params, t);
  assert.deepEqual(
    outcome.trusteeSet.commitments,
    keys[0]?.public.commitments.map((c) => toBase64Url(c)),
  );
  for (const i of [1, 2, 3]) {
    const received = dkgReceive(params, i, ids[i - 1] as DkgIdentity, t, [1, 2, 3]).received;
    const share = dkgFinalShare(params, i, { coefficients: coefficients[i - 1] as bigint[] }, received, outcome);
    assert.deepEqual(share.secret, keys[i - 1]?.secret.signingShare);
    assert.deepEqual(fromBase64Url(share.verificationKey), keys[0]?.public.verifyingShares[F.Identifier.fromNumber(i)]);
  }
  // And noble's FROST verifies a proof our verifier rejects once tampered.
  const p1 = r1[0]?.public;
  assert.ok(p1);
  const bad = p1.proofOfKnowledge.slice();
  bad[40] = (bad[40] as number) ^ 1;
  assert.equal(verifyProofOfKnowledge(1, decodePoint(p1.commitment[0] as Uint8Array), bad), false);
});
