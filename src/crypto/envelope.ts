/**
 * Escrow envelopes: the only place a person's legal identity is stored.
 *
 * ElGamal used as a KEM on ristretto255, then AES-256-GCM:
 *   r random, C1 = r·G, S = r·Y,
 *   K = HKDF-SHA256(ikm = enc(S) ‖ enc(C1), info "mvid escrow v1", 32 bytes),
 *   ciphertext = AES-256-GCM(K, random 12-byte nonce, plaintext, AAD).
 * Opening needs S = x·C1, which only M trustees together can produce
 * (see threshold.ts). The AAD binds the envelope id, person id, trustee-set id
 * and field group, so an envelope cannot be replayed under another person or
 * passed off as another field group.
 */
import { createHash } from 'node:crypto';
import { systemRandom, toBase64Url } from '../core/index.ts';
import { commit } from './commit.ts';
import type { Random } from '../core/index.ts';
import {
  assertBytes,
  assertLabel,
  decodeBase64UrlStrict,
  fail,
  frame,
  readBytesField,
  readLabelField,
  readObject,
  u32be,
  wipe,
} from './encoding.ts';
import {
  POINT_BYTES,
  type Point,
  encodePoint,
  encodeScalar,
  fixedPublicKey,
  multiplyBaseSecret,
  multiplySecret,
  randomBytes,
  randomScalar,
  readPointField,
} from './group.ts';
import { sodiumIfLoaded } from './sodium.ts';
import { GCM_NONCE_BYTES, GCM_TAG_BYTES, aesGcmOpen, aesGcmSeal, hkdfSha256 } from './symmetric.ts';

/** Largest plaintext an envelope may carry; identity records are small, and this bounds parsing work. */
export const MAX_ENVELOPE_PLAINTEXT_BYTES = 64 * 1024;
const ENVELOPE_KDF_INFO = 'mvid escrow v1';
const ENVELOPE_AAD_DOMAIN = 'mvid envelope v1';

/** A sealed escrow envelope. Plain JSON; reveals nothing but its ids and the plaintext length. */
export interface Envelope {
  version: 1;
  envelopeId: string;
  personId: string;
  trusteeSetId: string;
  /** Which group of fields this envelope holds (e.g. "legal-name"), so envelopes can be opened selectively. */
  fieldGroup: string;
  /** C1 = r·G, base64url. Trustees compute x_i·C1 from it. */
  c1: string;
  nonce: string;
  /** AES-256-GCM ciphertext ‖ tag, base64url. */
  ciphertext: string;
}

export interface SealEnvelopeInput {
  /** Y from `TrusteeSet.escrowPublicKey`. */
  escrowPublicKey: string;
  envelopeId: string;
  personId: string;
  trusteeSetId: string;
  fieldGroup: string;
  plaintext: Uint8Array;
}

function associatedData(e: Pick<Envelope, 'version' | 'envelopeId' | 'personId' | 'trusteeSetId' | 'fieldGroup' | 'c1'>): Uint8Array {
  return frame(ENVELOPE_AAD_DOMAIN, u32be(e.version), e.envelopeId, e.personId, e.trusteeSetId, e.fieldGroup, e.c1);
}

/** K from the shared point and C1; including C1 ties the key to this very ciphertext. */
function envelopeKey(sharedPoint: Uint8Array, c1: Uint8Array): Uint8Array {
  const ikm = new Uint8Array(POINT_BYTES * 2);
  ikm.set(sharedPoint, 0);
  ikm.set(c1, POINT_BYTES);
  const key = hkdfSha256(ikm, ENVELOPE_KDF_INFO, 32);
  wipe(ikm);
  return key;
}

/**
 * C1 = r·G and S = r·Y, encoded. On libsodium when this thread has it loaded (the sealing
 * workers do: ~4× faster), else on noble; both are constant time and give the same bytes.
 */
function ephemeralAndShared(r: bigint, y: Point, yBytes: Uint8Array): { c1Bytes: Uint8Array; shared: Uint8Array } {
  const na = sodiumIfLoaded();
  if (na === undefined) return { c1Bytes: encodePoint(multiplyBaseSecret(r)), shared: encodePoint(multiplySecret(y, r)) };
  const scalar = encodeScalar(r);
  try {
    return { c1Bytes: na.crypto_scalarmult_ristretto255_base(scalar), shared: na.crypto_scalarmult_ristretto255(scalar, yBytes) };
  } finally {
    wipe(scalar);
  }
}

/**
 * Seals `plaintext` to the escrow public key of a trustee set.
 * @example
 * const envelope = sealEnvelope({
 *   escrowPublicKey: trusteeSet.escrowPublicKey, trusteeSetId: trusteeSet.id,
 *   envelopeId: 'env-1', personId: 'person-1', fieldGroup: 'legal-name',
 *   plaintext: utf8(JSON.stringify({ name: 'Ada Lovelace' })),
 * });
 */
export function sealEnvelope(input: SealEnvelopeInput, random: Random = systemRandom): Envelope {
  const { envelopeId, personId, trusteeSetId, fieldGroup, plaintext } = input;
  assertLabel(envelopeId, 'envelopeId');
  assertLabel(personId, 'personId');
  assertLabel(trusteeSetId, 'trusteeSetId');
  assertLabel(fieldGroup, 'fieldGroup');
  assertBytes(plaintext, 'plaintext');
  if (plaintext.length > MAX_ENVELOPE_PLAINTEXT_BYTES) throw new RangeError(`plaintext exceeds ${MAX_ENVELOPE_PLAINTEXT_BYTES} bytes`);
  if (typeof input.escrowPublicKey !== 'string') throw new TypeError('escrowPublicKey must be a base64url string');
  // The identity as Y would make S = r·0 = 0 public: refuse it (and anything that is not a point).
  const keyBytes = decodeBase64UrlStrict(input.escrowPublicKey);
  const y = keyBytes === undefined ? undefined : fixedPublicKey(keyBytes);
  if (y === undefined)
    fail('crypto_encoding_invalid', 'escrowPublicKey is not a valid ristretto255 public key', { field: 'escrowPublicKey' });

  const r = randomScalar(random);
  const { c1Bytes, shared } = ephemeralAndShared(r, y, keyBytes as Uint8Array);
  const key = envelopeKey(shared, c1Bytes);
  wipe(shared);
  const nonce = randomBytes(random, GCM_NONCE_BYTES);
  const header = { version: 1 as const, envelopeId, personId, trusteeSetId, fieldGroup, c1: toBase64Url(c1Bytes) };
  try {
    const ciphertext = aesGcmSeal(key, nonce, plaintext, associatedData(header));
    return { ...header, nonce: toBase64Url(nonce), ciphertext: toBase64Url(ciphertext) };
  } finally {
    wipe(key);
  }
}

/**
 * Validates an untrusted envelope's shape and encodings; throws `envelope_invalid`.
 * @example
 * const envelope = parseEnvelope(JSON.parse(row.envelope_json));
 */
export function parseEnvelope(value: unknown): Envelope {
  const code = 'envelope_invalid';
  const e = readObject(value, 'envelope', code);
  if (e.version !== 1) fail(code, 'unsupported envelope version', { field: 'version' });
  readPointField(e.c1, 'c1', code);
  readBytesField(e.nonce, 'nonce', GCM_NONCE_BYTES, code);
  readBytesField(e.ciphertext, 'ciphertext', [GCM_TAG_BYTES, MAX_ENVELOPE_PLAINTEXT_BYTES + GCM_TAG_BYTES], code);
  return {
    version: 1,
    envelopeId: readLabelField(e.envelopeId, 'envelopeId', code),
    personId: readLabelField(e.personId, 'personId', code),
    trusteeSetId: readLabelField(e.trusteeSetId, 'trusteeSetId', code),
    fieldGroup: readLabelField(e.fieldGroup, 'fieldGroup', code),
    c1: e.c1 as string,
    nonce: e.nonce as string,
    ciphertext: e.ciphertext as string,
  };
}

/**
 * Opens an envelope given S = x·C1 (32-byte encoding), e.g. from `combinePartials`.
 * Throws `envelope_invalid` if the envelope is malformed or S, the ciphertext
 * or any bound id is wrong — all indistinguishable on purpose.
 * @example
 * const { point } = combinePartials(partials, { ... });
 * const plaintext = openEnvelopeWithSharedPoint(envelope, point);
 */
export function openEnvelopeWithSharedPoint(envelope: Envelope, sharedPoint: Uint8Array): Uint8Array {
  assertBytes(sharedPoint, 'sharedPoint');
  const e = parseEnvelope(envelope);
  if (sharedPoint.length !== POINT_BYTES) throw new TypeError('sharedPoint must be a 32-byte point encoding');
  const c1 = decodeBase64UrlStrict(e.c1) as Uint8Array;
  const key = envelopeKey(sharedPoint, c1);
  try {
    const plaintext = aesGcmOpen(
      key,
      decodeBase64UrlStrict(e.nonce) as Uint8Array,
      decodeBase64UrlStrict(e.ciphertext) as Uint8Array,
      associatedData(e),
    );
    if (plaintext === undefined) fail('envelope_invalid', 'the envelope does not decrypt with this key and these ids');
    return plaintext;
  } finally {
    wipe(key);
  }
}

const BINDING_DOMAIN = 'mvid/escrow/envelope-binding/v1';

/**
 * The commitment an `envelope_sealed` log entry carries: SHA-256 commitment (commit.ts) to
 * the envelope id, person id, trustee-set id, field group and SHA-256 of C1, base64url.
 * Person ids are random UUIDs, so the commitment cannot be tested against a guess; whoever
 * is shown the person id (by a pseudonym proof) and the envelope can recompute it.
 */
export function envelopeBinding(e: Pick<Envelope, 'envelopeId' | 'personId' | 'trusteeSetId' | 'fieldGroup' | 'c1'>): string {
  const c1Hash = new Uint8Array(createHash('sha256').update(e.c1).digest());
  return toBase64Url(commit(BINDING_DOMAIN, frame(e.envelopeId, e.personId, e.trusteeSetId, e.fieldGroup, c1Hash)));
}
