/**
 * Strict standard base64 (RFC 4648 §4, padded) for the note and checkpoint
 * formats. Node's Buffer decoder skips invalid characters and accepts missing
 * padding, so one text could decode like another; here only the canonical
 * encoding of a byte string is accepted.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Decodes canonical padded base64, or returns null. */
export function decodeBase64(text: string): Uint8Array | null {
  if (!BASE64.test(text)) return null;
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  // Non-zero unused bits in the last character would give a second spelling of the same bytes.
  return encodeBase64(bytes) === text ? bytes : null;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
