/**
 * The court-order document travels to the trustees end to end encrypted: the
 * authority encrypts it once under a fresh AES-256-GCM key and seals that key to each
 * trustee's registered key. The server stores ciphertext only; a trustee's client
 * opens it and checks its SHA-256 against the hash the logged order commits to.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { fromBase64Url, MvidError, type Random, systemRandom, toBase64Url, utf8 } from '../core/index.ts';
import { openFromSender, type SealedMessage, sealToRecipient } from '../crypto/index.ts';
import type { OrderDocument } from './types.ts';

function aad(documentSha256: string): Uint8Array {
  return utf8(`mvid court order document v1\0${documentSha256}`);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Encrypts an order document for the given trustees (those without a key get none).
 * @example
 * const { documentSha256, orderDocument } = encryptOrderDocument(pdfBytes, await trusteeKeys());
 */
export function encryptOrderDocument(
  document: Uint8Array,
  trustees: ReadonlyArray<{ trusteeIndex: number; encryptionKey: string | null }>,
  random: Random = systemRandom,
): { documentSha256: string; orderDocument: OrderDocument } {
  const documentSha256 = sha256Hex(document);
  const key = random.bytes(32);
  const nonce = random.bytes(12);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(documentSha256));
    const ciphertext = Buffer.concat([cipher.update(document), cipher.final(), cipher.getAuthTag()]);
    const keys = trustees
      .filter((t): t is { trusteeIndex: number; encryptionKey: string } => t.encryptionKey !== null)
      .map((t) => ({ trusteeIndex: t.trusteeIndex, sealed: sealToRecipient(t.encryptionKey, key, aad(documentSha256), random) }));
    return { documentSha256, orderDocument: { nonce: toBase64Url(nonce), ciphertext: toBase64Url(ciphertext), keys } };
  } finally {
    key.fill(0);
  }
}

/**
 * Opens the document with the trustee's secret key and checks it is the one the order names.
 * @throws MvidError sealed_message_invalid | request_mismatch
 */
export function openOrderDocument(
  doc: { nonce: string; ciphertext: string; sealedKey: SealedMessage | null },
  trusteeSecret: Uint8Array,
  documentSha256: string,
): Uint8Array {
  if (doc.sealedKey === null) throw new MvidError('request_mismatch', 'the order document was not sealed to this trustee');
  const key = openFromSender(trusteeSecret, doc.sealedKey, aad(documentSha256));
  try {
    const bytes = fromBase64Url(doc.ciphertext);
    if (bytes.length < 16) throw new MvidError('request_mismatch', 'the order document ciphertext is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, fromBase64Url(doc.nonce));
    decipher.setAAD(aad(documentSha256));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    let plain: Uint8Array;
    try {
      plain = new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]));
    } catch {
      throw new MvidError('request_mismatch', 'the order document does not decrypt');
    }
    if (sha256Hex(plain) !== documentSha256)
      throw new MvidError('request_mismatch', 'the order document is not the one the logged order names');
    return plain;
  } finally {
    key.fill(0);
  }
}
