/**
 * Checkpoints as clients trust them: signed by the log and cosigned by at least
 * k of n configured witnesses (tlog-cosignature), plus the tlog-witness
 * add-checkpoint exchange a log uses to collect those cosignatures.
 */
import type { Clock } from '../core/index.ts';
import { MvidError } from '../core/index.ts';
import { encodeBase64 } from './base64.ts';
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts';
import { cosignatureTimestamp } from './cosignature.ts';
import { isHash } from './hash.ts';
import { type NoteSignature, type NoteVerifier, decodeNote, formatNote, openNote, parseNote, parseSignatureLine } from './note.ts';
import { isU64 } from './u64.ts';

/**
 * k of n: at least `threshold` distinct `witnesses` must have cosigned. Witness
 * verifiers are tlog-cosignature ones (`cosignatureVerifier`, or a 0x04 vkey):
 * a plain Ed25519 signature carries no timestamp and is not counted.
 */
export interface WitnessPolicy {
  witnesses: readonly NoteVerifier[];
  threshold: number;
}

export interface OpenCheckpointOptions {
  /** The origin of the log the caller expects. */
  origin: string;
  /** The log's checkpoint key. */
  log: NoteVerifier;
  /** Witness quorum; none means the log's signature alone is enough. */
  policy?: WitnessPolicy;
  /** With a clock, cosignatures dated more than `maxFutureSeconds` ahead do not count. */
  clock?: Clock;
  maxFutureSeconds?: number;
}

export interface Cosignature {
  name: string;
  keyId: number;
  /** POSIX seconds at which the witness cosigned. */
  timestamp: bigint;
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  /** The checkpoint note text that was signed. */
  text: string;
  /** Counted witness cosignatures, one per witness. */
  cosignatures: Cosignature[];
}

const MAX_WITNESS_PROOF_LINES = 63;

function assertPolicy(policy: WitnessPolicy): void {
  const n = Array.isArray(policy.witnesses) ? policy.witnesses.length : -1;
  if (n < 0 || !Number.isInteger(policy.threshold) || policy.threshold < 1 || policy.threshold > n) {
    throw new TypeError('a witness policy needs 1 ≤ threshold ≤ number of witnesses');
  }
}

/**
 * Opens a signed checkpoint: the log's signature must verify, the origin must be
 * the expected one, and with a policy at least `threshold` distinct witnesses
 * must have cosigned (a failing cosignature by a configured witness rejects the
 * note). Throws `note_malformed`, `note_signature_invalid`, `note_unverified`,
 * `checkpoint_malformed` or `witness_quorum_not_met`.
 *
 * @example
 * const { checkpoint } = openCheckpoint(body, {
 *   origin: 'mvid.example/log', log: logVerifier,
 *   policy: { witnesses: [w1, w2, w3], threshold: 2 }, clock, maxFutureSeconds: 60,
 * });
 */
export function openCheckpoint(note: Uint8Array | string, options: OpenCheckpointOptions): OpenedCheckpoint {
  const { origin, log, policy, clock } = options;
  if (policy !== undefined) assertPolicy(policy);
  const skew = options.maxFutureSeconds ?? 0;
  if (!Number.isSafeInteger(skew) || skew < 0) throw new TypeError('maxFutureSeconds must be a non-negative integer');
  const witnesses = policy?.witnesses ?? [];
  const opened = openNote(note, [log, ...witnesses]);
  const byLog = opened.signatures.some((s) => s.name === log.name && s.keyId === log.keyId);
  if (!byLog) throw new MvidError('note_unverified', 'the checkpoint is not signed by the log key');
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== origin)
    throw new MvidError('note_unverified', `checkpoint origin ${checkpoint.origin} is not the expected log ${origin}`);
  const latest = clock === undefined ? undefined : BigInt(Math.floor(clock.now().getTime() / 1000) + skew);
  const cosignatures: Cosignature[] = [];
  for (const s of opened.signatures) {
    if (!witnesses.some((w) => w.name === s.name && w.keyId === s.keyId)) continue;
    const timestamp = cosignatureTimestamp(s.signature);
    if (timestamp === null || (latest !== undefined && timestamp > latest)) continue;
    cosignatures.push({ name: s.name, keyId: s.keyId, timestamp });
  }
  if (policy !== undefined && cosignatures.length < policy.threshold) {
    throw new MvidError('witness_quorum_not_met', `${cosignatures.length} of the required ${policy.threshold} witnesses cosigned`);
  }
  return { checkpoint, text: opened.text, cosignatures };
}

/**
 * The body of a tlog-witness add-checkpoint request: "old <size>", the
 * consistency proof (empty from size 0), a blank line, the signed checkpoint.
 *
 * @example
 * const body = addCheckpointRequest(witnessSize, await consistencyProof(store, witnessSize, size), signed);
 */
export function addCheckpointRequest(oldSize: bigint, proof: readonly Uint8Array[], signedCheckpoint: Uint8Array): Uint8Array {
  if (!isU64(oldSize)) throw new TypeError('oldSize must be a bigint in [0, 2^64)');
  if (!Array.isArray(proof) || proof.length > MAX_WITNESS_PROOF_LINES || !proof.every(isHash))
    throw new TypeError('proof must be at most 63 hashes');
  if (oldSize === 0n && proof.length > 0) throw new TypeError('the proof from size 0 is empty');
  if (!(signedCheckpoint instanceof Uint8Array)) throw new TypeError('signedCheckpoint must be a Uint8Array');
  const head = new TextEncoder().encode(`old ${oldSize}\n${proof.map((h) => `${encodeBase64(h)}\n`).join('')}\n`);
  const out = new Uint8Array(head.length + signedCheckpoint.length);
  out.set(head);
  out.set(signedCheckpoint, head.length);
  return out;
}

/**
 * Adds the cosignatures from witness responses (signature lines) to a signed
 * checkpoint. Only lines by the given witnesses that verify are kept; a line by
 * one of them that fails rejects (`note_signature_invalid`), and so does a
 * response without any verifying cosignature (`note_unverified`). A witness
 * already present is not repeated.
 *
 * @example
 * const cosigned = addCosignatures(signed, [await response.text()], [w1, w2]);
 */
export function addCosignatures(
  signedCheckpoint: Uint8Array | string,
  responses: readonly string[],
  witnesses: readonly NoteVerifier[],
): Uint8Array {
  const note = decodeNote(signedCheckpoint);
  const lines = responses.flatMap((r) => {
    if (typeof r !== 'string' || !r.endsWith('\n'))
      throw new MvidError('note_malformed', 'malformed note: witness response must be signature lines');
    return r.slice(0, -1).split('\n');
  });
  const parsed = lines.map((line) => parseSignatureLine(line));
  if (parsed.some((s) => s === null)) throw new MvidError('note_malformed', 'malformed note: bad signature line in witness response');
  const isWitness = (s: NoteSignature) => witnesses.some((w) => w.name === s.name && w.keyId === s.keyId);
  // Opening the note with the new lines checks them against the note text, and the existing ones too.
  const opened = openNote(`${note}${lines.map((l) => `${l}\n`).join('')}`, witnesses);
  const existing = parseNote(note).signatures; // every signature already there, in order
  const present = new Set(existing.map((s) => `${s.keyId}+${s.name}`));
  const added = opened.signatures.filter((s) => isWitness(s) && !present.has(`${s.keyId}+${s.name}`));
  return formatNote(opened.text, [...existing, ...added]);
}
