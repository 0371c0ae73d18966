/**
 * Resharing as a relayed ceremony: the resharing protocol of reshare.ts carried by the
 * DKG's messages (dkg.ts), so it has the same message security — every message signed
 * by the sender's announced ceremony key, every sub-share signed for and sealed to its
 * recipient, a bad sub-share provable by its recipient revealing it with the dealer's
 * signature.
 *
 * One ceremony reshares ONE escrow key: the key of the trustee set `from`. Participants
 * have slots: new trustee j (1..N') is slot j; old trustee i, when it deals, is slot
 * {@link DEALER_SLOT} + i. Old trustees post `announce`, `commit` (their Feldman
 * commitments D_i; D_{i,0} must equal their published X_i, so no proof of knowledge is
 * needed) and `shares` (g_i(j) sealed to each new trustee j). New trustees post
 * `announce`, `complaints` and `result` (their signature over the agreed set and
 * transcript). The outcome is a pure function of the public transcript
 * ({@link reshareCeremonyOutcome}): the relaying server cannot choose who qualifies.
 */
import { createHash } from 'node:crypto';
import { ValidationError, systemRandom } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import {
  type DkgAnnounce,
  type DkgCommit,
  type DkgComplaints,
  type DkgIdentity,
  type DkgParameters,
  type DkgShares,
  type DkgTranscript,
  complaintProven,
  dkgReceive,
  sealShare,
  signCommit,
  signShares,
  validAnnouncements,
  verifyDkgMessage,
} from './dkg.ts';
import { assertLabel, decodeBase64UrlStrict, frame, u32be, wipe } from './encoding.ts';
import type { TrusteeShare } from './feldman.ts';
import { tryDecodeScalar } from './group.ts';
import {
  type ReshareDealing,
  type ReshareOutcome,
  type ReshareParameters,
  checkParams,
  reshareCombine,
  reshareDeal,
  reshareOutcome,
} from './reshare.ts';
import type { SealedMessage } from './seal.ts';

/** Old trustee i speaks in slot DEALER_SLOT + i (new trustees use 1..N', at most 255). */
export const DEALER_SLOT = 256;

export interface ReshareCeremonyParameters extends ReshareParameters {
  ceremonyId: string;
  /** The old trustees (by index in `from`) who re-deal; at least `from.threshold`. */
  dealers: number[];
}

export type ReshareRole = { role: 'dealer'; oldIndex: number } | { role: 'member'; newIndex: number };

export type ReshareDisqualifyReason = 'bad_announce' | 'bad_commitment' | 'missing_share' | 'bad_share';

export interface ReshareCeremonyOutcome extends ReshareOutcome {
  /** Old trustees left out, with why (and which new trustee proved it, for a bad sub-share). */
  disqualifiedBecause: Array<{ index: number; reason: ReshareDisqualifyReason; by?: number }>;
  /** SHA-256 over the parameters, keys, commitments and complaints: what the log records. */
  transcript: string;
}

export const dealerSlot = (oldIndex: number): number => DEALER_SLOT + oldIndex;

export function roleOfSlot(slot: number): ReshareRole {
  return slot > DEALER_SLOT ? { role: 'dealer', oldIndex: slot - DEALER_SLOT } : { role: 'member', newIndex: slot };
}

/** Every slot of a ceremony: new trustees, then dealers. */
export function reshareSlots(params: ReshareCeremonyParameters): { members: number[]; dealers: number[] } {
  return { members: params.trustees.map((_, k) => k + 1), dealers: params.dealers.map(dealerSlot) };
}

/**
 * What messages are signed over (dkg.ts's framing): the ceremony id, the new threshold and
 * roster, and the old set's id, so a message can serve no other ceremony or key.
 */
export function reshareSigningParameters(params: ReshareCeremonyParameters): DkgParameters {
  return { ceremonyId: params.ceremonyId, threshold: params.threshold, trustees: [...params.trustees, `reshare-of:${params.from.id}`] };
}

/** @throws ValidationError on a bad roster, threshold or dealer list */
export function checkReshareParameters(params: ReshareCeremonyParameters): void {
  assertLabel(params.ceremonyId, 'ceremonyId');
  checkParams(params);
  const indices = new Set(params.from.trustees.map((t) => t.index));
  if (new Set(params.dealers).size !== params.dealers.length || params.dealers.some((i) => !indices.has(i)))
    throw new ValidationError('dealers must be distinct members of the set being reshared', 'dealers');
  if (params.dealers.length < params.from.threshold)
    throw new ValidationError(`at least ${params.from.threshold} old trustees must re-deal`, 'dealers');
  if (params.trustees.length < 1 || params.trustees.length >= DEALER_SLOT) throw new ValidationError('bad number of trustees', 'trustees');
}

/**
 * Old trustee's `commit` and `shares` messages: re-deals its share with a fresh
 * polynomial of the new degree and seals g_i(j) to every announced new trustee.
 */
export function reshareDealMessages(
  params: ReshareCeremonyParameters,
  share: TrusteeShare,
  identity: DkgIdentity,
  announce: ReadonlyMap<number, DkgAnnounce>,
  random: Random = systemRandom,
): { commit: DkgCommit; shares: DkgShares } {
  const signing = reshareSigningParameters(params);
  const slot = dealerSlot(share.index);
  const { dealing, subShares } = reshareDeal(share, params, random);
  try {
    const commitments = dealing.commitments.map((c) => decodeBase64UrlStrict(c) as Uint8Array);
    const commit = signCommit(signing, slot, identity, commitments, new Uint8Array(0));
    const sealed: Record<string, SealedMessage> = {};
    for (const [j, sub] of subShares) {
      const a = announce.get(j);
      if (a === undefined) continue;
      sealed[String(j)] = sealShare(signing, slot, j, identity, a.encKey, tryDecodeScalar(sub, { allowZero: true }) as bigint, random);
    }
    return { commit, shares: signShares(signing, slot, identity, sealed) };
  } finally {
    for (const sub of subShares.values()) wipe(sub);
  }
}

/**
 * New trustee j opens the sub-shares sealed to it. Returns the good ones by old index,
 * proven complaints against bad ones, and dealers whose sub-share is unreadable (which
 * cannot be proven: the ceremony fails for this trustee).
 */
export function reshareReceive(
  params: ReshareCeremonyParameters,
  newIndex: number,
  identity: DkgIdentity,
  transcript: Pick<DkgTranscript, 'announce' | 'commit' | 'shares'>,
  dealerSlots: readonly number[],
) {
  const got = dkgReceive(reshareSigningParameters(params), newIndex, identity, transcript, dealerSlots);
  const received = new Map([...got.received].map(([slot, bytes]) => [slot - DEALER_SLOT, bytes]));
  return { received, complaints: got.complaints, unreadable: got.unreadable.map((s) => s - DEALER_SLOT) };
}

function dealingOf(oldIndex: number, commit: DkgCommit | undefined): ReshareDealing | undefined {
  return commit === undefined || !Array.isArray(commit.commitments) ? undefined : { dealer: oldIndex, commitments: commit.commitments };
}

/**
 * The outcome everyone computes from the public transcript: dealers with a valid
 * announcement, a signed commitment re-dealing their own share (D_{i,0} = X_i) and a
 * sealed sub-share for every new trustee, minus those a new trustee proved dealt it a
 * bad one. The first `from.threshold` that remain are combined.
 * @throws ValidationError when a new trustee did not announce or too few dealers qualify
 */
export function reshareCeremonyOutcome(params: ReshareCeremonyParameters, transcript: DkgTranscript): ReshareCeremonyOutcome {
  checkReshareParameters(params);
  const signing = reshareSigningParameters(params);
  const announced = validAnnouncements(signing, transcript.announce);
  const { members } = reshareSlots(params);
  const silent = members.find((j) => !announced.has(j));
  if (silent !== undefined) throw new ValidationError(`new trustee ${params.trustees[silent - 1]} has not announced`, 'trustees');
  const because: ReshareCeremonyOutcome['disqualifiedBecause'] = [];
  const good = new Map<number, ReshareDealing>();
  for (const i of params.dealers) {
    const slot = dealerSlot(i);
    const a = announced.get(slot);
    const commit = transcript.commit.get(slot);
    const shares = transcript.shares.get(slot);
    const dealing = dealingOf(i, commit);
    if (a === undefined) because.push({ index: i, reason: 'bad_announce' });
    else if (
      dealing === undefined ||
      !verifyDkgMessage(signing, 'commit', slot, a.signKey, commit) ||
      dealing.commitments[0] !== params.from.trustees.find((t) => t.index === i)?.verificationKey ||
      dealing.commitments.length !== params.threshold
    )
      because.push({ index: i, reason: 'bad_commitment' });
    else if (
      shares === undefined ||
      !verifyDkgMessage(signing, 'shares', slot, a.signKey, shares) ||
      members.some((j) => shares.sealed[String(j)] === undefined)
    )
      because.push({ index: i, reason: 'missing_share' });
    else good.set(i, dealing);
  }
  for (const j of members) {
    const k: DkgComplaints | undefined = transcript.complaints.get(j);
    if (k === undefined || !verifyDkgMessage(signing, 'complaints', j, (announced.get(j) as DkgAnnounce).signKey, k)) continue;
    for (const c of k.complaints) {
      const i = c.against - DEALER_SLOT;
      if (!good.has(i)) continue;
      const signKey = (announced.get(c.against) as DkgAnnounce).signKey;
      if (complaintProven(signing, j, signKey, transcript.commit.get(c.against) as DkgCommit, c)) {
        good.delete(i);
        because.push({ index: i, reason: 'bad_share', by: j });
      }
    }
  }
  because.sort((x, y) => x.index - y.index);
  const outcome = reshareOutcome(params, [...good.values()], []);
  const disqualified = [...because.map((b) => b.index), ...outcome.disqualified].sort((x, y) => x - y);
  return { ...outcome, disqualified, disqualifiedBecause: because, transcript: transcriptHash(params, transcript, outcome.used) };
}

function transcriptHash(params: ReshareCeremonyParameters, t: DkgTranscript, used: readonly number[]): string {
  const h = createHash('sha256').update(
    frame('mvid reshare transcript v1', params.ceremonyId, params.from.id, u32be(params.threshold), frame(...params.trustees)),
  );
  const { members, dealers } = reshareSlots(params);
  for (const slot of [...members, ...dealers]) {
    const a = t.announce.get(slot);
    const c = t.commit.get(slot);
    const k = t.complaints.get(slot);
    h.update(frame(u32be(slot), a ? frame(a.signKey, a.encKey) : '', c ? frame(...c.commitments) : '', k ? k.sig : ''));
  }
  h.update(frame(...used.map(u32be)));
  return h.digest('base64url');
}

/**
 * New trustee j's share of the reshared key.
 * @throws ValidationError when a used dealer's sub-share is missing or wrong
 */
export function reshareFinalShare(
  newIndex: number,
  outcome: ReshareCeremonyOutcome,
  transcript: Pick<DkgTranscript, 'commit'>,
  received: ReadonlyMap<number, Uint8Array>,
): TrusteeShare {
  const dealings = outcome.used.map((i) => ({ dealer: i, commitments: (transcript.commit.get(dealerSlot(i)) as DkgCommit).commitments }));
  return reshareCombine(newIndex, outcome, dealings, received);
}
