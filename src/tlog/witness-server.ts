/**
 * A C2SP tlog-witness: it cosigns a log's checkpoint only if the checkpoint is signed by
 * the log's key and is consistent with the last checkpoint it cosigned for that log,
 * and it remembers that checkpoint durably before answering. Requests for one log are
 * handled one at a time, so the check and the update are atomic (the race the spec
 * warns about cannot roll the witness back).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MvidError } from '../core/index.ts';
import { bytesEqual, decodeBase64, encodeBase64 } from './base64.ts';
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts';
import type { Cosigner } from './cosignature.ts';
import { type NoteVerifier, openNote, parseNote, signatureLine } from './note.ts';
import { isU64, parseDecimalU64 } from './u64.ts';
import { verifyConsistency } from './verify.ts';

/** The latest checkpoint a witness cosigned for one log. */
export interface WitnessRecord {
  size: bigint;
  root: Uint8Array;
  /** The signed note as submitted (evidence if the log later forks). */
  note: string;
}

/** Durable storage of the witness's records, one per log origin. */
export interface WitnessStateStore {
  load(origin: string): Promise<WitnessRecord | null>;
  /** Must be durable when it resolves. */
  save(origin: string, record: WitnessRecord): Promise<void>;
}

/** An HTTP answer, as the spec prescribes status codes and bodies. */
export interface WitnessResponse {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
}

export interface Witness {
  /** Handles the body of `POST <prefix>/add-checkpoint`. */
  addCheckpoint(body: Uint8Array): Promise<WitnessResponse>;
}

const MAX_PROOF_LINES = 63;
const MAX_BODY = 1 << 20;

function text(status: WitnessResponse['status'], message: string): WitnessResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: `${message}\n` };
}

interface ParsedRequest {
  oldSize: bigint;
  proof: Uint8Array[];
  note: string;
}

/** Splits the request body; null when malformed. */
function parseRequest(body: Uint8Array): ParsedRequest | null {
  if (!(body instanceof Uint8Array) || body.length > MAX_BODY) return null;
  let message: string;
  try {
    message = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
  const lines = message.split('\n');
  const oldLine = /^old (0|[1-9][0-9]{0,19})$/.exec(lines[0] ?? '');
  const oldSize = oldLine === null ? null : parseDecimalU64(oldLine[1] as string);
  if (oldSize === null) return null;
  const proof: Uint8Array[] = [];
  let at = 1;
  for (; at < lines.length && lines[at] !== ''; at++) {
    const hash = decodeBase64(lines[at] as string);
    if (hash === null || hash.length !== 32 || proof.length === MAX_PROOF_LINES) return null;
    proof.push(hash);
  }
  if (at >= lines.length) return null; // no blank line before the checkpoint
  const note = lines.slice(at + 1).join('\n');
  return note === '' ? null : { oldSize, proof, note };
}

/**
 * A witness that cosigns with `cosigner` for the logs it knows (origin → log key).
 *
 * @example
 * const witness = createWitness({ cosigner, logs: [{ origin, verifier }], store: fileWitnessStore(dir) });
 * const { status, body } = await witness.addCheckpoint(requestBody);
 */
export function createWitness(options: {
  cosigner: Cosigner;
  logs: ReadonlyArray<{ origin: string; verifier: NoteVerifier }>;
  store: WitnessStateStore;
}): Witness {
  const logs = new Map(options.logs.map((l) => [l.origin, l.verifier]));
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier request for the same origin. */
  function serial<T>(origin: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(origin) ?? Promise.resolve();
    const next = previous.then(work, work);
    queues.set(
      origin,
      next.catch(() => {}),
    );
    return next;
  }

  async function decide(request: ParsedRequest, origin: string, checkpoint: Checkpoint): Promise<WitnessResponse> {
    const stored = await options.store.load(origin);
    const storedSize = stored?.size ?? 0n;
    if (request.oldSize !== storedSize) {
      return { status: 409, contentType: 'text/x.tlog.size', body: `${storedSize}\n` };
    }
    if (request.oldSize === 0n) {
      if (request.proof.length > 0) return text(400, 'the consistency proof from size 0 must be empty');
    } else if (request.oldSize === checkpoint.size) {
      if (!bytesEqual((stored as WitnessRecord).root, checkpoint.root))
        return text(409, `another root was cosigned at size ${checkpoint.size}`);
      if (request.proof.length > 0) return text(422, 'the consistency proof between equal sizes must be empty');
    } else if (!verifyConsistency(request.oldSize, checkpoint.size, request.proof, (stored as WitnessRecord).root, checkpoint.root)) {
      return text(422, `checkpoint ${checkpoint.size} is not proven consistent with the cosigned size ${request.oldSize}`);
    }
    await options.store.save(origin, { size: checkpoint.size, root: checkpoint.root, note: request.note });
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: signatureLine(parseNote(request.note).text, options.cosigner) };
  }

  return {
    async addCheckpoint(body) {
      const request = parseRequest(body);
      if (request === null) return text(400, 'malformed add-checkpoint request');
      let checkpoint: Checkpoint;
      try {
        checkpoint = parseCheckpoint(parseNote(request.note).text);
      } catch {
        return text(400, 'malformed checkpoint');
      }
      const verifier = logs.get(checkpoint.origin);
      if (verifier === undefined) return text(404, `unknown log ${checkpoint.origin.slice(0, 200)}`);
      try {
        openNote(request.note, [verifier]);
      } catch {
        return text(403, 'the checkpoint is not validly signed by the log key');
      }
      if (request.oldSize > checkpoint.size) return text(400, `old size ${request.oldSize} exceeds the checkpoint size ${checkpoint.size}`);
      return serial(checkpoint.origin, () => decide(request, checkpoint.origin, checkpoint));
    },
  };
}

/** Writes a file so that, once this returns, it is on disk under its name or not at all. */
function writeDurably(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Witness records as JSON files in `dir` (one per origin, named by its SHA-256),
 * replaced atomically and fsynced.
 *
 * @example
 * const store = fileWitnessStore('/var/lib/mvid-witness/logs');
 */
export function fileWitnessStore(dir: string): WitnessStateStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileOf = (origin: string) => join(dir, `${createHash('sha256').update(origin).digest('hex')}.json`);
  return {
    async load(origin) {
      let raw: { origin?: unknown; size?: unknown; root?: unknown; note?: unknown };
      try {
        raw = JSON.parse(readFileSync(fileOf(origin), 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new MvidError('internal_error', `witness state for ${origin} is unreadable`, { cause: error });
      }
      const size = typeof raw.size === 'string' ? parseDecimalU64(raw.size) : null;
      const root = typeof raw.root === 'string' ? decodeBase64(raw.root) : null;
      if (raw.origin !== origin || size === null || !isU64(size) || root === null || typeof raw.note !== 'string') {
        throw new MvidError('internal_error', `witness state for ${origin} is corrupt`);
      }
      return { size, root, note: raw.note };
    },
    async save(origin, record) {
      const json = JSON.stringify({ origin, size: record.size.toString(), root: encodeBase64(record.root), note: record.note }, null, 2);
      writeDurably(fileOf(origin), `${json}\n`);
    },
  };
}
