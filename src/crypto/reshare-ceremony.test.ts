import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dkgAnnounce, dkgComplaints, newDkgIdentity, sealShare, signShares } from './dkg.ts';
import type { DkgIdentity, DkgTranscript } from './dkg.ts';
import { dealEscrowKey, verifyShare } from './feldman.ts';
import type { TrusteeShare } from './feldman.ts';
import {
  dealerSlot,
  reshareCeremonyOutcome,
  reshareDealMessages,
  reshareFinalShare,
  reshareReceive,
  reshareSigningParameters,
} from './reshare-ceremony.ts';
import type { ReshareCeremonyParameters } from './reshare-ceremony.ts';

const OLD = dealEscrowKey({ threshold: 3, trustees: ['a', 'b', 'c', 'd', 'e'] });
const PARAMS: ReshareCeremonyParameters = {
  ceremonyId: 'cer-1',
  from: OLD.trusteeSet,
  threshold: 2,
  trustees: ['c', 'x', 'y'],
  dealers: [1, 2, 3, 4],
};

function run(cheat?: { dealer: number; victim: number }) {
  const signing = reshareSigningParameters(PARAMS);
  const ids = new Map<number, DkgIdentity>();
  const t: DkgTranscript = { announce: new Map(), commit: new Map(), shares: new Map(), complaints: new Map() };
  for (const slot of [1, 2, 3, ...PARAMS.dealers.map(dealerSlot)]) {
    const id = newDkgIdentity();
    ids.set(slot, id);
    t.announce.set(slot, dkgAnnounce(signing, slot, id));
  }
  for (const i of PARAMS.dealers) {
    const { commit, shares } = reshareDealMessages(
      PARAMS,
      OLD.shares[i - 1] as TrusteeShare,
      ids.get(dealerSlot(i)) as DkgIdentity,
      t.announce,
    );
    t.commit.set(dealerSlot(i), commit);
    t.shares.set(dealerSlot(i), shares);
    if (cheat?.dealer === i) {
      const sealed = { ...shares.sealed };
      const enc = t.announce.get(cheat.victim)?.encKey as string;
      sealed[String(cheat.victim)] = sealShare(signing, dealerSlot(i), cheat.victim, ids.get(dealerSlot(i)) as DkgIdentity, enc, 42n);
      t.shares.set(dealerSlot(i), signShares(signing, dealerSlot(i), ids.get(dealerSlot(i)) as DkgIdentity, sealed));
    }
  }
  const received = new Map<number, Map<number, Uint8Array>>();
  for (const j of [1, 2, 3]) {
    const got = reshareReceive(PARAMS, j, ids.get(j) as DkgIdentity, t, PARAMS.dealers.map(dealerSlot));
    assert.deepEqual(got.unreadable, []);
    received.set(j, got.received);
    t.complaints.set(j, dkgComplaints(signing, j, ids.get(j) as DkgIdentity, got.complaints));
  }
  const outcome = reshareCeremonyOutcome(PARAMS, t);
  const shares = [1, 2, 3].map((j) => reshareFinalShare(j, outcome, t, received.get(j) as Map<number, Uint8Array>));
  return { outcome, shares };
}

test('a relayed reshare keeps the escrow key and gives every new trustee a share matching the new commitments', () => {
  const { outcome, shares } = run();
  assert.equal(outcome.trusteeSet.escrowPublicKey, OLD.trusteeSet.escrowPublicKey);
  assert.deepEqual(outcome.used, [1, 2, 3]);
  assert.deepEqual(outcome.disqualified, []);
  for (const s of shares) assert.ok(verifyShare(s, outcome.trusteeSet.commitments));
});

test('a dealer proven to have sealed one new trustee a bad sub-share is disqualified; the transcript differs', () => {
  const honest = run();
  const { outcome, shares } = run({ dealer: 2, victim: 3 });
  assert.deepEqual(outcome.disqualifiedBecause, [{ index: 2, reason: 'bad_share', by: 3 }]);
  assert.deepEqual(outcome.used, [1, 3, 4]);
  assert.equal(outcome.trusteeSet.escrowPublicKey, OLD.trusteeSet.escrowPublicKey);
  assert.notEqual(outcome.transcript, honest.outcome.transcript);
  for (const s of shares) assert.ok(verifyShare(s, outcome.trusteeSet.commitments));
});

test('a dealer who re-deals a share not its own is refused publicly (D_0 differs from its verification key)', () => {
  const params = { ...PARAMS, dealers: [1, 2, 3] };
  const signing = reshareSigningParameters(params);
  const t: DkgTranscript = { announce: new Map(), commit: new Map(), shares: new Map(), complaints: new Map() };
  const ids = new Map<number, DkgIdentity>();
  for (const slot of [1, 2, 3, ...params.dealers.map(dealerSlot)]) {
    ids.set(slot, newDkgIdentity());
    t.announce.set(slot, dkgAnnounce(signing, slot, ids.get(slot) as DkgIdentity));
  }
  for (const i of params.dealers) {
    // Dealer 3 re-deals dealer 5's share under its own slot.
    const share = i === 3 ? { ...(OLD.shares[4] as TrusteeShare), index: 3 } : (OLD.shares[i - 1] as TrusteeShare);
    const m = reshareDealMessages(params, share, ids.get(dealerSlot(i)) as DkgIdentity, t.announce);
    t.commit.set(dealerSlot(i), m.commit);
    t.shares.set(dealerSlot(i), m.shares);
  }
  assert.throws(() => reshareCeremonyOutcome(params, t), { code: 'validation_failed' });
});
