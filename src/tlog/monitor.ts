/**
 * A monitor of an mvid log, over its public HTTP API only (fetch is injected, so the
 * same code runs in the CLI, in tests and in a browser). It pins the log key on first
 * use, checks every new checkpoint against the last one it verified (a consistency
 * proof, and equal roots at equal sizes), downloads the new entries, parses each one and
 * recomputes the root from them. Anything else is a split view or an inconsistency.
 */
import type { Clock } from '../core/index.ts';
import { MvidError } from '../core/index.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import type { Checkpoint } from './checkpoint.ts';
import { CompactTree } from './compact.ts';
import { parseEntry } from './entry.ts';
import { hashLeaf } from './hash.ts';
import { parseVerifierKey, parseWitnessKey } from './keys.ts';
import type { NoteVerifier } from './note.ts';
import { TILE_WIDTH, entryBundlePath, parseEntryBundle } from './tiles.ts';
import { verifyConsistency, verifyInclusion } from './verify.ts';
import { type OpenedCheckpoint, openCheckpoint } from './witness.ts';

/** What a monitor remembers about one log between runs (JSON-safe). */
export interface MonitorState {
  version: 1;
  /** The log prefix, e.g. https://id.example/log. */
  url: string;
  /** The pinned log key. */
  vkey: string;
  origin: string;
  size: string;
  /** Base64 root of the verified checkpoint. */
  root: string;
  /** Base64 hashes of the tree's frontier at `size`, to resume recomputing the root. */
  frontier: string[];
  /** The verified signed note: with a conflicting one, proof of a split view. */
  checkpoint: string;
  verifiedAt: string;
}

export interface MonitorOptions {
  /** The mvid base URL (the log lives under <url>/log) or the log prefix itself. */
  url: string;
  fetch: typeof fetch;
  clock: Clock;
  state: MonitorState | null;
  /** The log key to trust; without it the state's, or the served one on first use. */
  key?: string;
  /** Witness keys (cosignature/v1) and how many must have cosigned. */
  witnesses?: readonly string[];
  witnessThreshold?: number;
  /** Called after each entry bundle: entries verified so far, out of the new checkpoint's size. */
  progress?(verified: bigint, total: bigint): void;
  /** Human-readable notices (key trusted on first use, stale checkpoint). */
  notice?(message: string): void;
}

export interface MonitorResult {
  state: MonitorState;
  checkpoint: Checkpoint;
  previousSize: bigint;
  /** Entries downloaded and verified by this run. */
  verifiedEntries: bigint;
  /** The log served a checkpoint older than (and consistent with) the one already verified. */
  stale: boolean;
  cosignatures: number;
}

interface LogSession {
  prefix: string;
  fetch: typeof fetch;
  verifier: NoteVerifier & { vkey: string };
  opened: OpenedCheckpoint;
  note: string;
}

const BUNDLE_WINDOW = 8;

function fetchFailed(message: string, cause?: unknown): MvidError {
  return new MvidError('tlog_fetch_failed', message, cause === undefined ? {} : { cause });
}

function splitView(message: string, seen: string, other: string): MvidError {
  return new MvidError('tlog_split_view', `split view: ${message}`, { extensions: { seen, conflicting: other } });
}

/** The log prefix for a base URL: `<base>/log` unless it already ends in /log. */
export function logPrefixOf(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/log') ? trimmed : `${trimmed}/log`;
}

async function get(session: Pick<LogSession, 'prefix' | 'fetch'>, path: string): Promise<Response> {
  const url = `${session.prefix}/${path}`;
  let response: Response;
  try {
    response = await session.fetch(url, { headers: { accept: '*/*' } });
  } catch (cause) {
    throw fetchFailed(`cannot fetch ${url}: ${(cause as Error).message}`, cause);
  }
  if (response.status !== 200) {
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    throw fetchFailed(`${url} answered ${response.status}${detail === '' ? '' : `: ${detail}`}`);
  }
  return response;
}

async function getJson<T>(session: LogSession, path: string): Promise<T> {
  const response = await get(session, path);
  try {
    return (await response.json()) as T;
  } catch (cause) {
    throw fetchFailed(`${path} did not answer JSON`, cause);
  }
}

function hashes(list: unknown): Uint8Array[] {
  if (!Array.isArray(list) || list.length > 128) throw fetchFailed('a proof must be a list of at most 128 hashes');
  return list.map((h) => {
    if (typeof h !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(h)) throw fetchFailed('a proof hash is not 32 bytes of base64url');
    return new Uint8Array(Buffer.from(h, 'base64url'));
  });
}

/** Resolves the log key (pinned, given, or trusted on first use) and opens the current checkpoint. */
async function openSession(options: MonitorOptions): Promise<LogSession> {
  const prefix = logPrefixOf(options.url);
  const base = { prefix, fetch: options.fetch };
  const served = (await (await get(base, 'v1/key')).text()).trim();
  const pinned = options.state?.vkey;
  if (options.key !== undefined && pinned !== undefined && options.key !== pinned) {
    throw new MvidError(
      'tlog_key_changed',
      `--key ${options.key} is not the key pinned in the state (${pinned}); remove the state to re-pin`,
    );
  }
  const trusted = options.key ?? pinned;
  if (trusted !== undefined && served !== trusted) {
    throw new MvidError('tlog_key_changed', `the log now presents key ${served.slice(0, 120)}, not the trusted ${trusted}`);
  }
  if (trusted === undefined) options.notice?.(`trusting the log key ${served} on first use`);
  const verifier = parseVerifierKey(trusted ?? served);
  const witnesses = (options.witnesses ?? []).map(parseWitnessKey);
  const policy = witnesses.length === 0 ? undefined : { witnesses, threshold: options.witnessThreshold ?? witnesses.length };
  const note = await (await get(base, 'checkpoint')).text();
  const opened = openCheckpoint(note, {
    origin: verifier.name,
    log: verifier,
    ...(policy === undefined ? {} : { policy }),
    clock: options.clock,
    maxFutureSeconds: 300,
  });
  return { ...base, verifier, opened, note };
}

/**
 * Checks the new checkpoint against the verified one. Returns 'stale' when the log
 * served an older but consistent checkpoint; throws `tlog_split_view` otherwise.
 */
async function checkAgainstState(session: LogSession, state: MonitorState | null): Promise<'same' | 'newer' | 'stale'> {
  if (state === null) return 'newer';
  const { size, root } = session.opened.checkpoint;
  const oldSize = BigInt(state.size);
  const oldRoot = decodeBase64(state.root);
  if (oldRoot === null) throw new MvidError('bad_request', 'the monitor state holds a malformed root');
  if (size === oldSize) {
    if (Buffer.compare(root, oldRoot) !== 0) throw splitView(`two different roots signed for size ${size}`, state.checkpoint, session.note);
    return 'same';
  }
  const [small, large, smallRoot, largeRoot] = size > oldSize ? [oldSize, size, oldRoot, root] : [size, oldSize, root, oldRoot];
  if (small > 0n) {
    const proof = await getJson<{ proof: unknown }>(session, `v1/proof/consistency?first=${small}&second=${large}`).catch((error) => {
      // A log that cannot prove an old size it signed is as bad as a wrong proof.
      throw splitView(`no consistency proof from ${small} to ${large}: ${(error as Error).message}`, state.checkpoint, session.note);
    });
    if (!verifyConsistency(small, large, hashes(proof.proof), smallRoot, largeRoot)) {
      throw splitView(`checkpoint ${size} is not consistent with the verified checkpoint ${oldSize}`, state.checkpoint, session.note);
    }
  }
  return size > oldSize ? 'newer' : 'stale';
}

/** Downloads entry bundles for leaves [from, to) in order (a few in flight) and feeds each entry to `each`. */
async function downloadEntries(
  session: LogSession,
  from: bigint,
  to: bigint,
  each: (entry: Uint8Array, index: bigint) => void,
  progress?: (done: bigint) => void,
): Promise<void> {
  const width = BigInt(TILE_WIDTH);
  const first = from / width;
  const last = to === 0n ? -1n : (to - 1n) / width;
  const fetchBundle = async (n: bigint) => {
    const count = n === to / width ? Number(to % width) : TILE_WIDTH;
    const body = new Uint8Array(await (await get(session, entryBundlePath(n, count))).arrayBuffer());
    const entries = parseEntryBundle(body);
    if (entries === null || entries.length !== count)
      throw new MvidError('tlog_inconsistent', `entry bundle ${n} does not hold ${count} entries`);
    return entries;
  };
  const inFlight = new Map<bigint, Promise<Uint8Array[]>>();
  for (let n = first; n <= last; n++) {
    for (let k = n; k <= last && k < n + BigInt(BUNDLE_WINDOW); k++)
      if (!inFlight.has(k)) {
        const pending = fetchBundle(k);
        pending.catch(() => {}); // awaited in order below; a failure must not surface as unhandled first
        inFlight.set(k, pending);
      }
    const entries = await (inFlight.get(n) as Promise<Uint8Array[]>);
    inFlight.delete(n);
    for (const [i, entry] of entries.entries()) {
      const index = n * width + BigInt(i);
      if (index >= from) each(entry, index);
    }
    progress?.(n * width + BigInt(entries.length));
  }
}

/**
 * Verifies the log once: key, checkpoint signature (and witness quorum), consistency
 * with the previous run, and every new entry. Throws `tlog_key_changed`,
 * `tlog_split_view` (with `seen` and `conflicting` notes), `tlog_inconsistent`,
 * `entry_invalid`, `tlog_fetch_failed` or a note error; returns the state to keep.
 *
 * @example
 * const { state } = await verifyLog({ url: 'https://id.example', fetch, clock: systemClock, state: previous });
 */
export async function verifyLog(options: MonitorOptions): Promise<MonitorResult> {
  const session = await openSession(options);
  const { checkpoint } = session.opened;
  const previous = options.state;
  const previousSize = previous === null ? 0n : BigInt(previous.size);
  const relation = await checkAgainstState(session, previous);
  const result = { checkpoint, previousSize, cosignatures: session.opened.cosignatures.length };
  if (relation === 'stale' || relation === 'same') {
    if (relation === 'stale')
      options.notice?.(`the log served checkpoint ${checkpoint.size}, older than the verified ${previousSize}; nothing new`);
    return { ...result, state: previous as MonitorState, verifiedEntries: 0n, stale: relation === 'stale' };
  }
  const frontier = (previous?.frontier ?? []).map((h) => decodeBase64(h));
  if (frontier.some((h) => h === null)) throw new MvidError('bad_request', 'the monitor state holds a malformed frontier');
  const tree = previous === null ? new CompactTree() : CompactTree.fromFrontier(previousSize, frontier as Uint8Array[]);
  await downloadEntries(
    session,
    previousSize,
    checkpoint.size,
    (entry, index) => {
      try {
        parseEntry(entry);
      } catch (error) {
        throw new MvidError('entry_invalid', `entry ${index} is not a valid mvid log entry: ${(error as Error).message}`);
      }
      tree.appendEntry(entry);
    },
    (done) => options.progress?.(done, checkpoint.size),
  );
  if (tree.size !== checkpoint.size || Buffer.compare(tree.root(), checkpoint.root) !== 0) {
    throw new MvidError(
      'tlog_inconsistent',
      `the log's entries do not hash to the root of its checkpoint ${checkpoint.size}: the log altered entries`,
    );
  }
  const state: MonitorState = {
    version: 1,
    url: session.prefix,
    vkey: session.verifier.vkey,
    origin: checkpoint.origin,
    size: checkpoint.size.toString(),
    root: encodeBase64(checkpoint.root),
    frontier: tree.frontier().map((s) => encodeBase64(s.hash)),
    checkpoint: session.note,
    verifiedAt: options.clock.now().toISOString(),
  };
  return { ...result, state, verifiedEntries: checkpoint.size - previousSize, stale: false };
}

/**
 * Proves that `entry` is in the log: opens the current checkpoint (checked against the
 * monitor state when there is one), fetches the inclusion proof by leaf hash and
 * verifies it. Throws `not_found` when the log does not hold the entry, or the errors
 * of `verifyLog`.
 *
 * @example
 * const { index, checkpoint } = await proveInclusion({ url, fetch, clock, state, entry });
 */
export async function proveInclusion(
  options: MonitorOptions & { entry: Uint8Array },
): Promise<{ index: bigint; checkpoint: Checkpoint; leafHash: Uint8Array }> {
  const session = await openSession(options);
  await checkAgainstState(session, options.state);
  const { checkpoint } = session.opened;
  const leafHash = hashLeaf(options.entry);
  const url = `${session.prefix}/v1/proof/inclusion?leaf_hash=${Buffer.from(leafHash).toString('base64url')}&size=${checkpoint.size}`;
  const response = await session.fetch(url).catch((cause: unknown) => {
    throw fetchFailed(`cannot fetch ${url}`, cause);
  });
  if (response.status === 404) throw new MvidError('not_found', `the log holds no such entry in its checkpoint ${checkpoint.size}`);
  if (response.status !== 200) throw fetchFailed(`${url} answered ${response.status}`);
  const body = (await response.json()) as { index?: unknown; proof?: unknown };
  if (typeof body.index !== 'number' || !Number.isSafeInteger(body.index) || body.index < 0) throw fetchFailed('the proof has no index');
  const index = BigInt(body.index);
  if (!verifyInclusion(index, checkpoint.size, leafHash, hashes(body.proof), checkpoint.root)) {
    throw new MvidError(
      'tlog_inconsistent',
      `the log's inclusion proof for entry ${index} does not verify against its checkpoint ${checkpoint.size}`,
    );
  }
  return { index, checkpoint, leafHash };
}
