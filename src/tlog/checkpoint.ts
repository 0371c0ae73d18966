/**
 * C2SP tlog-checkpoint: the signed-note body "origin\nsize\nbase64(root)\n",
 * optionally followed by non-empty extension lines.
 */
import { MvidError } from '../core/index.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { HASH_SIZE, isHash } from './hash.ts';
import { type NoteSigner, hasControlCharacter, isValidKeyName, signNote } from './note.ts';
import { isU64, parseDecimalU64 } from './u64.ts';

/** A log's tree head at one size. */
export interface Checkpoint {
  /** The log's identity, e.g. "mvid.example/log". */
  origin: string;
  size: bigint;
  /** RFC 9162 root hash of the first `size` leaves. */
  root: Uint8Array;
  /** Opaque extension lines; mvid writes none. */
  extensions: string[];
}

function malformed(message: string): MvidError {
  return new MvidError('checkpoint_malformed', `malformed checkpoint: ${message}`);
}

/**
 * The note text of a checkpoint. mvid's own origins must be valid key names
 * (no spaces or '+'), as the spec recommends, so the log key can share the name.
 *
 * @example
 * formatCheckpoint({ origin: 'mvid.example/log', size: 3n, root, extensions: [] });
 * // 'mvid.example/log\n3\n<base64 root>\n'
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint;
  if (!isValidKeyName(origin)) throw new TypeError('origin must be a non-empty name without spaces or +');
  if (!isU64(size)) throw new TypeError('size must be a bigint in [0, 2^64)');
  if (!isHash(root)) throw new TypeError('root must be a 32-byte hash');
  if (
    !Array.isArray(extensions) ||
    extensions.some((e) => typeof e !== 'string' || e === '' || hasControlCharacter(e, false) || !e.isWellFormed())
  ) {
    throw new TypeError('extension lines must be non-empty, single-line text');
  }
  return [origin, size.toString(), encodeBase64(root), ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Parses checkpoint note text (as returned by `openNote`). Throws `checkpoint_malformed`.
 *
 * @example
 * const { origin, size, root } = parseCheckpoint(openNote(body, [logVerifier]).text);
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string') throw new TypeError('checkpoint text must be a string');
  if (text.length > 65536) throw malformed('too large');
  if (!text.endsWith('\n') || !text.isWellFormed()) throw malformed('must be well-formed lines ending in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) throw malformed('needs origin, size and root lines');
  if (lines.some((line) => line === '' || hasControlCharacter(line, false))) throw malformed('empty line or control character');
  const size = parseDecimalU64(sizeLine);
  if (size === null) throw malformed('size is not a canonical decimal uint64');
  const root = decodeBase64(rootLine);
  if (root === null || root.length !== HASH_SIZE) throw malformed('root is not the base64 of a 32-byte hash');
  return { origin, size, root, extensions };
}

/**
 * Signs a checkpoint with the log key (and any other signers) into a signed note.
 *
 * @example
 * const body = signCheckpoint({ origin, size: tree.size, root: tree.root(), extensions: [] }, [logSigner]);
 */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): Uint8Array {
  return signNote(formatCheckpoint(checkpoint), signers);
}
