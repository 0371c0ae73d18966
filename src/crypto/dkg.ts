/**
 * Dealerless escrow key generation: a Pedersen-style distributed key generation
 * (Feldman commitments, proofs of knowledge, complaints, disqualification) whose
 * outcome is the same `TrusteeSet` and `TrusteeShare` the dealer produces, except
 * that no machine ever holds the escrow secret.
 *
 * Each trustee j draws its own polynomial f_j of degree M−1 and its proof of
 * knowledge of f_j(0) with `@noble/curves`' FROST DKG round 1 (ristretto255, the
 * group threshold ElGamal uses; interoperable with frost-rs). It broadcasts the
 * commitments C_{j,k} = a_{j,k}·G and sends f_j(i) to each peer i, sealed to i's
 * encryption key and signed by j, so the relaying server learns nothing and a
 * recipient can prove a bad share by revealing it with j's signature. The escrow
 * secret is x = Σ_{j∈QUAL} f_j(0); trustee i's share is x_i = Σ_{j∈QUAL} f_j(i);
 * the set's commitments are Σ_{j∈QUAL} C_{j,k}. Who is in QUAL follows from the
 * public transcript alone ({@link dkgOutcome}), so every trustee and the server
 * reach the same set.
 *
 * noble's `DKG.round2/round3` require every participant to be honest (they throw
 * on the first bad package), so the rounds after the first are done here, on the
 * same formulas; `dkg.test.ts` checks that an honest run gives exactly noble's
 * round-3 output.
 */
import { ristretto255_FROST } from '@noble/curves/ed25519.js';
import { createHash } from 'node:crypto';
import { ValidationError, systemRandom, toBase64Url, utf8 } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { assertLabel, decodeBase64UrlStrict, frame, u32be, wipe } from './encoding.ts';
import { MAX_TRUSTEES, evaluatePolynomial, expectedVerificationKey, trusteeSetFromCommitments } from './feldman.ts';
import type { TrusteeSet, TrusteeShare } from './feldman.ts';
import {
  GENERATOR,
  IDENTITY,
  encodePoint,
  encodeScalar,
  modL,
  multiplyBaseSecret,
  multiplyPublic,
  randomBytes,
  tryDecodePoint,
  tryDecodeScalar,
} from './group.ts';
import type { Point } from './group.ts';
import { generateRecipientKeyPair, openFromSender, sealToRecipient } from './seal.ts';
import type { SealedMessage } from './seal.ts';

const FROST = ristretto255_FROST;
const POK_DOMAIN = utf8('FROST-RISTRETTO255-SHA512-v1dkg');

/** The ceremony as every trustee must see it: id, threshold and the ordered trustee names (index = position + 1). */
export interface DkgParameters {
  ceremonyId: string;
  threshold: number;
  trustees: string[];
}

/** A trustee's per-ceremony keys: one signs its messages, the other receives its shares. Secret halves stay on its machine. */
export interface DkgIdentity {
  signPublic: string;
  signSecret: Uint8Array;
  encPublic: string;
  encSecret: Uint8Array;
}

/** Round 0, broadcast: the trustee's ceremony keys, self-signed. */
export interface DkgAnnounce {
  signKey: string;
  encKey: string;
  sig: string;
}

/** Round 1, broadcast: Feldman commitments to f_j and a proof of knowledge of f_j(0). */
export interface DkgCommit {
  commitments: string[];
  proofOfKnowledge: string;
  sig: string;
}

/** What the sender signs for one recipient; carried sealed, revealed only in a complaint. */
export interface DkgSignedShare {
  share: string;
  sig: string;
}

/** Round 2, broadcast of ciphertexts: one sealed {@link DkgSignedShare} per other trustee, keyed by index. */
export interface DkgShares {
  sealed: Record<string, SealedMessage>;
  sig: string;
}

/** A proven complaint: the share `against` signed, which fails the Feldman check. */
export interface DkgComplaint {
  against: number;
  reveal: DkgSignedShare;
}

/** Round 3, broadcast: the complaints of one trustee (usually none). */
export interface DkgComplaints {
  complaints: DkgComplaint[];
  sig: string;
}

/** Round 4, broadcast: what the trustee computed, signed, so the server publishes only an agreed set. */
export interface DkgResult {
  trusteeSetId: string;
  transcript: string;
  sig: string;
}

export type DkgRound = 'announce' | 'commit' | 'shares' | 'complaints' | 'result';
export const DKG_ROUNDS: readonly DkgRound[] = ['announce', 'commit', 'shares', 'complaints', 'result'];

/** Everything posted, by round and sender index. */
export interface DkgTranscript {
  announce: Map<number, DkgAnnounce>;
  commit: Map<number, DkgCommit>;
  shares: Map<number, DkgShares>;
  complaints: Map<number, DkgComplaints>;
}

/** What a result message signs: the set a ceremony made and the hash of its transcript. */
export type AgreedOutcome = { trusteeSet: Pick<TrusteeSet, 'id'>; transcript: string };

export type DisqualifyReason = 'bad_announce' | 'bad_commitment' | 'missing_share' | 'bad_share';

export interface DkgOutcome {
  /** Trustee indices whose polynomials make up the key, ascending. */
  qualified: number[];
  disqualified: Array<{ index: number; reason: DisqualifyReason; by?: number }>;
  trusteeSet: TrusteeSet;
  /** SHA-256 over the announcements, commitments and complaints: what the log records. */
  transcript: string;
}

// ---------------------------------------------------------------- checks and signatures

export function checkDkgParameters(params: DkgParameters): void {
  assertLabel(params.ceremonyId, 'ceremonyId');
  const n = params.trustees.length;
  if (n < 2 || n > MAX_TRUSTEES) throw new ValidationError(`a distributed key generation has 2..${MAX_TRUSTEES} trustees`, 'trustees');
  if (!Number.isInteger(params.threshold) || params.threshold < 1 || params.threshold > n) {
    throw new ValidationError('threshold must be between 1 and the number of trustees', 'threshold');
  }
  for (const [k, id] of params.trustees.entries()) assertLabel(id, `trustees[${k}]`);
  if (new Set(params.trustees).size !== n) throw new ValidationError('trustee ids must be distinct', 'trustees');
}

function b64(bytes: Uint8Array): string {
  return toBase64Url(bytes);
}

function bytesOf(text: unknown): Uint8Array | undefined {
  return typeof text === 'string' ? decodeBase64UrlStrict(text) : undefined;
}

function pointOf(text: unknown): Point | undefined {
  const bytes = bytesOf(text);
  return bytes === undefined ? undefined : tryDecodePoint(bytes);
}

/** The bytes a trustee signs for one message: the round, the ceremony, the sender and the content. */
function signedBytes(params: DkgParameters, round: string, sender: number, ...content: Array<Uint8Array | string>): Uint8Array {
  return frame('mvid dkg v1', round, params.ceremonyId, u32be(params.threshold), frame(...params.trustees), u32be(sender), ...content);
}

function sign(secret: Uint8Array, message: Uint8Array): string {
  return b64(FROST.sign(message, secret));
}

function verifySig(publicKey: string | undefined, sig: unknown, message: Uint8Array): boolean {
  try {
    const pub = bytesOf(publicKey);
    const signature = bytesOf(sig);
    if (pub === undefined || signature === undefined || signature.length !== 64 || pointOf(publicKey) === undefined) return false;
    return FROST.verify(signature, message, pub);
  } catch {
    return false;
  }
}

const announceBytes = (p: DkgParameters, i: number, a: Pick<DkgAnnounce, 'signKey' | 'encKey'>) =>
  signedBytes(p, 'announce', i, a.signKey, a.encKey);
const commitBytes = (p: DkgParameters, i: number, c: Pick<DkgCommit, 'commitments' | 'proofOfKnowledge'>) =>
  signedBytes(p, 'commit', i, frame(...c.commitments), c.proofOfKnowledge);
const shareBytes = (p: DkgParameters, from: number, to: number, share: string) => signedBytes(p, 'share', from, u32be(to), share);
const sharesBytes = (p: DkgParameters, i: number, sealed: Record<string, SealedMessage>) =>
  signedBytes(
    p,
    'shares',
    i,
    ...Object.keys(sealed)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => {
        const s = sealed[k] as SealedMessage;
        return frame(k, s.epk, s.nonce, s.ciphertext);
      }),
  );
const complaintsBytes = (p: DkgParameters, i: number, list: readonly DkgComplaint[]) =>
  signedBytes(p, 'complaints', i, ...list.map((c) => frame(u32be(c.against), c.reveal.share, c.reveal.sig)));
const resultBytes = (p: DkgParameters, i: number, r: Pick<DkgResult, 'trusteeSetId' | 'transcript'>) =>
  signedBytes(p, 'result', i, r.trusteeSetId, r.transcript);
const shareAad = (p: DkgParameters, from: number, to: number) => frame('mvid dkg share seal v1', p.ceremonyId, u32be(from), u32be(to));

// ---------------------------------------------------------------- the rounds, trustee side

/** Fresh ceremony keys for one trustee. */
export function newDkgIdentity(random: Random = systemRandom): DkgIdentity {
  const s = generateRecipientKeyPair(random);
  const e = generateRecipientKeyPair(random);
  return { signPublic: s.publicKey, signSecret: s.secretKey, encPublic: e.publicKey, encSecret: e.secretKey };
}

export function wipeDkgIdentity(identity: DkgIdentity): void {
  wipe(identity.signSecret, identity.encSecret);
}

export function dkgAnnounce(params: DkgParameters, index: number, identity: DkgIdentity): DkgAnnounce {
  const body = { signKey: identity.signPublic, encKey: identity.encPublic };
  return { ...body, sig: sign(identity.signSecret, announceBytes(params, index, body)) };
}

/** A trustee's secret polynomial between rounds 1 and 2. Wipe with {@link wipeDkgPolynomial}. */
export interface DkgPolynomial {
  coefficients: bigint[];
}

export function wipeDkgPolynomial(poly: DkgPolynomial): void {
  poly.coefficients.fill(0n);
}

/**
 * Round 1 (noble's FROST `DKG.round1`): a random polynomial of degree M−1, its
 * commitments and a proof of knowledge of its constant term, signed.
 */
export function dkgCommit(
  params: DkgParameters,
  index: number,
  identity: DkgIdentity,
  random: Random = systemRandom,
): { message: DkgCommit; polynomial: DkgPolynomial } {
  const rng = (n?: number) => randomBytes(random, n ?? 32);
  const r1 = FROST.DKG.round1(FROST.Identifier.fromNumber(index), { min: params.threshold, max: params.trustees.length }, undefined, rng);
  const coefficients = [...(r1.secret.coefficients ?? [])];
  FROST.DKG.clean(r1.secret);
  return { message: signCommit(params, index, identity, r1.public.commitment, r1.public.proofOfKnowledge), polynomial: { coefficients } };
}

/** A signed round-1 message from commitments and a proof of knowledge (noble's `DKG_Round1` fields). */
export function signCommit(
  params: DkgParameters,
  index: number,
  identity: DkgIdentity,
  commitments: readonly Uint8Array[],
  proofOfKnowledge: Uint8Array,
): DkgCommit {
  const body = { commitments: commitments.map(b64), proofOfKnowledge: b64(proofOfKnowledge) };
  return { ...body, sig: sign(identity.signSecret, commitBytes(params, index, body)) };
}

/** Round 2: f_j(i) for every other trustee i, signed, then sealed to i's announced key. */
export function dkgShares(
  params: DkgParameters,
  index: number,
  identity: DkgIdentity,
  polynomial: DkgPolynomial,
  announce: ReadonlyMap<number, DkgAnnounce>,
  recipients: readonly number[],
  random: Random = systemRandom,
): DkgShares {
  const sealed: Record<string, SealedMessage> = {};
  for (const to of recipients) {
    const a = announce.get(to);
    if (to === index || a === undefined) continue;
    sealed[String(to)] = sealShare(params, index, to, identity, a.encKey, evaluatePolynomial(polynomial.coefficients, to), random);
  }
  return signShares(params, index, identity, sealed);
}

/** One share f_from(to), signed by the sender and sealed to the recipient's encryption key. */
export function sealShare(
  params: DkgParameters,
  from: number,
  to: number,
  identity: DkgIdentity,
  encKey: string,
  value: bigint,
  random: Random = systemRandom,
): SealedMessage {
  const scalar = encodeScalar(modL(value));
  const share = b64(scalar);
  wipe(scalar);
  const signed: DkgSignedShare = { share, sig: sign(identity.signSecret, shareBytes(params, from, to, share)) };
  return sealToRecipient(encKey, utf8(JSON.stringify(signed)), shareAad(params, from, to), random);
}

/** The signed round-2 message over the sealed shares. */
export function signShares(params: DkgParameters, index: number, identity: DkgIdentity, sealed: Record<string, SealedMessage>): DkgShares {
  return { sealed, sig: sign(identity.signSecret, sharesBytes(params, index, sealed)) };
}

/** Whether `share` (base64url scalar) is f_from(to) for the sender's commitments. */
function shareMatches(commit: DkgCommit, to: number, share: string): boolean {
  const bytes = bytesOf(share);
  const x = bytes === undefined ? undefined : tryDecodeScalar(bytes, { allowZero: true });
  const points = commit.commitments.map(pointOf);
  if (x === undefined || points.some((p) => p === undefined)) return false;
  return multiplyBaseSecret(x).equals(expectedVerificationKey(points as Point[], to));
}

/**
 * Round 3, trustee side: opens the shares sent to `index`, checks each against its
 * sender's commitments and signature. Returns the good shares and a proven complaint
 * (the signed bad share) for each bad one. An unreadable share cannot be proven bad
 * and ends the ceremony for this trustee (`share_invalid`): rerun it without the sender.
 */
export function dkgReceive(
  params: DkgParameters,
  index: number,
  identity: DkgIdentity,
  transcript: Pick<DkgTranscript, 'announce' | 'commit' | 'shares'>,
  senders: readonly number[],
): { received: Map<number, Uint8Array>; complaints: DkgComplaint[]; unreadable: number[] } {
  const received = new Map<number, Uint8Array>();
  const complaints: DkgComplaint[] = [];
  const unreadable: number[] = [];
  for (const from of senders) {
    if (from === index) continue;
    const sealed = transcript.shares.get(from)?.sealed[String(index)];
    const commit = transcript.commit.get(from) as DkgCommit;
    const signKey = transcript.announce.get(from)?.signKey;
    let signed: DkgSignedShare | undefined;
    try {
      const plain = openFromSender(identity.encSecret, sealed, shareAad(params, from, index));
      signed = JSON.parse(new TextDecoder().decode(plain)) as DkgSignedShare;
      wipe(plain);
    } catch {
      signed = undefined;
    }
    if (
      signed === undefined ||
      typeof signed.share !== 'string' ||
      !verifySig(signKey, signed.sig, shareBytes(params, from, index, signed.share))
    ) {
      unreadable.push(from);
      continue;
    }
    if (!shareMatches(commit, index, signed.share)) {
      complaints.push({ against: from, reveal: { share: signed.share, sig: signed.sig } });
      continue;
    }
    received.set(from, bytesOf(signed.share) as Uint8Array);
  }
  return { received, complaints, unreadable };
}

export function dkgComplaints(params: DkgParameters, index: number, identity: DkgIdentity, complaints: DkgComplaint[]): DkgComplaints {
  return { complaints, sig: sign(identity.signSecret, complaintsBytes(params, index, complaints)) };
}

export function dkgResult(params: DkgParameters, index: number, identity: DkgIdentity, outcome: AgreedOutcome): DkgResult {
  const body = { trusteeSetId: outcome.trusteeSet.id, transcript: outcome.transcript };
  return { ...body, sig: sign(identity.signSecret, resultBytes(params, index, body)) };
}

/** The trustee's final share: its own f_i(i) plus every qualified sender's share. */
export function dkgFinalShare(
  params: DkgParameters,
  index: number,
  polynomial: DkgPolynomial,
  received: ReadonlyMap<number, Uint8Array>,
  outcome: DkgOutcome,
): TrusteeShare {
  let x = 0n;
  for (const j of outcome.qualified) {
    if (j === index) x = modL(x + evaluatePolynomial(polynomial.coefficients, index));
    else {
      const bytes = received.get(j);
      const s = bytes === undefined ? undefined : tryDecodeScalar(bytes, { allowZero: true });
      if (s === undefined) throw new ValidationError(`no valid share from qualified trustee ${j}`, 'shares');
      x = modL(x + s);
    }
  }
  const member = outcome.trusteeSet.trustees.find((t) => t.index === index);
  if (member === undefined) throw new ValidationError(`trustee ${index} was disqualified`, 'trustee');
  const secret = encodeScalar(x);
  if (b64(encodePoint(multiplyBaseSecret(x))) !== member.verificationKey) {
    wipe(secret);
    throw new ValidationError('the combined share does not match its verification key', 'shares');
  }
  return {
    trusteeSetId: outcome.trusteeSet.id,
    trusteeId: params.trustees[index - 1] as string,
    index,
    threshold: params.threshold,
    verificationKey: member.verificationKey,
    commitments: [...outcome.trusteeSet.commitments],
    secret,
  };
}

// ---------------------------------------------------------------- the public outcome

/** Checks a FROST DKG proof of knowledge: R = z·G − c·C_0 with c = H_dkg(id ‖ C_0 ‖ R) (noble's formula, RFC 9591 suite). */
export function verifyProofOfKnowledge(index: number, commitment0: Point, proof: Uint8Array): boolean {
  if (proof.length !== 64) return false;
  const r = tryDecodePoint(proof.subarray(0, 32), { allowIdentity: true });
  const z = tryDecodeScalar(proof.subarray(32), { allowZero: true });
  if (r === undefined || z === undefined) return false;
  const id = encodeScalar(BigInt(index));
  const digest = createHash('sha512').update(POK_DOMAIN).update(id).update(encodePoint(commitment0)).update(proof.subarray(0, 32)).digest();
  let c = 0n;
  for (let k = digest.length - 1; k >= 0; k--) c = (c << 8n) | BigInt(digest[k] as number);
  c = modL(c);
  return r.equals(multiplyPublic(GENERATOR, z).subtract(multiplyPublic(commitment0, c)));
}

/**
 * Whether `complaint` by trustee `by` proves its sender dealt a bad share: the revealed
 * share carries the sender's signature for `by` and fails the sender's commitments.
 */
export function complaintProven(
  params: DkgParameters,
  by: number,
  senderSignKey: string,
  commit: DkgCommit,
  complaint: DkgComplaint,
): boolean {
  const share = complaint.reveal?.share;
  if (typeof share !== 'string') return false;
  return (
    verifySig(senderSignKey, complaint.reveal.sig, shareBytes(params, complaint.against, by, share)) && !shareMatches(commit, by, share)
  );
}

function commitmentValid(params: DkgParameters, index: number, signKey: string, c: DkgCommit | undefined): boolean {
  if (c === undefined || !Array.isArray(c.commitments) || c.commitments.length !== params.threshold) return false;
  if (!verifySig(signKey, c.sig, commitBytes(params, index, c))) return false;
  const points = c.commitments.map(pointOf);
  const proof = bytesOf(c.proofOfKnowledge);
  if (points.some((p) => p === undefined) || proof === undefined) return false;
  return verifyProofOfKnowledge(index, points[0] as Point, proof);
}

/** Announcements with a valid self-signature, by index. */
export function validAnnouncements(params: DkgParameters, announce: ReadonlyMap<number, DkgAnnounce>): Map<number, DkgAnnounce> {
  const out = new Map<number, DkgAnnounce>();
  for (const [i, a] of announce) {
    if (pointOf(a.encKey) !== undefined && verifySig(a.signKey, a.sig, announceBytes(params, i, a))) out.set(i, a);
  }
  return out;
}

/** Indices with a valid announcement and a valid commitment: those who deal shares in round 2. */
export function dkgDealers(params: DkgParameters, transcript: Pick<DkgTranscript, 'announce' | 'commit'>): number[] {
  const announced = validAnnouncements(params, transcript.announce);
  return params.trustees
    .map((_, k) => k + 1)
    .filter((i) => announced.has(i) && commitmentValid(params, i, (announced.get(i) as DkgAnnounce).signKey, transcript.commit.get(i)));
}

export function verifyDkgMessage(
  params: DkgParameters,
  round: Exclude<DkgRound, 'announce'>,
  sender: number,
  signKey: string,
  message: unknown,
): boolean {
  const m = message as Record<string, unknown>;
  if (typeof m !== 'object' || m === null) return false;
  try {
    switch (round) {
      case 'commit':
        return Array.isArray(m.commitments) && verifySig(signKey, m.sig, commitBytes(params, sender, m as unknown as DkgCommit));
      case 'shares':
        return (
          typeof m.sealed === 'object' &&
          m.sealed !== null &&
          verifySig(signKey, m.sig, sharesBytes(params, sender, m.sealed as Record<string, SealedMessage>))
        );
      case 'complaints':
        return Array.isArray(m.complaints) && verifySig(signKey, m.sig, complaintsBytes(params, sender, m.complaints as DkgComplaint[]));
      case 'result':
        return verifySig(signKey, m.sig, resultBytes(params, sender, m as unknown as DkgResult));
    }
  } catch {
    return false;
  }
}

/** Whether a result message is `sender`'s signed agreement with `outcome`. */
export function resultAgrees(params: DkgParameters, sender: number, signKey: string, result: DkgResult, outcome: AgreedOutcome): boolean {
  return (
    result.trusteeSetId === outcome.trusteeSet.id &&
    result.transcript === outcome.transcript &&
    verifySig(signKey, result.sig, resultBytes(params, sender, result))
  );
}

function transcriptHash(params: DkgParameters, transcript: DkgTranscript, qualified: readonly number[]): string {
  const h = createHash('sha256').update(
    frame('mvid dkg transcript v1', params.ceremonyId, u32be(params.threshold), frame(...params.trustees)),
  );
  for (const i of params.trustees.map((_, k) => k + 1)) {
    const a = transcript.announce.get(i);
    const c = transcript.commit.get(i);
    const k = transcript.complaints.get(i);
    h.update(frame(u32be(i), a ? frame(a.signKey, a.encKey) : '', c ? frame(...c.commitments, c.proofOfKnowledge) : '', k ? k.sig : ''));
  }
  h.update(frame(...qualified.map(u32be)));
  return b64(h.digest());
}

/**
 * The outcome everyone computes from the public transcript: dealers with a valid
 * commitment, minus those who left a qualified peer without a share and those
 * against whom a complaint is proven (their signed share fails the Feldman check).
 * An unproven complaint disqualifies nobody. The set keeps the qualified trustees
 * with their ceremony indices; its commitments are the sums of theirs.
 * @throws ValidationError when fewer than M trustees qualify
 */
export function dkgOutcome(params: DkgParameters, transcript: DkgTranscript): DkgOutcome {
  checkDkgParameters(params);
  const announced = validAnnouncements(params, transcript.announce);
  const dealers = dkgDealers(params, transcript);
  const disqualified: DkgOutcome['disqualified'] = [];
  for (let i = 1; i <= params.trustees.length; i++) {
    if (!announced.has(i)) disqualified.push({ index: i, reason: 'bad_announce' });
    else if (!dealers.includes(i)) disqualified.push({ index: i, reason: 'bad_commitment' });
  }
  const out = new Set<number>();
  for (const j of dealers) {
    const signKey = (announced.get(j) as DkgAnnounce).signKey;
    const shares = transcript.shares.get(j);
    const sharesOk = shares !== undefined && verifyDkgMessage(params, 'shares', j, signKey, shares);
    const missing = dealers.find((i) => i !== j && (!sharesOk || shares.sealed[String(i)] === undefined));
    if (missing !== undefined) {
      disqualified.push({ index: j, reason: 'missing_share', by: missing });
      out.add(j);
    }
  }
  for (const i of dealers) {
    const k = transcript.complaints.get(i);
    if (k === undefined || !verifyDkgMessage(params, 'complaints', i, (announced.get(i) as DkgAnnounce).signKey, k)) continue;
    for (const c of k.complaints) {
      const j = c.against;
      if (out.has(j) || !dealers.includes(j) || typeof c.reveal?.share !== 'string') continue;
      if (complaintProven(params, i, (announced.get(j) as DkgAnnounce).signKey, transcript.commit.get(j) as DkgCommit, c)) {
        disqualified.push({ index: j, reason: 'bad_share', by: i });
        out.add(j);
      }
    }
  }
  const qualified = dealers.filter((j) => !out.has(j));
  if (qualified.length < params.threshold) {
    throw new ValidationError(`only ${qualified.length} trustees qualified, ${params.threshold} required`, 'trustees');
  }
  const summed: Point[] = Array.from({ length: params.threshold }, () => IDENTITY);
  for (const j of qualified) {
    const c = (transcript.commit.get(j) as DkgCommit).commitments.map(pointOf) as Point[];
    for (let k = 0; k < summed.length; k++) summed[k] = (summed[k] as Point).add(c[k] as Point);
  }
  const descriptors = qualified.map((index) => ({ index, id: params.trustees[index - 1] as string }));
  const trusteeSet = trusteeSetFromCommitments(params.threshold, descriptors, summed);
  disqualified.sort((a, b) => a.index - b.index);
  return { qualified, disqualified, trusteeSet, transcript: transcriptHash(params, transcript, qualified) };
}
