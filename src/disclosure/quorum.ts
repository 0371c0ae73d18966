/**
 * Quorum-gated release, the client side: a partial decryption exists only once the
 * log proves M approvals of that very request. D_i = x_i·C1 does not depend on the
 * request, so a partial given out for a request that never reached its quorum could
 * be pooled with partials of another (issue 12, attack 1); counting approvals in the
 * log, each entry parsed and proven included, is what makes every partial the
 * consequence of a logged quorum. Shared by the trustee client (before computing a
 * partial) and the authority client (before trusting a release).
 */
import { fromBase64Url, MvidError } from '../core/index.ts';
import { parseTrusteeSet, type TrusteeSet } from '../crypto/index.ts';
import { type Checkpoint, parseEntry } from '../tlog/index.ts';
import type { ApiClient } from './http-client.ts';
import { proveIncluded } from './log-verify.ts';

/** A logged entry as the server shows it: its bytes (base64url) and where it claims to sit. */
export interface ShownEntry {
  index: number | null;
  entry: string;
}

/**
 * The trustee set shown, parsed (every verification key recomputed from the Feldman
 * commitments, the id recomputed) and required to be the expected one.
 * @throws MvidError request_mismatch
 */
export function expectTrusteeSet(shown: unknown, expectedId: string): TrusteeSet {
  let set: TrusteeSet;
  try {
    set = parseTrusteeSet(shown);
  } catch {
    throw new MvidError('request_mismatch', 'the trustee set shown is malformed or inconsistent', {
      extensions: { differs: 'trusteeSet' },
    });
  }
  if (set.id !== expectedId)
    throw new MvidError('request_mismatch', `the trustee set shown is ${set.id}, not the logged ${expectedId}`, {
      extensions: { differs: 'trusteeSet' },
    });
  return set;
}

/**
 * Proves that at least `set.threshold` distinct trustees of `set` have a
 * `trustee_approval` of `requestId` included under `checkpoint`. Returns the keys counted.
 * Entries that are not such approvals, repeat a trustee, or name a stranger do not count.
 * @throws MvidError approval_quorum_not_logged | log_entry_missing
 */
export async function proveApprovalQuorum(
  api: ApiClient,
  requestId: string,
  set: TrusteeSet,
  approvals: readonly ShownEntry[],
  checkpoint: Checkpoint,
): Promise<ReadonlySet<string>> {
  const keys = new Set(set.trustees.map((t) => t.verificationKey));
  const counted = new Set<string>();
  for (const shown of approvals) {
    let bytes: Uint8Array;
    let event: ReturnType<typeof parseEntry>;
    try {
      bytes = fromBase64Url(shown.entry);
      event = parseEntry(bytes);
    } catch {
      continue;
    }
    if (event.type !== 'trustee_approval' || event.request !== requestId || !keys.has(event.trustee) || counted.has(event.trustee))
      continue;
    // Recorded but not yet integrated under this checkpoint (another trustee approving at the
    // same moment): not counted yet, so the caller waits for the quorum; never a failure.
    if (shown.index === null || BigInt(shown.index) >= checkpoint.size) continue;
    await proveIncluded(api, bytes, shown.index, checkpoint, `an approval of request ${requestId}`);
    counted.add(event.trustee);
  }
  if (counted.size < set.threshold) {
    throw new MvidError(
      'approval_quorum_not_logged',
      `the log proves ${counted.size} approval(s) of request ${requestId}; ${set.threshold} are needed before any partial decryption`,
      { extensions: { approvals: counted.size, threshold: set.threshold } },
    );
  }
  return counted;
}
