/**
 * Row-level operations on a person and what hangs off it (events, holder keys,
 * sealed attributes, envelopes, sessions), always inside the caller's transaction so
 * an act and its history commit together.
 */
import type { JsonWebKey } from 'node:crypto';
import { MvidError, type Random } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';
import { openAttribute, sealAttribute } from './at-rest.ts';
import type { SealedEnvelope } from './envelopes.ts';
import { jwkThumbprint } from './jws.ts';
import type { HolderKeyRecord, IssuedSession, PersonEvent, PersonEventType, PersonSummary } from './types.ts';
import { addSeconds, parseStored, randomToken, sha256Hex } from './util.ts';

type Reader = Store['db'] | Tx;

/** Appends to the person's own, append-only history (no identity data in `detail`). */
export async function appendEvent(
  tx: Tx,
  personId: string,
  type: PersonEventType,
  at: Date,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await tx
    .insertInto('registry_events')
    .values(eventRow(personId, type, at, detail))
    .execute();
}

/** The `registry_events` row of one event (batched enrolments insert many at once). */
export function eventRow(personId: string, type: PersonEventType, at: Date, detail: Record<string, unknown> = {}) {
  return { person_id: personId, type, at: at.toISOString(), detail_json: JSON.stringify(detail) };
}

export async function eventsOf(db: Reader, personId: string): Promise<PersonEvent[]> {
  const rows = await db.selectFrom('registry_events').selectAll().where('person_id', '=', personId).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), type: r.type, at: r.at, detail: parseStored(r.detail_json) }));
}

export async function personSummary(db: Reader, personId: string): Promise<PersonSummary | undefined> {
  const row = await db.selectFrom('registry_persons').selectAll().where('id', '=', personId).executeTakeFirst();
  return row && { id: row.id, status: row.status, createdAt: row.created_at, closedAt: row.closed_at, purgeAfter: row.purge_after };
}

/**
 * Binds a holder key to a person; a key is bound once, ever (revoked keys included), so
 * a key cannot silently move between persons.
 * @throws MvidError holder_key_in_use
 */
export async function insertHolderKey(tx: Tx, personId: string, jwk: JsonWebKey, at: Date): Promise<string> {
  const row = holderKeyRow(personId, jwk, at);
  const result = await tx
    .insertInto('registry_holder_keys')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1)
    throw new MvidError('holder_key_in_use', 'this holder key is already registered');
  return row.id;
}

/** The `registry_holder_keys` row binding `jwk` to a person; its id is the key's thumbprint. */
export function holderKeyRow(personId: string, jwk: JsonWebKey, at: Date) {
  return {
    id: jwkThumbprint(jwk),
    person_id: personId,
    jwk_json: JSON.stringify(jwk),
    created_at: at.toISOString(),
    revoked_at: null,
    revoked_reason: null,
  };
}

/** Revokes the person's active holder keys (all, or one) and the sessions they opened. */
export async function revokeHolderKeys(tx: Tx, personId: string, at: Date, reason: string, kid?: string): Promise<string[]> {
  let query = tx
    .updateTable('registry_holder_keys')
    .set({ revoked_at: at.toISOString(), revoked_reason: reason })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null);
  if (kid !== undefined) query = query.where('id', '=', kid);
  const revoked = await query.returning('id').execute();
  return revoked.map((r) => r.id);
}

export async function holderKeysOf(db: Reader, personId: string): Promise<HolderKeyRecord[]> {
  const rows = await db
    .selectFrom('registry_holder_keys')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    kid: r.id,
    jwk: parseStored(r.jwk_json),
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    revokedReason: r.revoked_reason,
  }));
}

/** Replaces the person's sealed service attributes. */
export async function writeAttributes(
  tx: Tx,
  personId: string,
  values: Record<string, unknown>,
  dataKey: Uint8Array,
  random: Random,
  at: Date,
): Promise<void> {
  await tx.deleteFrom('registry_attributes').where('person_id', '=', personId).execute();
  const rows = attributeRows(personId, values, dataKey, random, at);
  if (rows.length > 0) await tx.insertInto('registry_attributes').values(rows).execute();
}

/** The sealed `registry_attributes` rows of a person's service attributes. */
export function attributeRows(personId: string, values: Record<string, unknown>, dataKey: Uint8Array, random: Random, at: Date) {
  return Object.entries(values).map(([field, value]) => ({
    person_id: personId,
    field,
    sealed: sealAttribute(dataKey, personId, field, value, random),
    updated_at: at.toISOString(),
  }));
}

export async function readAttributes(db: Reader, personId: string, dataKey: Uint8Array): Promise<Record<string, unknown>> {
  const rows = await db
    .selectFrom('registry_attributes')
    .select(['field', 'sealed'])
    .where('person_id', '=', personId)
    .orderBy('field')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.field, openAttribute(dataKey, personId, r.field, new Uint8Array(r.sealed))]));
}

export async function insertEnvelopes(
  tx: Tx,
  personId: string,
  envelopes: readonly SealedEnvelope[],
  at: Date,
  expiresAt: string | null = null,
): Promise<void> {
  await tx
    .insertInto('registry_envelopes')
    .values(envelopeRows(personId, envelopes, at, expiresAt))
    .execute();
}

/** The `registry_envelopes` rows of a person's freshly sealed envelopes. */
export function envelopeRows(personId: string, envelopes: readonly SealedEnvelope[], at: Date, expiresAt: string | null = null) {
  return envelopes.map((e) => ({
    id: e.envelope.envelopeId,
    person_id: personId,
    field_group: e.envelope.fieldGroup,
    trustee_set_id: e.envelope.trusteeSetId,
    envelope_json: JSON.stringify(e.envelope),
    created_at: at.toISOString(),
    superseded_at: null,
    purge_after: null,
    escrow_key_id: e.envelope.escrowKeyId ?? null,
    expires_at: expiresAt,
  }));
}

/** Marks the person's current envelopes superseded, due for deletion at `purgeAfter`. */
export async function supersedeEnvelopes(tx: Tx, personId: string, at: Date, purgeAfter: string): Promise<number> {
  const rows = await tx
    .updateTable('registry_envelopes')
    .set({ superseded_at: at.toISOString(), purge_after: purgeAfter })
    .where('person_id', '=', personId)
    .where('superseded_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Opens a session: a random bearer token returned once, stored as its SHA-256. `method`
 * says how the person proved themselves (enrolment, recovery, holder_key; later passkey).
 */
export async function createSession(
  tx: Tx,
  personId: string,
  method: string,
  holderKeyId: string | null,
  now: Date,
  ttlSeconds: number,
  random: Random,
): Promise<IssuedSession> {
  const { session, row } = sessionRow(personId, method, holderKeyId, now, ttlSeconds, random);
  await tx.insertInto('person_sessions').values(row).execute();
  return session;
}

/** A fresh session's bearer token (returned once) and its `person_sessions` row, which stores only the token's hash. */
export function sessionRow(personId: string, method: string, holderKeyId: string | null, now: Date, ttlSeconds: number, random: Random) {
  const token = randomToken('mvs_', random);
  const expiresAt = addSeconds(now, ttlSeconds);
  const row = {
    id: random.uuid(),
    token_hash: sha256Hex(token),
    person_id: personId,
    method,
    holder_key_id: holderKeyId,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
  };
  return { session: { token, expiresAt } satisfies IssuedSession, row };
}

/** Revokes the person's live sessions (all, or those a given holder key opened). */
export async function revokeSessions(tx: Tx, personId: string, at: Date, holderKeyIds?: readonly string[]): Promise<void> {
  if (holderKeyIds !== undefined && holderKeyIds.length === 0) return;
  let query = tx
    .updateTable('person_sessions')
    .set({ revoked_at: at.toISOString() })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null);
  if (holderKeyIds !== undefined) query = query.where('holder_key_id', 'in', holderKeyIds);
  await query.execute();
}
