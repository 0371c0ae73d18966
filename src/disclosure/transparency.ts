/**
 * The public transparency report, computed by one pure function from log entries and
 * the public openings (each request's offence opening, each authority's record).
 * The server runs it on the entries it logged; anyone can run it on the entries they
 * fetched from the log and get the same figures — or see where they differ. An opening
 * that does not match its logged commitment is not trusted: its request is counted
 * under `unverified`.
 */
import { parseEntry, type LogEvent } from '../tlog/index.ts';
import { type AuthorityOpening, authorityId, type OffenceOpening, offenceCommitment } from './commitments.ts';
import { median } from './util.ts';

export interface PublicRequestRecord {
  requestId: string;
  authorityId: string;
  offence: OffenceOpening;
}

export interface PublicAuthority extends AuthorityOpening {
  id: string;
}

export interface ReportCounts {
  requests: number;
  emergencyRequests: number;
  approvals: number;
  denials: number;
  /** Requests whose envelopes were released (M shares uploaded). */
  releases: number;
  releasedEnvelopes: number;
  deniedRequests: number;
  expiredRequests: number;
}

export interface TransparencyReport {
  totals: ReportCounts;
  byAuthority: Array<ReportCounts & { authorityId: string; name: string; jurisdiction: string }>;
  byJurisdiction: Array<ReportCounts & { jurisdiction: string }>;
  byOffenceCategory: Array<ReportCounts & { category: string }>;
  /** From the request entry to release or the denial that closed it; null before any decision. */
  medianTimeToDecisionSeconds: number | null;
  /** Requests whose public opening is missing or does not match the log. */
  unverified: number;
}

export const UNVERIFIED = 'unverified';

export function zeroCounts(): ReportCounts {
  return {
    requests: 0,
    emergencyRequests: 0,
    approvals: 0,
    denials: 0,
    releases: 0,
    releasedEnvelopes: 0,
    deniedRequests: 0,
    expiredRequests: 0,
  };
}

function add(into: ReportCounts, from: ReportCounts): void {
  // The keys of the counts only: `into` may be a row that also carries its labels.
  for (const k of Object.keys(zeroCounts()) as Array<keyof ReportCounts>) into[k] += from[k];
}

/** Parses raw log entries, skipping anything that is not an mvid entry (a monitor reads everything). */
export function parseLogEntries(entries: readonly Uint8Array[]): LogEvent[] {
  const out: LogEvent[] = [];
  for (const bytes of entries) {
    try {
      out.push(parseEntry(bytes));
    } catch {
      // not ours to count
    }
  }
  return out;
}

/** Authorities whose public opening matches their id, by id (others are named `unverified`). */
export function verifiedAuthorities(authorities: readonly PublicAuthority[]): Map<string, PublicAuthority> {
  const out = new Map<string, PublicAuthority>();
  for (const a of authorities) {
    const { id, ...opening } = a;
    if (
      authorityId({
        name: opening.name,
        jurisdiction: opening.jurisdiction,
        encryptionKey: opening.encryptionKey,
        registeredAt: opening.registeredAt,
      }) === id
    )
      out.set(id, a);
  }
  return out;
}

/** What the report keeps of one request: its counts, where it is counted, and its times. */
export interface RequestTally {
  counts: ReportCounts;
  authority: string;
  jurisdiction: string;
  category: string;
  unverified: boolean;
  requestedAt: number;
  decidedAt?: number;
}

/** The tally a `disclosure_request` event opens, given its public record and its (verified) authority. */
export function openTally(
  e: Extract<LogEvent, { type: 'disclosure_request' }>,
  record: PublicRequestRecord | undefined,
  authority: PublicAuthority | undefined,
): RequestTally {
  const ok = record !== undefined && record.authorityId === e.authority && offenceCommitment(record.offence) === e.offence;
  const counts = zeroCounts();
  counts.requests = 1;
  counts.emergencyRequests = ok && record.offence.emergency ? 1 : 0;
  return {
    counts,
    authority: e.authority,
    jurisdiction: ok && authority ? authority.jurisdiction : UNVERIFIED,
    category: ok ? record.offence.category : UNVERIFIED,
    unverified: !ok,
    requestedAt: Date.parse(e.time),
  };
}

/** Applies a later event of the request to its tally (the one rule both the fold and the running aggregates use). */
export function stepTally(t: Pick<RequestTally, 'counts' | 'decidedAt'>, e: LogEvent): void {
  if (e.type === 'trustee_approval') t.counts.approvals += 1;
  else if (e.type === 'trustee_denial') t.counts.denials += 1;
  else if (e.type === 'release') {
    if (t.counts.releases === 0) {
      t.counts.releases = 1;
      t.decidedAt ??= Date.parse(e.time);
    }
    t.counts.releasedEnvelopes += 1;
  } else if (e.type === 'request_closed' && e.outcome === 'denied') {
    t.counts.deniedRequests = 1;
    t.decidedAt ??= Date.parse(e.time);
  } else if (e.type === 'request_expired') t.counts.expiredRequests = 1;
}

/**
 * The report from log events in log order plus the public openings.
 * @example
 * const report = computeTransparencyReport(parseLogEntries(await fetchAll()), records, authorities);
 */
export function computeTransparencyReport(
  events: readonly LogEvent[],
  records: readonly PublicRequestRecord[],
  authorities: readonly PublicAuthority[],
): TransparencyReport {
  const recordOf = new Map(records.map((r) => [r.requestId, r]));
  const authorityOf = verifiedAuthorities(authorities);
  const requests = new Map<string, RequestTally>();
  let unverified = 0;
  for (const e of events) {
    if (e.type === 'disclosure_request') {
      const t = openTally(e, recordOf.get(e.request), authorityOf.get(e.authority));
      if (t.unverified) unverified += 1;
      requests.set(e.request, t);
      continue;
    }
    if (!('request' in e)) continue;
    const t = requests.get(e.request);
    if (t === undefined) continue; // an extension's decisions, or an unrelated id
    stepTally(t, e);
  }

  const totals = zeroCounts();
  const byAuthority = new Map<string, ReportCounts & { authorityId: string; name: string; jurisdiction: string }>();
  const byJurisdiction = new Map<string, ReportCounts & { jurisdiction: string }>();
  const byCategory = new Map<string, ReportCounts & { category: string }>();
  const decisionTimes: number[] = [];
  for (const t of requests.values()) {
    add(totals, t.counts);
    const authority = authorityOf.get(t.authority);
    const a = byAuthority.get(t.authority) ?? {
      ...zeroCounts(),
      authorityId: t.authority,
      name: authority?.name ?? UNVERIFIED,
      jurisdiction: authority?.jurisdiction ?? UNVERIFIED,
    };
    add(a, t.counts);
    byAuthority.set(t.authority, a);
    const j = byJurisdiction.get(t.jurisdiction) ?? { ...zeroCounts(), jurisdiction: t.jurisdiction };
    add(j, t.counts);
    byJurisdiction.set(t.jurisdiction, j);
    const c = byCategory.get(t.category) ?? { ...zeroCounts(), category: t.category };
    add(c, t.counts);
    byCategory.set(t.category, c);
    if (t.decidedAt !== undefined) decisionTimes.push((t.decidedAt - t.requestedAt) / 1000);
  }
  const sortBy = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    totals,
    byAuthority: sortBy(byAuthority),
    byJurisdiction: sortBy(byJurisdiction),
    byOffenceCategory: sortBy(byCategory),
    medianTimeToDecisionSeconds: median(decisionTimes) ?? null,
    unverified,
  };
}
