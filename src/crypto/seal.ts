/**
 * Sealing small messages to a recipient's public key (ECIES on ristretto255),
 * used to carry partial decryptions from trustees to the requesting authority
 * through the server without the server ever seeing them in the clear.
 *
 *   e random, E = e·G, K = HKDF-SHA256(enc(e·P) ‖ enc(E) ‖ enc(P), "mvid seal v1"),
 *   ciphertext = AES-256-GCM(K, random nonce, plaintext, frame("mvid seal v1", aad)).
 *
 * The sender is anonymous: anyone can seal to P. Authenticity of what is
 * carried comes from inside (a partial carries its own DLEQ proof); `aad` is
 * for binding context such as the request id, so a sealed message cannot be
 * moved to another request.
 */
import { systemRandom, toBase64Url } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { assertBytes, decodeBase64UrlStrict, fail, frame, readBytesField, readObject, wipe } from './encoding.ts';
import {
  POINT_BYTES,
  encodePoint,
  encodeScalar,
  multiplyBaseSecret,
  multiplySecret,
  randomBytes,
  randomScalar,
  decodePoint,
  readPointBytesField,
  tryDecodePoint,
  tryDecodeScalar,
} from './group.ts';
import { sodiumIfLoaded } from './sodium.ts';
import { GCM_NONCE_BYTES, GCM_TAG_BYTES, aesGcmOpen, aesGcmSeal, hkdfSha256 } from './symmetric.ts';

const SEAL_DOMAIN = 'mvid seal v1';
/** Largest plaintext `sealToRecipient` accepts. */
export const MAX_SEALED_PLAINTEXT_BYTES = 64 * 1024;

/** A recipient key pair; `publicKey` is base64url, `secretKey` a 32-byte scalar (store as base64url, wipe after use). */
export interface RecipientKeyPair {
  publicKey: string;
  secretKey: Uint8Array;
}

/** A message sealed to one recipient. Plain JSON. */
export interface SealedMessage {
  version: 1;
  /** Ephemeral public key E, base64url. */
  epk: string;
  nonce: string;
  /** AES-256-GCM ciphertext ‖ tag, base64url. */
  ciphertext: string;
}

/**
 * A fresh recipient key pair.
 * @example
 * const { publicKey, secretKey } = generateRecipientKeyPair();
 * await writeFile('authority.key', toBase64Url(secretKey), { mode: 0o600 });
 */
export function generateRecipientKeyPair(random: Random = systemRandom): RecipientKeyPair {
  const s = randomScalar(random);
  return { publicKey: toBase64Url(encodePoint(multiplyBaseSecret(s))), secretKey: encodeScalar(s) };
}

/**
 * The public key belonging to a recipient secret key.
 * @example
 * const publicKey = recipientPublicKey(fromBase64Url(await readFile('authority.key', 'utf8')));
 */
export function recipientPublicKey(secretKey: Uint8Array): string {
  assertBytes(secretKey, 'secretKey');
  const s = tryDecodeScalar(secretKey);
  if (s === undefined) throw new TypeError('secretKey is not a valid 32-byte recipient secret');
  return toBase64Url(encodePoint(multiplyBaseSecret(s)));
}

function sealKey(sharedBytes: Uint8Array, epk: Uint8Array, recipient: Uint8Array): Uint8Array {
  const ikm = new Uint8Array(POINT_BYTES * 3);
  ikm.set(sharedBytes, 0);
  ikm.set(epk, POINT_BYTES);
  ikm.set(recipient, POINT_BYTES * 2);
  const key = hkdfSha256(ikm, SEAL_DOMAIN, 32);
  wipe(sharedBytes, ikm);
  return key;
}

/**
 * Encrypts `plaintext` so that only the holder of the matching secret key can
 * read it, bound to `aad` (which is not encrypted and must be supplied again to open).
 * @example
 * const sealed = sealToRecipient(authorityPublicKey, utf8(JSON.stringify(partial)), utf8(requestId));
 */
export function sealToRecipient(
  recipientPublicKey: string,
  plaintext: Uint8Array,
  aad: Uint8Array,
  random: Random = systemRandom,
): SealedMessage {
  assertBytes(plaintext, 'plaintext');
  assertBytes(aad, 'aad');
  if (plaintext.length > MAX_SEALED_PLAINTEXT_BYTES) throw new RangeError(`plaintext exceeds ${MAX_SEALED_PLAINTEXT_BYTES} bytes`);
  if (typeof recipientPublicKey !== 'string') throw new TypeError('recipientPublicKey must be a base64url string');
  const recipientBytes = decodeBase64UrlStrict(recipientPublicKey);
  const p = recipientBytes === undefined ? undefined : tryDecodePoint(recipientBytes);
  if (p === undefined || recipientBytes === undefined) {
    fail('crypto_encoding_invalid', 'recipientPublicKey is not a valid ristretto255 public key', { field: 'recipientPublicKey' });
  }
  const e = randomScalar(random);
  const epk = encodePoint(multiplyBaseSecret(e));
  const key = sealKey(encodePoint(multiplySecret(p, e)), epk, recipientBytes);
  const nonce = randomBytes(random, GCM_NONCE_BYTES);
  try {
    const ciphertext = aesGcmSeal(key, nonce, plaintext, frame(SEAL_DOMAIN, aad));
    return { version: 1, epk: toBase64Url(epk), nonce: toBase64Url(nonce), ciphertext: toBase64Url(ciphertext) };
  } finally {
    wipe(key);
  }
}

/**
 * Opens a sealed message with the recipient's secret key and the same `aad`.
 * Throws `sealed_message_invalid` if it is malformed, tampered, sealed to
 * another key or bound to other associated data.
 * @example
 * const partial = JSON.parse(new TextDecoder().decode(openFromSender(secretKey, sealed, utf8(requestId))));
 */
export function openFromSender(recipientSecret: Uint8Array, sealed: unknown, aad: Uint8Array): Uint8Array {
  assertBytes(recipientSecret, 'recipientSecret');
  assertBytes(aad, 'aad');
  const s = tryDecodeScalar(recipientSecret);
  if (s === undefined) throw new TypeError('recipientSecret is not a valid 32-byte recipient secret');
  const code = 'sealed_message_invalid';
  const m = readObject(sealed, 'sealed message', code);
  if (m.version !== 1) fail(code, 'unsupported sealed message version', { field: 'version' });
  const na = sodiumIfLoaded();
  const epk = readPointBytesField(m.epk, 'epk', code);
  const nonce = readBytesField(m.nonce, 'nonce', GCM_NONCE_BYTES, code);
  const ciphertext = readBytesField(m.ciphertext, 'ciphertext', [GCM_TAG_BYTES, MAX_SEALED_PLAINTEXT_BYTES + GCM_TAG_BYTES], code);
  // s·G and s·E: on libsodium when this thread has loaded it (the authority's release path
  // does; ~5× faster), else on noble; both constant time, same bytes.
  const key =
    na === undefined
      ? sealKey(encodePoint(multiplySecret(decodePoint(epk), s)), epk, encodePoint(multiplyBaseSecret(s)))
      : sealKey(na.crypto_scalarmult_ristretto255(recipientSecret, epk), epk, na.crypto_scalarmult_ristretto255_base(recipientSecret));
  try {
    const plaintext = aesGcmOpen(key, nonce, ciphertext, frame(SEAL_DOMAIN, aad));
    if (plaintext === undefined) fail(code, 'the sealed message does not open with this key and associated data');
    return plaintext;
  } finally {
    wipe(key);
  }
}
