/**
 * `mvid trustee reshare`: one participant's side of a reshare ceremony, on its own
 * machine, through the same relay (and the same signed, sealed messages) as the DKG.
 * An old trustee (dealer) re-deals its share — read from its share file, never sent —
 * and, once the new set is published, the CLI destroys its old share file. A new
 * trustee checks every sub-share against its dealer's public commitments, complains
 * with proof about a bad one, combines the good ones into its new share and writes it
 * only as a passphrase-encrypted share file.
 */
import { MvidError, type Random } from '../core/index.ts';
import {
  type DkgAnnounce,
  type DkgCommit,
  type DkgComplaints,
  type DkgShares,
  type DkgTranscript,
  type ReshareCeremonyOutcome,
  type ReshareCeremonyParameters,
  type ScryptParams,
  type ShareFile,
  type TrusteeSet,
  type TrusteeShare,
  dealerSlot,
  dkgAnnounce,
  dkgComplaints,
  dkgResult,
  encryptShareFile,
  newDkgIdentity,
  parseTrusteeSet,
  reshareCeremonyOutcome,
  reshareDealMessages,
  reshareFinalShare,
  reshareReceive,
  reshareSigningParameters,
  reshareSlots,
  roleOfSlot,
  validAnnouncements,
  wipeDkgIdentity,
} from '../crypto/index.ts';
import type { DkgCeremonyView } from './dkg.ts';
import { type DkgCall, type DkgMe, announceFingerprint, dkgPaths, joinCeremony, waitForCompletion, waitForRound } from './dkg-client.ts';

export interface ReshareRunOptions {
  ceremonyId: string;
  call: DkgCall;
  /** Dealer: this old trustee's share of the set being reshared (wiped by the caller). */
  share?: TrusteeShare;
  /** New trustee: the passphrase for the new share file. */
  passphrase?: string;
  scrypt?: ScryptParams;
  random?: Random;
  pollMs?: number;
  timeoutMs?: number;
  progress?: (line: string) => void;
  /** Wait until the server published the new set (default); a batch waits once, after its last ceremony. */
  awaitCompletion?: boolean;
}

export interface ReshareRunResult {
  role: 'dealer' | 'member';
  /** New index (member) or old index (dealer). */
  index: number;
  from: TrusteeSet;
  trusteeSet: TrusteeSet;
  outcome: ReshareCeremonyOutcome;
  /** Member only: the new share, encrypted. */
  shareFile?: ShareFile;
  fingerprint: string;
}

/**
 * Runs the ceremony for the participant whose token `call` carries; resolves once the
 * server published the set every new trustee signed.
 * @throws MvidError share_invalid | trustee_set_invalid | service_unavailable | validation_failed
 */
export async function runReshare(options: ReshareRunOptions): Promise<ReshareRunResult> {
  const { ceremonyId, call } = options;
  const { random, progress, pollMs, deadline, me } = await joinCeremony(options);
  if (me.ceremony.kind !== 'reshare' || me.from === undefined || me.ceremony.dealers === undefined)
    throw new MvidError('validation_failed', `ceremony ${ceremonyId} is not a reshare`);
  const from = parseTrusteeSet(me.from);
  if (from.id !== me.ceremony.fromSetId) throw new MvidError('trustee_set_invalid', 'the server shows another set than the one reshared');
  const params: ReshareCeremonyParameters = {
    ceremonyId,
    from,
    threshold: me.ceremony.threshold,
    trustees: me.ceremony.trustees,
    dealers: me.ceremony.dealers,
  };
  const signing = reshareSigningParameters(params);
  const slot = me.trusteeIndex;
  const role = roleOfSlot(slot);
  const { members, dealers } = reshareSlots(params);
  const name = (s: number) => {
    const r = roleOfSlot(s);
    return r.role === 'member'
      ? `new trustee ${params.trustees[r.newIndex - 1]}`
      : `old trustee ${from.trustees.find((t) => t.index === r.oldIndex)?.id}`;
  };
  const waitFor = <T>(round: 'announce' | 'commit' | 'shares' | 'complaints', expected: readonly number[]) =>
    waitForRound<T>(call, ceremonyId, round, expected, { pollMs, until: deadline(), name });
  if (role.role === 'dealer') {
    const share = options.share;
    const member = from.trustees.find((t) => t.index === role.oldIndex);
    if (
      share === undefined ||
      share.trusteeSetId !== from.id ||
      share.index !== role.oldIndex ||
      share.verificationKey !== member?.verificationKey
    )
      throw new MvidError(
        'share_invalid',
        `this token re-deals the share of ${member?.id ?? role.oldIndex} in set ${from.id}: give that share file`,
      );
  } else if (options.passphrase === undefined)
    throw new MvidError('validation_failed', 'a new trustee needs a passphrase for its new share');

  const identity = newDkgIdentity(random);
  let received: Map<number, Uint8Array> | undefined;
  try {
    progress(
      `${name(slot)}: resharing ${from.id} (${from.threshold} of ${from.trustees.length}) to ${params.threshold} of ${params.trustees.length}`,
    );
    await call('POST', dkgPaths.messages(ceremonyId, 'announce'), dkgAnnounce(signing, slot, identity));
    const t: DkgTranscript = {
      announce: validAnnouncements(signing, await waitFor<DkgAnnounce>('announce', [...members, ...dealers])),
      commit: new Map(),
      shares: new Map(),
      complaints: new Map(),
    };
    const fingerprint = announceFingerprint(t.announce);
    progress(`announced keys fingerprint ${fingerprint}: compare it with the other participants`);
    if (role.role === 'dealer') {
      const { commit, shares } = reshareDealMessages(params, options.share as TrusteeShare, identity, t.announce, random);
      await call('POST', dkgPaths.messages(ceremonyId, 'commit'), commit);
      await call('POST', dkgPaths.messages(ceremonyId, 'shares'), shares);
    }
    t.commit = await waitFor<DkgCommit>('commit', dealers);
    t.shares = await waitFor<DkgShares>('shares', dealers);
    let shareFile: ShareFile | undefined;
    if (role.role === 'member') {
      const got = reshareReceive(params, role.newIndex, identity, t, dealers);
      received = got.received;
      if (got.unreadable.length > 0)
        throw new MvidError(
          'share_invalid',
          `unreadable or unsigned sub-shares from ${got.unreadable.map((i) => name(dealerSlot(i))).join(', ')}`,
        );
      for (const c of got.complaints) progress(`complaint: the sub-share from ${name(c.against)} fails its commitments`);
      await call('POST', dkgPaths.messages(ceremonyId, 'complaints'), dkgComplaints(signing, slot, identity, got.complaints));
    }
    t.complaints = await waitFor<DkgComplaints>('complaints', members);
    const outcome = reshareCeremonyOutcome(params, t);
    for (const d of outcome.disqualifiedBecause) progress(`disqualified: ${name(dealerSlot(d.index))} (${d.reason})`);
    if (role.role === 'member') {
      const share = reshareFinalShare(role.newIndex, outcome, t, received as Map<number, Uint8Array>);
      try {
        const encryptOptions = options.scrypt === undefined ? { random } : { random, scrypt: options.scrypt };
        shareFile = await encryptShareFile(share, options.passphrase as string, encryptOptions);
      } finally {
        share.secret.fill(0);
      }
      await call('POST', dkgPaths.messages(ceremonyId, 'result'), dkgResult(signing, slot, identity, outcome));
    }
    if (options.awaitCompletion !== false) await waitForCompletion(call, ceremonyId, outcome.trusteeSet.id, { pollMs, until: deadline() });
    return {
      role: role.role,
      index: role.role === 'dealer' ? role.oldIndex : role.newIndex,
      from,
      trusteeSet: parseTrusteeSet(outcome.trusteeSet),
      outcome,
      ...(shareFile ? { shareFile } : {}),
      fingerprint,
    };
  } finally {
    wipeDkgIdentity(identity);
    for (const bytes of received?.values() ?? []) bytes.fill(0);
  }
}

export interface ReshareBatchResult {
  ceremonyId: string;
  /** Set for the ceremony of a retention-epoch key (the old set's epoch key it moves). */
  epoch?: NonNullable<DkgCeremonyView['epoch']>;
  result: ReshareRunResult;
}

/**
 * `mvid trustee reshare`: runs every ceremony of a reshare batch — the set's own key, then
 * each of its live retention-epoch keys — for the participant whose token `call` carries,
 * and resolves once the server published the new set with all of them. A dealer gives its
 * shares of every key (`shares`: the set's and each epoch's; each ceremony takes the one of
 * its key) and sits out a ceremony of a key it holds no share of; a new trustee gets one
 * new share per key.
 * @throws MvidError share_invalid | trustee_set_invalid | service_unavailable | validation_failed
 */
export async function runReshareBatch(
  options: Omit<ReshareRunOptions, 'share' | 'awaitCompletion'> & { shares?: readonly TrusteeShare[] },
): Promise<ReshareBatchResult[]> {
  const { call } = options;
  const lead = await call<DkgMe>('GET', `${dkgPaths.ceremony(options.ceremonyId)}/me`);
  const out: ReshareBatchResult[] = [];
  for (const ceremonyId of lead.ceremony.batch ?? [options.ceremonyId]) {
    let me: DkgMe;
    try {
      me = ceremonyId === options.ceremonyId ? lead : await call<DkgMe>('GET', `${dkgPaths.ceremony(ceremonyId)}/me`);
    } catch (error) {
      // An old trustee who holds no share of this key (left out of its ceremony) takes no part in it.
      if (error instanceof MvidError && error.code === 'unauthenticated' && options.shares !== undefined) continue;
      throw error;
    }
    const epoch = me.ceremony.epoch;
    if (epoch)
      options.progress?.(`epoch ${epoch.epoch} key ${me.ceremony.fromSetId} (envelopes expiring ${epoch.startsAt} to ${epoch.endsAt})`);
    const share = options.shares?.find((s) => s.trusteeSetId === me.ceremony.fromSetId);
    if (options.shares !== undefined && share === undefined)
      throw new MvidError(
        'share_invalid',
        `give your share of key ${me.ceremony.fromSetId}${epoch ? ` (epoch ${epoch.epoch})` : ''}: it is reshared too`,
      );
    const result = await runReshare({ ...options, ceremonyId, ...(share ? { share } : {}), awaitCompletion: false });
    out.push({ ceremonyId, ...(epoch ? { epoch } : {}), result });
  }
  const until = Date.now() + (options.timeoutMs ?? 600_000);
  for (const { ceremonyId, result } of out)
    await waitForCompletion(call, ceremonyId, result.outcome.trusteeSet.id, { pollMs: options.pollMs ?? 1000, until });
  return out;
}
