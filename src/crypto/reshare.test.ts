import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../core/index.ts';
import { openEnvelopeWithSharedPoint, sealEnvelope } from './envelope.ts';
import { dealEscrowKey, verifyShare, verifyTrusteeSet } from './feldman.ts';
import type { TrusteeSet, TrusteeShare } from './feldman.ts';
import { encodeScalar } from './group.ts';
import { reshareCombine, reshareDeal, reshareOutcome, verifySubShare } from './reshare.ts';
import type { ReshareDealing, ReshareParameters } from './reshare.ts';
import { combinePartials, partialDecrypt } from './threshold.ts';

const OLD = dealEscrowKey({ threshold: 3, trustees: ['ombudsman', 'court', 'ngo', 'auditor', 'university'] });
const PLAINTEXT = utf8('{"legalName":"Ada Lovelace"}');
const envelope = sealEnvelope({
  escrowPublicKey: OLD.trusteeSet.escrowPublicKey,
  envelopeId: 'env-r',
  personId: 'p-r',
  trusteeSetId: OLD.trusteeSet.id,
  fieldGroup: 'name_birth',
  plaintext: PLAINTEXT,
});

/** Opens the old envelope with partials of `shares`, checked against `set`'s verification keys. */
function open(set: TrusteeSet, shares: TrusteeShare[]): Uint8Array {
  const partials = shares.map((share) => partialDecrypt({ share, c1: envelope.c1, requestId: 'req-r', envelopeId: envelope.envelopeId }));
  const { point } = combinePartials(partials, {
    threshold: set.threshold,
    verificationKeys: set.trustees,
    c1: envelope.c1,
    requestId: 'req-r',
    envelopeId: envelope.envelopeId,
    trusteeSetId: set.id,
  });
  return openEnvelopeWithSharedPoint(envelope, point);
}

function reshare(params: ReshareParameters, dealers: TrusteeShare[], tamper?: (d: ReturnType<typeof reshareDeal>) => void) {
  const deals = dealers.map((s) => {
    const deal = reshareDeal(s, params);
    tamper?.(deal);
    return deal;
  });
  const dealings = deals.map((d) => d.dealing);
  // Each new trustee checks its sub-shares; a failing one is a proven complaint against its dealer.
  const bad = new Set<number>();
  for (let j = 1; j <= params.trustees.length; j++) {
    for (const d of deals) if (!verifySubShare(d.dealing, j, d.subShares.get(j) as Uint8Array)) bad.add(d.dealing.dealer);
  }
  const outcome = reshareOutcome(params, dealings, [...bad]);
  const shares = params.trustees.map((_, k) => {
    const mine = new Map(deals.map((d) => [d.dealing.dealer, d.subShares.get(k + 1) as Uint8Array]));
    return reshareCombine(k + 1, outcome, dealings, mine);
  });
  return { outcome, shares };
}

const PARAMS: ReshareParameters = { from: OLD.trusteeSet, threshold: 2, trustees: ['court', 'library', 'union'] };

test('resharing 3-of-5 to 2-of-3: same escrow key, the old envelope opens with any 2 new shares and not with 1', () => {
  const [a, b, c, d] = OLD.shares as [TrusteeShare, TrusteeShare, TrusteeShare, TrusteeShare];
  const { outcome, shares } = reshare(PARAMS, [a, c, d, b]);
  assert.ok(verifyTrusteeSet(outcome.trusteeSet));
  assert.equal(outcome.trusteeSet.escrowPublicKey, OLD.trusteeSet.escrowPublicKey);
  assert.notEqual(outcome.trusteeSet.id, OLD.trusteeSet.id);
  assert.deepEqual(outcome.used, [1, 2, 3]);
  for (const s of shares) assert.ok(verifyShare(s, outcome.trusteeSet.commitments));
  assert.deepEqual(open(outcome.trusteeSet, [shares[0], shares[2]] as TrusteeShare[]), PLAINTEXT);
  assert.deepEqual(open(outcome.trusteeSet, [shares[1], shares[2]] as TrusteeShare[]), PLAINTEXT);
  assert.throws(() => open(outcome.trusteeSet, [shares[1]] as TrusteeShare[]), { code: 'threshold_not_met' });
  // An old share is no partial of the new set.
  assert.throws(() => open(outcome.trusteeSet, [a, b]), { code: 'share_invalid' });
});

test('a dealer who re-deals something other than its share is refused publicly; the others still finish', () => {
  const [a, b, c, d] = OLD.shares as [TrusteeShare, TrusteeShare, TrusteeShare, TrusteeShare];
  const fake = { ...b, secret: encodeScalar(12345n) };
  const forged: ReshareDealing = reshareDeal(fake, PARAMS).dealing;
  assert.notEqual(forged.commitments[0], OLD.trusteeSet.trustees[1]?.verificationKey);
  const deals = [a, c, d].map((s) => reshareDeal(s, PARAMS));
  const outcome = reshareOutcome(PARAMS, [forged, ...deals.map((x) => x.dealing)]);
  assert.deepEqual(outcome.disqualified, [2]);
  assert.deepEqual(outcome.used, [1, 3, 4]);
  assert.equal(outcome.trusteeSet.escrowPublicKey, OLD.trusteeSet.escrowPublicKey);
});

test('a dealer who sends one new trustee a bad sub-share is caught by that trustee and left out', () => {
  const [a, b, c, d] = OLD.shares as [TrusteeShare, TrusteeShare, TrusteeShare, TrusteeShare];
  const { outcome, shares } = reshare(PARAMS, [a, b, c, d], (deal) => {
    if (deal.dealing.dealer === 2) deal.subShares.set(3, encodeScalar(7n));
  });
  assert.deepEqual(outcome.disqualified, [2]);
  assert.deepEqual(outcome.used, [1, 3, 4]);
  assert.deepEqual(open(outcome.trusteeSet, [shares[0], shares[2]] as TrusteeShare[]), PLAINTEXT);
});

test('fewer valid dealers than the old threshold cannot reshare (nobody below quorum moves the key)', () => {
  const [a, b] = OLD.shares as [TrusteeShare, TrusteeShare];
  const deals = [a, b].map((s) => reshareDeal(s, PARAMS).dealing);
  assert.throws(() => reshareOutcome(PARAMS, deals), { code: 'validation_failed' });
});
