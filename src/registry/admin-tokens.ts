/**
 * Administrator bearer tokens: 256 random bits, shown once at creation, stored only as
 * SHA-256 hashes. Looking a token up by its hash compares secrets without a timing
 * side channel on the secret itself (an attacker controls the hash input, not the hash).
 */
import { type Clock, MvidError, type Random, ValidationError } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { randomToken, sha256Hex } from './util.ts';

export interface AdminPrincipal {
  tokenId: string;
  name: string;
}

export interface AdminTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;

export class AdminTokens {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(store: Store, clock: Clock, random: Random) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
  }

  /** Creates a token; the returned `token` is the only copy that will ever exist. */
  async create(name: string): Promise<{ id: string; name: string; token: string }> {
    if (!NAME.test(name)) throw new ValidationError('a token name is 1-64 letters, digits, spaces or ._@-', 'name');
    const token = randomToken('mva_', this.#random);
    const id = this.#random.uuid();
    await this.#store.db
      .insertInto('admin_tokens')
      .values({ id, name, token_hash: sha256Hex(token), created_at: this.#clock.now().toISOString(), last_used_at: null, revoked_at: null })
      .execute();
    return { id, name, token };
  }

  /** The administrator behind a bearer token, or `undefined`. */
  async authenticate(token: string): Promise<AdminPrincipal | undefined> {
    if (!token.startsWith('mva_') || token.length > 200) return undefined;
    const row = await this.#store.db
      .selectFrom('admin_tokens')
      .select(['id', 'name', 'revoked_at', 'last_used_at'])
      .where('token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    const now = this.#clock.now();
    // Written at most once a minute: an audit hint, not worth a write per request.
    if (row.last_used_at === null || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
      await this.#store.db.updateTable('admin_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
    }
    return { tokenId: row.id, name: row.name };
  }

  async list(): Promise<AdminTokenInfo[]> {
    const rows = await this.#store.db.selectFrom('admin_tokens').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
  }

  /** Revokes every live token with this name or id; returns how many. */
  async revoke(nameOrId: string): Promise<number> {
    const now = this.#clock.now().toISOString();
    const rows = await this.#store.db
      .updateTable('admin_tokens')
      .set({ revoked_at: now })
      .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    if (rows.length === 0) throw new MvidError('not_found', `no live admin token named ${nameOrId}`);
    return rows.length;
  }
}
