/**
 * What a signed-in person can do about their own record: see it, manage holder keys,
 * close the account, and download everything mvid holds about them.
 */
import { MvidError } from '../core/index.ts';
import type { Envelope } from '../crypto/index.ts';
import type { Tx } from '../store/index.ts';
import { logSubjectKey, personEventEntry, personSubject } from './log.ts';
import { consumeNonce } from './nonces.ts';
import {
  appendEvent,
  eventsOf,
  holderKeysOf,
  insertHolderKey,
  personSummary,
  readAttributes,
  revokeHolderKeys,
  revokeSessions,
} from './persons.ts';
import { KEY_PROOF_TYP, type PersonPrincipal, verifyAssertion } from './sessions.ts';
import type { HolderKeyRecord, PersonEvent, PersonSummary, RegistryDeps } from './types.ts';
import { addDays, parseStored } from './util.ts';

/** Called inside the closure transaction, e.g. by credentials to revoke what it issued. */
export type PersonClosedHook = (tx: Tx, event: { personId: string; at: Date }) => Promise<void>;

export interface PersonView {
  person: PersonSummary;
  /** The person's salted commitment in the transparency log: how to find their own entries there. */
  logSubject: string;
  holderKeys: HolderKeyRecord[];
  events: PersonEvent[];
}

export interface PersonExport extends PersonView {
  format: 'mvid-person-export';
  version: 1;
  exportedAt: string;
  /** Decrypted service-readable attributes. */
  attributes: Record<string, unknown>;
  uniquenessTag: string | null;
  sessions: Array<{
    id: string;
    method: string;
    holderKeyId: string | null;
    createdAt: string;
    expiresAt: string;
    revokedAt: string | null;
  }>;
  /** Escrow envelopes with their ciphertext: sealed to the trustees, but about the person. */
  envelopes: Array<{
    id: string;
    fieldGroup: string;
    trusteeSetId: string;
    createdAt: string;
    supersededAt: string | null;
    purgeAfter: string | null;
    envelope: Envelope;
  }>;
}

export class SelfService {
  readonly #deps: RegistryDeps;
  readonly #nonceKey: Uint8Array;
  readonly #subjectKey: Uint8Array;
  readonly #closedHooks: PersonClosedHook[] = [];

  constructor(deps: RegistryDeps, nonceKey: Uint8Array) {
    this.#deps = deps;
    this.#nonceKey = nonceKey;
    this.#subjectKey = logSubjectKey(deps.secrets.logSubjectSecret);
  }

  /** Subscribes to account closures (runs in the closure's transaction; a throw aborts the closure). */
  onPersonClosed(hook: PersonClosedHook): void {
    this.#closedHooks.push(hook);
  }

  /**
   * The attributes the service itself reads (birthdate for age predicates, nationalities,
   * residence country), opened with the data-at-rest key: `{}` for an unknown person.
   * Only the service's own issuance paths (credentials, OIDC claims) call this.
   */
  async serviceAttributes(personId: string): Promise<Record<string, unknown>> {
    return readAttributes(this.#deps.store.db, personId, this.#deps.secrets.dataKey);
  }

  /** The person's status alone (`undefined` for an unknown person): what a sign-in checks, one indexed read. */
  async status(personId: string): Promise<PersonSummary['status'] | undefined> {
    return (await personSummary(this.#deps.store.db, personId))?.status;
  }

  async view(personId: string): Promise<PersonView> {
    const db = this.#deps.store.db;
    const person = await personSummary(db, personId);
    if (!person) throw new MvidError('not_found', 'no such person');
    const logSubject = personSubject(this.#subjectKey, personId);
    return { person, logSubject, holderKeys: await holderKeysOf(db, personId), events: await eventsOf(db, personId) };
  }

  async keys(personId: string): Promise<HolderKeyRecord[]> {
    return holderKeysOf(this.#deps.store.db, personId);
  }

  /**
   * Adds a holder key, proven by a `mvid-key+jwt` assertion signed by that key (its
   * public JWK in the header) over a fresh nonce.
   * @throws MvidError assertion_invalid | holder_key_invalid | holder_key_in_use | nonce_*
   */
  async addKey(principal: PersonPrincipal, proof: string): Promise<HolderKeyRecord> {
    const { store, clock, options } = this.#deps;
    const now = clock.now();
    const verified = await verifyAssertion(proof, { typ: KEY_PROOF_TYP, audience: options.audience, now, nonceKey: this.#nonceKey });
    return store.transaction(async (tx) => {
      await consumeNonce(tx, verified.nonce, verified.nonceExpires, now);
      await requireActive(tx, principal.personId);
      const kid = await insertHolderKey(tx, principal.personId, verified.jwk, now);
      await appendEvent(tx, principal.personId, 'key_added', now, { holderKey: kid });
      return { kid, jwk: verified.jwk, createdAt: now.toISOString(), revokedAt: null, revokedReason: null };
    });
  }

  /**
   * Revokes one of the person's holder keys and the sessions it opened.
   * @throws MvidError holder_key_not_found | last_holder_key
   */
  async revokeKey(principal: PersonPrincipal, kid: string): Promise<void> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    await store.transaction(async (tx) => {
      await requireActive(tx, principal.personId);
      const active = await tx
        .selectFrom('registry_holder_keys')
        .select('id')
        .where('person_id', '=', principal.personId)
        .where('revoked_at', 'is', null)
        .execute();
      if (!active.some((k) => k.id === kid)) throw new MvidError('holder_key_not_found', 'you have no active holder key with this id');
      // Without any key the only way back in is recovery with a fresh PID: refuse the foot-gun.
      if (active.length === 1) throw new MvidError('last_holder_key', 'add another holder key before revoking your last one');
      await revokeHolderKeys(tx, principal.personId, now, 'revoked_by_person', kid);
      await revokeSessions(tx, principal.personId, now, [kid]);
      await appendEvent(tx, principal.personId, 'key_revoked', now, { holderKey: kid, reason: 'revoked_by_person' });
    });
  }

  /**
   * Closes the account: keys and sessions revoked, closure hooks run (credentials revoke
   * theirs), escrow data kept for the retention period and then swept.
   */
  async close(principal: PersonPrincipal): Promise<{ status: 'closed'; closedAt: string; purgeAfter: string }> {
    const { store, clock, options, log } = this.#deps;
    const now = clock.now();
    const purgeAfter = addDays(now, options.retentionDays);
    const at = now.toISOString();
    await store.transaction(async (tx) => {
      const { personId } = principal;
      await requireActive(tx, personId);
      await tx
        .updateTable('registry_persons')
        .set({ status: 'closed', closed_at: at, updated_at: at, purge_after: purgeAfter })
        .where('id', '=', personId)
        .execute();
      await tx.updateTable('registry_tags').set({ purge_after: purgeAfter }).where('person_id', '=', personId).execute();
      await tx
        .updateTable('registry_envelopes')
        .set({ purge_after: purgeAfter })
        .where('person_id', '=', personId)
        .where('superseded_at', 'is', null)
        .execute();
      const revokedKeys = await revokeHolderKeys(tx, personId, now, 'closed');
      await revokeSessions(tx, personId, now);
      for (const hook of this.#closedHooks) await hook(tx, { personId, at: now });
      await appendEvent(tx, personId, 'closed', now, { purgeAfter, revokedKeys });
      await log.enqueue(tx, [personEventEntry(this.#subjectKey, personId, 'closed', now)]);
    });
    return { status: 'closed', closedAt: at, purgeAfter };
  }

  /** Everything mvid holds about the person, as one JSON document (the export is itself recorded). */
  async export(principal: PersonPrincipal): Promise<PersonExport> {
    const { store, clock, secrets } = this.#deps;
    const now = clock.now();
    const { personId } = principal;
    return store.transaction(async (tx) => {
      await requireActive(tx, personId);
      await appendEvent(tx, personId, 'exported', now);
      return {
        format: 'mvid-person-export' as const,
        version: 1 as const,
        exportedAt: now.toISOString(),
        person: (await personSummary(tx, personId)) as PersonSummary,
        logSubject: personSubject(this.#subjectKey, personId),
        attributes: await readAttributes(tx, personId, secrets.dataKey),
        uniquenessTag:
          (await tx.selectFrom('registry_tags').select('tag').where('person_id', '=', personId).executeTakeFirst())?.tag ?? null,
        holderKeys: await holderKeysOf(tx, personId),
        sessions: await sessionsOf(tx, personId),
        envelopes: await envelopesOf(tx, personId),
        events: await eventsOf(tx, personId),
      };
    });
  }
}

async function requireActive(tx: Tx, personId: string): Promise<void> {
  const row = await tx.selectFrom('registry_persons').select('status').where('id', '=', personId).executeTakeFirst();
  if (row?.status !== 'active') throw new MvidError('person_closed', 'this account is closed');
}

async function sessionsOf(tx: Tx, personId: string): Promise<PersonExport['sessions']> {
  const rows = await tx.selectFrom('person_sessions').selectAll().where('person_id', '=', personId).orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    method: r.method,
    holderKeyId: r.holder_key_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  }));
}

async function envelopesOf(tx: Tx, personId: string): Promise<PersonExport['envelopes']> {
  const rows = await tx
    .selectFrom('registry_envelopes')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .orderBy('field_group')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fieldGroup: r.field_group,
    trusteeSetId: r.trustee_set_id,
    createdAt: r.created_at,
    supersededAt: r.superseded_at,
    purgeAfter: r.purge_after,
    envelope: parseStored<Envelope>(r.envelope_json),
  }));
}
