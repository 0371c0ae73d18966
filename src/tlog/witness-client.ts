/**
 * The log's side of tlog-witness: after each signed checkpoint, ask every configured
 * witness to cosign it (add-checkpoint with a consistency proof from the size the
 * witness last cosigned), and store the note with the cosignatures that verify. Pushes
 * run in the background, one at a time, always for the newest checkpoint: a witness
 * that missed sizes simply gets a longer consistency proof.
 */
import { MvidError } from '../core/index.ts';
import type { NoteVerifier } from './note.ts';
import { consistencyProof } from './prove.ts';
import { type Db, recordCosignatures, tableReader } from './tables.ts';
import { addCheckpointRequest, addCosignatures } from './witness.ts';

/** A witness the log submits to: its submission prefix and its cosignature verifier. */
export interface WitnessEndpoint {
  url: string;
  verifier: NoteVerifier;
}

export interface WitnessPushOptions {
  db: Db;
  witnesses: readonly WitnessEndpoint[];
  fetch: typeof fetch;
  timeoutMs: number;
  /** Called for each witness that did not cosign (logged by the caller; never fatal). */
  failed(url: string, error: unknown): void;
}

export interface WitnessPusher {
  /** Schedules a push of this checkpoint (replacing an older one still waiting). */
  push(checkpoint: { size: bigint; note: string }): void;
  /** Resolves when no push is running or waiting. */
  idle(): Promise<void>;
}

const TLOG_SIZE = /^(0|[1-9][0-9]{0,19})\n?$/;

/** One add-checkpoint exchange; returns the response's signature lines. */
async function submit(
  options: WitnessPushOptions,
  witness: WitnessEndpoint,
  known: Map<string, bigint>,
  checkpoint: { size: bigint; note: string },
): Promise<string | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const old = known.get(witness.url) ?? 0n;
    if (old > checkpoint.size) return null; // the witness has seen a newer checkpoint (another node pushed it)
    const proof = old === 0n ? [] : await consistencyProof(tableReader(options.db), old, checkpoint.size);
    const body = addCheckpointRequest(old, proof, new TextEncoder().encode(checkpoint.note));
    const response = await options.fetch(`${witness.url.replace(/\/+$/, '')}/add-checkpoint`, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    if (response.status === 200) {
      known.set(witness.url, checkpoint.size);
      return text;
    }
    const size = TLOG_SIZE.exec(text);
    if (response.status === 409 && size !== null && BigInt(size[1] as string) !== old) {
      known.set(witness.url, BigInt(size[1] as string)); // learn the witness's size and try once more
      continue;
    }
    throw new MvidError('tlog_fetch_failed', `witness ${witness.url} answered ${response.status}: ${text.slice(0, 200)}`);
  }
  throw new MvidError('tlog_fetch_failed', `witness ${witness.url} keeps disagreeing about its size`);
}

/**
 * A background pusher that collects cosignatures for the log's checkpoints.
 *
 * @example
 * const pusher = witnessPusher({ db: store.db, witnesses, fetch, timeoutMs: 5000, failed: (url, e) => log.warn(...) });
 * pusher.push({ size, note });
 */
export function witnessPusher(options: WitnessPushOptions): WitnessPusher {
  const known = new Map<string, bigint>();
  let waiting: { size: bigint; note: string } | null = null;
  let running: Promise<void> | null = null;

  async function pushOne(checkpoint: { size: bigint; note: string }): Promise<void> {
    const responses = await Promise.all(
      options.witnesses.map(async (w) => {
        try {
          const lines = await submit(options, w, known, checkpoint);
          if (lines === null) return null;
          addCosignatures(checkpoint.note, [lines], [w.verifier]); // each witness's answer must verify on its own
          return lines;
        } catch (error) {
          options.failed(w.url, error);
          return null;
        }
      }),
    );
    const good = responses.filter((r): r is string => r !== null);
    if (good.length === 0) return;
    const cosigned = new TextDecoder().decode(
      addCosignatures(
        checkpoint.note,
        good,
        options.witnesses.map((w) => w.verifier),
      ),
    );
    await recordCosignatures(options.db, checkpoint.size, cosigned, good.length);
  }

  function loop(): Promise<void> {
    running ??= (async () => {
      await Promise.resolve(); // `running` is assigned before the loop can finish and clear it
      try {
        while (waiting !== null) {
          const next = waiting;
          waiting = null;
          await pushOne(next).catch((error: unknown) => options.failed('*', error));
        }
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    push(checkpoint) {
      if (waiting === null || checkpoint.size > waiting.size) waiting = checkpoint;
      void loop();
    },
    async idle() {
      while (running !== null) await running;
    },
  };
}
