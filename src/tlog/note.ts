/**
 * C2SP signed notes (the Go sumdb note format): a UTF-8 text ending in a
 * newline, a blank line, then one or more lines "— <key name> base64(key ID ||
 * signature)". Opening follows the Go rules: signatures by unknown keys are
 * kept aside, a failing signature by a known key rejects the whole note, a note
 * without any verified signature is rejected, and more than 100 signatures make
 * a note malformed.
 */
import { MvidError } from '../core/index.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';

/** Most signatures a note may carry; bounds the work an opened note can cause. */
export const MAX_NOTE_SIGNATURES = 100;
/** Largest note accepted by `openNote` (100 post-quantum signatures fit). */
export const MAX_NOTE_BYTES = 1 << 20;

/** Checks signatures of one key, identified by name and key ID. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Whether `signature` (without the 4-byte key ID) signs `text`. Must not throw. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs notes with one key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The signature of `text`, without the key ID. */
  sign(text: Uint8Array): Uint8Array;
}

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the key ID. */
  signature: Uint8Array;
  /** The base64 of key ID || signature, as written in the note. */
  base64: string;
}

/** A note whose signatures were checked. */
export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  /** Signatures by known keys; all verified. At least one. */
  signatures: NoteSignature[];
  /** Signatures by keys the caller did not name; not checked. */
  unverified: NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';
// Go's unicode.IsSpace set beyond ASCII; ASCII spaces and controls are checked by code below.
const UNICODE_SPACE = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether `text` holds an ASCII control character (below U+0020), newline aside if allowed. */
export function hasControlCharacter(text: string, allowNewline: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return true;
  }
  return false;
}

/** Key names are non-empty, without Unicode spaces, control characters or '+'. */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name !== '' &&
    name.isWellFormed() &&
    !name.includes(' ') &&
    !name.includes('+') &&
    !UNICODE_SPACE.test(name) &&
    !hasControlCharacter(name, false)
  );
}

function malformed(message: string): MvidError {
  return new MvidError('note_malformed', `malformed note: ${message}`);
}

function assertNoteText(text: unknown): asserts text is string {
  if (typeof text !== 'string' || !text.endsWith('\n') || !text.isWellFormed() || hasControlCharacter(text, true)) {
    throw malformed('the text must be well-formed, end in a newline and hold no control character but newline');
  }
}

function keyIdBytes(keyId: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, keyId);
  return out;
}

/**
 * The signature line `signer` produces for `text` ("— name base64\n"): what a
 * witness returns, and what `signNote` appends.
 *
 * @example
 * const line = signatureLine(checkpointText, witnessCosigner);
 */
export function signatureLine(text: string, signer: NoteSigner): string {
  assertNoteText(text);
  if (!isValidKeyName(signer?.name) || !Number.isInteger(signer.keyId) || signer.keyId < 0 || signer.keyId > 0xffffffff) {
    throw new TypeError('signer needs a valid key name and a uint32 key ID');
  }
  const signature = signer.sign(encoder.encode(text));
  const raw = new Uint8Array(4 + signature.length);
  raw.set(keyIdBytes(signer.keyId));
  raw.set(signature, 4);
  return `${SIGNATURE_PREFIX}${signer.name} ${encodeBase64(raw)}\n`;
}

/**
 * Signs `text` with every signer and returns the signed note.
 *
 * @example
 * const note = signNote('hello\n', [parseSignerKey(skey)]);
 */
export function signNote(text: string, signers: readonly NoteSigner[]): Uint8Array {
  if (!Array.isArray(signers) || signers.length === 0) throw new TypeError('signNote needs at least one signer');
  assertNoteText(text);
  return encoder.encode(`${text}\n${signers.map((s) => signatureLine(text, s)).join('')}`);
}

/**
 * Writes a note from its text and signature lines (e.g. an opened note plus
 * cosignatures collected from witnesses).
 *
 * @example
 * const withWitnesses = formatNote(opened.text, [...opened.signatures, ...cosignatures]);
 */
export function formatNote(text: string, signatures: readonly NoteSignature[]): Uint8Array {
  assertNoteText(text);
  if (!Array.isArray(signatures) || signatures.length === 0) throw new TypeError('a note needs at least one signature');
  const lines = signatures.map((s) => {
    const raw = decodeBase64(s.base64);
    if (!isValidKeyName(s.name) || raw === null || raw.length < 5 || new DataView(raw.buffer).getUint32(0) !== s.keyId) {
      throw new TypeError('invalid signature record');
    }
    return `${SIGNATURE_PREFIX}${s.name} ${s.base64}\n`;
  });
  return encoder.encode(`${text}\n${lines.join('')}`);
}

/** Parses one signature line (without its newline); null when malformed. */
export function parseSignatureLine(line: string): NoteSignature | null {
  if (!line.startsWith(SIGNATURE_PREFIX)) return null;
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const base64 = space < 0 ? '' : rest.slice(space + 1);
  const raw = decodeBase64(base64);
  if (raw === null || raw.length < 5 || !isValidKeyName(name)) return null;
  const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
  return { name, keyId, signature: raw.slice(4), base64 };
}

function verifierIndex(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  if (!Array.isArray(verifiers)) throw new TypeError('verifiers must be an array');
  const index = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const key = `${v.keyId}+${v.name}`;
    if (index.has(key)) throw new TypeError(`ambiguous verifiers: two keys named ${v.name} with ID ${v.keyId}`);
    index.set(key, v);
  }
  return index;
}

/** A note as text; invalid UTF-8 or an oversized note is `note_malformed`. */
export function decodeNote(note: Uint8Array | string): string {
  if (typeof note === 'string') return note;
  if (!(note instanceof Uint8Array)) throw new TypeError('a note is a Uint8Array or a string');
  if (note.length > MAX_NOTE_BYTES) throw malformed('too large');
  try {
    return decoder.decode(note);
  } catch {
    throw malformed('not UTF-8');
  }
}

/** A note split into its text and signature lines; nothing verified yet. */
export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

/**
 * Checks a note's format and splits it, without verifying any signature (for
 * tooling; trust nothing in it). Throws `note_malformed`.
 *
 * @example
 * const { text, signatures } = parseNote(body);
 */
export function parseNote(note: Uint8Array | string): ParsedNote {
  const message = decodeNote(note);
  if (message.length > MAX_NOTE_BYTES) throw malformed('too large');
  if (!message.isWellFormed() || hasControlCharacter(message, true)) throw malformed('control character or invalid UTF-8');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no signature block');
  const block = message.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('signature block must be one or more lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const sig = parseSignatureLine(line);
    if (sig === null) throw malformed('bad signature line');
    return sig;
  });
  return { text: message.slice(0, split + 1), signatures };
}

/**
 * Opens a signed note: checks the format and the signatures of the known
 * `verifiers`. Throws `note_malformed`, `note_signature_invalid` (a known key's
 * signature fails) or `note_unverified` (no known key signed).
 *
 * @example
 * const { text, signatures } = openNote(body, [parseVerifierKey(logVkey)]);
 */
export function openNote(note: Uint8Array | string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const known = verifierIndex(verifiers);
  const { text, signatures } = parseNote(note);
  const textBytes = encoder.encode(text);
  const opened: OpenedNote = { text, signatures: [], unverified: [] };
  const seenKeys = new Set<string>();
  const seenUnknown = new Set<string>();
  for (const sig of signatures) {
    const key = `${sig.keyId}+${sig.name}`;
    const verifier = known.get(key);
    if (verifier === undefined) {
      const line = `${sig.name} ${sig.base64}`;
      if (!seenUnknown.has(line)) opened.unverified.push(sig);
      seenUnknown.add(line);
      continue;
    }
    if (seenKeys.has(key)) continue; // one verdict per key: repeats are dropped, as in Go
    seenKeys.add(key);
    if (verifier.verify(textBytes, sig.signature) !== true) {
      throw new MvidError('note_signature_invalid', `invalid signature by ${sig.name}+${sig.keyId.toString(16).padStart(8, '0')}`);
    }
    opened.signatures.push(sig);
  }
  if (opened.signatures.length === 0) throw new MvidError('note_unverified', 'no verifiable signatures by a known key');
  return opened;
}
