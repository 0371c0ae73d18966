/**
 * `mvid trustee dkg`: one trustee's side of a dealerless key ceremony, run on the
 * trustee's own machine. It talks to the mvid server only through `call` (the HTTP
 * API), which relays the other trustees' messages; its ceremony keys, its polynomial
 * and the shares it receives never leave this process, and its final share is
 * written only as a passphrase-encrypted share file.
 */
import { createHash } from 'node:crypto';
import { MvidError, type Random, systemRandom } from '../core/index.ts';
import {
  type DkgAnnounce,
  type DkgCommit,
  type DkgComplaints,
  type DkgIdentity,
  type DkgOutcome,
  type DkgParameters,
  type DkgRound,
  type DkgShares,
  type DkgTranscript,
  dkgAnnounce,
  dkgCommit,
  dkgComplaints,
  dkgDealers,
  dkgFinalShare,
  dkgOutcome,
  dkgReceive,
  dkgResult,
  dkgShares,
  encryptShareFile,
  newDkgIdentity,
  parseTrusteeSet,
  type ScryptParams,
  type ShareFile,
  type TrusteeSet,
  validAnnouncements,
  wipeDkgIdentity,
  wipeDkgPolynomial,
} from '../crypto/index.ts';
import type { DkgCeremonyView, DkgMessageView } from './dkg.ts';

/** A JSON call to the mvid API with the trustee's ceremony token (e.g. `ApiClient.json`). */
export type DkgCall = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

/**
 * `call`, but a request that got no HTTP answer at all (a dropped connection: anything but
 * an MvidError) is sent again, up to `attempts` times with a growing pause. Safe for every
 * ceremony request: reads change nothing, and the server takes the same message again as a
 * retry. A ceremony batch runs for minutes; one lost connection must not end it.
 */
export function retryingCall(call: DkgCall, attempts = 5, pauseMs = 500): DkgCall {
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call<T>(method, path, body);
      } catch (error) {
        if (error instanceof MvidError || attempt >= attempts) throw error;
        await sleep(pauseMs * attempt);
      }
    }
  };
}

export interface DkgRunOptions {
  ceremonyId: string;
  call: DkgCall;
  passphrase: string;
  scrypt?: ScryptParams;
  random?: Random;
  /** Between polls for the other trustees (default 1 s). */
  pollMs?: number;
  /** Give up when a round has not filled in this long (default 10 min). */
  timeoutMs?: number;
  /** Progress lines for the trustee. */
  progress?: (line: string) => void;
}

export interface DkgRunResult {
  trusteeIndex: number;
  trusteeSet: TrusteeSet;
  shareFile: ShareFile;
  outcome: DkgOutcome;
  /** Hash of the announced keys: compare it with the other trustees out of band. */
  fingerprint: string;
}

export interface DkgMe {
  ceremony: DkgCeremonyView;
  trusteeIndex: number;
  /** Reshare: the set whose key moves (its id is a hash over its content: check it). */
  from?: TrusteeSet;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Paths of the ceremony API, shared with the server routes. */
export const dkgPaths = {
  ceremony: (id: string) => `/registry/v1/dkg/${encodeURIComponent(id)}`,
  messages: (id: string, round: DkgRound) => `/registry/v1/dkg/${encodeURIComponent(id)}/messages/${round}`,
};

/**
 * Runs the whole ceremony for the trustee whose token `call` carries; resolves once
 * the server has published the set every qualified trustee signed.
 * @throws MvidError share_invalid (this trustee was disqualified or got an unreadable share) | service_unavailable (timeout)
 */
export async function runDkg(options: DkgRunOptions): Promise<DkgRunResult> {
  const { ceremonyId, call } = options;
  const { random, progress, pollMs, deadline, me } = await joinCeremony(options);
  const params: DkgParameters = { ceremonyId, threshold: me.ceremony.threshold, trustees: me.ceremony.trustees };
  const index = me.trusteeIndex;
  const everyone = params.trustees.map((_, k) => k + 1);

  const waitFor = <T>(round: DkgRound, expected: readonly number[]) =>
    waitForRound<T>(call, ceremonyId, round, expected, { pollMs, until: deadline(), name: (i) => params.trustees[i - 1] as string });

  const identity: DkgIdentity = newDkgIdentity(random);
  let polynomial: { coefficients: bigint[] } | undefined;
  let received: Map<number, Uint8Array> | undefined;
  try {
    progress(`trustee ${index} (${params.trustees[index - 1]}) of ${params.trustees.length}, threshold ${params.threshold}`);
    await call('POST', dkgPaths.messages(ceremonyId, 'announce'), dkgAnnounce(params, index, identity));
    const t: DkgTranscript = {
      announce: validAnnouncements(params, await waitFor<DkgAnnounce>('announce', everyone)),
      commit: new Map(),
      shares: new Map(),
      complaints: new Map(),
    };
    const fingerprint = announceFingerprint(t.announce);
    progress(`announced keys fingerprint ${fingerprint}: compare it with the other trustees`);

    const committed = dkgCommit(params, index, identity, random);
    polynomial = committed.polynomial;
    await call('POST', dkgPaths.messages(ceremonyId, 'commit'), committed.message);
    t.commit = await waitFor<DkgCommit>('commit', [...t.announce.keys()]);
    const dealers = dkgDealers(params, t);
    if (!dealers.includes(index)) throw new MvidError('share_invalid', 'this trustee’s own commitment was refused');

    await call(
      'POST',
      dkgPaths.messages(ceremonyId, 'shares'),
      dkgShares(params, index, identity, polynomial, t.announce, dealers, random),
    );
    t.shares = await waitFor<DkgShares>('shares', dealers);
    const got = dkgReceive(params, index, identity, t, dealers);
    received = got.received;
    if (got.unreadable.length > 0) {
      const names = got.unreadable.map((i) => params.trustees[i - 1]).join(', ');
      throw new MvidError('share_invalid', `unreadable or unsigned shares from ${names}: rerun the ceremony without them`);
    }
    for (const c of got.complaints) progress(`complaint: the share from ${params.trustees[c.against - 1]} fails its commitments`);
    await call('POST', dkgPaths.messages(ceremonyId, 'complaints'), dkgComplaints(params, index, identity, got.complaints));
    t.complaints = await waitFor<DkgComplaints>('complaints', dealers);

    const outcome = dkgOutcome(params, t);
    for (const d of outcome.disqualified) progress(`disqualified: ${params.trustees[d.index - 1]} (${d.reason})`);
    if (!outcome.qualified.includes(index)) throw new MvidError('share_invalid', 'this trustee was disqualified');
    const share = dkgFinalShare(params, index, polynomial, received, outcome);
    let shareFile: ShareFile;
    try {
      const encryptOptions = options.scrypt === undefined ? { random } : { random, scrypt: options.scrypt };
      shareFile = await encryptShareFile(share, options.passphrase, encryptOptions);
    } finally {
      share.secret.fill(0);
    }
    await call('POST', dkgPaths.messages(ceremonyId, 'result'), dkgResult(params, index, identity, outcome));
    await waitForCompletion(call, ceremonyId, outcome.trusteeSet.id, { pollMs, until: deadline() });
    return { trusteeIndex: index, trusteeSet: parseTrusteeSet(outcome.trusteeSet), shareFile, outcome, fingerprint };
  } finally {
    wipeDkgIdentity(identity);
    if (polynomial) wipeDkgPolynomial(polynomial);
    for (const bytes of received?.values() ?? []) bytes.fill(0);
  }
}

/** What every ceremony client starts with: its options' defaults and the ceremony as its token sees it. */
export async function joinCeremony(options: Omit<DkgRunOptions, 'passphrase' | 'scrypt'>): Promise<{
  random: Random;
  progress: (line: string) => void;
  pollMs: number;
  deadline: () => number;
  me: DkgMe;
}> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  return {
    random: options.random ?? systemRandom,
    progress: options.progress ?? (() => {}),
    pollMs: options.pollMs ?? 1000,
    deadline: () => Date.now() + timeoutMs,
    me: await options.call<DkgMe>('GET', `${dkgPaths.ceremony(options.ceremonyId)}/me`),
  };
}

/**
 * Polls one round until every `expected` slot posted; the messages by slot.
 * @throws MvidError service_unavailable when `until` passes first
 */
export async function waitForRound<T>(
  call: DkgCall,
  ceremonyId: string,
  round: DkgRound,
  expected: readonly number[],
  o: { pollMs: number; until: number; name: (slot: number) => string },
): Promise<Map<number, T>> {
  for (;;) {
    const list = await call<{ messages: DkgMessageView[] }>('GET', dkgPaths.messages(ceremonyId, round));
    const got = new Map(list.messages.map((m) => [m.trusteeIndex, m.body as T]));
    if (expected.every((i) => got.has(i))) return got;
    if (Date.now() > o.until) {
      const missing = expected.filter((i) => !got.has(i)).map(o.name);
      throw new MvidError('service_unavailable', `the ${round} round did not fill in time; missing: ${missing.join(', ')}`);
    }
    await sleep(o.pollMs);
  }
}

/**
 * Polls until the server published the ceremony's set and checks it is `expectedSetId`.
 * @throws MvidError trustee_set_invalid | service_unavailable
 */
export async function waitForCompletion(
  call: DkgCall,
  ceremonyId: string,
  expectedSetId: string,
  o: { pollMs: number; until: number },
): Promise<void> {
  for (;;) {
    const view = await call<DkgCeremonyView>('GET', dkgPaths.ceremony(ceremonyId));
    if (view.status === 'complete') {
      if (view.trusteeSetId !== expectedSetId)
        throw new MvidError('trustee_set_invalid', `the server published ${view.trusteeSetId}, not the agreed ${expectedSetId}`);
      return;
    }
    if (Date.now() > o.until) throw new MvidError('service_unavailable', 'the other trustees did not confirm the result in time');
    await sleep(o.pollMs);
  }
}

/** SHA-256 of every announced key in index order, 80 bits shown: what trustees compare out of band. */
export function announceFingerprint(announce: ReadonlyMap<number, DkgAnnounce>): string {
  const h = createHash('sha256');
  for (const [i, a] of [...announce.entries()].sort((x, y) => x[0] - y[0])) h.update(`${i}:${a.signKey}:${a.encKey}\n`);
  return h
    .digest('hex')
    .slice(0, 20)
    .replace(/(.{4})(?=.)/g, '$1 ');
}

/** One ceremony of a batch and what it gave this trustee. */
export interface DkgBatchResult {
  ceremonyId: string;
  /** Set for a retention-epoch key ceremony. */
  epoch?: NonNullable<DkgCeremonyView['epoch']>;
  result: DkgRunResult;
}

/**
 * Runs every ceremony of the batch `ceremonyId` belongs to, one after the other (every
 * trustee runs them in the same order, so each round fills in): a trustee set's own
 * ceremony is a batch of one; a batch of retention-epoch key ceremonies yields one share
 * file per epoch, all under the same passphrase.
 */
export async function runDkgBatch(options: DkgRunOptions): Promise<DkgBatchResult[]> {
  const me = await options.call<DkgMe>('GET', `${dkgPaths.ceremony(options.ceremonyId)}/me`);
  const out: DkgBatchResult[] = [];
  for (const ceremonyId of me.ceremony.batch ?? [options.ceremonyId]) {
    const view = ceremonyId === me.ceremony.id ? me.ceremony : await options.call<DkgCeremonyView>('GET', dkgPaths.ceremony(ceremonyId));
    if (view.status === 'complete') continue;
    if (view.epoch) options.progress?.(`epoch ${view.epoch.epoch} (envelopes expiring ${view.epoch.startsAt} to ${view.epoch.endsAt})`);
    const result = await runDkg({ ...options, ceremonyId });
    out.push({ ceremonyId, ...(view.epoch ? { epoch: view.epoch } : {}), result });
  }
  return out;
}
