/**
 * What each party is shown. The authority sees its own requests' progress; a trustee
 * sees a request with every opening it needs to check the logged entry itself; the
 * person sees a released disclosure only once the notification delay has ended —
 * before that, nothing at all, not even that a request exists.
 */
import type { Clock } from '../core/index.ts';
import type { SealedMessage, TrusteeSet } from '../crypto/index.ts';
import type { Store } from '../store/index.ts';
import type { Authorities } from './authorities.ts';
import type { CourtOrderOpening, OffenceOpening, SubjectOpening } from './commitments.ts';
import type { Extensions, ExtensionView } from './extensions.ts';
import type { Ledger, LoggedEvent } from './ledger.ts';
import { openingsOf, type RequestRow } from './requests.ts';
import type { TrusteePrincipal } from './trustees.ts';
import type { ShownEntry } from './quorum.ts';
import type { AuthorityRecord, EnvelopeEscrowKey, EscrowDirectory } from './types.ts';

export interface RequestProgress {
  approvals: number;
  denials: number;
  shares: number;
  threshold: number;
  trusteeCount: number;
}

export interface AuthorityRequestView extends RequestProgress {
  id: string;
  status: RequestRow['status'];
  outcome: RequestRow['outcome'];
  createdAt: string;
  expiresAt: string;
  emergency: boolean;
  fieldGroups: string[];
  target: { worldId: string; pseudonym: string };
  offence: OffenceOpening;
  courtOrder: CourtOrderOpening;
  releasedAt: string | null;
  receivedAt: string | null;
  notifyAt: string | null;
  extensions: ExtensionView[];
  events: LoggedEvent[];
}

export interface TrusteeRequestView extends RequestProgress {
  id: string;
  status: RequestRow['status'];
  outcome: RequestRow['outcome'];
  createdAt: string;
  expiresAt: string;
  trusteeSetId: string;
  authority: AuthorityRecord;
  subject: SubjectOpening;
  courtOrder: CourtOrderOpening;
  offence: OffenceOpening;
  orderDocument: { nonce: string; ciphertext: string; sealedKey: SealedMessage | null } | null;
  myDecision: 'approve' | 'deny' | null;
  myShares: boolean;
  extensions: ExtensionView[];
  events: LoggedEvent[];
  /** The trustee set the request names (its id pins every key), to count approvals against. */
  trusteeSet: TrusteeSet;
  /** The request's logged approvals, as entries the trustee client parses and proves itself. */
  approvalEntries: ShownEntry[];
  /** The retention-epoch key of each committed envelope sealed to one: the trustee opens with its share of that key. */
  escrowKeys: EnvelopeEscrowKey[];
  /** The `trustee_set` entries proving which sets' keys `trusteeSet` holds by resharing. */
  trusteeSetLineage: ShownEntry[];
}

export interface PersonDisclosureView {
  requestId: string;
  authority: { name: string; jurisdiction: string; contact: string };
  courtOrder: Omit<CourtOrderOpening, 'salt'>;
  offence: { category: string; statute: string; emergency: boolean };
  fieldGroups: string[];
  target: { worldId: string; pseudonym: string };
  requestedAt: string;
  releasedAt: string | null;
  receivedAt: string | null;
  notifiedAt: string;
  delayExtensions: Array<{ until: string; court: string; reference: string; date: string }>;
  /** The log entries proving each step, with their indices. */
  log: Array<{ type: string; index: number | null; time: string; leafHash: string }>;
  /** The opening of the logged subject commitment, so the person can check it was them. */
  subject: SubjectOpening;
}

export interface QueueItem {
  id: string;
  status: string;
  createdAt: string;
  expiresAt: string;
  emergency: boolean;
  myDecision: string | null;
  pendingExtensions: string[];
}

export class Views {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ledger: Ledger;
  readonly #authorities: Authorities;
  readonly #extensions: Extensions;
  readonly #escrow: EscrowDirectory;

  constructor(deps: {
    store: Store;
    clock: Clock;
    ledger: Ledger;
    authorities: Authorities;
    extensions: Extensions;
    escrow: EscrowDirectory;
  }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#ledger = deps.ledger;
    this.#authorities = deps.authorities;
    this.#extensions = deps.extensions;
    this.#escrow = deps.escrow;
  }

  async progress(row: RequestRow): Promise<RequestProgress> {
    const decisions = await this.#store.db.selectFrom('disclosure_decisions').select('decision').where('subject_id', '=', row.id).execute();
    const shares = await this.#store.db.selectFrom('disclosure_shares').select('trustee_index').where('request_id', '=', row.id).execute();
    const approvals = decisions.filter((d) => d.decision === 'approve').length;
    return {
      approvals,
      denials: decisions.length - approvals,
      shares: shares.length,
      threshold: row.threshold,
      trusteeCount: row.trustee_count,
    };
  }

  async forAuthority(row: RequestRow): Promise<AuthorityRequestView> {
    const { subject, courtOrder, offence } = openingsOf(row);
    return {
      id: row.id,
      status: row.status,
      outcome: row.outcome,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      emergency: row.emergency === 1,
      fieldGroups: JSON.parse(row.field_groups_json) as string[],
      target: { worldId: subject.worldId, pseudonym: subject.target },
      offence,
      courtOrder,
      releasedAt: row.released_at,
      receivedAt: row.received_at,
      notifyAt: row.notify_at,
      ...(await this.progress(row)),
      extensions: await this.#extensions.ofRequest(row.id),
      events: await this.#ledger.eventsOf(row.id),
    };
  }

  async forTrustee(row: RequestRow, trustee: TrusteePrincipal): Promise<TrusteeRequestView> {
    const authority = await this.#authorities.get(row.authority_id);
    if (!authority) throw new Error(`authority ${row.authority_id} of request ${row.id} is missing`);
    const trusteeSet = await this.#escrow.trusteeSet(row.trustee_set_id);
    if (!trusteeSet) throw new Error(`trustee set ${row.trustee_set_id} of request ${row.id} is missing`);
    const mine = await this.#store.db
      .selectFrom('disclosure_decisions')
      .select('decision')
      .where('subject_id', '=', row.id)
      .where('trustee_index', '=', trustee.trusteeIndex)
      .executeTakeFirst();
    const share = await this.#store.db
      .selectFrom('disclosure_shares')
      .select('trustee_index')
      .where('request_id', '=', row.id)
      .where('trustee_index', '=', trustee.trusteeIndex)
      .executeTakeFirst();
    const doc =
      row.order_document_json === null
        ? null
        : (JSON.parse(row.order_document_json) as { nonce: string; keys: Array<{ trusteeIndex: number; sealed: SealedMessage }> });
    return {
      id: row.id,
      status: row.status,
      outcome: row.outcome,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      trusteeSetId: row.trustee_set_id,
      authority,
      ...openingsOf(row),
      orderDocument:
        doc === null || row.order_document === null
          ? null
          : {
              nonce: doc.nonce,
              ciphertext: Buffer.from(row.order_document).toString('base64url'),
              sealedKey: doc.keys.find((k) => k.trusteeIndex === trustee.trusteeIndex)?.sealed ?? null,
            },
      myDecision: mine?.decision ?? null,
      myShares: share !== undefined,
      ...(await this.progress(row)),
      extensions: await this.#extensions.ofRequest(row.id),
      events: await this.#ledger.eventsOf(row.id),
      trusteeSet,
      trusteeSetLineage: await this.#ledger.shownLineage(this.#escrow, trusteeSet.id),
      approvalEntries: await this.#ledger.shownEntries(row.id, 'trustee_approval'),
      escrowKeys: await this.#escrow.escrowKeysOf(
        openingsOf(row).subject.envelopes.map((e) => e.envelopeId),
        trusteeSet.id,
      ),
    };
  }

  /** A trustee's queue: open requests of its set (pending, or released with extensions to decide). */
  async queue(trustee: TrusteePrincipal): Promise<QueueItem[]> {
    const rows = await this.#store.db
      .selectFrom('disclosure_requests')
      .select(['id', 'status', 'created_at', 'expires_at', 'emergency'])
      .where('trustee_set_id', '=', trustee.trusteeSetId)
      .where('status', '!=', 'closed')
      .orderBy('emergency', 'desc')
      .orderBy('created_at')
      .execute();
    const out = [];
    for (const r of rows) {
      const mine = await this.#store.db
        .selectFrom('disclosure_decisions')
        .select('decision')
        .where('subject_id', '=', r.id)
        .where('trustee_index', '=', trustee.trusteeIndex)
        .executeTakeFirst();
      const exts = (await this.#extensions.ofRequest(r.id)).filter((e) => e.status === 'pending').map((e) => e.id);
      out.push({
        id: r.id,
        status: r.status,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        emergency: r.emergency === 1,
        myDecision: mine?.decision ?? null,
        pendingExtensions: exts,
      });
    }
    return out;
  }

  /** The person's disclosures whose notification time has come; nothing else, ever. */
  async forPerson(personId: string): Promise<PersonDisclosureView[]> {
    const now = this.#clock.now().toISOString();
    const rows = await this.#store.db
      .selectFrom('disclosure_requests')
      .selectAll()
      .where('person_id', '=', personId)
      .where('notify_at', 'is not', null)
      .where('notify_at', '<=', now)
      .orderBy('created_at')
      .execute();
    const out: PersonDisclosureView[] = [];
    for (const row of rows) {
      const { subject, courtOrder, offence } = openingsOf(row);
      const authority = await this.#authorities.get(row.authority_id);
      const extensions = (await this.#extensions.ofRequest(row.id)).filter((e) => e.status === 'approved');
      const { salt: _salt, ...order } = courtOrder;
      out.push({
        requestId: row.id,
        authority: {
          name: authority?.name ?? 'unknown',
          jurisdiction: authority?.jurisdiction ?? offence.jurisdiction,
          contact: authority?.contact ?? '',
        },
        courtOrder: order,
        offence: { category: offence.category, statute: offence.statute, emergency: offence.emergency },
        fieldGroups: offence.fieldGroups,
        target: { worldId: subject.worldId, pseudonym: subject.target },
        requestedAt: row.created_at,
        releasedAt: row.released_at,
        receivedAt: row.received_at,
        notifiedAt: row.notify_at as string,
        delayExtensions: extensions.map((e) => ({
          until: e.until,
          court: e.courtOrder.court,
          reference: e.courtOrder.reference,
          date: e.courtOrder.date,
        })),
        log: (await this.#ledger.eventsOf(row.id)).map((e) => ({ type: e.type, index: e.index, time: e.time, leafHash: e.leafHash })),
        subject,
      });
    }
    return out;
  }
}
