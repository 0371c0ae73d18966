/**
 * Disclosure's side of the log: every entry it queues is also kept in
 * `disclosure_events` and counted into the transparency report's running figures (same
 * transaction), and once the log has integrated it, its
 * index is looked up by leaf hash and remembered, so a request can list the log
 * entries that prove each of its steps.
 */
import { fromBase64Url, toBase64Url } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';
import { hashLeaf, type LogEvent, parseEntry } from '../tlog/index.ts';
import { leafHashOf } from './commitments.ts';
import { ReportAggregates } from './report-aggregates.ts';
import type { PublicAuthority, TransparencyReport } from './transparency.ts';
import type { DisclosureLog, EscrowDirectory } from './types.ts';

export interface LoggedEvent {
  type: string;
  time: string;
  leafHash: string;
  /** Null until the log has integrated the entry. */
  index: number | null;
  extensionId: string | null;
}

export class Ledger {
  readonly #store: Store;
  readonly #log: DisclosureLog;
  readonly #report: ReportAggregates;

  constructor(store: Store, log: DisclosureLog) {
    this.#store = store;
    this.#log = log;
    this.#report = new ReportAggregates(store);
  }

  /** The transparency report from its running figures (kept by `record`). */
  report(authorities: readonly PublicAuthority[]): Promise<TransparencyReport> {
    return this.#report.report(authorities);
  }

  get log(): DisclosureLog {
    return this.#log;
  }

  /** An entry as clients are shown it: its bytes and, once integrated, its index (to prove it included). */
  async shown(entry: Uint8Array): Promise<{ index: number | null; entry: string }> {
    const index = await this.#log.indexOf(hashLeaf(entry));
    return { index: index === undefined ? null : Number(index), entry: toBase64Url(entry) };
  }

  /** The logged lineage of a trustee set's key (see `EscrowDirectory.trusteeSetLineage`), shown. */
  async shownLineage(escrow: EscrowDirectory, trusteeSetId: string): Promise<Array<{ index: number | null; entry: string }>> {
    return Promise.all((await escrow.trusteeSetLineage(trusteeSetId)).map((e) => this.shown(e)));
  }

  /** Queues entries in the caller's transaction; returns their leaf hashes. */
  async record(tx: Tx, requestId: string, entries: Uint8Array[], extensionId: string | null = null): Promise<string[]> {
    if (entries.length === 0) return [];
    const events = entries.map((entry) => parseEntry(entry));
    const rows = entries.map((entry, i) => {
      const event = events[i] as LogEvent;
      return {
        request_id: requestId,
        extension_id: extensionId,
        type: event.type,
        leaf_hash: leafHashOf(entry),
        entry,
        time: event.time,
        log_index: null,
      };
    });
    await tx.insertInto('disclosure_events').values(rows).execute();
    await this.#log.enqueue(tx, entries);
    await this.#report.apply(tx, events);
    return rows.map((r) => r.leaf_hash);
  }

  /**
   * Has the log integrate what was queued, then fills in the indices still unknown.
   * Returns the index of each leaf hash asked for (undefined if the log lacks it).
   */
  async settle(leafHashes: readonly string[] = []): Promise<Map<string, number | undefined>> {
    await this.#log.integrate();
    const pending = await this.#store.db
      .selectFrom('disclosure_events')
      .select(['id', 'leaf_hash'])
      .where('log_index', 'is', null)
      .execute();
    for (const row of pending) {
      const index = await this.#log.indexOf(fromBase64Url(row.leaf_hash));
      if (index !== undefined) {
        await this.#store.db
          .updateTable('disclosure_events')
          .set({ log_index: Number(index) })
          .where('id', '=', row.id)
          .execute();
      }
    }
    const out = new Map<string, number | undefined>();
    if (leafHashes.length === 0) return out;
    const rows = await this.#store.db
      .selectFrom('disclosure_events')
      .select(['leaf_hash', 'log_index'])
      .where('leaf_hash', 'in', [...leafHashes])
      .execute();
    for (const h of leafHashes) {
      const index = rows.find((r) => r.leaf_hash === h)?.log_index;
      out.set(h, index === null || index === undefined ? undefined : Number(index));
    }
    return out;
  }

  /** Every logged event of a request (and its extensions), oldest first. */
  async eventsOf(requestId: string): Promise<LoggedEvent[]> {
    const rows = await this.#store.db
      .selectFrom('disclosure_events')
      .select(['type', 'time', 'leaf_hash', 'log_index', 'extension_id'])
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      type: r.type,
      time: r.time,
      leafHash: r.leaf_hash,
      index: r.log_index === null ? null : Number(r.log_index),
      extensionId: r.extension_id,
    }));
  }

  /** A request's own logged entries of one type (not its extensions'), with their bytes, so a client can parse and prove them. */
  async shownEntries(requestId: string, type: string): Promise<Array<{ index: number | null; entry: string }>> {
    const rows = await this.#store.db
      .selectFrom('disclosure_events')
      .select(['log_index', 'entry'])
      .where('request_id', '=', requestId)
      .where('type', '=', type)
      .where('extension_id', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ index: r.log_index === null ? null : Number(r.log_index), entry: toBase64Url(new Uint8Array(r.entry)) }));
  }

  /** Every entry disclosure ever logged, oldest first (the server's side of the transparency report). */
  async allEntries(): Promise<Uint8Array[]> {
    const rows = await this.#store.db.selectFrom('disclosure_events').select('entry').orderBy('id').execute();
    return rows.map((r) => new Uint8Array(r.entry));
  }
}
