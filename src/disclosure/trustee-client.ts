/**
 * The trustee's client: the only place a decryption share is ever used. It trusts
 * the server for nothing. Before producing a share it verifies, itself, that the
 * request as shown opens the commitments of a logged entry, that the entry is
 * included under a checkpoint signed by the pinned log key and consistent with the
 * last one it saw, that the request is inside its validity window, and that its own
 * approval is logged; only then does it compute D_i = x_i·C1 (with a DLEQ proof bound
 * to request and envelope) for exactly the committed envelopes, sealed to the
 * authority key the logged authority id commits to.
 */
import { type Clock, fromBase64Url, MvidError, type Random, systemClock, systemRandom, toBase64Url, utf8 } from '../core/index.ts';
import { generateRecipientKeyPair, partialDecrypt, sealToRecipient, type TrusteeShare } from '../crypto/index.ts';
import {
  authorityId,
  courtOrderCommitment,
  decisionEntry,
  offenceCommitment,
  requestEntry,
  type StatementOpening,
  statementCommitment,
  subjectCommitment,
} from './commitments.ts';
import { ApiClient, type FetchLike } from './http-client.ts';
import { advanceCheckpoint, checkWitnessPin, type LogPin, proveIncluded, type SeenCheckpoint } from './log-verify.ts';
import { openOrderDocument } from './order-document.ts';
import { expectTrusteeSet, proveApprovalQuorum } from './quorum.ts';
import { proveKeyLineage } from './release-verify.ts';
import { verifySubjectBinding } from './subject-binding.ts';
import type { DenialReason } from './types.ts';
import type { TrusteeRequestView } from './views.ts';

export interface TrusteeClientState {
  version: 1;
  url: string;
  token: string;
  trustee: { trusteeSetId: string; trusteeId: string; trusteeIndex: number; verificationKey: string };
  /** The trustee's document key pair (secret base64url). */
  encryption: { publicKey: string; secretKey: string };
  log: LogPin;
  /** The pseudonym VRF key, pinned at enrolment (subject-binding.ts). */
  pseudonymKey?: string;
  lastCheckpoint?: SeenCheckpoint;
}

export interface ReviewedRequest {
  request: TrusteeRequestView;
  document: Uint8Array;
  logIndex: number;
  checkpointSize: bigint;
}

export interface TrusteeClientOptions {
  fetch: FetchLike;
  clock?: Clock;
  random?: Random;
  /** Persists the state (new last-seen checkpoint) before any share leaves the machine. */
  save: (state: TrusteeClientState) => Promise<void> | void;
}

/** Associated data of a trustee's sealed shares: they cannot be moved to another request or trustee. */
export function sharesAad(requestId: string, trusteeIndex: number): Uint8Array {
  return utf8(`mvid disclosure shares v1\0${requestId}\0${trusteeIndex}`);
}

/** Tolerated clock difference when checking that a request has started. */
const SKEW_MS = 5 * 60_000;

export class TrusteeClient {
  #state: TrusteeClientState;
  readonly #api: ApiClient;
  /** Log reads carry no token: the server cannot answer this trustee differently from the public. */
  readonly #public: ApiClient;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #save: TrusteeClientOptions['save'];

  constructor(state: TrusteeClientState, options: TrusteeClientOptions) {
    this.#state = state;
    this.#api = new ApiClient(state.url, state.token, options.fetch);
    this.#public = new ApiClient(state.url, undefined, options.fetch);
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#save = options.save;
  }

  get state(): TrusteeClientState {
    return this.#state;
  }

  /**
   * First contact: learns who this token belongs to, makes and registers the document
   * key, pins the log key (given out of band, or trusted on first use) and its checkpoint.
   */
  static async enrol(input: {
    url: string;
    token: string;
    fetch: FetchLike;
    logKey?: string;
    witnesses?: LogPin['witnesses'];
    /** Production: refuse to enrol without witnesses, so no checkpoint is ever accepted on the log key alone. */
    production?: boolean;
    pseudonymKey?: string;
    clock?: Clock;
    random?: Random;
  }): Promise<TrusteeClientState> {
    checkWitnessPin(input.witnesses, input.production === true);
    const api = new ApiClient(input.url, input.token, input.fetch);
    const publicApi = new ApiClient(input.url, undefined, input.fetch);
    const me = await api.json<{ trusteeSetId: string; trusteeId: string; trusteeIndex: number; verificationKey: string }>(
      'GET',
      '/disclosure/v1/trustee/me',
    );
    const pair = generateRecipientKeyPair(input.random ?? systemRandom);
    await api.json('PUT', '/disclosure/v1/trustee/me/encryption-key', { publicKey: pair.publicKey });
    const log = await publicApi.json<{ origin: string; verifierKey: string; pseudonymKey: string }>('GET', '/disclosure/v1/log');
    if (input.pseudonymKey !== undefined && input.pseudonymKey !== log.pseudonymKey)
      throw new MvidError('subject_binding_invalid', 'the server’s pseudonym key is not the one given with --pseudonym-key');
    if (input.logKey !== undefined && input.logKey !== log.verifierKey) {
      throw new MvidError('note_unverified', 'the server’s log key is not the one given with --log-key');
    }
    const pin: LogPin = {
      origin: log.origin,
      vkey: input.logKey ?? log.verifierKey,
      ...(input.witnesses ? { witnesses: input.witnesses } : {}),
    };
    const { seen } = await advanceCheckpoint(publicApi, pin, undefined, input.clock ?? systemClock);
    const state: TrusteeClientState = {
      version: 1,
      url: input.url,
      token: input.token,
      trustee: {
        trusteeSetId: me.trusteeSetId,
        trusteeId: me.trusteeId,
        trusteeIndex: me.trusteeIndex,
        verificationKey: me.verificationKey,
      },
      encryption: { publicKey: pair.publicKey, secretKey: toBase64Url(pair.secretKey) },
      log: pin,
      pseudonymKey: input.pseudonymKey ?? log.pseudonymKey,
      lastCheckpoint: seen,
    };
    pair.secretKey.fill(0);
    return state;
  }

  async queue(): Promise<unknown> {
    return this.#api.json('GET', '/disclosure/v1/trustee/requests');
  }

  /** The pinned pseudonym key (a state from before pinning learns it from the server). */
  async #pseudonymKey(): Promise<string> {
    return this.#state.pseudonymKey ?? (await this.#public.json<{ pseudonymKey: string }>('GET', '/disclosure/v1/log')).pseudonymKey;
  }

  /** Accepts the log's current checkpoint (signed, consistent, not stale) and remembers it. */
  async #checkpoint() {
    const { checkpoint, seen } = await advanceCheckpoint(this.#public, this.#state.log, this.#state.lastCheckpoint, this.#clock);
    this.#state = { ...this.#state, lastCheckpoint: seen };
    await this.#save(this.#state);
    return checkpoint;
  }

  /**
   * Everything a trustee must check before deciding, checked here, not by the server.
   * @throws MvidError request_mismatch | request_expired | log_entry_missing | subject_binding_invalid | checkpoint_stale | checkpoint_inconsistent | note_unverified
   */
  async review(requestId: string, options: { extensionId?: string } = {}): Promise<ReviewedRequest> {
    const r = await this.#api.json<TrusteeRequestView>('GET', `/disclosure/v1/trustee/requests/${encodeURIComponent(requestId)}`);
    const me = this.#state.trustee;
    const mismatch = (why: string) => new MvidError('request_mismatch', `request ${requestId}: ${why}`);
    if (r.id !== requestId || r.trusteeSetId !== me.trusteeSetId) throw mismatch('it is not addressed to this trustee set');
    const groups = r.subject.envelopes.map((e) => e.fieldGroup);
    if (new Set(groups).size !== groups.length || groups.join() !== r.offence.fieldGroups.join())
      throw mismatch('the envelopes are not the requested field groups');
    if (!groups.every((g) => r.courtOrder.fieldGroups.includes(g))) throw mismatch('the order does not cover every requested field group');
    if (r.offence.jurisdiction !== r.authority.jurisdiction)
      throw mismatch('the offence is cited under another jurisdiction than the authority’s');
    const now = this.#clock.now().getTime();
    // An extension is decided after the release, inside its own window; a disclosure inside the request's.
    const extension = options.extensionId === undefined ? undefined : r.extensions.find((e) => e.id === options.extensionId);
    if (options.extensionId !== undefined && extension?.status !== 'pending')
      throw new MvidError('not_found', `no pending extension ${options.extensionId}`);
    const [from, to] = extension ? [extension.createdAt, extension.expiresAt] : [r.createdAt, r.expiresAt];
    if (now >= Date.parse(to) || now + SKEW_MS < Date.parse(from)) {
      throw new MvidError('request_expired', `${extension ? 'extension' : 'request'} ${requestId} is open from ${from} to ${to}`);
    }
    // Rebuilt from what is shown: if any shown fact differs from what was logged, the leaf will not be in the tree.
    const entry = requestEntry({
      time: r.createdAt,
      requestId,
      authorityId: authorityId({
        name: r.authority.name,
        jurisdiction: r.authority.jurisdiction,
        encryptionKey: r.authority.encryptionKey,
        registeredAt: r.authority.registeredAt,
      }),
      subject: subjectCommitment(r.subject),
      courtOrder: courtOrderCommitment(r.courtOrder),
      offence: offenceCommitment(r.offence),
      trusteeSetId: me.trusteeSetId,
      expires: r.expiresAt,
    });
    const logIndex = r.events.find((e) => e.type === 'disclosure_request')?.index;
    const checkpoint = await this.#checkpoint();
    await proveIncluded(this.#public, entry, logIndex, checkpoint, `request ${requestId}`);
    const holds = await proveKeyLineage(this.#public, expectTrusteeSet(r.trusteeSet, me.trusteeSetId), r.trusteeSetLineage, checkpoint);
    await verifySubjectBinding(this.#public, r.subject, me.trusteeSetId, checkpoint, await this.#pseudonymKey(), holds);
    if (r.orderDocument === null) throw mismatch('no court order document was sealed to the trustees');
    const secret = fromBase64Url(this.#state.encryption.secretKey);
    try {
      const document = openOrderDocument(r.orderDocument, secret, r.courtOrder.documentSha256);
      return { request: r, document, logIndex: logIndex as number, checkpointSize: checkpoint.size };
    } finally {
      secret.fill(0);
    }
  }

  /** Logs the decision and proves, against a fresh consistent checkpoint, that it is in the log. */
  async #decide(
    reviewed: ReviewedRequest,
    decision: 'approve' | 'deny',
    text: string,
    reason?: DenialReason,
    extensionId?: string,
  ): Promise<{ index: number; opening: StatementOpening }> {
    const requestId = reviewed.request.id;
    const salt = toBase64Url(this.#random.bytes(16));
    const path =
      extensionId === undefined
        ? `/disclosure/v1/trustee/requests/${requestId}/decisions`
        : `/disclosure/v1/trustee/requests/${requestId}/extensions/${encodeURIComponent(extensionId)}/decisions`;
    const recorded = await this.#api.json<{ time: string; statement: string; statementOpening: StatementOpening; logIndex?: number }>(
      'POST',
      path,
      {
        decision,
        ...(reason === undefined ? {} : { reason }),
        statement: { text, salt },
      },
    );
    const o = recorded.statementOpening;
    const subjectId = extensionId ?? requestId;
    if (
      o.trustee !== this.#state.trustee.verificationKey ||
      o.subjectId !== subjectId ||
      o.decision !== decision ||
      statementCommitment(o) !== recorded.statement
    ) {
      throw new MvidError('request_mismatch', 'the server recorded another decision than the one sent');
    }
    const entry = decisionEntry({
      time: recorded.time,
      subjectId,
      trustee: o.trustee,
      decision,
      reason: o.reason,
      statement: recorded.statement,
    });
    const checkpoint = await this.#checkpoint();
    await proveIncluded(this.#public, entry, recorded.logIndex, checkpoint, `this trustee's ${decision}`);
    return { index: recorded.logIndex as number, opening: o };
  }

  #checkShare(share: TrusteeShare): void {
    const me = this.#state.trustee;
    if (share.trusteeSetId !== me.trusteeSetId || share.index !== me.trusteeIndex || share.verificationKey !== me.verificationKey) {
      throw new MvidError('share_invalid', `this share is not trustee ${me.trusteeId}'s share of set ${me.trusteeSetId}`);
    }
  }

  /**
   * Approves a request (logged, proven). If that approval completes a quorum the log
   * proves, uploads this trustee's partial decryptions at once; otherwise `upload` is
   * undefined and `release` is run later, once M trustees have approved.
   * The share's secret is not wiped here: the caller owns it.
   */
  async approve(
    requestId: string,
    share: TrusteeShare,
    text: string,
  ): Promise<{
    reviewed: ReviewedRequest;
    approvalIndex: number;
    upload: { shares: number; released: boolean } | undefined;
    /** Why nothing was uploaded: the quorum is not in the log yet, or this trustee already uploaded. */
    waiting?: 'quorum' | 'uploaded';
  }> {
    this.#checkShare(share);
    const reviewed = await this.review(requestId);
    if (reviewed.request.myDecision === 'deny') throw new MvidError('trustee_already_decided', 'this trustee denied the request');
    const { index } = await this.#decide(reviewed, 'approve', text);
    if (reviewed.request.myShares) return { reviewed, approvalIndex: index, upload: undefined, waiting: 'uploaded' };
    try {
      return { reviewed, approvalIndex: index, upload: await this.release(requestId, share) };
    } catch (error) {
      if (error instanceof MvidError && error.code === 'approval_quorum_not_logged')
        return { reviewed, approvalIndex: index, upload: undefined, waiting: 'quorum' };
      throw error;
    }
  }

  /**
   * Quorum-gated release: only once this trustee's own approval and M approvals in
   * all (each entry parsed and proven under a fresh consistent checkpoint) are in the
   * log does it compute D_i = x_i·C1 for exactly the committed envelopes, sealed to
   * the authority, and upload them. Never for a closed (denied, withdrawn, expired) request.
   * @throws MvidError approval_quorum_not_logged | approval_not_logged | disclosure_request_closed | conflict | (every refusal of `review`)
   */
  async release(requestId: string, share: TrusteeShare): Promise<{ shares: number; released: boolean }> {
    this.#checkShare(share);
    const me = this.#state.trustee;
    const reviewed = await this.review(requestId);
    const r = reviewed.request;
    if (r.myShares) throw new MvidError('conflict', 'this trustee already uploaded its shares');
    if (r.myDecision !== 'approve') throw new MvidError('approval_not_logged', 'this trustee has not approved the request');
    if (r.status === 'closed' || r.events.some((e) => e.type === 'request_closed' || e.type === 'request_expired'))
      throw new MvidError('disclosure_request_closed', `request ${requestId} is closed: no partial decryption for it`);
    const set = expectTrusteeSet(r.trusteeSet, me.trusteeSetId);
    const checkpoint = await this.#checkpoint();
    const approvers = await proveApprovalQuorum(this.#public, requestId, set, r.approvalEntries, checkpoint);
    // The server's `myDecision` is its word; this trustee's own logged approval is the log's.
    if (!approvers.has(me.verificationKey))
      throw new MvidError('approval_not_logged', 'the log proves no approval of this request by this trustee');
    const partials = r.subject.envelopes.map((e) => partialDecrypt({ share, c1: e.c1, requestId, envelopeId: e.envelopeId }, this.#random));
    const payload = utf8(JSON.stringify({ version: 1, requestId, trusteeIndex: me.trusteeIndex, partials }));
    const sealed = sealToRecipient(r.authority.encryptionKey, payload, sharesAad(requestId, me.trusteeIndex), this.#random);
    return this.#api.json<{ shares: number; released: boolean }>('POST', `/disclosure/v1/trustee/requests/${requestId}/shares`, { sealed });
  }

  /** Denies a request; the denial is logged and proven like an approval. */
  async deny(requestId: string, reason: DenialReason, text: string): Promise<{ reviewed: ReviewedRequest; denialIndex: number }> {
    const reviewed = await this.review(requestId);
    const { index } = await this.#decide(reviewed, 'deny', text, reason);
    return { reviewed, denialIndex: index };
  }

  /** Approves or denies a notification-delay extension of a (logged) request. */
  async decideExtension(
    requestId: string,
    extensionId: string,
    decision: 'approve' | 'deny',
    text: string,
    reason?: DenialReason,
  ): Promise<number> {
    const reviewed = await this.review(requestId, { extensionId });
    return (await this.#decide(reviewed, decision, text, reason, extensionId)).index;
  }
}
