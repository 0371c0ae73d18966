/**
 * Vocabulary of lawful disclosure: the closed list of criminal offence categories,
 * the options a deployment tunes, and the ports to the log, the worlds and the
 * registry. Everything an authority, a trustee or a person is shown is typed here.
 */
import type { Clock, Random } from '../core/index.ts';
import type { Envelope, SealedMessage, TrusteeSet, VrfProof } from '../crypto/index.ts';
import type { Store, Tx } from '../store/index.ts';

/**
 * Criminal offence categories a request may cite (modelled on the offence areas of
 * Art. 83(1) TFEU and the DSA's "offence involving a threat to life or safety").
 * Anything else, above all a world's own rules, is refused.
 */
export const OFFENCE_CATEGORIES = [
  'threat_to_life',
  'terrorism',
  'child_sexual_abuse',
  'sexual_offence',
  'human_trafficking',
  'serious_violence',
  'stalking_harassment',
  'extortion',
  'fraud',
  'money_laundering',
  'cybercrime',
  'identity_theft',
  'drug_trafficking',
  'arms_trafficking',
  'organised_crime',
  'hate_crime',
  'corruption',
] as const;
export type OffenceCategory = (typeof OFFENCE_CATEGORIES)[number];

/** Bases that are not criminal law: named so the refusal can say why. */
export const NON_CRIMINAL_BASES = [
  'terms_of_service',
  'community_rules',
  'world_rules',
  'code_of_conduct',
  'civil_dispute',
  'copyright',
  'defamation',
  'contract',
  // A world's moderation decision judges its own rules; it is never a legal basis for disclosure.
  'moderation_decision',
  'moderation_case',
] as const;

/** Field groups, mirroring the registry's FIELD_GROUPS (each is one envelope). */
export const DISCLOSURE_FIELD_GROUPS = ['name_birth', 'identifier', 'document', 'contact'] as const;
export type DisclosureFieldGroup = (typeof DISCLOSURE_FIELD_GROUPS)[number];

/** Denial reasons as the log entry schema enumerates them. */
export const DENIAL_REASONS = ['insufficient_basis', 'not_an_offence', 'order_invalid', 'disproportionate', 'other'] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export interface DisclosureOptions {
  /** Longest notification delay a request (or an extension) may ask for, in days. */
  maxNotificationDelayDays: number;
  /** How long an ordinary request stays open for trustee decisions. */
  requestValidityDays: number;
  /** The emergency (threat to life) path: much shorter validity, same quorum. */
  emergencyValidityHours: number;
  /** Oldest court order accepted, in days. */
  maxOrderAgeDays: number;
  /** How long trustees have to decide on a delay extension. */
  extensionValidityDays: number;
  /** Largest court-order document (ciphertext), in bytes. */
  maxOrderDocumentBytes: number;
}

export const DEFAULT_DISCLOSURE_OPTIONS: Readonly<DisclosureOptions> = Object.freeze({
  maxNotificationDelayDays: 90,
  requestValidityDays: 30,
  emergencyValidityHours: 48,
  maxOrderAgeDays: 365,
  extensionValidityDays: 14,
  maxOrderDocumentBytes: 4 * 1024 * 1024,
});

/** A signed checkpoint of the log as served (C2SP signed note text). */
export interface SignedCheckpoint {
  size: bigint;
  note: string;
}

/**
 * Port to the transparency log. `enqueue` writes in the caller's transaction (so a
 * disclosure step and its entry commit together); `integrate` folds queued entries
 * into the tree and signs a checkpoint; the rest serves clients their proofs.
 */
export interface DisclosureLog {
  /** The checkpoint origin and the log's verifier key (vkey), so clients can pin it. */
  readonly origin: string;
  readonly verifierKey: string;
  enqueue(tx: Tx, entries: Uint8Array[]): Promise<void>;
  integrate(): Promise<void>;
  /** Index of the integrated leaf with this RFC 9162 leaf hash. */
  indexOf(leafHash: Uint8Array): Promise<bigint | undefined>;
  checkpoint(): Promise<SignedCheckpoint>;
  inclusionProof(index: bigint, size: bigint): Promise<Uint8Array[]>;
  consistencyProof(oldSize: bigint, newSize: bigint): Promise<Uint8Array[]>;
  /** Entries [start, end) of the log, for monitors and the transparency report. */
  entries(start: bigint, end: bigint): Promise<Uint8Array[]>;
}

/** A pseudonym resolved to its person, with the VRF proof that it is theirs. */
export interface ResolvedPseudonym {
  personId: string;
  /** The world pseudonym (`sub`), even when a handle was given. */
  pseudonym: string;
  proof: VrfProof;
}

/** Port to the worlds: who is behind a pseudonym (pairwise subject) or a handle, provably. */
export interface PseudonymResolver {
  /** The pseudonym VRF's public key (trustees and authorities pin it). */
  readonly pseudonymKey: string;
  resolve(worldId: string, pseudonymOrHandle: string): Promise<ResolvedPseudonym | undefined>;
}

/** An envelope's retention-epoch key: a threshold key of the request's trustees, with its own verification keys. */
export interface EnvelopeEscrowKey {
  envelopeId: string;
  key: TrusteeSet;
  /** The key the envelope is sealed to, when `key` holds it by resharing (the same escrow public key). */
  sealedTo?: TrusteeSet;
}

/** Port to the registry: a person's current escrow envelopes, and trustee sets. */
export interface EscrowDirectory {
  envelopes(personId: string, fieldGroups: readonly string[]): Promise<Envelope[]>;
  /** Where each envelope's `envelope_sealed` log entry is (logIndex undefined while not integrated). */
  sealedRefs(envelopes: readonly Envelope[]): Promise<Array<{ envelopeId: string; time: string; logIndex: number | undefined }>>;
  envelopesById(ids: readonly string[]): Promise<Envelope[]>;
  /**
   * The retention-epoch key (src/registry epochs.ts) each of these envelopes opens with for trustee set `heldBy`
   * (the request's): the key it is sealed to, or the key of `heldBy` that holds that key by resharing (same public
   * key, `sealedTo` then names the original); envelopes sealed to their trustee set's own key are left out.
   */
  escrowKeysOf(envelopeIds: readonly string[], heldBy: string): Promise<EnvelopeEscrowKey[]>;
  activeTrusteeSet(): Promise<TrusteeSet | undefined>;
  trusteeSet(id: string): Promise<TrusteeSet | undefined>;
  /** The set that holds `id`'s escrow key today (`id` itself unless its key was reshared): envelopes sealed to `id` open with it. */
  keyHolder(id: string): Promise<TrusteeSet | undefined>;
  /** The open reshare ceremony of `id`'s keys, if any (requests to `id` wait until it completes or lapses). */
  reshareInProgress(id: string): Promise<string | undefined>;
  /**
   * The `trustee_set` log entries proving which sets' keys `id` holds by resharing: `id`'s own entry, then
   * its predecessor's, and so on while each was itself reshared (empty for a set whose key was made fresh).
   */
  trusteeSetLineage(id: string): Promise<Uint8Array[]>;
  /** The `trustee_set` log entry that published this set (so clients can prove it is the logged one). */
  trusteeSetLogEntry(id: string): Promise<Uint8Array | undefined>;
}

export interface DisclosureDeps {
  store: Store;
  clock: Clock;
  random: Random;
  log: DisclosureLog;
  resolver: PseudonymResolver;
  escrow: EscrowDirectory;
  options?: Partial<DisclosureOptions>;
}

/** An authority as the public (and the trustees) see it. */
export interface AuthorityRecord {
  id: string;
  name: string;
  jurisdiction: string;
  contact: string;
  encryptionKey: string;
  registeredAt: string;
  disabledAt: string | null;
}

/** The court order as the authority submits it (the document itself travels encrypted). */
export interface CourtOrder {
  court: string;
  reference: string;
  /** YYYY-MM-DD. */
  date: string;
  /** SHA-256 of the order document, lowercase hex. */
  documentSha256: string;
  /** Field groups the order covers. */
  fieldGroups: DisclosureFieldGroup[];
}

/** The court-order document: AES-256-GCM ciphertext, its key sealed to each trustee. */
export interface OrderDocument {
  nonce: string;
  ciphertext: string;
  keys: Array<{ trusteeIndex: number; sealed: SealedMessage }>;
}

export interface NewRequest {
  /** The authority may choose the id (so it can bind it before sending); else one is made. */
  requestId?: string;
  target: { worldId: string; pseudonym: string };
  offence: { category: string; statute: string };
  courtOrder: CourtOrder;
  fieldGroups: string[];
  emergency?: boolean;
  notificationDelayDays: number;
  orderDocument?: OrderDocument;
}

export type RequestStatus = 'pending' | 'released' | 'closed';
export type RequestOutcome = 'released' | 'denied' | 'expired' | 'withdrawn';
