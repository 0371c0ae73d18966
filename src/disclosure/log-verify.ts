/**
 * A client's own view of the log: it pins the log key (and optional witnesses),
 * remembers the last checkpoint it accepted, and accepts a newer one only with a
 * consistency proof from the old — so a server cannot show one trustee a log that
 * holds a request and the public another that does not. Every refusal has a code.
 */
import { type Clock, fromBase64Url, MvidError, toBase64Url, ValidationError } from '../core/index.ts';
import {
  type Checkpoint,
  hashLeaf,
  type NoteVerifier,
  openCheckpoint,
  parseVerifierKey,
  parseWitnessKey,
  verifyConsistency,
  verifyInclusion,
} from '../tlog/index.ts';
import type { ApiClient } from './http-client.ts';

export interface LogPin {
  origin: string;
  /** The log's note verifier key (`name+keyid+base64`). */
  vkey: string;
  /** Witness cosignature keys and how many must have cosigned. */
  witnesses?: { vkeys: string[]; threshold: number };
}

export interface SeenCheckpoint {
  size: string;
  root: string;
}

const MAX_FUTURE_SECONDS = 300;

/**
 * A pinned witness policy is well formed (1 ≤ threshold ≤ keys, each a witness key); in
 * production one is required: the operator holds the log key, so the log's signature
 * alone cannot rule out a fork shown to one client (issue 12, attack 4).
 * @throws MvidError witness_required | validation_failed
 */
export function checkWitnessPin(witnesses: LogPin['witnesses'] | undefined, production: boolean): void {
  if (witnesses === undefined || witnesses.vkeys.length === 0) {
    if (production) throw new MvidError('witness_required', 'in production, pin at least one witness (--witness <vkey>)');
    return;
  }
  const { vkeys, threshold } = witnesses;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > vkeys.length)
    throw new ValidationError(`the witness threshold is 1..${vkeys.length}`, 'witnessThreshold');
  if (new Set(vkeys).size !== vkeys.length) throw new ValidationError('each witness is pinned once', 'witness');
  for (const v of vkeys) {
    try {
      parseWitnessKey(v);
    } catch {
      throw new ValidationError(`${v.slice(0, 80)} is not a witness verifier key`, 'witness');
    }
  }
}

/** Fetches the log's checkpoint and accepts it only if signed and consistent with `last`. */
export async function advanceCheckpoint(
  api: ApiClient,
  pin: LogPin,
  last: SeenCheckpoint | undefined,
  clock: Clock,
): Promise<{ checkpoint: Checkpoint; seen: SeenCheckpoint }> {
  const note = await api.text('/disclosure/v1/log/checkpoint');
  const log = parseVerifierKey(pin.vkey) as NoteVerifier;
  const policy = pin.witnesses
    ? { witnesses: pin.witnesses.vkeys.map((v) => parseVerifierKey(v) as NoteVerifier), threshold: pin.witnesses.threshold }
    : undefined;
  // Throws note_unverified / note_signature_invalid / witness_quorum_not_met on an unsigned or forged checkpoint.
  const { checkpoint } = openCheckpoint(note, {
    origin: pin.origin,
    log,
    ...(policy ? { policy } : {}),
    clock,
    maxFutureSeconds: MAX_FUTURE_SECONDS,
  });
  const seen = { size: checkpoint.size.toString(), root: toBase64Url(checkpoint.root) };
  const lastSize = last === undefined ? 0n : BigInt(last.size);
  // Every tree extends the empty one; there is nothing to prove (RFC 9162 has no proof from size 0).
  if (last === undefined || lastSize === 0n) return { checkpoint, seen };
  if (checkpoint.size < lastSize) {
    throw new MvidError('checkpoint_stale', `the log shows size ${checkpoint.size}, older than the ${lastSize} this client already saw`);
  }
  if (checkpoint.size === lastSize) {
    if (seen.root !== last.root) throw new MvidError('checkpoint_inconsistent', `two different trees of size ${lastSize}: a split view`);
    return { checkpoint, seen };
  }
  const { proof } = await api.json<{ proof: string[] }>('GET', `/disclosure/v1/log/consistency?from=${lastSize}&to=${checkpoint.size}`);
  const ok = verifyConsistency(
    lastSize,
    checkpoint.size,
    proof.map((p) => fromBase64Url(p)),
    fromBase64Url(last.root),
    checkpoint.root,
  );
  if (!ok)
    throw new MvidError(
      'checkpoint_inconsistent',
      `the tree of size ${checkpoint.size} does not extend the one of size ${lastSize} this client saw`,
    );
  return { checkpoint, seen };
}

/** Proves `entry` sits at `index` under `checkpoint`, or refuses with `log_entry_missing`. */
export async function proveIncluded(
  api: ApiClient,
  entry: Uint8Array,
  index: number | null | undefined,
  checkpoint: Checkpoint,
  what: string,
): Promise<void> {
  if (index === null || index === undefined) throw new MvidError('log_entry_missing', `${what} has no log index: it is not in the log`);
  if (BigInt(index) >= checkpoint.size)
    throw new MvidError('log_entry_missing', `${what} (index ${index}) is not under the checkpoint of size ${checkpoint.size}`);
  const { proof } = await api.json<{ proof: string[] }>('GET', `/disclosure/v1/log/inclusion?index=${index}&size=${checkpoint.size}`);
  if (
    !verifyInclusion(
      BigInt(index),
      checkpoint.size,
      hashLeaf(entry),
      proof.map((p) => fromBase64Url(p)),
      checkpoint.root,
    )
  ) {
    throw new MvidError('log_entry_missing', `${what} is not proven at index ${index} of the signed log`);
  }
}
