/**
 * Status lists persisted in the database. Every issued copy gets an entry drawn
 * uniformly at random from the current list; the (list, idx) primary key of
 * `credentials_issued` is what makes an index go to one credential only, even when
 * several nodes issue at once. Revocation flips bits in the stored list under a
 * per-list lock, and the signed token is cached per list revision.
 */
import type { Clock, Random } from '../core/index.ts';
import { toBase64Url } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';
import type { SigningKeys } from './ports.ts';
import {
  allocateStatusIndex,
  createStatusList,
  exportStatusList,
  importStatusList,
  STATUS_LIST_MIN_SIZE,
  setStatus,
  signStatusList,
} from './statuslist.ts';
import type { StatusReference } from './issue.ts';

/**
 * A list takes new entries until half full. Random probing stays cheap (two tries on
 * average at worst) and a full list still hides each holder among 65 536 others.
 */
const FILL_LIMIT = 0.5;
/** How long a signed status-list JWT is valid (`exp`): what a verifier offline may rely on. */
const TOKEN_LIFETIME_SECONDS = 86_400;
const LIST_ID = /^[A-Za-z0-9_-]{16}$/;

export interface Allocation {
  listId: string;
  idx: number;
  uri: string;
}

export interface NewEntry {
  personId: string;
  kind: string;
  expiresAt: Date;
  sourceHash?: string | null;
  attributeIssuerId?: string | null;
  /** The attested claims of a re-issued attribute, sealed at rest (base64url). */
  attestedSealed?: string | null;
}

export interface RevokedEntry {
  list_id: string;
  idx: number;
}

export class StatusLists {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #keys: SigningKeys;
  readonly #publicUrl: string;
  readonly #ttl: number;
  readonly #signed = new Map<string, { revision: number; kid: string; token: string; signedAt: number }>();

  constructor(deps: { store: Store; clock: Clock; random: Random; keys: SigningKeys; publicUrl: string; ttlSeconds: number }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#keys = deps.keys;
    this.#publicUrl = deps.publicUrl;
    this.#ttl = deps.ttlSeconds;
  }

  get ttlSeconds(): number {
    return this.#ttl;
  }

  /** Where list `id` is served; the `uri` credentials point at and the token's `sub`. */
  uriOf(listId: string): string {
    return `${this.#publicUrl}/credentials/status/${listId}`;
  }

  /** The list id in one of mvid's own status URIs, if it is one. */
  listIdOf(uri: string): string | undefined {
    const prefix = `${this.#publicUrl}/credentials/status/`;
    const id = uri.startsWith(prefix) ? uri.slice(prefix.length) : '';
    return LIST_ID.test(id) ? id : undefined;
  }

  /**
   * Reserves `count` random entries for `entry` in the caller's transaction. The rows
   * carry no credential hash yet (`setHashes` adds it once the copies are signed).
   */
  async allocate(tx: Tx, count: number, entry: NewEntry): Promise<Allocation[]> {
    const list = await this.#openList(tx, count);
    const tried = new Set<number>();
    const out: Allocation[] = [];
    while (out.length < count) {
      const idx = allocateStatusIndex(tried, this.#random, list.size);
      tried.add(idx);
      const inserted = await tx
        .insertInto('credentials_issued')
        .values({
          list_id: list.id,
          idx,
          person_id: entry.personId,
          kind: entry.kind,
          credential_hash: '',
          source_hash: entry.sourceHash ?? null,
          attribute_issuer_id: entry.attributeIssuerId ?? null,
          attested_sealed: entry.attestedSealed ?? null,
          expires_at: entry.expiresAt.toISOString(),
          revoked_at: null,
          revoked_reason: null,
        })
        .onConflict((oc) => oc.columns(['list_id', 'idx']).doNothing())
        .executeTakeFirst();
      // Taken by an earlier credential (or a concurrent writer): draw again.
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) out.push({ listId: list.id, idx, uri: this.uriOf(list.id) });
    }
    await tx
      .updateTable('credentials_status_lists')
      .set((eb) => ({ allocated: eb('allocated', '+', count) }))
      .where('id', '=', list.id)
      .execute();
    return out;
  }

  /** Records what each copy's entry revokes, once the copies are signed. */
  async finish(tx: Tx, rows: ReadonlyArray<{ allocation: Allocation; credentialHash: string; expiresAt: Date }>): Promise<void> {
    for (const { allocation, credentialHash, expiresAt } of rows) {
      await tx
        .updateTable('credentials_issued')
        .set({ credential_hash: credentialHash, expires_at: expiresAt.toISOString() })
        .where('list_id', '=', allocation.listId)
        .where('idx', '=', allocation.idx)
        .execute();
    }
  }

  /** A list with room for `count` more entries; opens a new one when the current is at its limit. */
  async #openList(tx: Tx, count: number): Promise<{ id: string; size: number }> {
    const current = await this.#current(tx);
    if (current && current.allocated + count <= current.size * FILL_LIMIT) return current;
    await this.#store.lock(tx, 'credentials:status-lists:open');
    const again = await this.#current(tx);
    if (again && again.allocated + count <= again.size * FILL_LIMIT) return again;
    const at = this.#clock.now().toISOString();
    if (again) await tx.updateTable('credentials_status_lists').set({ state: 'full', updated_at: at }).where('id', '=', again.id).execute();
    const id = toBase64Url(this.#random.bytes(12));
    const size = STATUS_LIST_MIN_SIZE;
    await tx
      .insertInto('credentials_status_lists')
      .values({
        id,
        size,
        bits: 1,
        lst: exportStatusList(createStatusList(size)),
        allocated: 0,
        revision: 0,
        state: 'open',
        created_at: at,
        updated_at: at,
      })
      .execute();
    return { id, size };
  }

  async #current(tx: Tx): Promise<{ id: string; size: number; allocated: number } | undefined> {
    return tx
      .selectFrom('credentials_status_lists')
      .select(['id', 'size', 'allocated'])
      .where('state', '=', 'open')
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .executeTakeFirst();
  }

  /** Sets the bits of `entries` (already marked revoked in the ledger), one lock and one write per list. */
  async setBits(tx: Tx, entries: readonly RevokedEntry[]): Promise<void> {
    const byList = new Map<string, number[]>();
    for (const e of entries) byList.set(e.list_id, [...(byList.get(e.list_id) ?? []), Number(e.idx)]);
    const at = this.#clock.now().toISOString();
    for (const [listId, indices] of [...byList].sort(([a], [b]) => (a < b ? -1 : 1))) {
      // Lists in a fixed order: two revocations touching the same lists cannot deadlock.
      await this.#store.lock(tx, `credentials:status-list:${listId}`);
      const row = await tx.selectFrom('credentials_status_lists').select(['lst', 'revision']).where('id', '=', listId).executeTakeFirst();
      if (!row) continue;
      const list = importStatusList(row.lst);
      for (const idx of indices) setStatus(list, idx, true);
      await tx
        .updateTable('credentials_status_lists')
        .set({ lst: exportStatusList(list), revision: Number(row.revision) + 1, updated_at: at })
        .where('id', '=', listId)
        .execute();
    }
  }

  /**
   * The signed status-list JWT of list `id`, or undefined when there is no such list.
   * Re-signed when the list changed or the cached token is older than the ttl, so a
   * served token always has most of its lifetime ahead.
   */
  async token(listId: string): Promise<string | undefined> {
    if (!LIST_ID.test(listId)) return undefined;
    // A revocation reaches verifiers within the token's ttl anyway; a lagging read replica adds its delay to that.
    const row = await this.#store.publicRead((db) =>
      db.selectFrom('credentials_status_lists').select(['lst', 'revision']).where('id', '=', listId).executeTakeFirst(),
    );
    if (!row) return undefined;
    const now = this.#clock.now();
    const { kid, privateKey } = this.#keys.active();
    const cached = this.#signed.get(listId);
    const revision = Number(row.revision);
    if (cached && cached.revision === revision && cached.kid === kid && now.getTime() - cached.signedAt < this.#ttl * 1000) {
      return cached.token;
    }
    const token = signStatusList({
      list: importStatusList(row.lst),
      uri: this.uriOf(listId),
      issuer: { iss: this.#publicUrl, kid, privateKey },
      now,
      lifetimeSeconds: TOKEN_LIFETIME_SECONDS,
      ttlSeconds: this.#ttl,
    });
    this.#signed.set(listId, { revision, kid, token, signedAt: now.getTime() });
    return token;
  }

  /** Status references for `issueCredentials`, from allocations in copy order. */
  static references(allocations: readonly Allocation[]): (copy: number) => StatusReference {
    return (copy) => {
      const a = allocations[copy];
      if (!a) throw new TypeError(`no status entry allocated for copy ${copy}`);
      return { uri: a.uri, idx: a.idx };
    };
  }
}
