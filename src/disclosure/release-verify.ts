/**
 * The authority client's check of a release against the log (issue 12, attack 5).
 * Nothing the server shows is believed until it opens a logged commitment: the
 * request entry is rebuilt from the shown trustee-set id, subject, order, offence and
 * the authority's own key, compared field by field with the entry shown (so a
 * refusal names what differed) and proven included; so are the trustee set's own
 * entry, M approvals of the request and one release entry per committed envelope,
 * whose transcript is recomputed from the sealed shares. The subject's field groups
 * must be the requested ones and covered by the order.
 */
import { fromBase64Url, MvidError } from '../core/index.ts';
import type { TrusteeSet } from '../crypto/index.ts';
import { type Checkpoint, parseEntry } from '../tlog/index.ts';
import { authorityId, courtOrderCommitment, offenceCommitment, subjectCommitment, transcriptCommitment } from './commitments.ts';
import type { ApiClient } from './http-client.ts';
import { proveIncluded } from './log-verify.ts';
import { expectTrusteeSet, proveApprovalQuorum, type ShownEntry } from './quorum.ts';
import type { ReleaseMaterial } from './release.ts';

/** A refusal that names the field of the logged request (or release) that differed. */
function differs(field: string, why: string): MvidError {
  return new MvidError('request_mismatch', `${field}: ${why}`, { extensions: { differs: field } });
}

function parseShown(shown: ShownEntry | null | undefined, what: string): { bytes: Uint8Array; event: ReturnType<typeof parseEntry> } {
  try {
    if (!shown) throw new Error('missing');
    const bytes = fromBase64Url(shown.entry);
    return { bytes, event: parseEntry(bytes) };
  } catch {
    throw new MvidError('log_entry_missing', `${what}: no readable log entry was shown`);
  }
}

/** The subject's field groups are the requested ones, each covered by the order. */
export function checkFieldGroups(m: Pick<ReleaseMaterial, 'subject' | 'courtOrder' | 'offence'>): void {
  if (![m?.subject?.envelopes, m?.offence?.fieldGroups, m?.courtOrder?.fieldGroups].every(Array.isArray))
    throw differs('fieldGroups', 'the release material names no field groups');
  const groups = m.subject.envelopes.map((e) => e.fieldGroup);
  if (new Set(groups).size !== groups.length || groups.join() !== m.offence.fieldGroups.join())
    throw differs('fieldGroups', 'the subject’s envelopes are not the requested field groups');
  const outside = groups.filter((g) => !m.courtOrder.fieldGroups.includes(g));
  if (outside.length > 0) throw differs('fieldGroups', `field group ${outside.join(', ')} is not covered by the court order`);
}

/** The logged request entry, rebuilt from what is shown and compared field by field. */
async function proveRequest(api: ApiClient, m: ReleaseMaterial, authorityKey: string, checkpoint: Checkpoint): Promise<void> {
  const { bytes, event } = parseShown(m.requestEntry, `request ${m.requestId}`);
  if (event.type !== 'disclosure_request' || event.request !== m.requestId)
    throw differs('requestId', 'the entry shown is another request’s');
  if (m.authority.encryptionKey !== authorityKey) throw differs('authority', 'the authority shown is not this key’s');
  const expected: Record<string, string> = {
    authority: authorityId({
      name: m.authority.name,
      jurisdiction: m.authority.jurisdiction,
      encryptionKey: authorityKey,
      registeredAt: m.authority.registeredAt,
    }),
    trusteeSet: m.trusteeSet.id,
    subject: subjectCommitment(m.subject),
    courtOrder: courtOrderCommitment(m.courtOrder),
    offence: offenceCommitment(m.offence),
    time: m.createdAt,
    expires: m.expiresAt,
  };
  const logged = event as unknown as Record<string, string>;
  for (const [field, value] of Object.entries(expected)) {
    if (logged[field] !== value) throw differs(field, `what is shown does not open the logged request ${m.requestId}`);
  }
  await proveIncluded(api, bytes, m.requestEntry.index, checkpoint, `request ${m.requestId}`);
}

/** The set's own `trustee_set` entry: id, threshold, size and escrow key as logged. */
async function proveTrusteeSet(api: ApiClient, set: TrusteeSet, shown: ShownEntry | null, checkpoint: Checkpoint): Promise<void> {
  const { bytes, event } = parseShown(shown, `trustee set ${set.id}`);
  if (
    event.type !== 'trustee_set' ||
    event.trusteeSet !== set.id ||
    event.threshold !== set.threshold ||
    event.trusteeCount !== set.trustees.length ||
    event.escrowKey !== set.escrowPublicKey
  )
    throw differs('trusteeSet', `the trustee set shown is not the one logged as ${set.id}`);
  await proveIncluded(api, bytes, shown?.index, checkpoint, `trustee set ${set.id}`);
}

/**
 * The sets whose escrow key `set` holds by resharing, read from the shown `trustee_set`
 * entries: `set`'s own entry first, each a reshare naming the set it took the key from,
 * with the same escrow key as `set`. Returns those sets' ids (empty when the key was
 * made fresh) and the entries to prove. Pure: {@link proveKeyLineage} proves them logged.
 * @throws MvidError request_mismatch (differs: trusteeSet) | log_entry_missing
 */
export function keyLineage(set: TrusteeSet, shown: readonly ShownEntry[] | undefined): { held: string[]; entries: ShownEntry[] } {
  const held: string[] = [];
  let current = set.id;
  for (const entry of shown ?? []) {
    const { event } = parseShown(entry, `the key lineage of ${set.id}`);
    if (
      event.type !== 'trustee_set' ||
      event.trusteeSet !== current ||
      event.escrowKey !== set.escrowPublicKey ||
      event.ceremony !== 'reshare' ||
      event.resharedFrom === undefined ||
      held.includes(event.resharedFrom)
    )
      throw differs('trusteeSet', `the key lineage shown for ${set.id} is not a chain of logged reshares of its key`);
    held.push(event.resharedFrom);
    current = event.resharedFrom;
  }
  return { held, entries: [...(shown ?? [])] };
}

/**
 * {@link keyLineage}, each entry proven in the log under `checkpoint`.
 * @throws MvidError request_mismatch | log_entry_missing
 */
export async function proveKeyLineage(
  api: ApiClient,
  set: TrusteeSet,
  shown: readonly ShownEntry[] | undefined,
  checkpoint: Checkpoint,
): Promise<string[]> {
  const { held, entries } = keyLineage(set, shown);
  for (const entry of entries) {
    const { bytes } = parseShown(entry, `the key lineage of ${set.id}`);
    await proveIncluded(api, bytes, entry.index, checkpoint, `the key lineage of trustee set ${set.id}`);
  }
  return held;
}

/** One logged release per committed envelope, its transcript recomputed from the first M sealed shares. */
async function proveReleases(api: ApiClient, m: ReleaseMaterial, set: TrusteeSet, checkpoint: Checkpoint): Promise<void> {
  const released = m.shares.filter((s) => m.releasedWith.includes(s.trusteeIndex));
  if (released.length < set.threshold || released.length !== new Set(m.releasedWith).size)
    throw differs('release', `the release names ${m.releasedWith.length} shares, fewer than ${set.threshold} or not all shown`);
  const sealed = released.map((s) => ({ trusteeIndex: s.trusteeIndex, sealedJson: JSON.stringify(s.sealed) }));
  for (const committed of m.subject.envelopes) {
    const transcript = transcriptCommitment(m.requestId, committed.envelopeId, sealed);
    const match = m.releaseEntries
      .map((shown) => ({ shown, ...parseShown(shown, `the release of ${committed.envelopeId}`) }))
      .find(
        ({ event }) =>
          event.type === 'release' &&
          event.request === m.requestId &&
          event.envelope === committed.envelopeId &&
          event.transcript === transcript &&
          event.approvals === released.length,
      );
    if (!match) throw differs('release', `no logged release of envelope ${committed.envelopeId} commits to these sealed shares`);
    await proveIncluded(api, match.bytes, match.shown.index, checkpoint, `the release of envelope ${committed.envelopeId}`);
  }
}

/**
 * Everything in `m` that the authority relies on, proven against `checkpoint` (signed by
 * the pinned log key and consistent with what this client saw). Returns the trustee set.
 * @throws MvidError request_mismatch (extensions.differs names the field) | log_entry_missing | approval_quorum_not_logged
 */
export async function verifyReleaseAgainstLog(
  api: ApiClient,
  m: ReleaseMaterial,
  context: { authorityKey: string; checkpoint: Checkpoint; trusteeSetId?: string },
): Promise<TrusteeSet> {
  const complete =
    [m.approvalEntries, m.releaseEntries, m.releasedWith, m.shares, m.subject?.envelopes].every(Array.isArray) &&
    typeof m.authority === 'object' &&
    m.authority !== null;
  if (!complete) throw differs('release', 'the release material is incomplete');
  checkFieldGroups(m);
  const set = expectTrusteeSet(m.trusteeSet, context.trusteeSetId ?? m.trusteeSet?.id);
  await proveRequest(api, m, context.authorityKey, context.checkpoint);
  await proveTrusteeSet(api, set, m.trusteeSetEntry, context.checkpoint);
  await proveKeyLineage(api, set, m.trusteeSetLineage, context.checkpoint);
  await proveApprovalQuorum(api, m.requestId, set, m.approvalEntries, context.checkpoint);
  await proveReleases(api, m, set, context.checkpoint);
  return set;
}
