/**
 * BBS per-verifier pseudonyms (draft-irtf-cfrg-bbs-per-verifier-linkability, on the blind
 * issuance of draft-irtf-cfrg-bbs-blind-signatures), ciphersuite BLS12-381-SHA-256.
 *
 * The prover commits to its pseudonym secret (`proverNyms`, and any messages it wants signed
 * unseen); the signer signs the commitment and adds entropy of its own to the last secret,
 * so the final `nymSecrets` are known to the prover alone (unless the signer is also told
 * the prover's part). To a verifier with context id W the prover shows
 * pseudonym = hash_to_curve_g1(W)·poly(nymSecrets) with a proof that it is made from the
 * secrets the signature covers: stable per (person, W), unlinkable across verifiers.
 * Tested against the draft's published fixtures (test/fixtures/vectors/bbs/pseudonym).
 */
import { concatBytes, utf8 } from '../core/index.ts';
import {
  BBS_CIPHERSUITE_ID,
  calculateDomain,
  type ChallengeExtension,
  coreProofGen,
  coreProofVerify,
  coreVerify,
  createGenerators,
  decodeG1,
  decodeScalars,
  finishSignature,
  G1_BYTES,
  type G1Point,
  h2sDst,
  hashToCurveG1,
  hashToScalar,
  i2osp,
  messagesToScalars,
  mul,
  type RandomScalars,
  SCALAR_BYTES,
  scalarAdd,
  scalarMul,
  scalars,
  serialize,
  signedPoint,
  sumOfProducts,
  systemRandomScalars,
  undisclosedCount,
  points,
} from './bbs.ts';

/** The pseudonym Interface's identifier. */
export const NYM_API_ID = utf8(`${BBS_CIPHERSUITE_ID}H2G_HM2S_PSEUDONYM_`);
const BLIND_API_ID = concatBytes(utf8('BLIND_'), NYM_API_ID);

const blindGenerators = (count: number) => createGenerators(count, BLIND_API_ID);

/** The header the signature covers: the caller's header and the number of pseudonym secrets. */
const combinedHeader = (header: Uint8Array, nymCount: number) => concatBytes(header, i2osp(nymCount, 8));

function blindChallenge(C: G1Point, Cbar: G1Point, generators: readonly G1Point[]): bigint {
  return hashToScalar(serialize([{ int: generators.length - 1 }, ...points(generators), ...points([C, Cbar])]), h2sDst(NYM_API_ID));
}

export interface NymCommitment {
  /** C ‖ s^ ‖ m^_1…m^_M ‖ challenge: what the prover sends the signer. */
  commitmentWithProof: Uint8Array;
  /** The blinding scalar; the prover keeps it for verification and proofs. */
  proverBlind: bigint;
}

/** `CommitWithNym`: a hiding commitment to `committedMessages` and `proverNyms`, with its proof of knowledge. */
export function nymCommit(
  committedMessages: readonly Uint8Array[],
  proverNyms: readonly bigint[],
  randomScalars: RandomScalars = systemRandomScalars,
): NymCommitment {
  if (proverNyms.length === 0) throw new RangeError('at least one pseudonym secret');
  const committed = [...messagesToScalars(committedMessages, NYM_API_ID), ...proverNyms];
  const generators = blindGenerators(committed.length + 1);
  const [Q2, ...J] = generators as [G1Point, ...G1Point[]];
  const [proverBlind, sTilde, ...mTilde] = randomScalars(committed.length + 2) as [bigint, bigint, ...bigint[]];
  const C = mul(Q2, proverBlind).add(sumOfProducts(J, committed));
  const Cbar = mul(Q2, sTilde).add(sumOfProducts(J, mTilde));
  const challenge = blindChallenge(C, Cbar, generators);
  const sHat = scalarAdd(sTilde, scalarMul(proverBlind, challenge));
  const mHat = mTilde.map((m, i) => scalarAdd(m, scalarMul(committed[i] as bigint, challenge)));
  return { commitmentWithProof: serialize([{ point: C }, ...scalars([sHat, ...mHat, challenge])]), proverBlind };
}

/** `deserialize_and_validate_commit` with `CoreCommitVerify`: the commitment point, or undefined. */
function validatedCommitment(commitmentWithProof: Uint8Array): { C: G1Point; generators: G1Point[] } | undefined {
  if (commitmentWithProof.length < G1_BYTES + 2 * SCALAR_BYTES) return undefined;
  const C = decodeG1(commitmentWithProof.subarray(0, G1_BYTES));
  const s = decodeScalars(commitmentWithProof.subarray(G1_BYTES));
  if (C === undefined || s === undefined) return undefined;
  const [sHat, ...rest] = s as [bigint, ...bigint[]];
  const challenge = rest.pop() as bigint;
  const generators = blindGenerators(rest.length + 1);
  const [Q2, ...J] = generators as [G1Point, ...G1Point[]];
  const Cbar = mul(Q2, sHat).add(sumOfProducts(J, rest)).subtract(mul(C, challenge));
  return blindChallenge(C, Cbar, generators) === challenge ? { C, generators } : undefined;
}

/**
 * `BlindSignWithNym`: the signer's signature over `messages` and the prover's commitment,
 * adding `signerNymEntropy` to the last pseudonym secret. `nymCount` is the number of
 * pseudonym secrets the prover committed to (sent beside the commitment). Undefined when the
 * commitment's proof does not verify.
 */
export function blindSignWithNym(
  secretKey: bigint,
  publicKey: Uint8Array,
  commitmentWithProof: Uint8Array,
  nymCount: number,
  signerNymEntropy: bigint,
  header: Uint8Array,
  messages: readonly Uint8Array[],
): Uint8Array | undefined {
  const commit = validatedCommitment(commitmentWithProof);
  if (commit === undefined || !Number.isInteger(nymCount) || nymCount < 1 || nymCount > commit.generators.length - 1) return undefined;
  const generators = createGenerators(messages.length + 1, NYM_API_ID);
  const all = [...generators, ...commit.generators];
  const domain = calculateDomain(publicKey, generators[0] as G1Point, all.slice(1), combinedHeader(header, nymCount), NYM_API_ID);
  const B = signedPoint(generators, domain, messagesToScalars(messages, NYM_API_ID))
    .add(commit.C)
    .add(mul(commit.generators.at(-1) as G1Point, signerNymEntropy));
  // B already carries the domain (and so the header, generators and key): e = H(SK, B), as the fixtures have it.
  const e = hashToScalar(serialize([{ scalar: secretKey }, { point: B }]), h2sDst(NYM_API_ID));
  return finishSignature(secretKey, e, B);
}

/** Every signed scalar and its generator, in signing order: messages, blind, committed messages, pseudonym secrets. */
function signedScalars(
  messages: readonly Uint8Array[],
  committedMessages: readonly Uint8Array[],
  proverBlind: bigint,
  nymSecrets: readonly bigint[],
): { scalars: bigint[]; generators: G1Point[] } {
  const committed = messagesToScalars(committedMessages, NYM_API_ID);
  return {
    scalars: [...messagesToScalars(messages, NYM_API_ID), proverBlind, ...committed, ...nymSecrets],
    generators: [...createGenerators(messages.length + 1, NYM_API_ID), ...blindGenerators(committed.length + nymSecrets.length + 1)],
  };
}

/**
 * `VerifyFinalizeWithNym`: checks the blind signature and returns the final pseudonym
 * secrets (the prover's, with the signer's entropy added to the last), or undefined.
 */
export function verifyFinalizeWithNym(
  publicKey: Uint8Array,
  signature: Uint8Array,
  header: Uint8Array,
  messages: readonly Uint8Array[],
  committedMessages: readonly Uint8Array[],
  proverNyms: readonly bigint[],
  signerNymEntropy: bigint,
  proverBlind: bigint,
): bigint[] | undefined {
  if (proverNyms.length === 0) return undefined;
  const nymSecrets = [...proverNyms.slice(0, -1), scalarAdd(proverNyms.at(-1) as bigint, signerNymEntropy)];
  const signed = signedScalars(messages, committedMessages, proverBlind, nymSecrets);
  const ok = coreVerify(publicKey, signature, signed.generators, combinedHeader(header, nymSecrets.length), signed.scalars, NYM_API_ID);
  return ok ? nymSecrets : undefined;
}

/** OP = hash_to_curve_g1(context_id) and z, the point and the polynomial variable of a context. */
function contextBase(contextId: Uint8Array): { OP: G1Point; z: bigint } {
  return {
    OP: hashToCurveG1(contextId, NYM_API_ID),
    z: hashToScalar(contextId, concatBytes(NYM_API_ID, utf8('VECT_NYM_SECRETS'))),
  };
}

/** Σ coefficients[i]·z^i. */
function polynomial(coefficients: readonly bigint[], z: bigint): bigint {
  let acc = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) acc = scalarAdd(scalarMul(acc, z), coefficients[i] as bigint);
  return acc;
}

/** The pseudonym of `nymSecrets` in the context `contextId` (a verifier's id): a compressed G1 point. */
export function calculatePseudonym(contextId: Uint8Array, nymSecrets: readonly bigint[]): Uint8Array {
  const { OP, z } = contextBase(contextId);
  return mul(OP, polynomial(nymSecrets, z)).toBytes(true);
}

/** The challenge terms of a pseudonym proof: (pseudonym, U) before the domain, and the context id at the end. */
const nymExtension = (pseudonym: G1Point, U: G1Point, contextId: Uint8Array): ChallengeExtension => ({
  points: [pseudonym, U],
  trailer: concatBytes(i2osp(contextId.length, 8), contextId),
});

export interface ProofWithNymInput {
  publicKey: Uint8Array;
  signature: Uint8Array;
  header: Uint8Array;
  /** Presentation header: binds the proof to the verifier's fresh challenge. */
  ph: Uint8Array;
  nymSecrets: readonly bigint[];
  contextId: Uint8Array;
  messages: readonly Uint8Array[];
  committedMessages: readonly Uint8Array[];
  disclosedIndexes: readonly number[];
  disclosedCommittedIndexes: readonly number[];
  proverBlind: bigint;
}

/** `ProofGenWithNym`: a proof disclosing the chosen messages, and the pseudonym it proves; undefined on bad input. */
export function proofGenWithNym(
  input: ProofWithNymInput,
  randomScalars: RandomScalars = systemRandomScalars,
): { proof: Uint8Array; pseudonym: Uint8Array } | undefined {
  const L = input.messages.length;
  if (
    input.nymSecrets.length === 0 ||
    input.disclosedCommittedIndexes.some((j) => !Number.isInteger(j) || j < 0 || j >= input.committedMessages.length)
  )
    return undefined;
  const signed = signedScalars(input.messages, input.committedMessages, input.proverBlind, input.nymSecrets);
  const indexes = [...input.disclosedIndexes, ...input.disclosedCommittedIndexes.map((j) => j + L + 1)];
  const N = input.nymSecrets.length;
  const { OP, z } = contextBase(input.contextId);
  const pseudonym = mul(OP, polynomial(input.nymSecrets, z));
  if (pseudonym.is0()) return undefined;
  const proof = coreProofGen(
    input.publicKey,
    input.signature,
    signed.generators,
    combinedHeader(input.header, N),
    input.ph,
    signed.scalars,
    indexes,
    NYM_API_ID,
    randomScalars,
    (random) => {
      // The pseudonym secrets are the last signed scalars, never disclosed: their blinding scalars are the last ones drawn.
      const Ut = mul(OP, polynomial(random.slice(-N), z));
      return Ut.is0() ? undefined : nymExtension(pseudonym, Ut, input.contextId);
    },
  );
  return proof === undefined ? undefined : { proof, pseudonym: pseudonym.toBytes(true) };
}

export interface ProofVerifyWithNymInput {
  publicKey: Uint8Array;
  proof: Uint8Array;
  header: Uint8Array;
  ph: Uint8Array;
  pseudonym: Uint8Array;
  contextId: Uint8Array;
  nymCount: number;
  /** How many messages the signer signed in the clear (the rest were committed by the prover). */
  signerMessageCount: number;
  disclosedMessages: readonly Uint8Array[];
  disclosedCommittedMessages: readonly Uint8Array[];
  disclosedIndexes: readonly number[];
  disclosedCommittedIndexes: readonly number[];
}

/** `ProofVerifyWithNym`: the proof holds, and the pseudonym is made from the signed secrets for this context. */
export function proofVerifyWithNym(input: ProofVerifyWithNymInput): boolean {
  const pseudonym = decodeG1(input.pseudonym);
  const L = input.signerMessageCount;
  const N = input.nymCount;
  if (pseudonym === undefined || !Number.isInteger(L) || L < 0 || !Number.isInteger(N) || N < 1) return false;
  if (input.disclosedIndexes.some((i) => i >= L)) return false;
  const total = undisclosedCount(input.proof.length) + input.disclosedIndexes.length + input.disclosedCommittedIndexes.length;
  // Signed: L messages, then the blind, the committed messages and N secrets under the blind generators.
  const blindCount = total - L;
  if (blindCount < N + 1) return false;
  const generators = [...createGenerators(L + 1, NYM_API_ID), ...blindGenerators(blindCount)];
  const disclosed = [
    ...messagesToScalars(input.disclosedMessages, NYM_API_ID),
    ...messagesToScalars(input.disclosedCommittedMessages, NYM_API_ID),
  ];
  const indexes = [...input.disclosedIndexes, ...input.disclosedCommittedIndexes.map((j) => j + L + 1)];
  // Secrets are never disclosed: the last N undisclosed scalars must be theirs.
  if (indexes.some((i) => i >= total - N)) return false;
  const { OP, z } = contextBase(input.contextId);
  return coreProofVerify(
    input.publicKey,
    input.proof,
    generators,
    combinedHeader(input.header, N),
    input.ph,
    disclosed,
    indexes,
    NYM_API_ID,
    (proof) => {
      const Uv = mul(OP, polynomial(proof.commitments.slice(-N), z)).subtract(mul(pseudonym, proof.challenge));
      return Uv.is0() ? undefined : nymExtension(pseudonym, Uv, input.contextId);
    },
  );
}
