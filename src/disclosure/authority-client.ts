/**
 * The authority's client. It encrypts the court-order document to the trustees,
 * files the request and checks its inclusion proof; after the release it opens every
 * sealed share with its own secret key, verifies each partial's DLEQ proof (naming
 * any trustee whose share is bad), combines M good ones and opens only the envelopes
 * the request committed to. The combined point exists only here, and is wiped.
 */
import { type Clock, fromBase64Url, MvidError, type Random, systemClock, systemRandom, toBase64Url } from '../core/index.ts';
import {
  type BadTrustee,
  combinePartials,
  type Envelope,
  generateRecipientKeyPair,
  isEpochKeyOf,
  openEnvelopeWithSharedPoint,
  openFromSender,
  type PartialDecryption,
  parseEnvelope,
  parseTrusteeSet,
  recipientPublicKey,
  type TrusteeSet,
} from '../crypto/index.ts';
import { hashLeaf, openCheckpoint, parseEntry, parseVerifierKey, verifyInclusion, type NoteVerifier } from '../tlog/index.ts';
import { newSalt } from './commitments.ts';
import { ApiClient, type FetchLike } from './http-client.ts';
import { advanceCheckpoint, type LogPin, type SeenCheckpoint } from './log-verify.ts';
import { encryptOrderDocument } from './order-document.ts';
import { boundEnvelope, checkSubjectChain, sealedSetOf, verifySubjectBinding } from './subject-binding.ts';
import type { AcceptedRequest } from './requests.ts';
import type { ReleaseMaterial } from './release.ts';
import { checkFieldGroups, keyLineage, proveKeyLineage, verifyReleaseAgainstLog } from './release-verify.ts';
import { sharesAad } from './trustee-client.ts';
import type { CourtOrder, NewRequest } from './types.ts';
import type { AuthorityRequestView } from './views.ts';

export interface FiledRequest extends Omit<NewRequest, 'orderDocument' | 'courtOrder'> {
  courtOrder: Omit<CourtOrder, 'documentSha256'>;
  /** The order document itself (e.g. a PDF); only its hash and ciphertext leave this machine. */
  document: Uint8Array;
}

export interface OpenedEnvelope {
  envelopeId: string;
  fieldGroup: string;
  /** The escrowed fields (JSON). */
  fields: Record<string, unknown>;
  usedTrustees: number[];
  badTrustees: BadTrustee[];
}

export interface FetchedRelease {
  requestId: string;
  envelopes: OpenedEnvelope[];
  /** Every trustee whose share failed, for any envelope (or whose sealed share did not open). */
  badTrustees: BadTrustee[];
}

/** Keys an authority pins out of band: the log's and the pseudonym VRF's (GET /disclosure/v1/log shows them). */
export interface AuthorityPins {
  log?: LogPin;
  pseudonymKey?: string;
}

/** What `openRelease` needs: the request's committed subject and order, the set, envelopes and sealed shares. */
export type OpenableRelease = Pick<
  ReleaseMaterial,
  'requestId' | 'trusteeSet' | 'subject' | 'courtOrder' | 'offence' | 'envelopes' | 'shares' | 'pseudonymKey'
> &
  Partial<Pick<ReleaseMaterial, 'escrowKeys' | 'trusteeSetLineage'>>;

/**
 * The key an envelope opens under: its retention-epoch key (which must be a key of the
 * request's trustees and threshold) or, for an envelope without one, the set's own. After
 * a reshare the envelope names the old set's epoch key (its associated data keeps it), and
 * the request's trustees hold the same escrow key as a key of their own: shown beside it,
 * with the same public key (a key id commits to its public key), and it is the one used.
 * @throws MvidError subject_binding_invalid
 */
function keyOf(envelope: Envelope, set: TrusteeSet, escrowKeys: readonly TrusteeSet[]): TrusteeSet {
  if (envelope.escrowKeyId === undefined) return set;
  const keys = escrowKeys.map((k) => parseTrusteeSet(k));
  const sealedTo = keys.find((k) => k.id === envelope.escrowKeyId);
  const key =
    sealedTo && isEpochKeyOf(set, sealedTo)
      ? sealedTo
      : keys.find((k) => sealedTo !== undefined && k.escrowPublicKey === sealedTo.escrowPublicKey && isEpochKeyOf(set, k));
  if (!key)
    throw new MvidError(
      'subject_binding_invalid',
      `envelope ${envelope.envelopeId}: its epoch key is missing or not a key of trustee set ${set.id}`,
    );
  return key;
}

export class AuthorityClient {
  readonly #api: ApiClient;
  /** Log reads go without the token: the server cannot tell this client from the public. */
  readonly #public: ApiClient;
  readonly #random: Random;
  readonly #clock: Clock;
  readonly #pins: AuthorityPins | undefined;
  #seen: SeenCheckpoint | undefined;

  /**
   * `pins`: the log key (and witnesses) and pseudonym key given out of band; without them
   * the server's are used (trust on first use). `seen`: the last checkpoint accepted.
   */
  constructor(input: {
    url: string;
    token: string;
    fetch: FetchLike;
    random?: Random;
    clock?: Clock;
    pins?: AuthorityPins;
    seen?: SeenCheckpoint;
  }) {
    this.#api = new ApiClient(input.url, input.token, input.fetch);
    this.#public = new ApiClient(input.url, undefined, input.fetch);
    this.#random = input.random ?? systemRandom;
    this.#clock = input.clock ?? systemClock;
    this.#pins = input.pins;
    this.#seen = input.seen;
  }

  /** The last checkpoint this client accepted (to persist between runs). */
  get seen(): SeenCheckpoint | undefined {
    return this.#seen;
  }

  /**
   * Files a request; verifies the returned inclusion proof, and that the proven entry is this
   * request's, when a log key is pinned; the request must be for the world named.
   * @throws MvidError (any refusal of the server) | log_entry_missing | request_mismatch
   */
  async file(input: FiledRequest, logKey?: { origin: string; vkey: string }): Promise<AcceptedRequest> {
    const trustees = await this.#api.json<{ trustees: Array<{ trusteeIndex: number; encryptionKey: string | null }> }>(
      'GET',
      '/disclosure/v1/trustees',
    );
    const { documentSha256, orderDocument } = encryptOrderDocument(input.document, trustees.trustees, this.#random);
    const { document: _document, ...rest } = input;
    const body: NewRequest = { ...rest, courtOrder: { ...input.courtOrder, documentSha256 }, orderDocument };
    const accepted = await this.#api.json<AcceptedRequest>('POST', '/disclosure/v1/requests', body);
    if (logKey !== undefined) {
      const { checkpoint } = openCheckpoint(accepted.checkpoint, {
        origin: logKey.origin,
        log: parseVerifierKey(logKey.vkey) as NoteVerifier,
      });
      const ok =
        accepted.logIndex !== undefined &&
        verifyInclusion(
          BigInt(accepted.logIndex),
          checkpoint.size,
          hashLeaf(fromBase64Url(accepted.entry)),
          accepted.inclusionProof.map((p) => fromBase64Url(p)),
          checkpoint.root,
        );
      if (!ok) throw new MvidError('log_entry_missing', `request ${accepted.requestId} is not proven in the log`);
      // The proven entry must be this request's: another entry's proof would prove nothing about it.
      const event = parseEntry(fromBase64Url(accepted.entry));
      if (event.type !== 'disclosure_request' || event.request !== accepted.requestId)
        throw new MvidError('log_entry_missing', `the entry proven for request ${accepted.requestId} is another one`);
    }
    // A handle resolves to a pseudonym, but never in another world.
    if (accepted.target?.worldId !== input.target.worldId)
      throw new MvidError('request_mismatch', `request ${accepted.requestId} was filed for another world than ${input.target.worldId}`);
    return accepted;
  }

  async status(requestId: string): Promise<AuthorityRequestView> {
    return this.#api.json('GET', `/disclosure/v1/requests/${encodeURIComponent(requestId)}`);
  }

  /**
   * Fetches the release, verifies it against the log and only then opens it locally:
   * the subject chain (subject-binding.ts) and the request, trustee set, approvals and
   * releases (release-verify.ts), under one checkpoint signed by the pinned log key (and
   * witnesses) and consistent with the last one this client accepted. Throws
   * `share_invalid` (naming the bad trustees) when fewer than M good shares are there yet,
   * `release_not_ready` before M uploads.
   * @throws MvidError subject_binding_invalid | request_mismatch (extensions.differs) | log_entry_missing | approval_quorum_not_logged | checkpoint_* | note_* | witness_quorum_not_met | share_invalid | release_not_ready
   */
  async fetchRelease(
    requestId: string,
    secretKey: Uint8Array,
    expected?: { worldId: string; pseudonym: string },
    options: { trusteeSetId?: string } = {},
  ): Promise<FetchedRelease> {
    const m = await this.#api.json<ReleaseMaterial>('GET', `/disclosure/v1/requests/${encodeURIComponent(requestId)}/release`);
    if (m?.requestId !== requestId) throw new MvidError('request_mismatch', `the release shown is not request ${requestId}'s`);
    checkFieldGroups(m); // against the order shown, before anything else: no group the order does not cover
    const server =
      this.#pins?.log !== undefined && this.#pins.pseudonymKey !== undefined
        ? undefined
        : await this.#public.json<{ origin: string; verifierKey: string; pseudonymKey: string }>('GET', '/disclosure/v1/log');
    const log: LogPin = this.#pins?.log ?? { origin: server?.origin ?? '', vkey: server?.verifierKey ?? '' };
    const { checkpoint, seen } = await advanceCheckpoint(this.#public, log, this.#seen, this.#clock);
    this.#seen = seen;
    await this.#verifySubject(m, this.#pins?.pseudonymKey ?? server?.pseudonymKey ?? '', checkpoint, expected);
    await verifyReleaseAgainstLog(this.#public, m, {
      authorityKey: recipientPublicKey(secretKey),
      checkpoint,
      ...(options.trusteeSetId === undefined ? {} : { trusteeSetId: options.trusteeSetId }),
    });
    return openRelease(m, secretKey);
  }

  /**
   * The chain pseudonym → person id → logged envelopes (subject-binding.ts), against the
   * pinned pseudonym key and a signed checkpoint, and the pseudonym the authority meant.
   * @throws MvidError subject_binding_invalid | log_entry_missing
   */
  async #verifySubject(
    m: ReleaseMaterial,
    pseudonymKey: string,
    checkpoint: Parameters<typeof verifySubjectBinding>[3],
    expected?: { worldId: string; pseudonym: string },
  ): Promise<void> {
    if (m.pseudonymKey !== pseudonymKey)
      throw new MvidError('subject_binding_invalid', 'the release names another pseudonym key than the pinned one');
    if (expected !== undefined && (m.subject.worldId !== expected.worldId || m.subject.target !== expected.pseudonym))
      throw new MvidError('subject_binding_invalid', `request ${m.requestId} targets another pseudonym than ${expected.pseudonym}`);
    const holds = await proveKeyLineage(this.#public, parseTrusteeSet(m.trusteeSet), m.trusteeSetLineage, checkpoint);
    await verifySubjectBinding(this.#public, m.subject, m.trusteeSet.id, checkpoint, pseudonymKey, holds);
  }

  /** Records receipt in the log (one entry per envelope) and closes the request. */
  async receipt(requestId: string, opened: FetchedRelease): Promise<{ indices: number[] }> {
    const envelopes = opened.envelopes.map((e) => ({
      envelopeId: e.envelopeId,
      usedTrustees: e.usedTrustees,
      badTrustees: e.badTrustees.map((b) => b.trusteeId ?? `#${b.index ?? '?'}`),
      salt: newSalt((n) => this.#random.bytes(n)),
    }));
    return this.#api.json('POST', `/disclosure/v1/requests/${encodeURIComponent(requestId)}/receipt`, { envelopes });
  }

  async requestExtension(requestId: string, until: string, courtOrder: CourtOrder): Promise<{ id: string }> {
    return this.#api.json('POST', `/disclosure/v1/requests/${encodeURIComponent(requestId)}/delay-extensions`, { until, courtOrder });
  }
}

/**
 * Opens release material with the authority's secret key: pure, so it can be benchmarked
 * and tested alone. Decrypts with associated data built from the committed subject
 * (envelope id, field group, C1, person) and the trustee set, never from the envelope's
 * own header, and only field groups the order covers.
 */
export function openRelease(m: OpenableRelease, secretKey: Uint8Array): FetchedRelease {
  checkFieldGroups(m);
  const set = parseTrusteeSet(m.trusteeSet);
  const badByIndex = new Map<number, BadTrustee>();
  /** Each partial with the set index of the trustee whose sealed upload carried it. */
  const partials: Array<{ from: number; partial: PartialDecryption }> = [];
  for (const share of m.shares) {
    const trustee = set.trustees.find((t) => t.index === share.trusteeIndex);
    try {
      const opened = JSON.parse(
        Buffer.from(openFromSender(secretKey, share.sealed, sharesAad(m.requestId, share.trusteeIndex))).toString('utf8'),
      ) as {
        trusteeIndex?: unknown;
        partials?: unknown;
      };
      if (opened.trusteeIndex !== share.trusteeIndex || !Array.isArray(opened.partials)) throw new Error('malformed');
      for (const partial of opened.partials as PartialDecryption[]) partials.push({ from: share.trusteeIndex, partial });
    } catch {
      badByIndex.set(share.trusteeIndex, { index: share.trusteeIndex, ...(trustee ? { trusteeId: trustee.id } : {}), reason: 'malformed' });
    }
  }
  const envelopes: OpenedEnvelope[] = [];
  // Only the envelopes (and C1s) the request committed to: the trustees' partials fit no other.
  checkSubjectChain(m.subject, m.pseudonymKey);
  const { held } = keyLineage(set, m.trusteeSetLineage);
  for (const committed of m.subject.envelopes) {
    const found = m.envelopes.map((e) => parseEnvelope(e)).find((e: Envelope) => e.envelopeId === committed.envelopeId);
    // Header (so associated data) from the checked request: the proven person, the request's set.
    const envelope = boundEnvelope(found, committed, m.subject.personId, sealedSetOf(m.subject, committed.envelopeId, set.id, held));
    // Opened with the verification keys of the key it is sealed to (its epoch key, if any);
    // a trustee's upload counts only for its own index in that key.
    const key = keyOf(envelope, set, m.escrowKeys ?? []);
    const indexInKey = (from: number) => key.trustees.find((t) => t.id === set.trustees.find((s) => s.index === from)?.id)?.index;
    const mine = partials
      .filter(({ from, partial }) => partial?.envelopeId === envelope.envelopeId && partial.trusteeIndex === indexInKey(from))
      .map(({ partial }) => partial);
    const { point, usedTrustees, badTrustees } = combineNaming(mine, badByIndex, {
      threshold: key.threshold,
      verificationKeys: key.trustees,
      c1: envelope.c1,
      requestId: m.requestId,
      envelopeId: envelope.envelopeId,
      trusteeSetId: key.id,
    });
    try {
      const plaintext = openEnvelopeWithSharedPoint(envelope, point);
      const fields = JSON.parse(Buffer.from(plaintext).toString('utf8')) as Record<string, unknown>;
      plaintext.fill(0);
      for (const b of badTrustees) if (b.index !== undefined) badByIndex.set(b.index, b);
      envelopes.push({ envelopeId: envelope.envelopeId, fieldGroup: envelope.fieldGroup, fields, usedTrustees, badTrustees });
    } finally {
      point.fill(0);
    }
  }
  return { requestId: m.requestId, envelopes, badTrustees: [...badByIndex.values()].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)) };
}

/** `combinePartials`, but a refusal also names the trustees whose sealed shares did not even open. */
function combineNaming(partials: PartialDecryption[], unopened: Map<number, BadTrustee>, options: Parameters<typeof combinePartials>[1]) {
  try {
    return combinePartials(partials, options);
  } catch (error) {
    if (!(error instanceof MvidError) || (error.code !== 'share_invalid' && error.code !== 'threshold_not_met')) throw error;
    const fromCombine = ((error.extensions as { badTrustees?: BadTrustee[] }).badTrustees ?? []).filter(
      (b) => b.index === undefined || !unopened.has(b.index),
    );
    const bad = [...unopened.values(), ...fromCombine];
    if (bad.length === 0) throw error;
    const names = bad.map((b) => b.trusteeId ?? `#${b.index ?? '?'}`).join(', ');
    throw new MvidError('share_invalid', `too few valid shares for envelope ${options.envelopeId}; bad: ${names}`, {
      extensions: { ...error.extensions, badTrustees: bad },
    });
  }
}

/** A fresh authority key pair (public key to register, secret key to keep), base64url. */
export function newAuthorityKey(random: Random = systemRandom): { publicKey: string; secretKey: string } {
  const pair = generateRecipientKeyPair(random);
  const secretKey = toBase64Url(pair.secretKey);
  pair.secretKey.fill(0);
  return { publicKey: pair.publicKey, secretKey };
}
