/**
 * Accepting a request: the legal checks (validation.ts), resolving the pseudonym to a
 * person and that person's envelopes for exactly the requested field groups, and one
 * transaction that stores the request and queues its log entry. The entry holds only
 * ids and commitments; the authority gets back its index and an inclusion proof.
 */
import type { Selectable } from 'kysely';
import { type Clock, fromBase64Url, MvidError, type Random, toBase64Url, ValidationError } from '../core/index.ts';
import type { Envelope, TrusteeSet } from '../crypto/index.ts';
import type { Database, Store } from '../store/index.ts';
import {
  type CourtOrderOpening,
  courtOrderCommitment,
  logTime,
  newSalt,
  type OffenceOpening,
  offenceCommitment,
  requestEntry,
  type SealedEnvelopeRef,
  type SubjectOpening,
  subjectCommitment,
} from './commitments.ts';
import type { Ledger } from './ledger.ts';
import type { AuthorityRecord, DisclosureOptions, EscrowDirectory, NewRequest, OrderDocument, PseudonymResolver } from './types.ts';
import { DAY_MS, HOUR_MS, addMs, stored } from './util.ts';
import { validateRequest } from './validation.ts';

export type RequestRow = Selectable<Database['disclosure_requests']>;

/**
 * The requests addressed to a trustee set that its trustees still have to act on (pending and
 * not expired): what a reshare of the set asks before it moves the set's keys (src/registry
 * `PendingDisclosures`), since they would be stranded with trustees whose tokens die.
 */
export function pendingRequestsOf(store: Store, clock: Clock): (trusteeSetId: string) => Promise<string[]> {
  return async (trusteeSetId) =>
    (
      await store.db
        .selectFrom('disclosure_requests')
        .select('id')
        .where('trustee_set_id', '=', trusteeSetId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', clock.now().toISOString())
        .orderBy('created_at')
        .execute()
    ).map((r) => r.id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

export interface AcceptedRequest {
  requestId: string;
  status: 'pending';
  expiresAt: string;
  logIndex: number | undefined;
  /** The pseudonym the request committed to (the authority may have named a handle). */
  target: { worldId: string; pseudonym: string };
  /** The logged entry, base64url, so the authority can hash it itself. */
  entry: string;
  checkpoint: string;
  inclusionProof: string[];
}

function checkOrderDocument(doc: OrderDocument | undefined, set: TrusteeSet, options: DisclosureOptions): void {
  if (doc === undefined)
    throw new MvidError('court_order_invalid', 'the court order document (encrypted to the trustees) is required', {
      extensions: { field: 'orderDocument' },
    });
  const field = (f: string) => ({ extensions: { field: `orderDocument.${f}` } });
  if (!B64URL.test(doc.nonce) || doc.nonce.length !== 16)
    throw new MvidError('court_order_invalid', 'orderDocument.nonce is 12 bytes base64url', field('nonce'));
  if (!B64URL.test(doc.ciphertext) || (doc.ciphertext.length * 3) / 4 > options.maxOrderDocumentBytes) {
    throw new MvidError(
      'court_order_invalid',
      `the order document is base64url and at most ${options.maxOrderDocumentBytes} bytes`,
      field('ciphertext'),
    );
  }
  const seen = new Set<number>();
  for (const k of doc.keys) {
    if (!set.trustees.some((t) => t.index === k.trusteeIndex) || seen.has(k.trusteeIndex)) {
      throw new MvidError('court_order_invalid', `document key for unknown or repeated trustee ${k.trusteeIndex}`, field('keys'));
    }
    seen.add(k.trusteeIndex);
  }
  if (seen.size === 0) throw new MvidError('court_order_invalid', 'the document key must be sealed to the trustees', field('keys'));
}

/** Orders found envelopes as the requested groups are ordered; refuses a missing or mixed set. */
function pickEnvelopes(found: Envelope[], groups: readonly string[]): Envelope[] {
  const out: Envelope[] = [];
  for (const g of groups) {
    const e = found.find((x) => x.fieldGroup === g);
    if (!e) throw new MvidError('disclosure_target_unknown', `the person has no escrow envelope for ${g}`);
    out.push(e);
  }
  if (new Set(out.map((e) => e.trusteeSetId)).size !== 1)
    throw new MvidError('internal_error', 'envelopes of one person are sealed to different trustee sets');
  return out;
}

export class Requests {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #ledger: Ledger;
  readonly #resolver: PseudonymResolver;
  readonly #escrow: EscrowDirectory;
  readonly #options: DisclosureOptions;

  constructor(deps: {
    store: Store;
    clock: Clock;
    random: Random;
    ledger: Ledger;
    resolver: PseudonymResolver;
    escrow: EscrowDirectory;
    options: DisclosureOptions;
  }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#ledger = deps.ledger;
    this.#resolver = deps.resolver;
    this.#escrow = deps.escrow;
    this.#options = deps.options;
  }

  /**
   * Accepts a request from an authenticated authority.
   * @throws MvidError offence_not_criminal | court_order_invalid | field_groups_not_covered | notification_delay_invalid | disclosure_target_unknown | escrow_unavailable | conflict
   */
  async create(authority: AuthorityRecord, input: NewRequest): Promise<AcceptedRequest> {
    const now = this.#clock.now();
    const valid = validateRequest(input, now, this.#options);
    const requestId = input.requestId ?? this.#random.uuid();
    if (!UUID.test(requestId)) throw new ValidationError('requestId is a lowercase UUID', 'requestId');
    const resolved = await this.#resolver.resolve(input.target.worldId, input.target.pseudonym);
    if (resolved === undefined) throw new MvidError('disclosure_target_unknown', 'no person has this pseudonym or handle in this world');
    const { personId } = resolved;
    const envelopes = pickEnvelopes(await this.#escrow.envelopes(personId, valid.fieldGroups), valid.fieldGroups);
    const setId = (envelopes[0] as Envelope).trusteeSetId;
    // Addressed to whoever holds the envelopes' key today: after a reshare, the new set.
    const set = await this.#escrow.keyHolder(setId);
    if (!set) throw new MvidError('escrow_unavailable', `trustee set ${setId} is unknown`);
    // While the set's keys are being reshared its trustees are about to lose them: the request would be stranded.
    const resharing = await this.#escrow.reshareInProgress(set.id);
    if (resharing !== undefined)
      throw new MvidError(
        'trustee_set_resharing',
        `the keys of trustee set ${set.id} are being reshared (ceremony ${resharing}): file the request again once the reshare completes`,
        { extensions: { ceremony: resharing } },
      );
    const sealed = (await this.#sealedRefs(envelopes)).map((r) => (setId === set.id ? r : { ...r, trusteeSet: setId }));
    checkOrderDocument(input.orderDocument, set, this.#options);

    const salt = () => newSalt((n) => this.#random.bytes(n));
    const subject: SubjectOpening = {
      worldId: input.target.worldId,
      // The request commits to the pseudonym, also when the authority looked it up by handle.
      target: resolved.pseudonym,
      personId,
      pseudonymProof: resolved.proof,
      envelopes: envelopes.map((e) => ({ fieldGroup: e.fieldGroup, envelopeId: e.envelopeId, c1: e.c1 })),
      sealed,
      salt: salt(),
    };
    const order: CourtOrderOpening = {
      court: input.courtOrder.court.trim(),
      reference: input.courtOrder.reference.trim(),
      date: input.courtOrder.date,
      documentSha256: input.courtOrder.documentSha256,
      fieldGroups: valid.orderFieldGroups,
      salt: salt(),
    };
    const offence: OffenceOpening = {
      category: valid.category,
      statute: valid.statute,
      emergency: valid.emergency,
      fieldGroups: valid.fieldGroups,
      jurisdiction: authority.jurisdiction,
      notificationDelayDays: valid.notificationDelayDays,
    };
    const validity = valid.emergency ? this.#options.emergencyValidityHours * HOUR_MS : this.#options.requestValidityDays * DAY_MS;
    const time = logTime(now);
    const expires = logTime(addMs(now, validity));
    const entry = requestEntry({
      time,
      requestId,
      authorityId: authority.id,
      subject: subjectCommitment(subject),
      courtOrder: courtOrderCommitment(order),
      offence: offenceCommitment(offence),
      trusteeSetId: set.id,
      expires,
    });
    const doc = input.orderDocument as OrderDocument;
    const [leaf] = await this.#store.transaction(async (tx) => {
      const clash = await tx.selectFrom('disclosure_requests').select('id').where('id', '=', requestId).executeTakeFirst();
      if (clash) throw new MvidError('conflict', `request ${requestId} exists`);
      await tx
        .insertInto('disclosure_requests')
        .values({
          id: requestId,
          authority_id: authority.id,
          trustee_set_id: set.id,
          threshold: set.threshold,
          trustee_count: set.trustees.length,
          person_id: personId,
          world_id: subject.worldId,
          target: subject.target,
          subject: subjectCommitment(subject),
          subject_json: JSON.stringify(subject),
          court_order: courtOrderCommitment(order),
          court_order_json: JSON.stringify(order),
          offence: offenceCommitment(offence),
          offence_json: JSON.stringify(offence),
          field_groups_json: JSON.stringify(valid.fieldGroups),
          emergency: valid.emergency ? 1 : 0,
          notification_delay_days: valid.notificationDelayDays,
          status: 'pending',
          outcome: null,
          created_at: time,
          expires_at: expires,
          order_document: fromBase64Url(doc.ciphertext),
          order_document_json: JSON.stringify({ nonce: doc.nonce, keys: doc.keys }),
          released_at: null,
          received_at: null,
          closed_at: null,
          notify_at: null,
        })
        .execute();
      return this.#ledger.record(tx, requestId, [entry]);
    });
    const indices = await this.#ledger.settle([leaf as string]);
    const logIndex = indices.get(leaf as string);
    const checkpoint = await this.#ledger.log.checkpoint();
    const proof = logIndex === undefined ? [] : await this.#ledger.log.inclusionProof(BigInt(logIndex), checkpoint.size);
    return {
      requestId,
      status: 'pending',
      expiresAt: expires,
      logIndex,
      target: { worldId: subject.worldId, pseudonym: subject.target },
      entry: toBase64Url(entry),
      checkpoint: checkpoint.note,
      inclusionProof: proof.map((p) => toBase64Url(p)),
    };
  }

  /** The log positions of the envelopes' enrolment entries; integrates the log once if one is not there yet. */
  async #sealedRefs(envelopes: Envelope[]): Promise<SealedEnvelopeRef[]> {
    let refs = await this.#escrow.sealedRefs(envelopes);
    if (refs.some((r) => r.logIndex === undefined)) {
      await this.#ledger.log.integrate();
      refs = await this.#escrow.sealedRefs(envelopes);
    }
    return refs.map((r) => {
      if (r.logIndex === undefined) throw new MvidError('escrow_unavailable', `envelope ${r.envelopeId} is not in the log`);
      return { envelopeId: r.envelopeId, time: r.time, logIndex: r.logIndex };
    });
  }

  async row(requestId: string): Promise<RequestRow | undefined> {
    return this.#store.db.selectFrom('disclosure_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  }

  /** An authority's own request; another authority's looks exactly like a missing one. */
  async ofAuthority(authorityId: string, requestId: string): Promise<RequestRow> {
    const row = await this.row(requestId);
    if (!row || row.authority_id !== authorityId) throw new MvidError('not_found', `no request ${requestId}`);
    return row;
  }

  async listOfAuthority(authorityId: string): Promise<RequestRow[]> {
    return this.#store.db
      .selectFrom('disclosure_requests')
      .selectAll()
      .where('authority_id', '=', authorityId)
      .orderBy('created_at', 'desc')
      .execute();
  }
}

/** The openings stored with a request row. */
export function openingsOf(row: RequestRow): { subject: SubjectOpening; courtOrder: CourtOrderOpening; offence: OffenceOpening } {
  return { subject: stored(row.subject_json), courtOrder: stored(row.court_order_json), offence: stored(row.offence_json) };
}
