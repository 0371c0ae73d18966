/**
 * Revocation: marks issued credentials revoked in the ledger and flips their bits in
 * the status lists, in the caller's transaction — so an account closure, a recovery
 * and the revocation of what was issued to it commit together or not at all.
 */
import type { Clock } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';
import type { StatusLists } from './status-store.ts';

export type RevocationReason = 'closed' | 'recovered' | 'issuer_request' | 'admin' | 'closed_during_issuance' | 'holder';

/** Which credentials to revoke; every member given narrows the selection. */
export interface RevocationFilter {
  personId?: string;
  kind?: string;
  /** Re-issues of these attribute-issuer credentials (base64url SHA-256 of their issuer-signed JWT). */
  sourceHashes?: readonly string[];
  /** Only re-issues attested by this attribute issuer. */
  attributeIssuerId?: string;
  /** These exact credentials (base64url SHA-256 of mvid's issuer-signed JWT). */
  credentialHashes?: readonly string[];
}

const MAX_HASHES = 1000;

export class Revocations {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #lists: StatusLists;

  constructor(store: Store, clock: Clock, lists: StatusLists) {
    this.#store = store;
    this.#clock = clock;
    this.#lists = lists;
  }

  /** Revokes in its own transaction. @returns how many credentials were newly revoked */
  async revoke(filter: RevocationFilter, reason: RevocationReason): Promise<number> {
    return this.#store.transaction((tx) => this.revokeIn(tx, filter, reason));
  }

  /**
   * Revokes every unrevoked credential matching `filter` in the caller's transaction.
   * An empty filter is refused: "revoke everything" is never what a caller means.
   */
  async revokeIn(tx: Tx, filter: RevocationFilter, reason: RevocationReason): Promise<number> {
    const { personId, kind, sourceHashes, attributeIssuerId, credentialHashes } = filter;
    if (personId === undefined && sourceHashes === undefined && credentialHashes === undefined) {
      throw new TypeError('a revocation names a person, source hashes or credential hashes');
    }
    if ((sourceHashes?.length ?? 0) > MAX_HASHES || (credentialHashes?.length ?? 0) > MAX_HASHES) {
      throw new TypeError(`at most ${MAX_HASHES} hashes per revocation`);
    }
    if (sourceHashes?.length === 0 || credentialHashes?.length === 0) return 0;
    if (personId !== undefined) await this.lockPerson(tx, personId);
    let query = tx.selectFrom('credentials_issued').select(['list_id', 'idx']).where('revoked_at', 'is', null);
    if (personId !== undefined) query = query.where('person_id', '=', personId);
    if (kind !== undefined) query = query.where('kind', '=', kind);
    if (sourceHashes !== undefined) query = query.where('source_hash', 'in', sourceHashes);
    if (attributeIssuerId !== undefined) query = query.where('attribute_issuer_id', '=', attributeIssuerId);
    if (credentialHashes !== undefined) query = query.where('credential_hash', 'in', credentialHashes);
    const rows = await query.execute();
    if (rows.length === 0) return 0;
    const at = this.#clock.now().toISOString();
    for (const row of rows) {
      await tx
        .updateTable('credentials_issued')
        // A revoked copy attests nothing any more: its sealed claims go with it.
        .set({ revoked_at: at, revoked_reason: reason, attested_sealed: null })
        .where('list_id', '=', row.list_id)
        .where('idx', '=', row.idx)
        .execute();
    }
    await this.#lists.setBits(tx, rows);
    return rows.length;
  }

  /**
   * Serialises issuance and revocation for one person: a closure either sees the
   * credentials an issuance wrote, or the issuance runs after it and finds the person closed.
   */
  async lockPerson(tx: Tx, personId: string): Promise<void> {
    await this.#store.lock(tx, `credentials:person:${personId}`);
  }
}
