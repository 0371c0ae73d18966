/**
 * BBS signatures (draft-irtf-cfrg-bbs-signatures, ciphersuite BLS12-381-SHA-256): one
 * constant-size signature over many messages, and zero-knowledge proofs of it that disclose
 * any subset of the messages. The core operations take the Interface identifier (`apiId`),
 * so the pseudonym Interface (./bbs-nym.ts) runs the same code with its own generators.
 *
 * Scalars are bigints mod r, points noble's G1/G2 points. Every parser of outside bytes
 * (public keys, signatures, proofs) rejects non-canonical scalars, identity points and
 * points outside the prime-order subgroup, and answers `undefined` ("INVALID" in the
 * draft) rather than throwing, so a verifier never fails open on a malformed input.
 * Tested against the draft's published fixtures (test/fixtures/vectors/bbs).
 */
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from '../core/index.ts';

export const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
export type G1Point = ReturnType<typeof G1.fromBytes>;
type G2Point = ReturnType<typeof G2.fromBytes>;
const Fr = bls12_381.fields.Fr;
/** The order of G1 and G2. */
export const BBS_ORDER = Fr.ORDER;

export const BBS_CIPHERSUITE_ID = 'BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_';
/** The plain BBS Interface: create_generators "H2G_", messages_to_scalars "HM2S_". */
export const BBS_API_ID = utf8(`${BBS_CIPHERSUITE_ID}H2G_HM2S_`);
export const SCALAR_BYTES = 32;
export const G1_BYTES = 48;
export const G2_BYTES = 96;
const EXPAND_LEN = 48;
/** The ciphersuite's fixed point P1 (create_generators with the suite's base-point seed). */
const P1 = G1.fromHex('a8ce256102840821a3e94ea9025e4662b205762f9776b3a766c872b948f1fd225e7c59698588e70d11406d161b4e28c9');

/** Draws `count` uniform scalars; injectable so that tests replay the fixtures' mocked randomness. */
export type RandomScalars = (count: number) => bigint[];

const mod = (a: bigint) => Fr.create(a);
export const scalarAdd = (a: bigint, b: bigint) => mod(a + b);
export const scalarMul = (a: bigint, b: bigint) => mod(a * b);

export function expandMessage(msg: Uint8Array, dst: Uint8Array, length: number): Uint8Array {
  return expand_message_xmd(msg, dst, length, sha256);
}

export function os2ip(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

export function i2osp(value: bigint | number, length: number): Uint8Array {
  let n = BigInt(value);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  if (n !== 0n) throw new RangeError(`i2osp: ${value} does not fit ${length} bytes`);
  return out;
}

export function hashToScalar(msg: Uint8Array, dst: Uint8Array): bigint {
  return mod(os2ip(expandMessage(msg, dst, EXPAND_LEN)));
}

export function hashToCurveG1(msg: Uint8Array, dst: Uint8Array): G1Point {
  return bls12_381.G1.hashToCurve(msg, { DST: dst }) as unknown as G1Point;
}

/** `calculate_random_scalars`: uniform scalars from `expand_len` random bytes each. */
export const systemRandomScalars: RandomScalars = (count) =>
  Array.from({ length: count }, () => mod(os2ip(crypto.getRandomValues(new Uint8Array(EXPAND_LEN)))));

/** The draft's `seeded_random_scalars`, for replaying its fixtures. */
export function seededRandomScalars(seed: Uint8Array, dst: Uint8Array): RandomScalars {
  return (count) => {
    const v = expandMessage(seed, dst, EXPAND_LEN * count);
    return Array.from({ length: count }, (_, i) => mod(os2ip(v.subarray(i * EXPAND_LEN, (i + 1) * EXPAND_LEN))));
  };
}

/** P·s, where s may be zero (noble's constant-time multiply refuses 0). */
export function mul(point: G1Point, scalar: bigint): G1Point {
  return scalar === 0n ? G1.ZERO : point.multiply(scalar);
}

/** Σ points[i]·scalars[i]. */
export function sumOfProducts(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  let acc = G1.ZERO;
  for (let i = 0; i < points.length; i++) acc = acc.add(mul(points[i] as G1Point, scalars[i] as bigint));
  return acc;
}

// ── Serialisation ────────────────────────────────────────────────────────────

export type Serializable = { point: G1Point } | { g2: G2Point } | { scalar: bigint } | { int: number };

/** `serialize`: compressed points, 32-byte scalars, 8-byte integers, concatenated. */
export function serialize(items: readonly Serializable[]): Uint8Array {
  return concatBytes(
    ...items.map((item) =>
      'point' in item
        ? item.point.toBytes(true)
        : 'g2' in item
          ? item.g2.toBytes(true)
          : 'scalar' in item
            ? i2osp(item.scalar, SCALAR_BYTES)
            : i2osp(item.int, 8),
    ),
  );
}

export const points = (ps: readonly G1Point[]): Serializable[] => ps.map((point) => ({ point }));
export const scalars = (ss: readonly bigint[]): Serializable[] => ss.map((scalar) => ({ scalar }));

/** A point from outside, `length` bytes compressed: on the curve, in the subgroup, not the identity; else undefined. */
function decodeSubgroupPoint<P extends { assertValidity(): void; is0(): boolean }>(
  bytes: Uint8Array,
  length: number,
  fromBytes: (bytes: Uint8Array) => P,
): P | undefined {
  if (bytes.length !== length) return undefined;
  try {
    const p = fromBytes(bytes);
    p.assertValidity();
    return p.is0() ? undefined : p;
  } catch {
    return undefined;
  }
}

/** A G1 point from outside (a signature's A, a proof's points, a pseudonym). */
export function decodeG1(bytes: Uint8Array): G1Point | undefined {
  return decodeSubgroupPoint(bytes, G1_BYTES, (b) => G1.fromBytes(b));
}

/** `octets_to_pubkey`: the signer's G2 public key. */
export function decodePublicKey(bytes: Uint8Array): G2Point | undefined {
  return decodeSubgroupPoint(bytes, G2_BYTES, (b) => G2.fromBytes(b));
}

/** A scalar from outside: canonical and non-zero; else undefined. */
function decodeScalar(bytes: Uint8Array): bigint | undefined {
  const s = os2ip(bytes);
  return s === 0n || s >= BBS_ORDER ? undefined : s;
}

/** Splits `bytes` into 32-byte scalars (each canonical and non-zero); undefined if any is not. */
export function decodeScalars(bytes: Uint8Array): bigint[] | undefined {
  if (bytes.length % SCALAR_BYTES !== 0) return undefined;
  const out: bigint[] = [];
  for (let i = 0; i < bytes.length; i += SCALAR_BYTES) {
    const s = decodeScalar(bytes.subarray(i, i + SCALAR_BYTES));
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

export interface Signature {
  A: G1Point;
  e: bigint;
}

export function encodeSignature(sig: Signature): Uint8Array {
  return serialize([{ point: sig.A }, { scalar: sig.e }]);
}

/** `octets_to_signature`. */
export function decodeSignature(bytes: Uint8Array): Signature | undefined {
  if (bytes.length !== G1_BYTES + SCALAR_BYTES) return undefined;
  const A = decodeG1(bytes.subarray(0, G1_BYTES));
  const e = decodeScalar(bytes.subarray(G1_BYTES));
  return A === undefined || e === undefined ? undefined : { A, e };
}

export interface Proof {
  Abar: G1Point;
  Bbar: G1Point;
  D: G1Point;
  eHat: bigint;
  r1Hat: bigint;
  r3Hat: bigint;
  /** m^ of each undisclosed message, in message order. */
  commitments: bigint[];
  challenge: bigint;
}

function encodeProof(p: Proof): Uint8Array {
  return serialize([...points([p.Abar, p.Bbar, p.D]), ...scalars([p.eHat, p.r1Hat, p.r3Hat, ...p.commitments, p.challenge])]);
}

/** `octets_to_proof`. */
export function decodeProof(bytes: Uint8Array): Proof | undefined {
  if (bytes.length < 3 * G1_BYTES + 4 * SCALAR_BYTES) return undefined;
  const [Abar, Bbar, D] = [0, 1, 2].map((i) => decodeG1(bytes.subarray(i * G1_BYTES, (i + 1) * G1_BYTES)));
  const s = decodeScalars(bytes.subarray(3 * G1_BYTES));
  if (Abar === undefined || Bbar === undefined || D === undefined || s === undefined) return undefined;
  return {
    Abar,
    Bbar,
    D,
    eHat: s[0] as bigint,
    r1Hat: s[1] as bigint,
    r3Hat: s[2] as bigint,
    commitments: s.slice(3, -1),
    challenge: s.at(-1) as bigint,
  };
}

/** Number of undisclosed messages a proof of this many bytes carries (for ProofVerify's generator count). */
export function undisclosedCount(proofLength: number): number {
  return Math.floor((proofLength - (3 * G1_BYTES + 4 * SCALAR_BYTES)) / SCALAR_BYTES);
}

// ── Keys, generators, messages, domain ───────────────────────────────────────

export interface BbsKeyPair {
  secretKey: bigint;
  publicKey: Uint8Array;
}

/** `KeyGen`: SK from at least 32 bytes of key material. */
export function bbsKeyGen(keyMaterial: Uint8Array, keyInfo: Uint8Array = new Uint8Array(), keyDst?: Uint8Array): bigint {
  if (keyMaterial.length < 32) throw new RangeError('BBS key material must be at least 32 bytes');
  if (keyInfo.length > 65535) throw new RangeError('BBS key info is at most 65535 bytes');
  const sk = hashToScalar(concatBytes(keyMaterial, i2osp(keyInfo.length, 2), keyInfo), keyDst ?? utf8(`${BBS_CIPHERSUITE_ID}KEYGEN_DST_`));
  if (sk === 0n) throw new RangeError('BBS KeyGen produced 0');
  return sk;
}

/** `SkToPk`. */
export function bbsPublicKey(secretKey: bigint): Uint8Array {
  return G2.BASE.multiply(secretKey).toBytes(true);
}

/** A fresh key pair from the system's randomness. */
export function generateBbsKeyPair(): BbsKeyPair {
  const secretKey = bbsKeyGen(crypto.getRandomValues(new Uint8Array(32)));
  return { secretKey, publicKey: bbsPublicKey(secretKey) };
}

const generatorCache = new Map<string, { v: Uint8Array; points: G1Point[] }>();

/** `create_generators(count, api_id)`, cached per Interface and extended on demand (constant points). */
export function createGenerators(count: number, apiId: Uint8Array): G1Point[] {
  const key = String.fromCharCode(...apiId);
  let cached = generatorCache.get(key);
  const seedDst = concatBytes(apiId, utf8('SIG_GENERATOR_SEED_'));
  if (cached === undefined) {
    cached = { v: expandMessage(concatBytes(apiId, utf8('MESSAGE_GENERATOR_SEED')), seedDst, EXPAND_LEN), points: [] };
    generatorCache.set(key, cached);
  }
  const generatorDst = concatBytes(apiId, utf8('SIG_GENERATOR_DST_'));
  while (cached.points.length < count) {
    cached.v = expandMessage(concatBytes(cached.v, i2osp(cached.points.length + 1, 8)), seedDst, EXPAND_LEN);
    cached.points.push(hashToCurveG1(cached.v, generatorDst));
  }
  return cached.points.slice(0, count);
}

/** `messages_to_scalars`: each message hashed on its own (the pseudonym Interface relies on that). */
export function messagesToScalars(messages: readonly Uint8Array[], apiId: Uint8Array): bigint[] {
  const dst = concatBytes(apiId, utf8('MAP_MSG_TO_SCALAR_AS_HASH_'));
  return messages.map((m) => hashToScalar(m, dst));
}

export const h2sDst = (apiId: Uint8Array) => concatBytes(apiId, utf8('H2S_'));

/** `calculate_domain`. */
export function calculateDomain(publicKey: Uint8Array, Q1: G1Point, H: readonly G1Point[], header: Uint8Array, apiId: Uint8Array): bigint {
  const domOcts = concatBytes(serialize([{ int: H.length }, { point: Q1 }, ...points(H)]), apiId);
  return hashToScalar(concatBytes(publicKey, domOcts, i2osp(header.length, 8), header), h2sDst(apiId));
}

/** B = P1 + Q1·domain + Σ H_i·msg_i. */
export function signedPoint(generators: readonly G1Point[], domain: bigint, messages: readonly bigint[]): G1Point {
  return P1.add(sumOfProducts(generators, [domain, ...messages]));
}

// ── Core operations ──────────────────────────────────────────────────────────

/** `CoreSign` (deterministic e). */
export function coreSign(
  secretKey: bigint,
  publicKey: Uint8Array,
  generators: readonly G1Point[],
  header: Uint8Array,
  messages: readonly bigint[],
  apiId: Uint8Array,
): Uint8Array {
  if (generators.length !== messages.length + 1) throw new RangeError('CoreSign: one generator per message, plus Q1');
  const domain = calculateDomain(publicKey, generators[0] as G1Point, generators.slice(1), header, apiId);
  const e = hashToScalar(serialize(scalars([secretKey, ...messages, domain])), h2sDst(apiId));
  return finishSignature(secretKey, e, signedPoint(generators, domain, messages));
}

/** A = B·1/(SK + e); refuses the (negligible) degenerate cases rather than emit an invalid signature. */
export function finishSignature(secretKey: bigint, e: bigint, B: G1Point): Uint8Array {
  const denominator = scalarAdd(secretKey, e);
  if (denominator === 0n || B.is0()) throw new RangeError('BBS: degenerate signature');
  return encodeSignature({ A: B.multiply(Fr.inv(denominator)), e });
}

/** e(P, Q)·e(R, S) == 1, without throwing on an identity point. */
function pairingProductIsOne(P: G1Point, Q: G2Point, R: G1Point, S: G2Point): boolean {
  if (P.is0() || R.is0()) return false;
  const gt = bls12_381.pairingBatch([
    { g1: P, g2: Q },
    { g1: R, g2: S },
  ]);
  return bls12_381.fields.Fp12.eql(gt, bls12_381.fields.Fp12.ONE);
}

/** `CoreVerify`. */
export function coreVerify(
  publicKey: Uint8Array,
  signature: Uint8Array,
  generators: readonly G1Point[],
  header: Uint8Array,
  messages: readonly bigint[],
  apiId: Uint8Array,
): boolean {
  const sig = decodeSignature(signature);
  const W = decodePublicKey(publicKey);
  if (sig === undefined || W === undefined || generators.length !== messages.length + 1) return false;
  const domain = calculateDomain(publicKey, generators[0] as G1Point, generators.slice(1), header, apiId);
  const B = signedPoint(generators, domain, messages);
  return pairingProductIsOne(sig.A, W, sig.A.multiply(sig.e).subtract(B), G2.BASE);
}

/** What ProofInit / ProofVerifyInit hand to the challenge. */
export interface ProofInit {
  Abar: G1Point;
  Bbar: G1Point;
  D: G1Point;
  T1: G1Point;
  T2: G1Point;
  domain: bigint;
}

/** Extra terms an extension (the pseudonym) adds to the challenge, after the base ones. */
export type ChallengeExtension = { points: G1Point[]; trailer: Uint8Array };

/** `ProofChallengeCalculate`, optionally extended (pseudonym, Ut and the context id). */
export function proofChallenge(
  init: ProofInit,
  disclosedIndexes: readonly number[],
  disclosedMessages: readonly bigint[],
  ph: Uint8Array,
  apiId: Uint8Array,
  extension?: ChallengeExtension,
): bigint {
  const items: Serializable[] = [
    { int: disclosedIndexes.length },
    ...disclosedIndexes.flatMap((index, k): Serializable[] => [{ int: index }, { scalar: disclosedMessages[k] as bigint }]),
  ];
  items.push(...points([init.Abar, init.Bbar, init.D, init.T1, init.T2]), ...points(extension?.points ?? []), { scalar: init.domain });
  const octets = concatBytes(serialize(items), i2osp(ph.length, 8), ph, extension?.trailer ?? new Uint8Array());
  return hashToScalar(octets, h2sDst(apiId));
}

/** Undisclosed indexes, after checking the disclosed ones are ascending and in range. */
export function undisclosedIndexes(total: number, disclosed: readonly number[]): number[] | undefined {
  for (let k = 0; k < disclosed.length; k++) {
    const i = disclosed[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= total || (k > 0 && i <= (disclosed[k - 1] as number))) return undefined;
  }
  const set = new Set(disclosed);
  return Array.from({ length: total }, (_, i) => i).filter((i) => !set.has(i));
}

export interface ProofGenState {
  init: ProofInit;
  /** (r1, r2, e~, r1~, r3~, m~_j…). */
  random: bigint[];
  signature: Signature;
  undisclosed: number[];
}

/** `ProofInit`, from a signature already decoded. */
export function proofInit(
  publicKey: Uint8Array,
  signature: Signature,
  generators: readonly G1Point[],
  random: readonly bigint[],
  header: Uint8Array,
  messages: readonly bigint[],
  undisclosed: readonly number[],
  apiId: Uint8Array,
): ProofInit {
  const [r1, r2, eTilde, r1Tilde, r3Tilde, ...mTilde] = random as [bigint, bigint, bigint, bigint, bigint, ...bigint[]];
  const [Q1, ...H] = generators as [G1Point, ...G1Point[]];
  const domain = calculateDomain(publicKey, Q1, H, header, apiId);
  const B = signedPoint(generators, domain, messages);
  const D = B.multiply(r2);
  const Abar = signature.A.multiply(scalarMul(r1, r2));
  const Bbar = D.multiply(r1).subtract(Abar.multiply(signature.e));
  const T1 = Abar.multiply(eTilde).add(D.multiply(r1Tilde));
  const T2 = D.multiply(r3Tilde).add(
    sumOfProducts(
      undisclosed.map((j) => H[j] as G1Point),
      mTilde,
    ),
  );
  return { Abar, Bbar, D, T1, T2, domain };
}

/** `ProofFinalize`. */
export function proofFinalize(
  init: ProofInit,
  challenge: bigint,
  e: bigint,
  random: readonly bigint[],
  undisclosedMessages: readonly bigint[],
): Uint8Array {
  const [r1, r2, eTilde, r1Tilde, r3Tilde, ...mTilde] = random as [bigint, bigint, bigint, bigint, bigint, ...bigint[]];
  const r3 = Fr.inv(r2);
  return encodeProof({
    Abar: init.Abar,
    Bbar: init.Bbar,
    D: init.D,
    eHat: scalarAdd(eTilde, scalarMul(e, challenge)),
    r1Hat: mod(r1Tilde - scalarMul(r1, challenge)),
    r3Hat: mod(r3Tilde - scalarMul(r3, challenge)),
    commitments: mTilde.map((m, j) => scalarAdd(m, scalarMul(undisclosedMessages[j] as bigint, challenge))),
    challenge,
  });
}

/** `CoreProofGen`; `extend` lets the pseudonym Interface add its terms to the challenge. */
export function coreProofGen(
  publicKey: Uint8Array,
  signatureBytes: Uint8Array,
  generators: readonly G1Point[],
  header: Uint8Array,
  ph: Uint8Array,
  messages: readonly bigint[],
  disclosedIndexes: readonly number[],
  apiId: Uint8Array,
  randomScalars: RandomScalars = systemRandomScalars,
  extend?: (random: readonly bigint[], undisclosed: readonly number[]) => ChallengeExtension | undefined,
): Uint8Array | undefined {
  const signature = decodeSignature(signatureBytes);
  const undisclosed = undisclosedIndexes(messages.length, disclosedIndexes);
  if (signature === undefined || undisclosed === undefined || generators.length !== messages.length + 1) return undefined;
  const random = randomScalars(5 + undisclosed.length);
  const init = proofInit(publicKey, signature, generators, random, header, messages, undisclosed, apiId);
  const extension = extend?.(random, undisclosed);
  if (extend !== undefined && extension === undefined) return undefined;
  const disclosedMessages = disclosedIndexes.map((i) => messages[i] as bigint);
  const challenge = proofChallenge(init, disclosedIndexes, disclosedMessages, ph, apiId, extension);
  return proofFinalize(
    init,
    challenge,
    signature.e,
    random,
    undisclosed.map((j) => messages[j] as bigint),
  );
}

/** `ProofVerifyInit`; undefined when the indexes or lengths do not fit. */
export function proofVerifyInit(
  publicKey: Uint8Array,
  proof: Proof,
  generators: readonly G1Point[],
  header: Uint8Array,
  disclosedMessages: readonly bigint[],
  disclosedIndexes: readonly number[],
  apiId: Uint8Array,
): ProofInit | undefined {
  const total = disclosedIndexes.length + proof.commitments.length;
  const undisclosed = undisclosedIndexes(total, disclosedIndexes);
  if (undisclosed === undefined || disclosedMessages.length !== disclosedIndexes.length || generators.length !== total + 1)
    return undefined;
  const [Q1, ...H] = generators as [G1Point, ...G1Point[]];
  const domain = calculateDomain(publicKey, Q1, H, header, apiId);
  const T1 = proof.Bbar.multiply(proof.challenge).add(proof.Abar.multiply(proof.eHat)).add(proof.D.multiply(proof.r1Hat));
  const Bv = P1.add(mul(Q1, domain)).add(
    sumOfProducts(
      disclosedIndexes.map((i) => H[i] as G1Point),
      disclosedMessages,
    ),
  );
  const T2 = Bv.multiply(proof.challenge)
    .add(proof.D.multiply(proof.r3Hat))
    .add(
      sumOfProducts(
        undisclosed.map((j) => H[j] as G1Point),
        proof.commitments,
      ),
    );
  return { Abar: proof.Abar, Bbar: proof.Bbar, D: proof.D, T1, T2, domain };
}

/** `CoreProofVerify`; `extend` recomputes the pseudonym Interface's challenge terms from the proof. */
export function coreProofVerify(
  publicKey: Uint8Array,
  proofBytes: Uint8Array,
  generators: readonly G1Point[],
  header: Uint8Array,
  ph: Uint8Array,
  disclosedMessages: readonly bigint[],
  disclosedIndexes: readonly number[],
  apiId: Uint8Array,
  extend?: (proof: Proof) => ChallengeExtension | undefined,
): boolean {
  const proof = decodeProof(proofBytes);
  const W = decodePublicKey(publicKey);
  if (proof === undefined || W === undefined) return false;
  const init = proofVerifyInit(publicKey, proof, generators, header, disclosedMessages, disclosedIndexes, apiId);
  if (init === undefined) return false;
  const extension = extend?.(proof);
  if (extend !== undefined && extension === undefined) return false;
  if (proofChallenge(init, disclosedIndexes, disclosedMessages, ph, apiId, extension) !== proof.challenge) return false;
  return pairingProductIsOne(proof.Abar, W, proof.Bbar, G2.BASE.negate());
}

// ── The BBS Signatures Interface ─────────────────────────────────────────────

export function bbsSign(secretKey: bigint, publicKey: Uint8Array, header: Uint8Array, messages: readonly Uint8Array[]): Uint8Array {
  const scalarsOf = messagesToScalars(messages, BBS_API_ID);
  return coreSign(secretKey, publicKey, createGenerators(messages.length + 1, BBS_API_ID), header, scalarsOf, BBS_API_ID);
}

export function bbsVerify(publicKey: Uint8Array, signature: Uint8Array, header: Uint8Array, messages: readonly Uint8Array[]): boolean {
  return coreVerify(
    publicKey,
    signature,
    createGenerators(messages.length + 1, BBS_API_ID),
    header,
    messagesToScalars(messages, BBS_API_ID),
    BBS_API_ID,
  );
}

export function bbsProofGen(
  publicKey: Uint8Array,
  signature: Uint8Array,
  header: Uint8Array,
  ph: Uint8Array,
  messages: readonly Uint8Array[],
  disclosedIndexes: readonly number[],
  randomScalars: RandomScalars = systemRandomScalars,
): Uint8Array | undefined {
  return coreProofGen(
    publicKey,
    signature,
    createGenerators(messages.length + 1, BBS_API_ID),
    header,
    ph,
    messagesToScalars(messages, BBS_API_ID),
    disclosedIndexes,
    BBS_API_ID,
    randomScalars,
  );
}

export function bbsProofVerify(
  publicKey: Uint8Array,
  proof: Uint8Array,
  header: Uint8Array,
  ph: Uint8Array,
  disclosedMessages: readonly Uint8Array[],
  disclosedIndexes: readonly number[],
): boolean {
  if (proof.length < 3 * G1_BYTES + 4 * SCALAR_BYTES) return false;
  const total = undisclosedCount(proof.length) + disclosedIndexes.length;
  return coreProofVerify(
    publicKey,
    proof,
    createGenerators(total + 1, BBS_API_ID),
    header,
    ph,
    messagesToScalars(disclosedMessages, BBS_API_ID),
    disclosedIndexes,
    BBS_API_ID,
  );
}
