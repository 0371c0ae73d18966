/**
 * Tables owned by lawful disclosure (src/disclosure). None holds a legal identity:
 * requests name a world pseudonym and the internal person id; court-order documents
 * are stored only as ciphertext (their key sealed to each trustee); trustees' shares
 * are stored only sealed to the requesting authority's key. Tokens are SHA-256 hashes.
 */
import type { Generated } from 'kysely';

/** A law-enforcement or judicial authority allowed to request disclosures. */
export interface DisclosureAuthoritiesTable {
  /** A commitment to (name, jurisdiction, encryption key, registration time): logged entries name it. */
  id: string;
  name: string;
  jurisdiction: string;
  contact: string;
  /** ristretto255 public key the trustees seal their partial decryptions to, base64url. */
  encryption_key: string;
  token_hash: string;
  registered_at: string;
  disabled_at: string | null;
}

/** API credentials of escrow trustees, one live credential per trustee of a set. */
export interface DisclosureTrusteeCredentialsTable {
  id: string;
  trustee_set_id: string;
  trustee_index: number;
  trustee_id: string;
  /** X_i from the trustee set; also the trustee's id in log entries. */
  verification_key: string;
  token_hash: string;
  /** The trustee's own ristretto255 key for court-order documents, registered by its client. */
  encryption_key: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface DisclosureRequestsTable {
  id: string;
  authority_id: string;
  trustee_set_id: string;
  threshold: number;
  trustee_count: number;
  person_id: string;
  world_id: string;
  /** The pseudonym or handle the authority named. */
  target: string;
  subject: string;
  /** Opening of `subject`: world, target, envelope ids and C1s, salt (JSON). */
  subject_json: string;
  court_order: string;
  court_order_json: string;
  offence: string;
  /** Opening of `offence`, public: category, statute, emergency, field groups, jurisdiction, delay (JSON). */
  offence_json: string;
  field_groups_json: string;
  emergency: number;
  notification_delay_days: number;
  status: 'pending' | 'released' | 'closed';
  outcome: 'released' | 'denied' | 'expired' | 'withdrawn' | null;
  /** The time written in the logged request entry (whole seconds). */
  created_at: string;
  expires_at: string;
  /** AES-256-GCM ciphertext of the court-order document; the server never holds its key. */
  order_document: Uint8Array | null;
  /** Nonce and the document key sealed to each trustee (JSON). */
  order_document_json: string | null;
  released_at: string | null;
  received_at: string | null;
  closed_at: string | null;
  /** When the person is told; null until released. */
  notify_at: string | null;
}

/** Every log entry disclosure wrote, with its index once integrated. */
export interface DisclosureEventsTable {
  id: Generated<number>;
  request_id: string;
  /** The extension the entry is about, if any. */
  extension_id: string | null;
  type: string;
  leaf_hash: string;
  entry: Uint8Array;
  time: string;
  log_index: number | null;
}

/** A trustee's approval or denial of a request or of a delay extension. */
export interface DisclosureDecisionsTable {
  /** The request or extension decided on. */
  subject_id: string;
  request_id: string;
  trustee_index: number;
  trustee_key: string;
  decision: 'approve' | 'deny';
  reason: string | null;
  /** Opening of the logged statement commitment (JSON). */
  statement_json: string;
  statement: string;
  decided_at: string;
}

/** Partial decryptions sealed to the authority; the server cannot read them. */
export interface DisclosureSharesTable {
  request_id: string;
  trustee_index: number;
  sealed_json: string;
  uploaded_at: string;
  /** 1 for the shares the release entries' transcripts commit to (present when the M-th arrived). */
  in_release: Generated<number>;
}

/** A requested postponement of the person's notification, decided by a trustee quorum. */
export interface DisclosureExtensionsTable {
  id: string;
  request_id: string;
  until: string;
  court_order: string;
  court_order_json: string;
  status: 'pending' | 'approved' | 'denied' | 'expired';
  created_at: string;
  expires_at: string;
  decided_at: string | null;
}

/** Running counts of the transparency report (migration 0107). */
export interface DisclosureReportCounts {
  requests: number;
  emergency_requests: number;
  approvals: number;
  denials: number;
  releases: number;
  released_envelopes: number;
  denied_requests: number;
  expired_requests: number;
}

/** One request as the transparency report counts it. */
export interface DisclosureReportRequestsTable extends DisclosureReportCounts {
  request_id: string;
  authority_id: string;
  jurisdiction: string;
  category: string;
  unverified: number;
  requested_at: string;
  decided_at: string | null;
  decision_seconds: number | null;
}

/** One figure of the report: dimension `total` (key ''), `authority`, `jurisdiction` or `category`. */
export interface DisclosureReportFiguresTable extends DisclosureReportCounts {
  dimension: string;
  key: string;
  unverified: number;
}

export interface DisclosureTables {
  disclosure_authorities: DisclosureAuthoritiesTable;
  disclosure_trustee_credentials: DisclosureTrusteeCredentialsTable;
  disclosure_requests: DisclosureRequestsTable;
  disclosure_events: DisclosureEventsTable;
  disclosure_decisions: DisclosureDecisionsTable;
  disclosure_shares: DisclosureSharesTable;
  disclosure_extensions: DisclosureExtensionsTable;
  disclosure_report_requests: DisclosureReportRequestsTable;
  disclosure_report_figures: DisclosureReportFiguresTable;
}
