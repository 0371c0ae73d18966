/**
 * Consent remembered per person + world (docs/integrating-a-world.md: "until the person
 * withdraws it"). oidc-provider keeps a grant per browser session and drops it at
 * sign-out; this record outlives both, and a new browser's grant is rebuilt from it.
 */
import type { Clock } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';

export interface StoredConsent {
  /** OpenID scopes granted (openid, offline_access, claim scopes). */
  scopes: string[];
  /** Optional claims the person declined (not asked again). */
  rejected: string[];
  /** OpenID claims granted (`claims` parameter). */
  claims: string[];
  /** Resource indicator → space-separated scopes granted for it. */
  resources: Record<string, string>;
}

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

export class Consents {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async find(personId: string, worldId: string): Promise<StoredConsent | undefined> {
    const row = await this.#store.db
      .selectFrom('worlds_consents')
      .select('consent_json')
      .where('person_id', '=', personId)
      .where('world_id', '=', worldId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.consent_json) as StoredConsent) : undefined;
  }

  /** Every world the person consented to, with what. */
  async ofPerson(personId: string): Promise<Map<string, StoredConsent>> {
    const rows = await this.#store.db.selectFrom('worlds_consents').selectAll().where('person_id', '=', personId).execute();
    return new Map(rows.map((r) => [r.world_id, JSON.parse(r.consent_json) as StoredConsent]));
  }

  /** Adds what the person just consented to (or declined) to what they had consented before. */
  async record(personId: string, worldId: string, given: StoredConsent): Promise<void> {
    const now = this.#clock.now().toISOString();
    await this.#store.transaction(async (tx) => {
      const before = await tx
        .selectFrom('worlds_consents')
        .select('consent_json')
        .where('person_id', '=', personId)
        .where('world_id', '=', worldId)
        .executeTakeFirst();
      const old = before ? (JSON.parse(before.consent_json) as StoredConsent) : undefined;
      const scopes = union(old?.scopes ?? [], given.scopes);
      const merged: StoredConsent = {
        scopes,
        rejected: union(old?.rejected ?? [], given.rejected).filter((s) => !given.scopes.includes(s)),
        claims: union(old?.claims ?? [], given.claims),
        resources: { ...old?.resources, ...given.resources },
      };
      const consent_json = JSON.stringify(merged);
      await tx
        .insertInto('worlds_consents')
        .values({ person_id: personId, world_id: worldId, consent_json, granted_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['person_id', 'world_id']).doUpdateSet({ consent_json, updated_at: now }))
        .execute();
    });
  }

  /** Withdraws the whole consent, or one scope (claim) of it. */
  async withdraw(personId: string, worldId: string, scope?: string): Promise<void> {
    const db = this.#store.db;
    if (scope === undefined) {
      await db.deleteFrom('worlds_consents').where('person_id', '=', personId).where('world_id', '=', worldId).execute();
      return;
    }
    const found = await this.find(personId, worldId);
    if (!found) return;
    const next: StoredConsent = {
      ...found,
      scopes: found.scopes.filter((s) => s !== scope),
      claims: found.claims.filter((c) => c !== scope),
    };
    await db
      .updateTable('worlds_consents')
      .set({ consent_json: JSON.stringify(next), updated_at: this.#clock.now().toISOString() })
      .where('person_id', '=', personId)
      .where('world_id', '=', worldId)
      .execute();
  }

  /** Closure: every consent of the person goes with the account. */
  async removeAll(tx: Tx, personId: string): Promise<void> {
    await tx.deleteFrom('worlds_consents').where('person_id', '=', personId).execute();
  }
}
