/**
 * Retention-epoch destruction statements (crypto-shredding, issue 17).
 *
 * Envelopes whose retention ends inside an epoch are sealed to that epoch's escrow key,
 * a threshold key like any `TrusteeSet`. When the epoch ends, each trustee's client
 * destroys its share and signs this statement with the share itself: a Schnorr proof of
 * knowledge of x_i for X_i = x_i·G (the DLEQ proof with H = G), bound to the key id, the
 * epoch, the trustee's index and the time. Only the share's holder can sign it; anyone
 * holding the published epoch key can check it. It cannot prove that a copy was not
 * kept — it is the trustee's signed, logged word — but once more than N − M trustees
 * have destroyed theirs, no quorum of shares survives anywhere else.
 */
import { createHash } from 'node:crypto';
import { systemRandom, toBase64Url } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { proveDleq, verifyDleq } from './dleq.ts';
import { decodeBase64UrlStrict, fail, frame, isLabel, readObject, u32be } from './encoding.ts';
import type { TrusteeSet, TrusteeShare } from './feldman.ts';
import { GENERATOR, encodePoint, encodeScalar, multiplyBaseSecret, tryDecodePoint, tryDecodeScalar } from './group.ts';

/** A trustee's signed word that it destroyed its share of an epoch key. Plain JSON. */
export interface EpochDestruction {
  version: 1;
  /** The epoch key (its `TrusteeSet` id). */
  escrowKeyId: string;
  /** The epoch's label, e.g. "2028-06". */
  epoch: string;
  trusteeIndex: number;
  /** X_i of this trustee in the epoch key. */
  verificationKey: string;
  /** When the share was destroyed (ISO 8601). */
  destroyedAt: string;
  /** Schnorr proof (challenge, response), 32-byte little-endian scalars, base64url. */
  proof: { c: string; z: string };
}

function context(s: Pick<EpochDestruction, 'escrowKeyId' | 'epoch' | 'trusteeIndex' | 'destroyedAt'>): Uint8Array {
  return frame('mvid epoch destroyed v1', s.escrowKeyId, s.epoch, u32be(s.trusteeIndex), s.destroyedAt);
}

/**
 * Signs the destruction statement with the share about to be destroyed. The caller
 * wipes the share (and its file) right after.
 */
export function signEpochDestruction(
  share: TrusteeShare,
  input: { epoch: string; destroyedAt: string },
  random: Random = systemRandom,
): EpochDestruction {
  const x = tryDecodeScalar(share.secret);
  if (x === undefined) throw new TypeError('share.secret is not a valid share scalar');
  const xPoint = multiplyBaseSecret(x);
  if (toBase64Url(encodePoint(xPoint)) !== share.verificationKey) throw new TypeError('share does not match its verification key');
  const body = {
    escrowKeyId: share.trusteeSetId,
    epoch: input.epoch,
    trusteeIndex: share.index,
    destroyedAt: input.destroyedAt,
  };
  const proof = proveDleq(x, { x: xPoint, h: GENERATOR, d: xPoint }, context(body), random);
  return {
    version: 1,
    ...body,
    verificationKey: share.verificationKey,
    proof: { c: toBase64Url(encodeScalar(proof.c)), z: toBase64Url(encodeScalar(proof.z)) },
  };
}

/**
 * Checks a destruction statement against the published epoch key: the index is a member,
 * the verification key is that member's, and the proof verifies. Returns the statement
 * with only its known fields.
 * @throws MvidError epoch_statement_invalid
 */
export function verifyEpochDestruction(value: unknown, key: TrusteeSet, epoch: string): EpochDestruction {
  const code = 'epoch_statement_invalid';
  const s = readObject(value, 'destruction statement', code);
  const proof = readObject(s.proof, 'proof', code);
  if (s.version !== 1) fail(code, 'unsupported destruction statement version');
  if (s.escrowKeyId !== key.id) fail(code, `the statement is about key ${String(s.escrowKeyId)}, not ${key.id}`);
  if (s.epoch !== epoch) fail(code, `the statement names epoch ${String(s.epoch)}, not ${epoch}`);
  if (typeof s.destroyedAt !== 'string' || !isLabel(s.destroyedAt) || Number.isNaN(Date.parse(s.destroyedAt)))
    fail(code, 'destroyedAt is not a time');
  const member = key.trustees.find((t) => t.index === s.trusteeIndex);
  if (!member || member.verificationKey !== s.verificationKey) fail(code, 'the statement names no trustee of this key');
  const c = typeof proof.c === 'string' ? decodeBase64UrlStrict(proof.c) : undefined;
  const z = typeof proof.z === 'string' ? decodeBase64UrlStrict(proof.z) : undefined;
  const cs = c?.length === 32 ? tryDecodeScalar(c, { allowZero: true }) : undefined;
  const zs = z?.length === 32 ? tryDecodeScalar(z, { allowZero: true }) : undefined;
  const vk = decodeBase64UrlStrict(member.verificationKey);
  const xPoint = vk === undefined ? undefined : tryDecodePoint(vk);
  const statement: EpochDestruction = {
    version: 1,
    escrowKeyId: key.id,
    epoch,
    trusteeIndex: member.index,
    verificationKey: member.verificationKey,
    destroyedAt: s.destroyedAt,
    proof: { c: proof.c as string, z: proof.z as string },
  };
  if (cs === undefined || zs === undefined || xPoint === undefined) fail(code, 'the proof is malformed');
  if (!verifyDleq({ x: xPoint, h: GENERATOR, d: xPoint }, { c: cs, z: zs }, context(statement)))
    fail(code, 'the proof does not verify under the trustee’s verification key');
  return statement;
}

/** SHA-256 of the statement's canonical encoding, base64url: what the log entry commits to. */
export function epochDestructionHash(s: EpochDestruction): string {
  return toBase64Url(
    createHash('sha256')
      .update(frame(context(s), s.verificationKey, s.proof.c, s.proof.z))
      .digest(),
  );
}

/**
 * Whether `key` is an epoch key of `set`: the set's threshold, at least that many trustees,
 * each a distinct trustee of the set by id (indices follow the key's own ceremony), so the
 * trustees whose approvals a disclosure counts are the ones who can open its envelopes.
 */
export function isEpochKeyOf(set: Pick<TrusteeSet, 'threshold' | 'trustees'>, key: Pick<TrusteeSet, 'threshold' | 'trustees'>): boolean {
  const ids = key.trustees.map((t) => t.id);
  return (
    key.threshold === set.threshold &&
    ids.length >= key.threshold &&
    new Set(ids).size === ids.length &&
    ids.every((id) => set.trustees.some((m) => m.id === id))
  );
}
