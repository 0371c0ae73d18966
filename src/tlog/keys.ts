/**
 * Note keys in the C2SP / Go sumdb text encodings:
 *   verifier key  <name>+<8 hex key ID>+base64(type || public key)
 *   signer key    PRIVATE+KEY+<name>+<8 hex key ID>+base64(0x01 || Ed25519 seed)
 * Type 0x01 is a plain Ed25519 note key (the log's), 0x04 a tlog-cosignature v1
 * witness key. The key ID is always recomputed and must match.
 */
import type { Random } from '../core/index.ts';
import { MvidError, concatBytes } from '../core/index.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { type CosignatureVerifier, cosignatureVerifier } from './cosignature.ts';
import {
  ED25519_KEY_BYTES,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  ed25519Sign,
  ed25519Verify,
  keyPairFromSeed,
  noteKeyId,
  publicKeyObject,
} from './ed25519.ts';
import { type NoteSigner, type NoteVerifier, isValidKeyName } from './note.ts';

/** A note verifier that can print itself as a verifier key. */
export interface KeyedVerifier extends NoteVerifier {
  readonly vkey: string;
}

/** An Ed25519 note signer with its matching verifier. */
export interface Ed25519Signer extends NoteSigner {
  readonly verifier: KeyedVerifier;
}

function keyError(message: string): MvidError {
  return new MvidError('note_key_invalid', message);
}

function hex8(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Splits at the first `sep`, like Go's strings.Cut without the found flag. */
function chop(text: string, sep: string): [string, string] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + sep.length)];
}

/** Reads "<name>+<hex id>+<base64 key>" and checks the key ID against the key. */
function readKeyTriple(text: string, what: string): { name: string; keyId: number; type: number; key: Uint8Array } {
  const [name, rest] = chop(text, '+');
  const [hex, base64] = chop(rest, '+');
  const raw = decodeBase64(base64);
  if (!isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(hex) || raw === null || raw.length < 1) throw keyError(`malformed ${what} key`);
  const keyId = Number.parseInt(hex, 16);
  const type = raw[0] as number;
  const key = raw.slice(1);
  return { name, keyId, type, key };
}

/**
 * A verifier for plain Ed25519 note signatures (type 0x01), e.g. the log's.
 *
 * @example
 * const log = ed25519Verifier('mvid.example/log', keys.logSigning.publicKey);
 */
export function ed25519Verifier(name: string, publicKey: Uint8Array): KeyedVerifier {
  if (!isValidKeyName(name)) throw new TypeError('invalid key name');
  const key = publicKeyObject(publicKey);
  const keyId = noteKeyId(name, SIGNATURE_TYPE_ED25519, publicKey);
  const encoded = encodeBase64(concatBytes(new Uint8Array([SIGNATURE_TYPE_ED25519]), publicKey));
  return {
    name,
    keyId,
    vkey: `${name}+${hex8(keyId)}+${encoded}`,
    verify: (text, signature) => text instanceof Uint8Array && ed25519Verify(key, text, signature),
  };
}

/**
 * An Ed25519 note signer from a 32-byte seed (the log key from the key directory).
 *
 * @example
 * const signer = ed25519Signer('mvid.example/log', keys.logSigning.seed);
 */
export function ed25519Signer(name: string, seed: Uint8Array): Ed25519Signer {
  if (!isValidKeyName(name)) throw new TypeError('invalid key name');
  const { privateKey, publicKey } = keyPairFromSeed(seed);
  const verifier = ed25519Verifier(name, publicKey);
  return { name, keyId: verifier.keyId, verifier, sign: (text) => ed25519Sign(privateKey, text) };
}

/**
 * Parses a verifier key: type 0x01 (Ed25519 note key) or 0x04 (tlog-cosignature
 * v1 witness key). Throws `note_key_invalid`.
 *
 * @example
 * const peter = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 */
export function parseVerifierKey(vkey: string): KeyedVerifier | CosignatureVerifier {
  if (typeof vkey !== 'string') throw new TypeError('vkey must be a string');
  const { name, keyId, type, key } = readKeyTriple(vkey, 'verifier');
  if (noteKeyId(name, type, key) !== keyId) throw keyError('verifier key ID does not match the key');
  if (key.length !== ED25519_KEY_BYTES) throw keyError('malformed verifier key');
  if (type === SIGNATURE_TYPE_ED25519) return ed25519Verifier(name, key);
  if (type === SIGNATURE_TYPE_COSIGNATURE_V1) return cosignatureVerifier(name, key);
  throw keyError(`unknown verifier key type 0x${type.toString(16).padStart(2, '0')}`);
}

/**
 * Parses a witness's verifier key, which must be a tlog-cosignature v1 (0x04) key: a
 * plain Ed25519 note key signs no timestamp, so its signatures prove nothing about when
 * the witness saw a checkpoint. Throws `note_key_invalid`.
 *
 * @example
 * const w1 = parseWitnessKey('witness.example/w1+1f0d0c0e+BCk...');
 */
export function parseWitnessKey(vkey: string): CosignatureVerifier {
  if (typeof vkey !== 'string') throw new TypeError('vkey must be a string');
  const { type } = readKeyTriple(vkey, 'verifier');
  if (type !== SIGNATURE_TYPE_COSIGNATURE_V1) throw keyError('a witness key must be a cosignature/v1 (type 0x04) key');
  return parseVerifierKey(vkey) as CosignatureVerifier;
}

/**
 * Parses a signer key (`PRIVATE+KEY+...`, Ed25519 only) and checks its key ID
 * against the derived public key. Throws `note_key_invalid`.
 *
 * @example
 * const signer = parseSignerKey(readFileSync(path, 'utf8').trim());
 */
export function parseSignerKey(skey: string): Ed25519Signer {
  if (typeof skey !== 'string') throw new TypeError('skey must be a string');
  const [private1, rest1] = chop(skey, '+');
  const [private2, rest2] = chop(rest1, '+');
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') throw keyError('malformed signer key');
  const { name, keyId, type, key } = readKeyTriple(rest2, 'signer');
  if (type !== SIGNATURE_TYPE_ED25519) throw keyError(`unknown signer key type 0x${type.toString(16).padStart(2, '0')}`);
  if (key.length !== ED25519_KEY_BYTES) throw keyError('malformed signer key');
  const signer = ed25519Signer(name, key);
  if (signer.keyId !== keyId) throw keyError('signer key ID does not match the key');
  return signer;
}

/**
 * A new Ed25519 note key pair for `name`, as signer and verifier key strings.
 *
 * @example
 * const { skey, vkey } = generateNoteKey('mvid.example/log', systemRandom);
 */
export function generateNoteKey(name: string, random: Random): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw new TypeError('invalid key name');
  const seed = random.bytes(ED25519_KEY_BYTES);
  const signer = ed25519Signer(name, seed);
  const encodedSeed = encodeBase64(concatBytes(new Uint8Array([SIGNATURE_TYPE_ED25519]), seed));
  seed.fill(0);
  return { skey: `PRIVATE+KEY+${name}+${hex8(signer.keyId)}+${encodedSeed}`, vkey: signer.verifier.vkey };
}
