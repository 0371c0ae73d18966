/**
 * Enrolment and recovery: a verified PID becomes (or finds) exactly one person. The
 * uniqueness tag — an HMAC of the identifier under a key-directory secret — is the only
 * thing that links a PID to a person; the identity itself is sealed into escrow
 * envelopes, and the nonce, the person's records and the log entry commit together.
 */
import { MvidError, toBase64Url } from '../core/index.ts';
import type { Tx } from '../store/index.ts';
import { type SealedEnvelope, sealIdentity } from './envelopes.ts';
import type { IssuerRegistry } from './issuers.ts';
import { envelopeSealedEntry, logSubjectKey, personEventEntry, tagEvaluationsEntry } from './log.ts';
import { consumeNonce, isNonceUsed, nonceKey, usedNonceRow } from './nonces.ts';
import { WriteBatcher } from './batch.ts';
import { jwkThumbprint } from './jws.ts';
import {
  appendEvent,
  attributeRows,
  createSession,
  envelopeRows,
  eventRow,
  holderKeyRow,
  insertEnvelopes,
  insertHolderKey,
  revokeHolderKeys,
  revokeSessions,
  sessionRow,
  supersedeEnvelopes,
  writeAttributes,
} from './persons.ts';
import { fieldGroupsOf, serviceAttributesOf } from './pid-claims.ts';
import { type VerifiedPid, verifyPid } from './pid-verify.ts';
import type { EscrowEpochs } from './epochs.ts';
import type { PublishedTrusteeSet, TrusteeSets } from './trustees.ts';
import type { TrusteeSet } from '../crypto/index.ts';
import { type IssuedSession, type RegistryDeps, SESSION_TTL_SECONDS } from './types.ts';
import { addDays } from './util.ts';

/** Runs in the recovery's transaction; a throw aborts the recovery. */
export type PersonRecoveredHook = (tx: Tx, event: { personId: string; at: Date; revokedKeys: string[] }) => Promise<void>;

export interface EnrolmentResult {
  personId: string;
  holderKeyId: string;
  session: IssuedSession;
  /** Recovery only: holder keys revoked, and whether a closed account was reopened. */
  revokedKeys?: string[];
  reopened?: boolean;
}

/** The tag-count log slot one transaction took, if any. */
interface TagCountClaim {
  taken?: { at: number; previous: number | undefined };
}

interface Prepared {
  now: Date;
  pid: VerifiedPid;
  tag: string;
  trusteeSet: PublishedTrusteeSet;
  /** The retention-epoch key the envelopes are sealed to, and their expiry (which picked it). */
  escrowKey: TrusteeSet;
  expiresAt: string;
  /** The tag service's evaluation count after this tag (logged with the enrolment). */
  evaluations: number;
}

/** An enrolment verified, tagged and sealed, waiting for its write. */
interface Candidate {
  prepared: Prepared;
  personId: string;
  envelopes: SealedEnvelope[];
}

/**
 * Most enrolments written in one transaction. Concurrent enrolments share a transaction
 * (batch.ts): one durable commit and one multi-row insert per table for all of them.
 */
export const ENROLMENT_BATCH = 64;

/** Raised inside a batch's transaction when one of its enrolments conflicts: the batch rolls back and each is written alone. */
class BatchConflict extends Error {}

/**
 * At most one `tag_evaluations` entry per this interval (per process): each carries the tag
 * service's cumulative count, so evaluations no enrolment accounts for still show as a jump
 * between two entries, while a busy server no longer writes one entry per enrolment.
 */
export const TAG_COUNT_LOG_INTERVAL_MS = 60_000;

export class Enrolments {
  readonly #deps: RegistryDeps;
  readonly #issuers: IssuerRegistry;
  readonly #trustees: TrusteeSets;
  readonly #epochs: EscrowEpochs;
  readonly #nonceKey: Uint8Array;
  readonly #subjectKey: Uint8Array;
  readonly #recoveredHooks: PersonRecoveredHook[] = [];
  /** When this process last queued a `tag_evaluations` entry (undefined: never). */
  #tagCountLoggedAt: number | undefined;
  readonly #writes = new WriteBatcher<Candidate, EnrolmentResult>({
    one: (candidate) => this.#writeOne(candidate),
    many: (candidates) => this.#writeMany(candidates),
    // The uniqueness constraints an enrolment's rows meet: the tag, the nonce, the holder key.
    keys: ({ prepared }) => [`tag ${prepared.tag}`, `nonce ${prepared.pid.nonce}`, `key ${jwkThumbprint(prepared.pid.holderJwk)}`],
    maxBatch: ENROLMENT_BATCH,
  });

  constructor(deps: RegistryDeps, issuers: IssuerRegistry, trustees: TrusteeSets, epochs: EscrowEpochs) {
    this.#deps = deps;
    this.#issuers = issuers;
    this.#trustees = trustees;
    this.#epochs = epochs;
    this.#nonceKey = nonceKey(deps.secrets.nonceSecret);
    this.#subjectKey = logSubjectKey(deps.secrets.logSubjectSecret);
  }

  /**
   * Subscribes to recoveries. The hook runs inside the recovery's transaction, so what it
   * does (revoking credentials bound to the old keys) commits with the recovery or not at all.
   */
  onPersonRecovered(hook: PersonRecoveredHook): void {
    this.#recoveredHooks.push(hook);
  }

  /** Verifies the PID and derives what both enrolment and recovery need, before any write. */
  async #prepare(presentation: string): Promise<Prepared> {
    const { clock, options } = this.#deps;
    const now = clock.now();
    const pid = await verifyPid(presentation, {
      audience: options.audience,
      mode: options.mode,
      now,
      nonceKey: this.#nonceKey,
      findIssuer: (iss) => this.#issuers.findByIss(iss),
    });
    // Cheap early answer for a replay; the insert in the write transaction is the real guard.
    if (await isNonceUsed(this.#deps.store.db, pid.nonce)) throw new MvidError('nonce_replayed', 'this nonce was already used');
    const trusteeSet = await this.#trustees.active();
    if (!trusteeSet)
      throw new MvidError('escrow_unavailable', 'no trustee set is active, so no identity can be escrowed (run `mvid trustees init`)');
    // Before the tag is evaluated: an enrolment refused for want of an epoch key costs no evaluation.
    const { key: escrowKey, expiresAt } = await this.#epochs.forSealing(trusteeSet.id, now);
    const tagged = await this.#deps.tagOracle.tag(pid.claims.unique_id_namespace, pid.claims.unique_id);
    const tag = toBase64Url(tagged.tag);
    return { now, pid, tag, trusteeSet, escrowKey, expiresAt, evaluations: tagged.evaluations };
  }

  #seal(prepared: Prepared, personId: string): Promise<SealedEnvelope[]> {
    const groups = fieldGroupsOf(prepared.pid.claims, prepared.pid.provenance);
    return sealIdentity(groups, {
      personId,
      trusteeSet: prepared.trusteeSet,
      escrowKey: prepared.escrowKey,
      random: this.#deps.random,
      sealer: this.#deps.sealer,
    });
  }

  /** Writes what enrolment and recovery share: nonce use, key, attributes, envelopes, session. */
  async #bind(
    tx: Tx,
    prepared: Prepared,
    personId: string,
    envelopes: SealedEnvelope[],
    method: string,
    claim: TagCountClaim,
  ): Promise<{ kid: string; session: IssuedSession }> {
    const { random, secrets, options } = this.#deps;
    const { now, pid, trusteeSet } = prepared;
    await consumeNonce(tx, pid.nonce, pid.nonceExpires, now);
    await this.#logTagCount(tx, prepared, claim);
    const stillActive = await tx
      .selectFrom('registry_trustee_sets')
      .select('id')
      .where('id', '=', trusteeSet.id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!stillActive) throw new MvidError('conflict', 'the trustee set changed during enrolment; retry with a fresh nonce');
    const kid = await insertHolderKey(tx, personId, pid.holderJwk, now);
    await writeAttributes(tx, personId, serviceAttributesOf(pid.claims, now), secrets.dataKey, random, now);
    await insertEnvelopes(tx, personId, envelopes, now, prepared.expiresAt);
    // Each envelope's binding to this person goes to the public log with it (issue 12, attack 2).
    await this.#deps.log.enqueue(
      tx,
      envelopes.map((e) => envelopeSealedEntry(e.envelope, now)),
    );
    const session = await createSession(tx, personId, method, kid, now, options.sessionTtlSeconds ?? SESSION_TTL_SECONDS, random);
    return { kid, session };
  }

  /**
   * Queues the tag service's count when none was queued in the last interval. The slot is
   * taken at once (concurrent enrolments do not all log) and recorded in `claim`, so
   * `#transact` gives it back if the transaction does not commit and the next enrolment logs.
   */
  async #logTagCount(tx: Tx, prepared: Prepared, claim: TagCountClaim): Promise<void> {
    const at = prepared.now.getTime();
    const last = this.#tagCountLoggedAt;
    if (last !== undefined && at >= last && at - last < TAG_COUNT_LOG_INTERVAL_MS) return;
    this.#tagCountLoggedAt = at;
    claim.taken = { at, previous: last };
    await this.#deps.log.enqueue(tx, [tagEvaluationsEntry(this.#deps.tagOracle.publicKey, prepared.evaluations, prepared.now)]);
  }

  /** Runs an enrolment's or recovery's transaction; on failure, gives back its tag-count slot. */
  async #transact<T>(work: (tx: Tx, claim: TagCountClaim) => Promise<T>): Promise<T> {
    const claim: TagCountClaim = {};
    try {
      return await this.#deps.store.transaction((tx) => work(tx, claim));
    } catch (error) {
      if (claim.taken && this.#tagCountLoggedAt === claim.taken.at) this.#tagCountLoggedAt = claim.taken.previous;
      throw error;
    }
  }

  /**
   * Enrols a new person from a presented PID.
   * @throws MvidError person_already_enrolled (use recovery), any PID or nonce code, escrow_unavailable
   */
  async enrol(presentation: string): Promise<EnrolmentResult> {
    const { store, random } = this.#deps;
    const prepared = await this.#prepare(presentation);
    if (await store.db.selectFrom('registry_tags').select('tag').where('tag', '=', prepared.tag).executeTakeFirst())
      throw alreadyEnrolled();
    const personId = random.uuid();
    const envelopes = await this.#seal(prepared, personId);
    return this.#writes.submit({ prepared, personId, envelopes });
  }

  /** One enrolment's transaction: the checks in the order that decides which error a refused enrolment gets. */
  #writeOne({ prepared, personId, envelopes }: Candidate): Promise<EnrolmentResult> {
    const { now, tag, pid } = prepared;
    return this.#transact(async (tx, claim) => {
      await tx.insertInto('registry_persons').values(personRow(personId, now)).execute();
      // The primary key on the tag is what makes "one person, one identity" hold under concurrency.
      const inserted = await tx
        .insertInto('registry_tags')
        .values(tagRow(tag, personId, now))
        .onConflict((oc) => oc.column('tag').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) throw alreadyEnrolled();
      const { kid, session } = await this.#bind(tx, prepared, personId, envelopes, 'enrolment', claim);
      await appendEvent(tx, personId, 'enrolled', now, enrolledDetail(prepared, kid));
      await this.#deps.log.enqueue(tx, [personEventEntry(this.#subjectKey, personId, 'enrolled', now, pid.issuer.id)]);
      return { personId, holderKeyId: kid, session };
    });
  }

  /**
   * Several enrolments' rows in one transaction, one statement per table. Tags, nonces and
   * holder keys are inserted with ON CONFLICT DO NOTHING RETURNING: if any row is missing
   * (a conflict with a write outside the batch), `BatchConflict` rolls the whole batch back
   * and each enrolment is written alone by `#writeOne`, which gives it its own answer.
   */
  #writeMany(candidates: readonly Candidate[]): Promise<EnrolmentResult[]> {
    const { random, secrets, options } = this.#deps;
    const ttl = options.sessionTtlSeconds ?? SESSION_TTL_SECONDS;
    return this.#transact(async (tx, claim) => {
      const all = (rows: readonly unknown[]) => {
        if (rows.length !== candidates.length) throw new BatchConflict('an enrolment of the batch conflicts');
      };
      await tx
        .insertInto('registry_persons')
        .values(candidates.map((c) => personRow(c.personId, c.prepared.now)))
        .execute();
      all(
        await tx
          .insertInto('registry_tags')
          .values(candidates.map((c) => tagRow(c.prepared.tag, c.personId, c.prepared.now)))
          .onConflict((oc) => oc.column('tag').doNothing())
          .returning('tag')
          .execute(),
      );
      all(
        await tx
          .insertInto('registry_used_nonces')
          .values(candidates.map(({ prepared: { pid, now } }) => usedNonceRow(pid.nonce, pid.nonceExpires, now)))
          .onConflict((oc) => oc.column('nonce_hash').doNothing())
          .returning('nonce_hash')
          .execute(),
      );
      await this.#logTagCount(tx, (candidates[0] as Candidate).prepared, claim);
      const sets = [...new Set(candidates.map((c) => c.prepared.trusteeSet.id))];
      const active = await tx
        .selectFrom('registry_trustee_sets')
        .select('id')
        .where('id', 'in', sets)
        .where('status', '=', 'active')
        .execute();
      if (active.length !== sets.length) throw new BatchConflict('the trustee set changed during enrolment');
      const rows = candidates.map((c) => {
        const key = holderKeyRow(c.personId, c.prepared.pid.holderJwk, c.prepared.now);
        return { key, session: sessionRow(c.personId, 'enrolment', key.id, c.prepared.now, ttl, random) };
      });
      all(
        await tx
          .insertInto('registry_holder_keys')
          .values(rows.map((r) => r.key))
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .execute(),
      );
      const attributes = candidates.flatMap(({ personId, prepared: { pid, now } }) =>
        attributeRows(personId, serviceAttributesOf(pid.claims, now), secrets.dataKey, random, now),
      );
      if (attributes.length > 0) await tx.insertInto('registry_attributes').values(attributes).execute();
      await tx
        .insertInto('registry_envelopes')
        .values(candidates.flatMap((c) => envelopeRows(c.personId, c.envelopes, c.prepared.now, c.prepared.expiresAt)))
        .execute();
      await tx
        .insertInto('person_sessions')
        .values(rows.map((r) => r.session.row))
        .execute();
      const results = candidates.map((c, i) => {
        const { key, session } = rows[i] as (typeof rows)[number];
        return { personId: c.personId, holderKeyId: key.id, session: session.session };
      });
      await tx
        .insertInto('registry_events')
        .values(
          candidates.map((c, i) => eventRow(c.personId, 'enrolled', c.prepared.now, enrolledDetail(c.prepared, results[i]?.holderKeyId))),
        )
        .execute();
      await this.#deps.log.enqueue(
        tx,
        candidates.flatMap(({ personId, envelopes, prepared: { now, pid } }) => [
          ...envelopes.map((e) => envelopeSealedEntry(e.envelope, now)),
          personEventEntry(this.#subjectKey, personId, 'enrolled', now, pid.issuer.id),
        ]),
      );
      return results;
    });
  }

  /**
   * Recovery: a person who lost their keys presents a fresh PID bound to a new holder key.
   * The tag finds the same person; old keys and sessions are revoked, the identity is
   * re-sealed (old envelopes are superseded and swept after the retention period), and a
   * closed but not yet swept account is reopened.
   * @throws MvidError person_not_enrolled, any PID or nonce code, escrow_unavailable
   */
  async recover(presentation: string): Promise<EnrolmentResult> {
    const { store, log, options } = this.#deps;
    const prepared = await this.#prepare(presentation);
    const { now, tag, pid } = prepared;
    const found = await store.db.selectFrom('registry_tags').select('person_id').where('tag', '=', tag).executeTakeFirst();
    if (!found) throw notEnrolled();
    const personId = found.person_id;
    const envelopes = await this.#seal(prepared, personId);
    return this.#transact(async (tx, claim) => {
      const person = await tx.selectFrom('registry_persons').select(['status', 'swept_at']).where('id', '=', personId).executeTakeFirst();
      const tagRow = await tx.selectFrom('registry_tags').select('tag').where('tag', '=', tag).executeTakeFirst();
      if (!person || person.swept_at !== null || !tagRow) throw notEnrolled();
      const revokedKeys = await revokeHolderKeys(tx, personId, now, 'recovery');
      await revokeSessions(tx, personId, now);
      const superseded = await supersedeEnvelopes(tx, personId, now, addDays(now, options.retentionDays));
      const reopened = person.status === 'closed';
      const at = now.toISOString();
      if (reopened) {
        await tx
          .updateTable('registry_persons')
          .set({ status: 'active', closed_at: null, purge_after: null })
          .where('id', '=', personId)
          .execute();
        await tx.updateTable('registry_tags').set({ purge_after: null }).where('tag', '=', tag).execute();
      }
      await tx.updateTable('registry_persons').set({ updated_at: at }).where('id', '=', personId).execute();
      const { kid, session } = await this.#bind(tx, prepared, personId, envelopes, 'recovery', claim);
      const detail = {
        issuer: pid.issuer.id,
        holderKey: kid,
        revokedKeys,
        supersededEnvelopes: superseded,
        reopened,
        trusteeSet: prepared.trusteeSet.id,
      };
      await appendEvent(tx, personId, 'recovered', now, detail);
      const entries = [personEventEntry(this.#subjectKey, personId, 'recovered', now, pid.issuer.id)];
      if (reopened) entries.unshift(personEventEntry(this.#subjectKey, personId, 'reinstated', now));
      await log.enqueue(tx, entries);
      for (const hook of this.#recoveredHooks) await hook(tx, { personId, at: now, revokedKeys });
      return { personId, holderKeyId: kid, session, revokedKeys, reopened };
    });
  }
}

function personRow(personId: string, now: Date) {
  const at = now.toISOString();
  return { id: personId, status: 'active' as const, created_at: at, updated_at: at, closed_at: null, purge_after: null, swept_at: null };
}

function tagRow(tag: string, personId: string, now: Date) {
  return { tag, person_id: personId, created_at: now.toISOString(), purge_after: null };
}

function enrolledDetail(prepared: Prepared, holderKey: string | undefined): Record<string, unknown> {
  return { issuer: prepared.pid.issuer.id, holderKey, trusteeSet: prepared.trusteeSet.id };
}

function alreadyEnrolled(): MvidError {
  return new MvidError('person_already_enrolled', 'this person is already enrolled; use account recovery instead', {
    extensions: { recovery: '/registry/v1/recoveries' },
  });
}

function notEnrolled(): MvidError {
  return new MvidError('person_not_enrolled', 'no enrolled person matches this identity; enrol instead', {
    extensions: { enrolment: '/registry/v1/enrolments' },
  });
}
