/**
 * oidc-provider's storage adapter on Kysely: every model (Session, Grant,
 * AuthorizationCode, AccessToken, RefreshToken, Interaction, …) in one table keyed by
 * model + id, payload as JSON, with the columns oidc-provider looks up by (grantId,
 * uid, userCode) pulled out and indexed. Clients are not stored here: the `Client`
 * model reads the worlds table, so registration is the single source of truth.
 */
import type { Clock } from '../core/index.ts';
import type { Store } from '../store/index.ts';

export type OidcPayload = Record<string, unknown> & {
  grantId?: string;
  accountId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

/** The adapter contract of oidc-provider (see its docs/README "adapter"). */
export interface OidcAdapter {
  upsert(id: string, payload: OidcPayload, expiresIn: number): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export type OidcAdapterClass = new (model: string) => OidcAdapter;

/** Resolves the `Client` model: client metadata of a registered, enabled world. */
export type ClientLookup = (clientId: string) => Promise<Record<string, unknown> | undefined>;

/**
 * oidc-provider re-saves the Session on every request that carries it, only to slide its
 * expiry. A re-save whose payload is otherwise unchanged and that would move the stored
 * expiry by less than this is skipped: one durable write less per sign-in, at the price of
 * a server-side session ending up to this much earlier than its cookie says.
 */
export const SESSION_RESAVE_SLACK_SECONDS = 60;

const withoutExp = (payload: OidcPayload): string => JSON.stringify({ ...payload, exp: undefined });

/** Ids come from clients (client_id, cookies, URLs); one PostgreSQL cannot store (a NUL) matches nothing. */
const storable = (id: string): boolean => !id.includes('\0');

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/**
 * Builds the adapter class oidc-provider instantiates once per model name.
 * Expiry uses the injected clock; oidc-provider also checks each token's own `exp`.
 */
export function kyselyOidcAdapter(store: Store, clock: Clock, clients: ClientLookup): OidcAdapterClass {
  const db = store.db;
  const now = () => clock.now();
  const live = (expiresAt: string | null) => expiresAt === null || expiresAt > now().toISOString();
  const read = (
    row: { payload_json: string; consumed_at: string | null; expires_at: string | null } | undefined,
  ): OidcPayload | undefined => {
    if (!row || !live(row.expires_at)) return undefined;
    const payload = JSON.parse(row.payload_json) as OidcPayload;
    if (row.consumed_at !== null) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    return payload;
  };

  return class KyselyOidcAdapter implements OidcAdapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: OidcPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new TypeError('clients are registered as worlds, not through oidc-provider');
      if (this.model === 'Session' && (await this.#unchangedSession(id, payload))) return;
      const values = {
        payload_json: JSON.stringify(payload),
        grant_id: text(payload.grantId),
        account_id: text(payload.accountId),
        uid: text(payload.uid),
        user_code: text(payload.userCode),
        expires_at: expiresIn > 0 ? new Date(now().getTime() + expiresIn * 1000).toISOString() : null,
      };
      await db
        .insertInto('oidc_models')
        .values({ model: this.model, id, consumed_at: null, ...values })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
        .execute();
    }

    /** Whether the stored session equals `payload` but for an `exp` less than the slack behind. */
    async #unchangedSession(id: string, payload: OidcPayload): Promise<boolean> {
      if (typeof payload.exp !== 'number') return false;
      const stored = read(
        await db.selectFrom('oidc_models').selectAll().where('model', '=', this.model).where('id', '=', id).executeTakeFirst(),
      );
      if (stored === undefined || typeof stored.exp !== 'number' || stored.consumed !== undefined) return false;
      return payload.exp - stored.exp < SESSION_RESAVE_SLACK_SECONDS && withoutExp(stored) === withoutExp(payload);
    }

    async find(id: string): Promise<OidcPayload | undefined> {
      if (!storable(id)) return undefined;
      if (this.model === 'Client') return (await clients(id)) as OidcPayload | undefined;
      return read(await db.selectFrom('oidc_models').selectAll().where('model', '=', this.model).where('id', '=', id).executeTakeFirst());
    }

    async findByUid(uid: string): Promise<OidcPayload | undefined> {
      if (!storable(uid)) return undefined;
      return read(await db.selectFrom('oidc_models').selectAll().where('model', '=', this.model).where('uid', '=', uid).executeTakeFirst());
    }

    async findByUserCode(userCode: string): Promise<OidcPayload | undefined> {
      if (!storable(userCode)) return undefined;
      return read(
        await db.selectFrom('oidc_models').selectAll().where('model', '=', this.model).where('user_code', '=', userCode).executeTakeFirst(),
      );
    }

    async consume(id: string): Promise<void> {
      await db
        .updateTable('oidc_models')
        .set({ consumed_at: now().toISOString() })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_models').where('model', '=', this.model).where('grant_id', '=', grantId).execute();
    }
  };
}

/** Deletes expired oidc-provider rows; returns how many. Safe to run on every node. */
export async function sweepOidcModels(store: Store, clock: Clock): Promise<number> {
  const result = await store.db.deleteFrom('oidc_models').where('expires_at', '<', clock.now().toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every live grant of a person (for the person's view and for closure). */
export async function grantsOfPerson(store: Store, clock: Clock, personId: string): Promise<Array<{ id: string; payload: OidcPayload }>> {
  const rows = await store.db
    .selectFrom('oidc_models')
    .select(['id', 'payload_json', 'expires_at'])
    .where('model', '=', 'Grant')
    .where('account_id', '=', personId)
    .execute();
  const now = clock.now().toISOString();
  return rows
    .filter((r) => r.expires_at === null || r.expires_at > now)
    .map((r) => ({ id: r.id, payload: JSON.parse(r.payload_json) as OidcPayload }));
}

/** Deletes a grant and everything issued under it (codes, access and refresh tokens). */
export async function destroyGrant(store: Store, grantId: string): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
    await tx.deleteFrom('oidc_models').where('model', '=', 'Grant').where('id', '=', grantId).execute();
  });
}
