/**
 * C2SP tlog-cosignature v1 (Ed25519): a witness's timestamped statement that a
 * checkpoint is the largest consistent tree it has seen for the log. The
 * signature line carries key ID || u64 timestamp || Ed25519 signature over
 * "cosignature/v1\ntime <t>\n" followed by the checkpoint text. The key ID uses
 * signature type 0x04, so a cosigner key can never pass for a plain note key.
 */
import type { Clock } from '../core/index.ts';
import { concatBytes } from '../core/index.ts';
import { encodeBase64 } from './base64.ts';
import { parseCheckpoint } from './checkpoint.ts';
import {
  ED25519_SIGNATURE_BYTES,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  ed25519Sign,
  ed25519Verify,
  keyPairFromSeed,
  noteKeyId,
  publicKeyObject,
} from './ed25519.ts';
import { type NoteSigner, type NoteVerifier, isValidKeyName } from './note.ts';

const HEADER = 'cosignature/v1';
const MAX_TIMESTAMP = (1n << 63n) - 1n;
const TIMESTAMPED_SIGNATURE_BYTES = 8 + ED25519_SIGNATURE_BYTES;
const encoder = new TextEncoder();

/** A verifier of cosignatures by one witness; `vkey` is its C2SP verifier key. */
export interface CosignatureVerifier extends NoteVerifier {
  readonly vkey: string;
}

/** A witness's signing key; `verifier` checks what it signs. */
export interface Cosigner extends NoteSigner {
  readonly verifier: CosignatureVerifier;
}

/**
 * The exact bytes a v1 cosignature signs.
 *
 * @example
 * cosignatureMessage(1679315147n, 'example.com/log\n42\n...=\n');
 */
export function cosignatureMessage(timestamp: bigint, checkpointText: string): Uint8Array {
  if (typeof timestamp !== 'bigint' || timestamp < 0n || timestamp > MAX_TIMESTAMP)
    throw new TypeError('timestamp must be a bigint in [0, 2^63)');
  return encoder.encode(`${HEADER}\ntime ${timestamp}\n${checkpointText}`);
}

/**
 * The timestamp inside a cosignature (the bytes after the key ID), or null when
 * it is not a v1 Ed25519 cosignature.
 *
 * @example
 * const t = cosignatureTimestamp(opened.signatures[1].signature);
 */
export function cosignatureTimestamp(signature: Uint8Array): bigint | null {
  if (!(signature instanceof Uint8Array) || signature.length !== TIMESTAMPED_SIGNATURE_BYTES) return null;
  const t = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  return t <= MAX_TIMESTAMP ? t : null;
}

function vkeyOf(name: string, keyId: number, publicKey: Uint8Array): string {
  const key = concatBytes(new Uint8Array([SIGNATURE_TYPE_COSIGNATURE_V1]), publicKey);
  return `${name}+${keyId.toString(16).padStart(8, '0')}+${encodeBase64(key)}`;
}

/**
 * A verifier for a witness's v1 cosignatures.
 *
 * @example
 * const w1 = cosignatureVerifier('witness.example/w1', publicKey);
 */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): CosignatureVerifier {
  if (!isValidKeyName(name)) throw new TypeError('invalid key name');
  const key = publicKeyObject(publicKey);
  const keyId = noteKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey);
  return {
    name,
    keyId,
    vkey: vkeyOf(name, keyId, publicKey),
    verify(text: Uint8Array, signature: Uint8Array): boolean {
      const timestamp = cosignatureTimestamp(signature);
      if (timestamp === null || !(text instanceof Uint8Array)) return false;
      const message = concatBytes(encoder.encode(`${HEADER}\ntime ${timestamp}\n`), text);
      return ed25519Verify(key, message, signature.subarray(8));
    },
  };
}

/**
 * A witness key that cosigns checkpoints at the clock's current time (whole
 * seconds). It refuses to sign anything that is not a checkpoint.
 *
 * @example
 * const witness = cosigner('witness.example/w1', seed, clock);
 * const line = signatureLine(checkpointText, witness);
 */
export function cosigner(name: string, seed: Uint8Array, clock: Clock): Cosigner {
  const { privateKey, publicKey } = keyPairFromSeed(seed);
  const verifier = cosignatureVerifier(name, publicKey);
  return {
    name,
    keyId: verifier.keyId,
    verifier,
    sign(text: Uint8Array): Uint8Array {
      const body = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(text);
      parseCheckpoint(body); // a witness states facts about checkpoints only
      const timestamp = BigInt(Math.floor(clock.now().getTime() / 1000));
      const signature = ed25519Sign(privateKey, cosignatureMessage(timestamp, body));
      const out = new Uint8Array(TIMESTAMPED_SIGNATURE_BYTES);
      new DataView(out.buffer).setBigUint64(0, timestamp);
      out.set(signature, 8);
      return out;
    },
  };
}
