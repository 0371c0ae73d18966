/**
 * Public reads of the log from a read replica, with read-your-writes: tiles, entry bundles,
 * entries, proofs and the size history come from the replica, and from the primary whenever the replica does
 * not hold them yet (it lags: a range beyond its latest checkpoint, a missing hash) or fails
 * in any other way (down, unreachable). Checkpoints and sizes always come from the primary, so a monitor never sees
 * the log go back to an older checkpoint. Writes go to the primary.
 */
import type { TransparencyLog } from './log.ts';

/** The replica's answer, else the primary's: a lagging replica refuses a range or lacks a hash, a down one fails. */
async function replicaFirst<T>(read: () => Promise<T | null>, primary: () => Promise<T | null>): Promise<T | null> {
  let answer: T | null;
  try {
    answer = await read();
  } catch {
    // Whatever the replica's trouble, the primary decides: it answers, or fails with the right error.
    return primary();
  }
  return answer ?? primary();
}

/** The log `primary`, reading immutable data from `replica` first (see the module comment). */
export function withReadReplica(primary: TransparencyLog, replica: TransparencyLog): TransparencyLog {
  const first =
    <A extends unknown[], T>(method: (log: TransparencyLog) => (...args: A) => Promise<T>) =>
    (...args: A): Promise<T> =>
      replicaFirst(
        () => method(replica)(...args),
        () => method(primary)(...args),
      ) as Promise<T>;
  return {
    ...primary,
    inclusionProof: first((log) => log.inclusionProof),
    consistencyProof: first((log) => log.consistencyProof),
    entries: first((log) => log.entries),
    findByLeafHash: first((log) => log.findByLeafHash),
    tile: first((log) => log.tile),
    entryBundle: first((log) => log.entryBundle),
    sizeByDay: first((log) => log.sizeByDay),
  };
}
