/**
 * Resharing an escrow key to a new trustee set (members join or leave, the threshold
 * changes) without anyone reconstructing the secret (Desmedt–Jajodia / Herzberg et al.).
 *
 * Each old trustee i of a quorum re-deals its own share x_i with a fresh polynomial g_i
 * of the new degree M'−1 and g_i(0) = x_i, publishing Feldman commitments D_{i,k}. That
 * it re-dealt its real share is public: D_{i,0} must equal its published verification
 * key X_i. New trustee j gets g_i(j) from each dealer (sealed and signed exactly like a
 * DKG share) and keeps x'_j = Σ λ_i·g_i(j) over the first M old dealers that qualify;
 * the new commitments are C'_k = Σ λ_i·D_{i,k}, so C'_0 = Σ λ_i·X_i = Y: the escrow
 * public key is unchanged and every envelope sealed to it still opens, now by M' of the
 * new trustees. The old shares keep working until destroyed — departing trustees must
 * destroy theirs (that is what makes it proactive); see docs/threat-model.md.
 */
import { ValidationError, systemRandom, toBase64Url } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { assertLabel, decodeBase64UrlStrict } from './encoding.ts';
import { MAX_TRUSTEES, evaluatePolynomial, expectedVerificationKey, trusteeSetFromCommitments } from './feldman.ts';
import type { TrusteeDescriptor, TrusteeSet, TrusteeShare } from './feldman.ts';
import {
  IDENTITY,
  encodePoint,
  encodeScalar,
  modL,
  multiplyBaseSecret,
  multiplyPublic,
  randomScalar,
  tryDecodePoint,
  tryDecodeScalar,
} from './group.ts';
import type { Point } from './group.ts';
import { lagrangeAtZero } from './threshold.ts';

export interface ReshareParameters {
  /** The set whose key is reshared (authoritative, already validated). */
  from: TrusteeSet;
  threshold: number;
  /** The new trustees, in index order (1..N'). */
  trustees: string[];
}

/** One old trustee's public re-dealing: commitments to g_i (D_{i,0} must be its X_i). */
export interface ReshareDealing {
  dealer: number;
  commitments: string[];
}

/** One old trustee's re-dealing with its secret sub-shares g_i(j), by new index: deliver each sealed to j, then wipe. */
export interface ReshareDeal {
  dealing: ReshareDealing;
  subShares: Map<number, Uint8Array>;
}

export interface ReshareOutcome {
  /** Old indices whose re-dealings were combined (the first M that qualified). */
  used: number[];
  disqualified: number[];
  trusteeSet: TrusteeSet;
}

/** @throws ValidationError on a bad new roster or threshold */
export function checkParams(p: ReshareParameters): void {
  const n = p.trustees.length;
  if (n < 1 || n > MAX_TRUSTEES) throw new ValidationError(`a trustee set has 1..${MAX_TRUSTEES} trustees`, 'trustees');
  if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > n) {
    throw new ValidationError('threshold must be between 1 and the number of trustees', 'threshold');
  }
  for (const [k, id] of p.trustees.entries()) assertLabel(id, `trustees[${k}]`);
  if (new Set(p.trustees).size !== n) throw new ValidationError('trustee ids must be distinct', 'trustees');
}

function pointOf(text: unknown): Point | undefined {
  const bytes = typeof text === 'string' ? decodeBase64UrlStrict(text) : undefined;
  return bytes === undefined ? undefined : tryDecodePoint(bytes);
}

/**
 * An old trustee re-deals its share to the new set.
 * @example
 * const { dealing, subShares } = reshareDeal(myShare, { from: oldSet, threshold: 2, trustees: ['a', 'b', 'c'] });
 */
export function reshareDeal(share: TrusteeShare, params: ReshareParameters, random: Random = systemRandom): ReshareDeal {
  checkParams(params);
  if (share.trusteeSetId !== params.from.id) throw new ValidationError('the share belongs to another trustee set', 'share');
  const x = tryDecodeScalar(share.secret);
  if (x === undefined) throw new ValidationError('the share is not a valid scalar', 'share');
  const coefficients = [x];
  for (let k = 1; k < params.threshold; k++) coefficients.push(randomScalar(random));
  const commitments = coefficients.map((a) => toBase64Url(encodePoint(multiplyBaseSecret(a))));
  const subShares = new Map<number, Uint8Array>();
  for (let j = 1; j <= params.trustees.length; j++) subShares.set(j, encodeScalar(evaluatePolynomial(coefficients, j)));
  coefficients.fill(0n);
  return { dealing: { dealer: share.index, commitments }, subShares };
}

/** Whether a dealing is well formed and re-deals the dealer's real share (D_{i,0} = X_i). Never throws. */
export function verifyDealing(params: ReshareParameters, dealing: ReshareDealing): boolean {
  try {
    const member = params.from.trustees.find((t) => t.index === dealing.dealer);
    if (member === undefined || !Array.isArray(dealing.commitments) || dealing.commitments.length !== params.threshold) return false;
    const points = dealing.commitments.map(pointOf);
    if (points.some((p) => p === undefined)) return false;
    return dealing.commitments[0] === member.verificationKey;
  } catch {
    return false;
  }
}

/** Whether `subShare` is g_dealer(index) for the dealing's commitments. Never throws. */
export function verifySubShare(dealing: ReshareDealing, index: number, subShare: Uint8Array): boolean {
  try {
    const s = tryDecodeScalar(subShare, { allowZero: true });
    const points = dealing.commitments.map(pointOf);
    if (s === undefined || points.some((p) => p === undefined)) return false;
    return multiplyBaseSecret(s).equals(expectedVerificationKey(points as Point[], index));
  } catch {
    return false;
  }
}

/**
 * The new set every participant computes from the public dealings: dealings that fail
 * {@link verifyDealing} or have a proven bad sub-share (`badDealers`, from complaints
 * checked like the DKG's) are dropped; the first M of the rest are combined.
 * @throws ValidationError when fewer than the old threshold qualify
 */
export function reshareOutcome(
  params: ReshareParameters,
  dealings: readonly ReshareDealing[],
  badDealers: readonly number[] = [],
): ReshareOutcome {
  checkParams(params);
  const seen = new Set<number>();
  const good: ReshareDealing[] = [];
  const disqualified: number[] = [];
  for (const d of [...dealings].sort((a, b) => a.dealer - b.dealer)) {
    if (seen.has(d.dealer)) continue;
    seen.add(d.dealer);
    if (!verifyDealing(params, d) || badDealers.includes(d.dealer)) disqualified.push(d.dealer);
    else good.push(d);
  }
  const m = params.from.threshold;
  if (good.length < m) throw new ValidationError(`only ${good.length} old trustees re-dealt validly, ${m} required`, 'dealings');
  const used = good.slice(0, m);
  const lambdas = lagrangeAtZero(used.map((d) => d.dealer));
  const summed: Point[] = Array.from({ length: params.threshold }, () => IDENTITY);
  used.forEach((d, u) => {
    const points = d.commitments.map(pointOf) as Point[];
    for (let k = 0; k < summed.length; k++) summed[k] = (summed[k] as Point).add(multiplyPublic(points[k] as Point, lambdas[u] as bigint));
  });
  const descriptors = params.trustees.map((id, k) => ({ index: k + 1, id }));
  const trusteeSet = trusteeSetFromCommitments(params.threshold, descriptors, summed);
  if (trusteeSet.escrowPublicKey !== params.from.escrowPublicKey)
    throw new ValidationError('the reshared key differs from the escrow key', 'dealings');
  return { used: used.map((d) => d.dealer), disqualified, trusteeSet };
}

/**
 * A new trustee's share: Σ λ_i·g_i(j) over the dealings the outcome used.
 * @throws ValidationError when a needed sub-share is missing or does not match its dealing
 */
export function reshareCombine(
  index: number,
  outcome: ReshareOutcome,
  dealings: readonly ReshareDealing[],
  subShares: ReadonlyMap<number, Uint8Array>,
): TrusteeShare {
  const lambdas = lagrangeAtZero(outcome.used);
  let x = 0n;
  outcome.used.forEach((dealer, u) => {
    const dealing = dealings.find((d) => d.dealer === dealer);
    const sub = subShares.get(dealer);
    if (dealing === undefined || sub === undefined || !verifySubShare(dealing, index, sub)) {
      throw new ValidationError(`no valid sub-share from old trustee ${dealer}`, 'subShares');
    }
    x = modL(x + (lambdas[u] as bigint) * (tryDecodeScalar(sub, { allowZero: true }) as bigint));
  });
  const member = outcome.trusteeSet.trustees.find((t) => t.index === index) as TrusteeDescriptor;
  const secret = encodeScalar(x);
  return {
    trusteeSetId: outcome.trusteeSet.id,
    trusteeId: member.id,
    index,
    threshold: outcome.trusteeSet.threshold,
    verificationKey: member.verificationKey,
    commitments: [...outcome.trusteeSet.commitments],
    secret,
  };
}
