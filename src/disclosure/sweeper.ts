/**
 * The clock-driven end of requests. A pending request past its validity is logged
 * as expired and closed; a released one the authority never acknowledged is closed
 * as released (its notification clock already runs); a pending extension past its
 * window lapses, logged as expired under its own id. Each request is handled in its
 * own transaction under its lock, so several nodes can sweep at once.
 */
import type { Clock } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { closedEntry, expiredEntry, logTime } from './commitments.ts';
import type { Ledger } from './ledger.ts';

export interface DisclosureSweepReport {
  expired: number;
  closed: number;
  extensionsExpired: number;
}

export class DisclosureSweeper {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ledger: Ledger;

  constructor(store: Store, clock: Clock, ledger: Ledger) {
    this.#store = store;
    this.#clock = clock;
    this.#ledger = ledger;
  }

  async sweep(): Promise<DisclosureSweepReport> {
    const now = this.#clock.now();
    const nowIso = now.toISOString();
    const time = logTime(now);
    const report: DisclosureSweepReport = { expired: 0, closed: 0, extensionsExpired: 0 };
    const due = await this.#store.db
      .selectFrom('disclosure_requests')
      .select('id')
      .where('status', '!=', 'closed')
      .where('expires_at', '<=', time)
      .execute();
    for (const { id } of due) {
      await this.#store.transaction(async (tx) => {
        await this.#store.lock(tx, `disclosure:request:${id}`);
        const row = await tx.selectFrom('disclosure_requests').select(['status']).where('id', '=', id).executeTakeFirst();
        if (!row || row.status === 'closed') return;
        if (row.status === 'pending') {
          await tx
            .updateTable('disclosure_requests')
            .set({ status: 'closed', outcome: 'expired', closed_at: nowIso })
            .where('id', '=', id)
            .execute();
          await this.#ledger.record(tx, id, [expiredEntry(time, id), closedEntry(time, id, 'expired')]);
          report.expired += 1;
        } else {
          await tx
            .updateTable('disclosure_requests')
            .set({ status: 'closed', outcome: 'released', closed_at: nowIso })
            .where('id', '=', id)
            .execute();
          await this.#ledger.record(tx, id, [closedEntry(time, id, 'released')]);
          report.closed += 1;
        }
      });
    }
    const lapsed = await this.#store.db
      .selectFrom('disclosure_extensions')
      .select(['id', 'request_id'])
      .where('status', '=', 'pending')
      .where('expires_at', '<=', nowIso)
      .execute();
    for (const ext of lapsed) {
      await this.#store.transaction(async (tx) => {
        await this.#store.lock(tx, `disclosure:request:${ext.request_id}`);
        const updated = await tx
          .updateTable('disclosure_extensions')
          .set({ status: 'expired', decided_at: nowIso })
          .where('id', '=', ext.id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return;
        await this.#ledger.record(tx, ext.request_id, [expiredEntry(time, ext.id)], ext.id);
        report.extensionsExpired += 1;
      });
    }
    if (report.expired + report.closed + report.extensionsExpired > 0) await this.#ledger.settle();
    return report;
  }

  /** Runs `sweep` every `intervalSeconds`; returns the stop function (awaits a sweep in flight). */
  start(
    intervalSeconds: number,
    hooks: { done?: (r: DisclosureSweepReport) => void; failed?: (e: unknown) => void } = {},
  ): () => Promise<void> {
    let running: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (running) return;
      running = this.sweep()
        .then((r) => hooks.done?.(r))
        .catch((e) => hooks.failed?.(e))
        .finally(() => {
          running = undefined;
        });
    }, intervalSeconds * 1000);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }
}
