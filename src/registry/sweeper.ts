/**
 * Retention: escrow envelopes and uniqueness tags of closed accounts (and envelopes
 * superseded by a recovery) are kept for `retentionDays`, then deleted here, as is every
 * envelope past its own expiry (its retention epoch's key is destroyed by the trustees,
 * epochs.ts, so copies elsewhere die with it); every
 * deleted envelope is logged. Expiry follows the injected clock. Work runs in small
 * batches, each in one transaction under a named lock, so several nodes sweeping the
 * same PostgreSQL database serialise instead of double-processing, and a crash loses
 * neither the deletion nor its log entry alone.
 */
import type { Tx } from '../store/index.ts';
import { envelopeDestroyedEntry, logSubjectKey, personEventEntry } from './log.ts';
import { appendEvent } from './persons.ts';
import type { FieldGroup, RegistryDeps } from './types.ts';

const BATCH = 200;
/** Bounds one sweep so a huge backlog cannot hold a node forever; the next run continues. */
const MAX_BATCHES = 500;

export interface SweepReport {
  envelopes: number;
  tags: number;
  persons: number;
  nonces: number;
  sessions: number;
}

const empty = (): SweepReport => ({ envelopes: 0, tags: 0, persons: 0, nonces: 0, sessions: 0 });

export class Sweeper {
  readonly #deps: RegistryDeps;
  readonly #subjectKey: Uint8Array;

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
    this.#subjectKey = logSubjectKey(deps.secrets.logSubjectSecret);
  }

  /** Deletes everything whose retention has ended, as of the clock's now. */
  async sweep(): Promise<SweepReport> {
    const total = empty();
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch = await this.#deps.store.transaction((tx) => this.#batch(tx));
      for (const key of Object.keys(total) as Array<keyof SweepReport>) total[key] += batch[key];
      if (batch.envelopes < BATCH && batch.tags < BATCH && batch.persons < BATCH) break;
    }
    return total;
  }

  async #batch(tx: Tx): Promise<SweepReport> {
    const { store, clock } = this.#deps;
    await store.lock(tx, 'registry:sweep');
    const now = clock.now();
    const report = empty();
    report.envelopes = await this.#envelopes(tx, now);
    const tags = await tx.selectFrom('registry_tags').select('tag').where('purge_after', '<=', now.toISOString()).limit(BATCH).execute();
    if (tags.length > 0)
      await tx
        .deleteFrom('registry_tags')
        .where(
          'tag',
          'in',
          tags.map((t) => t.tag),
        )
        .execute();
    report.tags = tags.length;
    report.persons = await this.#persons(tx, now);
    const nonces = await tx.deleteFrom('registry_used_nonces').where('expires_at', '<', now.toISOString()).executeTakeFirst();
    report.nonces = Number(nonces.numDeletedRows);
    const sessions = await tx.deleteFrom('person_sessions').where('expires_at', '<', now.toISOString()).executeTakeFirst();
    report.sessions = Number(sessions.numDeletedRows);
    return report;
  }

  async #envelopes(tx: Tx, now: Date): Promise<number> {
    let rows = await tx
      .selectFrom('registry_envelopes')
      .select(['id', 'person_id', 'trustee_set_id', 'field_group', 'superseded_at'])
      // Retention ended (closed account, superseded), or the envelope's own expiry: its epoch key is due for destruction.
      .where((eb) => eb.or([eb('purge_after', '<=', now.toISOString()), eb('expires_at', '<=', now.toISOString())]))
      .orderBy('created_at')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return 0;
    // Log only what this transaction really deleted: with the lock that is every row, and
    // without it a concurrent sweeper could never make a deletion appear twice in the log.
    const deleted = await tx
      .deleteFrom('registry_envelopes')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .returning('id')
      .execute();
    const gone = new Set(deleted.map((d) => d.id));
    rows = rows.filter((r) => gone.has(r.id));
    const entries = rows.map((r) =>
      envelopeDestroyedEntry(
        this.#subjectKey,
        { id: r.id, personId: r.person_id, trusteeSetId: r.trustee_set_id, fieldGroup: r.field_group as FieldGroup },
        r.superseded_at === null ? 'retention_expired' : 'superseded',
        now,
      ),
    );
    await this.#deps.log.enqueue(tx, entries);
    const byPerson = Map.groupBy(rows, (r) => r.person_id);
    for (const [personId, envelopes] of byPerson) {
      await appendEvent(tx, personId, 'envelopes_destroyed', now, { envelopes: envelopes.map((e) => e.id) });
    }
    return rows.length;
  }

  /** Closed persons past retention: service attributes deleted, the person marked swept. */
  async #persons(tx: Tx, now: Date): Promise<number> {
    const at = now.toISOString();
    const rows = await tx
      .selectFrom('registry_persons')
      .select('id')
      .where('status', '=', 'closed')
      .where('swept_at', 'is', null)
      .where('purge_after', '<=', at)
      .limit(BATCH)
      .execute();
    for (const { id } of rows) {
      await tx.deleteFrom('registry_attributes').where('person_id', '=', id).execute();
      await tx.updateTable('registry_persons').set({ swept_at: at, updated_at: at }).where('id', '=', id).execute();
      await appendEvent(tx, id, 'swept', now);
    }
    if (rows.length > 0)
      await this.#deps.log.enqueue(
        tx,
        rows.map((r) => personEventEntry(this.#subjectKey, r.id, 'swept', now)),
      );
    return rows.length;
  }

  /**
   * Runs `sweep` every `intervalSeconds` (with up to 10% jitter so nodes drift apart)
   * until the returned `stop` is called; runs never overlap.
   */
  start(intervalSeconds: number, report: { done(r: SweepReport): void; failed(error: unknown): void }): () => Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let stopped = false;
    const schedule = () => {
      if (stopped) return;
      const jitter = ((this.#deps.random.bytes(1)[0] ?? 0) / 255) * 0.1 * intervalSeconds;
      timer = setTimeout(run, (intervalSeconds + jitter) * 1000);
      timer.unref();
    };
    const run = () => {
      running = this.sweep()
        .then(
          (r) => report.done(r),
          (error: unknown) => report.failed(error),
        )
        .finally(() => {
          running = undefined;
          schedule();
        });
    };
    schedule();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    };
  }
}
