/**
 * Threshold decryption of escrow envelopes.
 *
 * Each trustee i computes D_i = x_i·C1 with a DLEQ proof that it used its real
 * share (log_G X_i = log_C1 D_i). Any M valid partials give
 * S = Σ λ_i·D_i = x·C1 by Lagrange interpolation at 0 "in the exponent"; no
 * one ever reconstructs x itself, so opening one envelope reveals nothing
 * about any other. Invalid partials are verified away and named, so one
 * misbehaving trustee cannot block an opening the others are willing to do,
 * nor stay anonymous.
 */
import { MvidError, systemRandom, toBase64Url } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { assertLabel, decodeBase64UrlStrict, fail, frame, isLabel, u32be, wipe } from './encoding.ts';
import { MAX_TRUSTEES } from './feldman.ts';
import type { TrusteeDescriptor, TrusteeSet, TrusteeShare } from './feldman.ts';
import { proveDleq, verifyDleq, verifyDleqOnSodium } from './dleq.ts';
import { isNonIdentityPoint, type Sodium, sodiumIfLoaded } from './sodium.ts';
import {
  IDENTITY,
  encodePoint,
  encodeScalar,
  invertScalar,
  modL,
  multiplyBaseSecret,
  multiplyPublic,
  multiplySecret,
  readPointBytesField,
  readPointField,
  tryDecodePoint,
  tryDecodeScalar,
} from './group.ts';
import type { Point } from './group.ts';
import { openEnvelopeWithSharedPoint, parseEnvelope } from './envelope.ts';
import type { Envelope } from './envelope.ts';

/** One trustee's contribution to opening one envelope for one request. Plain JSON. */
export interface PartialDecryption {
  version: 1;
  trusteeSetId: string;
  trusteeIndex: number;
  trusteeId: string;
  requestId: string;
  envelopeId: string;
  /** D_i = x_i·C1, base64url. */
  d: string;
  /** DLEQ proof (challenge c, response z), 32-byte little-endian scalars, base64url. */
  proof: { c: string; z: string };
}

/** What a verifier must already know, from trusted sources, to check a partial. */
export interface PartialContext {
  /** X_i from the published `TrusteeSet`. */
  verificationKey: string;
  /** C1 of the envelope being opened. */
  c1: string;
  requestId: string;
  envelopeId: string;
  /** When given, the partial must claim this index. */
  trusteeIndex?: number;
}

export type BadTrusteeReason = 'malformed' | 'unknown_trustee' | 'wrong_trustee_set' | 'invalid_proof';

export interface BadTrustee {
  /** The index the partial claimed, when it had a readable one. */
  index?: number;
  /** The id the trustee set gives that index. */
  trusteeId?: string;
  reason: BadTrusteeReason;
}

export interface CombineOptions {
  threshold: number;
  /** The trustees (index, id, verification key), e.g. `TrusteeSet.trustees`. */
  verificationKeys: ReadonlyArray<TrusteeDescriptor>;
  c1: string;
  requestId: string;
  envelopeId: string;
  /** When given, partials naming another trustee set are rejected. */
  trusteeSetId?: string;
}

export interface CombineResult {
  /** S = x·C1, 32-byte encoding, for `openEnvelopeWithSharedPoint`. Secret: wipe after use. */
  point: Uint8Array;
  /** Indices whose partials were interpolated. */
  usedTrustees: number[];
  /** Partials that failed verification (empty when all were good). */
  badTrustees: BadTrustee[];
}

/** The bytes bound into a partial's proof besides the points: request, envelope, trustee. */
function proofContext(requestId: string, envelopeId: string, trusteeIndex: number): Uint8Array {
  return frame('mvid partial v1', requestId, envelopeId, u32be(trusteeIndex));
}

/**
 * A trustee's partial decryption of the envelope whose C1 is `c1`, for request
 * `requestId`. Run by the trustee, on the trustee's machine, after deciding
 * the request is legitimate.
 * @example
 * const partial = partialDecrypt({ share, c1: envelope.c1, requestId: 'req-7', envelopeId: envelope.envelopeId });
 */
export function partialDecrypt(
  input: { share: TrusteeShare; c1: string; requestId: string; envelopeId: string },
  random: Random = systemRandom,
): PartialDecryption {
  const { share, requestId, envelopeId } = input;
  assertLabel(requestId, 'requestId');
  assertLabel(envelopeId, 'envelopeId');
  const x = tryDecodeScalar(share.secret);
  if (x === undefined) throw new TypeError('share.secret is not a valid share scalar');
  const xPoint = multiplyBaseSecret(x);
  if (toBase64Url(encodePoint(xPoint)) !== share.verificationKey) throw new TypeError('share does not match its verification key');
  const c1 = readPointField(input.c1, 'c1', 'crypto_encoding_invalid');
  const d = multiplySecret(c1, x);
  const proof = proveDleq(x, { x: xPoint, h: c1, d }, proofContext(requestId, envelopeId, share.index), random);
  return {
    version: 1,
    trusteeSetId: share.trusteeSetId,
    trusteeIndex: share.index,
    trusteeId: share.trusteeId,
    requestId,
    envelopeId,
    d: toBase64Url(encodePoint(d)),
    proof: { c: toBase64Url(encodeScalar(proof.c)), z: toBase64Url(encodeScalar(proof.z)) },
  };
}

/**
 * A point's canonical, non-identity encoding from base64url, or `undefined`: checked by
 * libsodium when this thread has loaded it (then no noble point is built: decoding one costs
 * an inverse square root), else decoded by noble, which `point` then carries.
 */
function readPointText(na: Sodium | undefined, text: unknown): { bytes: Uint8Array; point?: Point } | undefined {
  const bytes = typeof text === 'string' ? decodeBase64UrlStrict(text) : undefined;
  if (bytes === undefined) return undefined;
  if (na !== undefined) return isNonIdentityPoint(na, bytes) ? { bytes } : undefined;
  const point = tryDecodePoint(bytes);
  return point === undefined ? undefined : { bytes, point };
}

function decodeScalarText(text: unknown): bigint | undefined {
  const bytes = typeof text === 'string' ? decodeBase64UrlStrict(text) : undefined;
  return bytes === undefined ? undefined : tryDecodeScalar(bytes, { allowZero: true });
}

/** Verifies a partial and returns its D_i (with the noble point when libsodium is not loaded), or `undefined`. */
function checkPartial(partial: unknown, ctx: PartialContext): { bytes: Uint8Array; point?: Point } | undefined {
  if (typeof partial !== 'object' || partial === null) return undefined;
  const p = partial as Partial<PartialDecryption>;
  const index = p.trusteeIndex;
  if (p.version !== 1 || typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > MAX_TRUSTEES) return undefined;
  if (ctx.trusteeIndex !== undefined && ctx.trusteeIndex !== index) return undefined;
  if (!isLabel(ctx.requestId) || !isLabel(ctx.envelopeId)) return undefined;
  if (p.requestId !== ctx.requestId || p.envelopeId !== ctx.envelopeId) return undefined;
  const na = sodiumIfLoaded();
  const x = readPointText(na, ctx.verificationKey);
  const h = readPointText(na, ctx.c1);
  const d = readPointText(na, p.d);
  const proof = p.proof as Partial<PartialDecryption['proof']> | undefined;
  const c = decodeScalarText(proof?.c);
  const z = decodeScalarText(proof?.z);
  if (x === undefined || h === undefined || d === undefined || c === undefined || z === undefined) return undefined;
  // The context is rebuilt from the verifier's values, never taken from the partial.
  const context = proofContext(ctx.requestId, ctx.envelopeId, index);
  const valid =
    na === undefined
      ? verifyDleq({ x: x.point as Point, h: h.point as Point, d: d.point as Point }, { c, z }, context)
      : verifyDleqOnSodium(na, { x: x.bytes, h: h.bytes, d: d.bytes }, { c, z }, context);
  return valid ? d : undefined;
}

/**
 * Whether `partial` is a valid partial decryption by the trustee with
 * `verificationKey`, for exactly this envelope and request. Never throws.
 * @example
 * if (!verifyPartial(partial, { verificationKey: t.verificationKey, c1: envelope.c1, requestId, envelopeId: envelope.envelopeId })) reject();
 */
export function verifyPartial(partial: unknown, ctx: PartialContext): boolean {
  try {
    return checkPartial(partial, ctx) !== undefined;
  } catch {
    return false;
  }
}

/** λ_i = Π_{j≠i} j / (j − i) mod L: the Lagrange coefficients at 0 for the given distinct indices. */
export function lagrangeAtZero(indices: readonly number[]): bigint[] {
  if (new Set(indices).size !== indices.length || indices.some((i) => !Number.isInteger(i) || i < 1)) {
    throw new RangeError('lagrangeAtZero: indices must be distinct positive integers');
  }
  return indices.map((i) => {
    let num = 1n;
    let den = 1n;
    for (const j of indices) {
      if (j === i) continue;
      num = modL(num * BigInt(j));
      den = modL(den * BigInt(j - i));
    }
    return modL(num * invertScalar(den));
  });
}

/** f(0) from points (i, f(i)) over Z_L. */
export function interpolateAtZero(shares: ReadonlyArray<{ index: number; value: bigint }>): bigint {
  const lambdas = lagrangeAtZero(shares.map((s) => s.index));
  return shares.reduce((acc, s, k) => modL(acc + (lambdas[k] as bigint) * s.value), 0n);
}

/** Σ λ_i·P_i: interpolation at 0 in the exponent (all inputs public). */
export function interpolateInExponent(shares: ReadonlyArray<{ index: number; point: Point }>): Point {
  const lambdas = lagrangeAtZero(shares.map((s) => s.index));
  return shares.reduce((acc, s, k) => acc.add(multiplyPublic(s.point, lambdas[k] as bigint)), IDENTITY);
}

/**
 * Σ λ_i·D_i on libsodium, the D_i checked non-identity and λ_i non-zero (distinct indices), so
 * no product is the identity, which libsodium would refuse.
 */
function interpolateOnSodium(na: Sodium, shares: ReadonlyArray<{ index: number; d: { bytes: Uint8Array } }>): Uint8Array {
  const lambdas = lagrangeAtZero(shares.map((s) => s.index));
  let sum: Uint8Array | undefined;
  shares.forEach((s, k) => {
    const term = na.crypto_scalarmult_ristretto255(encodeScalar(lambdas[k] as bigint), s.d.bytes);
    const next = sum === undefined ? term : na.crypto_core_ristretto255_add(sum, term);
    if (sum !== undefined) wipe(sum, term);
    sum = next;
  });
  if (sum === undefined) throw new RangeError('interpolateOnSodium: no shares');
  return sum;
}

/**
 * Verifies every partial and combines M distinct good ones into S = x·C1.
 * Bad partials are reported in `badTrustees`; if fewer than M good ones
 * remain, throws `share_invalid` (naming them in `extensions.badTrustees`), or
 * `threshold_not_met` when none was bad but too few were given.
 * @example
 * const { point, badTrustees } = combinePartials(partials, {
 *   threshold: set.threshold, verificationKeys: set.trustees, c1: envelope.c1, requestId, envelopeId: envelope.envelopeId,
 * });
 */
export function combinePartials(partials: readonly unknown[], options: CombineOptions): CombineResult {
  const { threshold, verificationKeys, requestId, envelopeId } = options;
  if (!Array.isArray(partials)) throw new TypeError('partials must be an array');
  if (!Array.isArray(verificationKeys)) throw new TypeError('verificationKeys must be an array');
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > verificationKeys.length) {
    throw new TypeError('threshold must be an integer between 1 and the number of trustees');
  }
  assertLabel(requestId, 'requestId');
  assertLabel(envelopeId, 'envelopeId');
  const na = sodiumIfLoaded();
  readPointBytesField(options.c1, 'c1', 'crypto_encoding_invalid');
  const trustees = new Map<number, TrusteeDescriptor>();
  for (const t of verificationKeys) {
    if (readPointText(na, t.verificationKey) === undefined)
      fail('trustee_set_invalid', `trustee ${t.index} has an invalid verification key`);
    // Two keys for one index would let the caller's list, not the proof, decide which trustee a partial is checked against.
    if (trustees.has(t.index)) fail('trustee_set_invalid', `trustee index ${t.index} appears twice`);
    trustees.set(t.index, t);
  }

  const good = new Map<number, { bytes: Uint8Array; point?: Point }>();
  const badTrustees: BadTrustee[] = [];
  for (const partial of partials) {
    const index = (partial as Partial<PartialDecryption> | null)?.trusteeIndex;
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      badTrustees.push({ reason: 'malformed' });
      continue;
    }
    const trustee = trustees.get(index);
    if (trustee === undefined) {
      badTrustees.push({ index, reason: 'unknown_trustee' });
      continue;
    }
    const named = { index, trusteeId: trustee.id };
    if (options.trusteeSetId !== undefined && (partial as Partial<PartialDecryption>).trusteeSetId !== options.trusteeSetId) {
      badTrustees.push({ ...named, reason: 'wrong_trustee_set' });
      continue;
    }
    let d: { bytes: Uint8Array; point?: Point } | undefined;
    try {
      d = checkPartial(partial, { verificationKey: trustee.verificationKey, c1: options.c1, requestId, envelopeId, trusteeIndex: index });
    } catch {
      d = undefined;
    }
    if (d === undefined) badTrustees.push({ ...named, reason: 'invalid_proof' });
    // A second valid partial from the same trustee proves the same D_i (soundness), so it adds nothing.
    else if (!good.has(index)) good.set(index, d);
  }

  if (good.size < threshold) {
    const extensions = { threshold, valid: good.size, badTrustees };
    if (badTrustees.length > 0) {
      const names = badTrustees.map((b) => b.trusteeId ?? (b.index === undefined ? '?' : `#${b.index}`)).join(', ');
      throw new MvidError('share_invalid', `only ${good.size} of the required ${threshold} partial decryptions are valid; bad: ${names}`, {
        extensions,
      });
    }
    throw new MvidError('threshold_not_met', `${good.size} distinct partial decryptions given, ${threshold} required`, { extensions });
  }
  const usedTrustees = [...good.keys()].sort((a, b) => a - b).slice(0, threshold);
  const used = usedTrustees.map((index) => ({ index, d: good.get(index) as { bytes: Uint8Array; point?: Point } }));
  if (na !== undefined) return { point: interpolateOnSodium(na, used), usedTrustees, badTrustees };
  const s = interpolateInExponent(used.map(({ index, d }) => ({ index, point: d.point as Point })));
  return { point: encodePoint(s), usedTrustees, badTrustees };
}

/**
 * Combines partials and opens the envelope in one step. `trusteeSet` must be
 * the authoritative, already validated key the envelope is sealed to
 * (`parseTrusteeSet`): its retention-epoch key when it names one, else its set.
 * @example
 * const { plaintext, badTrustees } = thresholdOpen(envelope, partials, { trusteeSet, requestId: 'req-7' });
 */
export function thresholdOpen(
  envelope: Envelope,
  partials: readonly unknown[],
  options: {
    trusteeSet: TrusteeSet;
    requestId: string;
    /** Sets whose key `trusteeSet` holds by resharing (from its logged lineage): their envelopes open with it too. */
    holds?: readonly string[];
  },
): { plaintext: Uint8Array; usedTrustees: number[]; badTrustees: BadTrustee[] } {
  const e = parseEnvelope(envelope);
  const { trusteeSet, requestId } = options;
  const sealedTo = e.escrowKeyId ?? e.trusteeSetId;
  if (sealedTo !== trusteeSet.id && !(options.holds ?? []).includes(sealedTo))
    fail('envelope_invalid', 'the envelope was sealed to another key', {
      field: e.escrowKeyId === undefined ? 'trusteeSetId' : 'escrowKeyId',
    });
  const { point, usedTrustees, badTrustees } = combinePartials(partials, {
    threshold: trusteeSet.threshold,
    verificationKeys: trusteeSet.trustees,
    c1: e.c1,
    requestId,
    envelopeId: e.envelopeId,
    trusteeSetId: trusteeSet.id,
  });
  try {
    return { plaintext: openEnvelopeWithSharedPoint(e, point), usedTrustees, badTrustees };
  } finally {
    point.fill(0);
  }
}
