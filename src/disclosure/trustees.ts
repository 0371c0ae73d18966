/**
 * Trustee credentials. The registry's ceremony hands each trustee a share file; this
 * adds what the disclosure API needs around it: a bearer token per trustee (issued by
 * an administrator, stored hashed) and the trustee's own encryption key, registered by
 * its client, to which authorities seal court-order documents. Neither can open an
 * envelope: only the share can, and it never leaves the trustee's machine.
 */
import type { Selectable } from 'kysely';
import { type Clock, fromBase64Url, MvidError, type Random, ValidationError } from '../core/index.ts';
import { type TrusteeSet, tryDecodePoint } from '../crypto/index.ts';
import type { Database, Store } from '../store/index.ts';
import type { EscrowDirectory } from './types.ts';
import { newToken, sha256Hex } from './util.ts';

export const TRUSTEE_TOKEN_PREFIX = 'mvtr_';

export interface TrusteePrincipal {
  credentialId: string;
  trusteeSetId: string;
  trusteeIndex: number;
  trusteeId: string;
  /** X_i: the trustee's id in log entries and the key its partials are checked against. */
  verificationKey: string;
  encryptionKey: string | null;
}

export interface TrusteeKey {
  trusteeIndex: number;
  trusteeId: string;
  verificationKey: string;
  encryptionKey: string | null;
}

function toPrincipal(row: Selectable<Database['disclosure_trustee_credentials']>): TrusteePrincipal {
  return {
    credentialId: row.id,
    trusteeSetId: row.trustee_set_id,
    trusteeIndex: row.trustee_index,
    trusteeId: row.trustee_id,
    verificationKey: row.verification_key,
    encryptionKey: row.encryption_key,
  };
}

export class TrusteeCredentials {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #escrow: EscrowDirectory;

  constructor(store: Store, clock: Clock, random: Random, escrow: EscrowDirectory) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#escrow = escrow;
  }

  /**
   * Issues (or replaces) the API token of a trustee of the active set (or of `trusteeSetId`,
   * e.g. a retired set whose key was reshared to new trustees), by id or index.
   * @throws MvidError escrow_unavailable | not_found | conflict
   */
  async issue(trustee: string, trusteeSetId?: string): Promise<{ principal: TrusteePrincipal; token: string }> {
    const set = trusteeSetId === undefined ? await this.#escrow.activeTrusteeSet() : await this.#escrow.trusteeSet(trusteeSetId);
    if (!set)
      throw new MvidError(trusteeSetId === undefined ? 'escrow_unavailable' : 'not_found', `no trustee set ${trusteeSetId ?? 'is active'}`);
    // A retired set still opens its envelopes (and a reshared retired one its predecessors'); a set whose key moved opens nothing.
    const holder = await this.#escrow.keyHolder(set.id);
    if (holder?.id !== set.id)
      throw new MvidError('conflict', `the key of trustee set ${set.id} was reshared to ${holder?.id}: issue its tokens`);
    const member = set.trustees.find((t) => t.id === trustee || String(t.index) === trustee);
    if (!member) throw new MvidError('not_found', `trustee set ${set.id} has no trustee ${trustee}`);
    const token = newToken(TRUSTEE_TOKEN_PREFIX, this.#random);
    const now = this.#clock.now().toISOString();
    const id = this.#random.uuid();
    await this.#store.transaction(async (tx) => {
      const previous = await tx
        .selectFrom('disclosure_trustee_credentials')
        .select('encryption_key')
        .where('trustee_set_id', '=', set.id)
        .where('trustee_index', '=', member.index)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await tx
        .updateTable('disclosure_trustee_credentials')
        .set({ revoked_at: now })
        .where('trustee_set_id', '=', set.id)
        .where('trustee_index', '=', member.index)
        .where('revoked_at', 'is', null)
        .execute();
      await tx
        .insertInto('disclosure_trustee_credentials')
        .values({
          id,
          trustee_set_id: set.id,
          trustee_index: member.index,
          trustee_id: member.id,
          verification_key: member.verificationKey,
          token_hash: sha256Hex(token),
          // A new token (lost laptop) keeps the document key until the trustee registers another.
          encryption_key: previous?.encryption_key ?? null,
          created_at: now,
          revoked_at: null,
        })
        .execute();
    });
    const principal = await this.#byId(id);
    return { principal, token };
  }

  async #byId(id: string): Promise<TrusteePrincipal> {
    const row = await this.#store.db
      .selectFrom('disclosure_trustee_credentials')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return toPrincipal(row);
  }

  /** The trustee behind a live token, or undefined. */
  async authenticate(token: string): Promise<TrusteePrincipal | undefined> {
    if (!token.startsWith(TRUSTEE_TOKEN_PREFIX) || token.length > 200) return undefined;
    const row = await this.#store.db
      .selectFrom('disclosure_trustee_credentials')
      .selectAll()
      .where('token_hash', '=', sha256Hex(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    // A set whose key was reshared holds nothing any more: its trustees' tokens die with it.
    if ((await this.#escrow.keyHolder(row.trustee_set_id))?.id !== row.trustee_set_id) return undefined;
    return toPrincipal(row);
  }

  /** Registers the trustee's document encryption key (made and kept by its client). */
  async setEncryptionKey(principal: TrusteePrincipal, key: string): Promise<TrusteePrincipal> {
    let point: unknown;
    try {
      point = /^[A-Za-z0-9_-]{43}$/.test(key) ? tryDecodePoint(fromBase64Url(key)) : undefined;
    } catch {
      point = undefined;
    }
    if (point === undefined) throw new ValidationError('publicKey is not a ristretto255 public key (base64url)', 'publicKey');
    await this.#store.db
      .updateTable('disclosure_trustee_credentials')
      .set({ encryption_key: key })
      .where('id', '=', principal.credentialId)
      .execute();
    return { ...principal, encryptionKey: key };
  }

  /** Every trustee of a set with its document key (null until its client registered one). */
  async keys(set: TrusteeSet): Promise<TrusteeKey[]> {
    const rows = await this.#store.db
      .selectFrom('disclosure_trustee_credentials')
      .select(['trustee_index', 'encryption_key'])
      .where('trustee_set_id', '=', set.id)
      .where('revoked_at', 'is', null)
      .execute();
    const byIndex = new Map(rows.map((r) => [r.trustee_index, r.encryption_key]));
    return set.trustees.map((t) => ({
      trusteeIndex: t.index,
      trusteeId: t.id,
      verificationKey: t.verificationKey,
      encryptionKey: byIndex.get(t.index) ?? null,
    }));
  }
}
