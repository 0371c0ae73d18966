/**
 * The public transparency report as running aggregates (issue 18): every disclosure log
 * event updates, in the transaction that queues it, the row of its request and the figures
 * it counts in (totals, its authority, jurisdiction and offence category), by the same rules
 * as `computeTransparencyReport` (`openTally`, `stepTally`), so serving the report reads a
 * few rows whatever the number of requests filed. The median time to decision is read from
 * an index on the decision times. A test checks the figures equal the recomputation from
 * the log on both engines.
 */
import type { Kysely } from 'kysely';
import type { Database, Store, Tx } from '../store/index.ts';
import type { LogEvent } from '../tlog/index.ts';
import {
  openTally,
  type PublicAuthority,
  type ReportCounts,
  type RequestTally,
  stepTally,
  type TransparencyReport,
  UNVERIFIED,
  verifiedAuthorities,
  zeroCounts,
} from './transparency.ts';

/** The counter columns of `disclosure_report_figures` (and of each request's row). */
type DisclosureReportCounts = Pick<
  Database['disclosure_report_figures'],
  'requests' | 'emergency_requests' | 'approvals' | 'denials' | 'releases' | 'released_envelopes' | 'denied_requests' | 'expired_requests'
>;

const COLUMNS: Record<keyof ReportCounts, keyof DisclosureReportCounts> = {
  requests: 'requests',
  emergencyRequests: 'emergency_requests',
  approvals: 'approvals',
  denials: 'denials',
  releases: 'releases',
  releasedEnvelopes: 'released_envelopes',
  deniedRequests: 'denied_requests',
  expiredRequests: 'expired_requests',
};
const KEYS = Object.keys(COLUMNS) as Array<keyof ReportCounts>;

function toColumns(c: ReportCounts): DisclosureReportCounts {
  const out = {} as Record<keyof DisclosureReportCounts, number>;
  for (const k of KEYS) out[COLUMNS[k]] = c[k];
  return out;
}

function fromColumns(row: DisclosureReportCounts): ReportCounts {
  const out = zeroCounts();
  for (const k of KEYS) out[k] = Number(row[COLUMNS[k]]);
  return out;
}

type Dimension = 'total' | 'authority' | 'jurisdiction' | 'category';

export class ReportAggregates {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Counts `events` (already queued in `tx`, in log order) into the report. */
  async apply(tx: Tx, events: readonly LogEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type === 'disclosure_request') await this.#open(tx, e);
      else if ('request' in e) await this.#step(tx, e.request, e);
    }
  }

  async #open(tx: Tx, e: Extract<LogEvent, { type: 'disclosure_request' }>): Promise<void> {
    const request = await tx
      .selectFrom('disclosure_requests')
      .select(['id', 'authority_id', 'offence_json'])
      .where('id', '=', e.request)
      .executeTakeFirst();
    const authority = await tx.selectFrom('disclosure_authorities').selectAll().where('id', '=', e.authority).executeTakeFirst();
    const opening: PublicAuthority | undefined = authority && {
      id: authority.id,
      name: authority.name,
      jurisdiction: authority.jurisdiction,
      encryptionKey: authority.encryption_key,
      registeredAt: authority.registered_at,
    };
    const record = request && { requestId: request.id, authorityId: request.authority_id, offence: JSON.parse(request.offence_json) };
    const t = openTally(e, record, opening && verifiedAuthorities([opening]).get(opening.id));
    const inserted = await tx
      .insertInto('disclosure_report_requests')
      .values({
        request_id: e.request,
        authority_id: t.authority,
        jurisdiction: t.jurisdiction,
        category: t.category,
        unverified: t.unverified ? 1 : 0,
        requested_at: e.time,
        decided_at: null,
        decision_seconds: null,
        ...toColumns(t.counts),
      })
      .onConflict((oc) => oc.column('request_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return;
    await this.#bump(tx, t, t.counts, t.unverified ? 1 : 0);
  }

  async #step(tx: Tx, requestId: string, e: LogEvent): Promise<void> {
    let query = tx.selectFrom('disclosure_report_requests').selectAll().where('request_id', '=', requestId);
    // Two trustees deciding at once must not lose a count (PostgreSQL); SQLite has one writer.
    if (this.#store.caps.rowLocks) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (row === undefined) return; // an extension's decisions, or an unrelated id
    const before = fromColumns(row);
    const t = { counts: { ...before }, ...(row.decided_at === null ? {} : { decidedAt: Date.parse(row.decided_at) }) };
    stepTally(t, e);
    const delta = zeroCounts();
    for (const k of KEYS) delta[k] = t.counts[k] - before[k];
    const decided = row.decided_at === null && t.decidedAt !== undefined;
    if (!decided && KEYS.every((k) => delta[k] === 0)) return;
    await tx
      .updateTable('disclosure_report_requests')
      .set({
        ...toColumns(t.counts),
        ...(decided ? { decided_at: e.time, decision_seconds: ((t.decidedAt as number) - Date.parse(row.requested_at)) / 1000 } : {}),
      })
      .where('request_id', '=', requestId)
      .execute();
    await this.#bump(tx, { authority: row.authority_id, jurisdiction: row.jurisdiction, category: row.category }, delta, 0);
  }

  /** Adds `delta` to the figures the request counts in (atomic increments, so concurrent writers add up). */
  async #bump(tx: Tx, where: Pick<RequestTally, 'authority' | 'jurisdiction' | 'category'>, delta: ReportCounts, unverified: number) {
    const keys: Array<[Dimension, string]> = [
      ['total', ''],
      ['authority', where.authority],
      ['jurisdiction', where.jurisdiction],
      ['category', where.category],
    ];
    const values = toColumns(delta);
    for (const [dimension, key] of keys) {
      await tx
        .insertInto('disclosure_report_figures')
        .values({ dimension, key, unverified, ...values })
        .onConflict((oc) =>
          oc.columns(['dimension', 'key']).doUpdateSet((eb) => {
            const set: Record<string, unknown> = {
              unverified: eb('disclosure_report_figures.unverified', '+', eb.ref('excluded.unverified')),
            };
            for (const c of Object.keys(values) as Array<keyof DisclosureReportCounts>)
              set[c] = eb(`disclosure_report_figures.${c}`, '+', eb.ref(`excluded.${c}`));
            return set;
          }),
        )
        .execute();
    }
  }

  /** The report from the running figures; authorities name the rows (an unverifiable one is `unverified`). */
  report(authorities: readonly PublicAuthority[]): Promise<TransparencyReport> {
    // Public figures may lag by the read replica's delay (MVID_DATABASE_READ_URL).
    return this.#store.publicRead((db) => this.#report(db, authorities));
  }

  async #report(db: Kysely<Database>, authorities: readonly PublicAuthority[]): Promise<TransparencyReport> {
    const rows = await db.selectFrom('disclosure_report_figures').selectAll().execute();
    const authorityOf = verifiedAuthorities(authorities);
    const of = (dimension: Dimension) =>
      rows.filter((r) => r.dimension === dimension).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const total = rows.find((r) => r.dimension === 'total');
    return {
      totals: total ? fromColumns(total) : zeroCounts(),
      byAuthority: of('authority').map((r) => {
        const a = authorityOf.get(r.key);
        return { ...fromColumns(r), authorityId: r.key, name: a?.name ?? UNVERIFIED, jurisdiction: a?.jurisdiction ?? UNVERIFIED };
      }),
      byJurisdiction: of('jurisdiction').map((r) => ({ ...fromColumns(r), jurisdiction: r.key })),
      byOffenceCategory: of('category').map((r) => ({ ...fromColumns(r), category: r.key })),
      medianTimeToDecisionSeconds: await medianDecisionSeconds(db),
      unverified: total ? Number(total.unverified) : 0,
    };
  }
}

/** The median of the decision times, read through their index (the middle one or two rows). */
async function medianDecisionSeconds(db: Kysely<Database>): Promise<number | null> {
  const decided = db.selectFrom('disclosure_report_requests').where('decision_seconds', 'is not', null);
  const n = Number((await decided.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  if (n === 0) return null;
  const middle = await decided
    .select('decision_seconds')
    .orderBy('decision_seconds')
    .limit(n % 2 === 1 ? 1 : 2)
    .offset(n % 2 === 1 ? (n - 1) / 2 : n / 2 - 1)
    .execute();
  const values = middle.map((r) => Number(r.decision_seconds));
  return values.reduce((a, b) => a + b, 0) / values.length;
}
