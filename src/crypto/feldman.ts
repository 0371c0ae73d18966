/**
 * The escrow key and its trustees: a trusted-dealer ceremony with Feldman
 * verifiable secret sharing.
 *
 * The dealer picks a random polynomial f of degree M−1 over Z_L; the escrow
 * secret is x = f(0), trustee i (1-based) receives x_i = f(i). Everything else
 * is public: Feldman commitments C_j = a_j·G (so C_0 = Y is the escrow public
 * key), verification keys X_i = x_i·G, and the trustee-set id. A dealerless
 * DKG (e.g. Pedersen/GJKR) ends in exactly the same state — summed commitments,
 * summed shares — so it can produce the same `TrusteeSet` and `TrusteeShare`.
 */
import { createHash } from 'node:crypto';
import { ValidationError, systemRandom, toBase64Url } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { assertLabel, decodeBase64UrlStrict, fail, frame, isLabel, u32be } from './encoding.ts';
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

/** Most trustees a set may have; indices are 1..MAX_TRUSTEES. */
export const MAX_TRUSTEES = 255;

/** One trustee as the public sees it. */
export interface TrusteeDescriptor {
  /** 1-based evaluation point of the trustee's share. */
  index: number;
  /** Stable, human-meaningful id (e.g. "ombudsman-office"). */
  id: string;
  /** X_i = x_i·G, base64url. Checks this trustee's partial decryptions. */
  verificationKey: string;
}

/** The public description of an escrow trustee set; safe to publish and store anywhere. */
export interface TrusteeSet {
  version: 1;
  /** base64url SHA-256 over M, N, the (index, id) list and the commitments; see {@link computeTrusteeSetId}. */
  id: string;
  /** M: how many trustees must cooperate to open an envelope. */
  threshold: number;
  /** Y = x·G, base64url (equal to commitments[0]). Envelopes are sealed to it. */
  escrowPublicKey: string;
  /** Feldman commitments C_0..C_{M−1}, base64url. */
  commitments: string[];
  /** Trustees by ascending index: 1..N when dealt; a DKG leaves out disqualified trustees' indices. */
  trustees: TrusteeDescriptor[];
}

/** What one trustee holds. `secret` is the only secret; wipe it (`secret.fill(0)`) when done. */
export interface TrusteeShare {
  trusteeSetId: string;
  trusteeId: string;
  index: number;
  threshold: number;
  verificationKey: string;
  commitments: string[];
  /** x_i as a canonical 32-byte little-endian scalar. */
  secret: Uint8Array;
}

export interface EscrowDeal {
  trusteeSet: TrusteeSet;
  /** One share per trustee, in index order; hand each to its trustee and drop the array. */
  shares: TrusteeShare[];
}

/**
 * The trustee-set id: SHA-256 over a length-prefixed encoding of
 * ("mvid trustee set v1", M, N, (index, id)…, C_0…C_{M−1}), base64url.
 * Verification keys are not hashed because they follow from the commitments.
 */
export function computeTrusteeSetId(
  threshold: number,
  trustees: ReadonlyArray<{ index: number; id: string }>,
  commitments: readonly Uint8Array[],
): string {
  const parts: Array<Uint8Array | string> = ['mvid trustee set v1', u32be(threshold), u32be(trustees.length)];
  for (const t of trustees) parts.push(u32be(t.index), t.id);
  for (const c of commitments) parts.push(c);
  return toBase64Url(
    createHash('sha256')
      .update(frame(...parts))
      .digest(),
  );
}

/** Σ_j C_j·i^j by Horner's rule in the exponent: what x_i·G must equal. */
export function expectedVerificationKey(commitments: readonly Point[], index: number): Point {
  const i = BigInt(index);
  let acc = IDENTITY;
  for (let j = commitments.length - 1; j >= 0; j--) {
    acc = multiplyPublic(acc, i).add(commitments[j] as Point);
  }
  return acc;
}

function decodeCommitments(commitments: readonly unknown[]): Point[] | undefined {
  const points: Point[] = [];
  for (const c of commitments) {
    const bytes = typeof c === 'string' ? decodeBase64UrlStrict(c) : undefined;
    // An identity commitment would silently lower the polynomial's degree (a_{M−1} = 0 means M−1 trustees suffice).
    const point = bytes === undefined ? undefined : tryDecodePoint(bytes);
    if (point === undefined) return undefined;
    points.push(point);
  }
  return points;
}

/**
 * Deals a fresh escrow key to `trustees` with threshold M. The polynomial
 * coefficients (including the escrow secret) exist only inside this call;
 * their byte forms are wiped and nothing secret except the shares is returned.
 * @example
 * const { trusteeSet, shares } = dealEscrowKey({ threshold: 3, trustees: ['a', 'b', 'c', 'd', 'e'] });
 * // give shares[i] to trusteeSet.trustees[i].id, publish trusteeSet
 */
export function dealEscrowKey(params: { threshold: number; trustees: readonly string[] }, random: Random = systemRandom): EscrowDeal {
  const { threshold, trustees } = params;
  if (!Array.isArray(trustees)) throw new TypeError('trustees must be an array of ids');
  for (const [k, id] of trustees.entries()) assertLabel(id, `trustees[${k}]`);
  if (!Number.isInteger(threshold)) throw new TypeError('threshold must be an integer');
  const n = trustees.length;
  if (n < 1 || n > MAX_TRUSTEES) throw new ValidationError(`a trustee set has 1..${MAX_TRUSTEES} trustees`, 'trustees');
  if (threshold < 1 || threshold > n) throw new ValidationError('threshold must be between 1 and the number of trustees', 'threshold');
  if (new Set(trustees).size !== n) throw new ValidationError('trustee ids must be distinct', 'trustees');

  for (;;) {
    const coefficients: bigint[] = [];
    for (let j = 0; j < threshold; j++) coefficients.push(randomScalar(random));
    const shareScalars = trustees.map((_, k) => evaluatePolynomial(coefficients, k + 1));
    // A zero share (probability ~N·2^-252) would give an identity verification key; redeal rather than special-case it.
    if (shareScalars.some((s) => s === 0n)) {
      coefficients.fill(0n);
      continue;
    }
    const commitmentBytes = coefficients.map((a) => encodePoint(multiplyBaseSecret(a)));
    coefficients.fill(0n); // drop the only references to the dealer secret
    const commitments = commitmentBytes.map(toBase64Url);
    const descriptors = trustees.map((id, k) => ({ index: k + 1, id }));
    const id = computeTrusteeSetId(threshold, descriptors, commitmentBytes);
    const members: TrusteeDescriptor[] = descriptors.map((d, k) => ({
      ...d,
      verificationKey: toBase64Url(encodePoint(multiplyBaseSecret(shareScalars[k] as bigint))),
    }));
    const shares: TrusteeShare[] = members.map((m, k) => ({
      trusteeSetId: id,
      trusteeId: m.id,
      index: m.index,
      threshold,
      verificationKey: m.verificationKey,
      commitments: [...commitments],
      secret: encodeScalar(shareScalars[k] as bigint),
    }));
    shareScalars.fill(0n);
    const trusteeSet: TrusteeSet = {
      version: 1,
      id,
      threshold,
      escrowPublicKey: commitments[0] as string,
      commitments,
      trustees: members,
    };
    return { trusteeSet, shares };
  }
}

/**
 * The public trustee set of a Feldman commitment vector (as a DKG or a resharing ends
 * with): verification keys derived from the commitments, the id computed over them.
 */
export function trusteeSetFromCommitments(
  threshold: number,
  descriptors: ReadonlyArray<{ index: number; id: string }>,
  commitmentPoints: readonly Point[],
): TrusteeSet {
  const commitmentBytes = commitmentPoints.map(encodePoint);
  const commitments = commitmentBytes.map(toBase64Url);
  return {
    version: 1,
    id: computeTrusteeSetId(threshold, descriptors, commitmentBytes),
    threshold,
    escrowPublicKey: commitments[0] as string,
    commitments,
    trustees: descriptors.map((d) => ({
      index: d.index,
      id: d.id,
      verificationKey: toBase64Url(encodePoint(expectedVerificationKey(commitmentPoints, d.index))),
    })),
  };
}

/** f(i) mod L by Horner's rule. */
export function evaluatePolynomial(coefficients: readonly bigint[], index: number): bigint {
  const i = BigInt(index);
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = modL(acc * i + (coefficients[j] as bigint));
  return acc;
}

/**
 * Feldman check of a share against the public commitments: x_i·G == Σ C_j·i^j.
 * Pass the commitments from the authoritative `TrusteeSet`, not the ones that
 * came with the share. Never throws; malformed input is simply `false`.
 * @example
 * if (!verifyShare(share, trusteeSet.commitments)) refuseShare();
 */
export function verifyShare(share: TrusteeShare, commitments: readonly string[]): boolean {
  try {
    if (!Array.isArray(commitments) || commitments.length < 1 || commitments.length > MAX_TRUSTEES) return false;
    const index = share.index;
    if (!Number.isInteger(index) || index < 1 || index > MAX_TRUSTEES) return false;
    const x = tryDecodeScalar(share.secret);
    const points = decodeCommitments(commitments);
    if (x === undefined || points === undefined) return false;
    return multiplyBaseSecret(x).equals(expectedVerificationKey(points, index));
  } catch {
    return false;
  }
}

/**
 * Full consistency check of an untrusted trustee set: shape, thresholds,
 * distinct ids, strictly ascending indices, Y = C_0, every X_i = Σ C_j·i^j, and
 * the id recomputed. Never throws.
 * @example
 * if (!verifyTrusteeSet(JSON.parse(text))) throw new Error('tampered trustee set');
 */
export function verifyTrusteeSet(value: unknown): value is TrusteeSet {
  try {
    if (typeof value !== 'object' || value === null) return false;
    const set = value as Partial<TrusteeSet>;
    const { threshold, commitments, trustees } = set;
    if (set.version !== 1 || !Array.isArray(trustees) || !Array.isArray(commitments)) return false;
    const n = trustees.length;
    if (typeof threshold !== 'number' || !Number.isInteger(threshold)) return false;
    if (n < 1 || n > MAX_TRUSTEES || threshold < 1 || threshold > n || commitments.length !== threshold) return false;
    if (set.escrowPublicKey !== commitments[0]) return false;
    const points = decodeCommitments(commitments);
    if (points === undefined) return false;
    const ids = new Set<string>();
    let previous = 0;
    for (let k = 0; k < n; k++) {
      const t = trustees[k] as Partial<TrusteeDescriptor> | null;
      // Indices ascend strictly; a dealt set uses 1..N, a DKG set may skip a disqualified trustee's index.
      if (typeof t !== 'object' || t === null || !isLabel(t.id) || ids.has(t.id)) return false;
      const index = t.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index <= previous || index > MAX_TRUSTEES) return false;
      previous = index;
      ids.add(t.id);
      const vk = typeof t.verificationKey === 'string' ? decodeBase64UrlStrict(t.verificationKey) : undefined;
      const point = vk === undefined ? undefined : tryDecodePoint(vk);
      if (point === undefined || !point.equals(expectedVerificationKey(points, index))) return false;
    }
    const commitmentBytes = points.map(encodePoint);
    return set.id === computeTrusteeSetId(threshold, trustees as TrusteeDescriptor[], commitmentBytes);
  } catch {
    return false;
  }
}

/**
 * Validates an untrusted trustee set (see {@link verifyTrusteeSet}) and returns
 * a copy holding only the known members; throws `trustee_set_invalid`.
 * @example
 * const set = parseTrusteeSet(JSON.parse(await readFile('trustees.json', 'utf8')));
 */
export function parseTrusteeSet(value: unknown): TrusteeSet {
  if (!verifyTrusteeSet(value)) fail('trustee_set_invalid', 'the trustee set is malformed or inconsistent');
  return {
    version: 1,
    id: value.id,
    threshold: value.threshold,
    escrowPublicKey: value.escrowPublicKey,
    commitments: [...value.commitments],
    trustees: value.trustees.map((t) => ({ index: t.index, id: t.id, verificationKey: t.verificationKey })),
  };
}
