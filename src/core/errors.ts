/**
 * The one error type of mvid. Every failure that can leave the process has a
 * stable `code` from the closed union below; the HTTP layer turns it into an
 * RFC 9457 problem document. `docs/errors.md` lists every code and a test keeps
 * the two in step, so adding a code means documenting it.
 */

/** Every stable error code, with its HTTP status and a short title. */
export const ERROR_CODES = {
  // generic request problems
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'Validation failed' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  conflict: { status: 409, title: 'Conflict' },
  request_timeout: { status: 408, title: 'Request timeout' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  uri_too_long: { status: 414, title: 'URI too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  header_too_large: { status: 431, title: 'Request header fields too large' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  // configuration and storage
  config_invalid: { status: 500, title: 'Configuration invalid' },
  keys_missing: { status: 500, title: 'Key directory incomplete' },
  keys_mismatch: { status: 500, title: 'Keys differ from the deployment' },
  log_origin_changed: { status: 500, title: 'Log origin changed' },
  migration_failed: { status: 500, title: 'Migration failed' },
  storage_unavailable: { status: 503, title: 'Storage unavailable' },
  // escrow cryptography (src/crypto)
  crypto_encoding_invalid: { status: 400, title: 'Invalid cryptographic encoding' },
  trustee_set_invalid: { status: 400, title: 'Trustee set invalid' },
  share_file_invalid: { status: 400, title: 'Share file invalid' },
  share_passphrase_invalid: { status: 400, title: 'Share passphrase incorrect' },
  share_invalid: { status: 422, title: 'Trustee share or partial decryption invalid' },
  threshold_not_met: { status: 422, title: 'Not enough trustees' },
  envelope_invalid: { status: 400, title: 'Escrow envelope invalid' },
  sealed_message_invalid: { status: 400, title: 'Sealed message invalid' },
  // verifiable presentations (src/sdk verifyPresentation; a world or mvid refusing a presented credential)
  presentation_malformed: { status: 400, title: 'Presentation malformed' },
  alg_not_allowed: { status: 400, title: 'Signature algorithm not allowed' },
  issuer_untrusted: { status: 401, title: 'Issuer not trusted' },
  signature_invalid: { status: 401, title: 'Issuer signature invalid' },
  disclosure_invalid: { status: 400, title: 'Disclosure invalid' },
  kb_missing: { status: 401, title: 'Key binding missing' },
  kb_invalid: { status: 401, title: 'Key binding invalid' },
  kb_audience_mismatch: { status: 401, title: 'Key binding audience mismatch' },
  kb_nonce_mismatch: { status: 401, title: 'Key binding nonce mismatch' },
  kb_stale: { status: 401, title: 'Key binding stale' },
  sd_hash_mismatch: { status: 401, title: 'Key binding sd_hash mismatch' },
  presentation_replayed: { status: 401, title: 'Presentation replayed' },
  credential_expired: { status: 401, title: 'Credential expired' },
  credential_not_yet_valid: { status: 401, title: 'Credential not yet valid' },
  credential_revoked: { status: 401, title: 'Credential revoked' },
  status_unavailable: { status: 503, title: 'Credential status unavailable' },
  claims_missing: { status: 400, title: 'Required claims missing' },
  schema_violation: { status: 400, title: 'Claims violate the credential schema' },
  vct_not_allowed: { status: 400, title: 'Credential type not allowed' },
  // credentials (src/credentials): issuance, OpenID4VCI, attribute issuers, presentation requests
  proof_invalid: { status: 400, title: 'Key proof invalid' },
  proof_nonce_invalid: { status: 400, title: 'Nonce invalid' },
  grant_invalid: { status: 400, title: 'Pre-authorized code invalid' },
  credential_configuration_unknown: { status: 400, title: 'Credential configuration unknown' },
  attribute_unavailable: { status: 409, title: 'Attribute unavailable' },
  attribute_issuer_unregistered: { status: 403, title: 'Attribute issuer not registered' },
  source_holder_mismatch: { status: 403, title: 'Attribute credential bound to another key' },
  claims_not_registered: { status: 403, title: 'Claims not registered' },
  presentation_request_invalid: { status: 400, title: 'Presentation request invalid' },
  // transparency log (src/tlog)
  tlog_range_invalid: { status: 400, title: 'Tree range invalid' },
  note_malformed: { status: 400, title: 'Signed note malformed' },
  note_signature_invalid: { status: 401, title: 'Signed note signature invalid' },
  note_unverified: { status: 401, title: 'Signed note not verified' },
  note_key_invalid: { status: 400, title: 'Note key invalid' },
  checkpoint_malformed: { status: 400, title: 'Checkpoint malformed' },
  witness_quorum_not_met: { status: 401, title: 'Witness quorum not met' },
  witness_required: { status: 400, title: 'Witnesses required' },
  entry_invalid: { status: 400, title: 'Log entry invalid' },
  entry_too_large: { status: 413, title: 'Log entry too large' },
  tlog_inconsistent: { status: 500, title: 'Log inconsistent' },
  tlog_split_view: { status: 409, title: 'Log split view' },
  tlog_key_changed: { status: 409, title: 'Log key changed' },
  tlog_fetch_failed: { status: 502, title: 'Log fetch failed' },
  // registry (src/registry): enrolment, recovery, persons, issuers, trustee sets
  nonce_invalid: { status: 401, title: 'Nonce not issued by this service' },
  nonce_expired: { status: 401, title: 'Nonce expired' },
  nonce_replayed: { status: 401, title: 'Nonce already used' },
  person_already_enrolled: { status: 409, title: 'Person already enrolled' },
  person_not_enrolled: { status: 404, title: 'No enrolled person matches' },
  person_closed: { status: 403, title: 'Account closed' },
  dev_issuer_disabled: { status: 403, title: 'Development issuer disabled' },
  demo_material_refused: { status: 403, title: 'Demo material refused in production' },
  issuer_namespace_refused: { status: 403, title: 'Issuer may not attest this identifier namespace' },
  issuer_exists: { status: 409, title: 'Issuer already registered' },
  escrow_unavailable: { status: 503, title: 'No active trustee set' },
  trustee_set_exists: { status: 409, title: 'A trustee set is already active' },
  escrow_epoch_unavailable: { status: 503, title: 'No escrow key for this retention epoch' },
  escrow_epoch_live: { status: 409, title: 'Retention epoch not over' },
  disclosure_requests_pending: { status: 409, title: 'Disclosure requests pending' },
  trustee_set_resharing: { status: 409, title: 'Trustee set being reshared' },
  epoch_statement_invalid: { status: 422, title: 'Epoch destruction statement invalid' },
  epoch_share_missing: { status: 422, title: 'No share for this retention epoch' },
  holder_key_invalid: { status: 400, title: 'Holder key invalid' },
  holder_key_in_use: { status: 409, title: 'Holder key already registered' },
  holder_key_not_found: { status: 404, title: 'Holder key not found' },
  last_holder_key: { status: 409, title: 'Last active holder key' },
  assertion_invalid: { status: 401, title: 'Holder assertion invalid' },
  // worlds (src/worlds): registration, handles, passkeys, browser forms
  world_exists: { status: 409, title: 'World already registered' },
  world_not_found: { status: 404, title: 'World not found' },
  handle_invalid: { status: 400, title: 'Handle invalid' },
  handle_reserved: { status: 409, title: 'Handle reserved' },
  handle_taken: { status: 409, title: 'Handle taken' },
  passkey_invalid: { status: 401, title: 'Passkey invalid' },
  csrf_invalid: { status: 403, title: 'Form token invalid' },
  // lawful disclosure (src/disclosure): authorities, requests, trustee decisions, releases
  authority_exists: { status: 409, title: 'Authority already registered' },
  offence_not_criminal: { status: 422, title: 'Not a criminal offence defined in law' },
  court_order_invalid: { status: 422, title: 'Court order invalid' },
  field_groups_not_covered: { status: 422, title: 'Field groups not covered by the order' },
  notification_delay_invalid: { status: 422, title: 'Notification delay not allowed' },
  disclosure_target_unknown: { status: 404, title: 'Disclosure target unknown' },
  disclosure_request_closed: { status: 409, title: 'Disclosure request closed' },
  trustee_already_decided: { status: 409, title: 'Trustee already decided' },
  approval_not_logged: { status: 409, title: 'Approval not logged' },
  approval_quorum_not_logged: { status: 409, title: 'Approval quorum not logged' },
  release_not_ready: { status: 409, title: 'Release not ready' },
  log_entry_missing: { status: 409, title: 'Log entry not proven' },
  checkpoint_inconsistent: { status: 409, title: 'Checkpoint inconsistent' },
  checkpoint_stale: { status: 409, title: 'Checkpoint stale' },
  request_expired: { status: 410, title: 'Request outside its validity window' },
  request_mismatch: { status: 422, title: 'Request does not match its log entry' },
  subject_binding_invalid: { status: 422, title: 'Pseudonym not bound to the envelopes' },
  // IdP-blind sign-in (src/crypto blind-signin.ts): refused by a world's verifier or a wallet
  blind_presentation_invalid: { status: 401, title: 'Blind sign-in presentation refused' },
  // evidence blobs (src/blobs): content-addressed uploads behind moderation reports
  evidence_type_unsupported: { status: 415, title: 'Evidence type not accepted' },
  evidence_too_large: { status: 413, title: 'Evidence too large' },
  blob_not_found: { status: 404, title: 'Blob not found' },
  blob_integrity: { status: 500, title: 'Stored blob failed its integrity check' },
  // moderation inside a world (src/moderation): reports, cases, decisions, sanctions, appeals
  moderation_subject_unknown: { status: 404, title: 'Subject not known to this world' },
  moderation_rule_unknown: { status: 422, title: 'Not one of the world’s published rules' },
  moderation_evidence_unknown: { status: 422, title: 'Evidence not uploaded to this world' },
  moderation_case_decided: { status: 409, title: 'Case already decided' },
  sign_in_sanctioned: { status: 403, title: 'Sign-in refused by a sanction in this world' },
  appeal_window_closed: { status: 409, title: 'Appeal window closed' },
  appeal_exists: { status: 409, title: 'Decision already appealed' },
  appeal_same_moderator: { status: 403, title: 'An appeal is heard by another moderator' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface MvidErrorOptions {
  /** Overrides the status of the code (rarely needed). */
  status?: number;
  /** Whether `message` may be shown to the client; defaults to status < 500. */
  expose?: boolean;
  /** Extra, client-safe members of the problem document (e.g. `field`). */
  extensions?: Record<string, unknown>;
  /** Log-only cause; never sent to a client. */
  cause?: unknown;
}

export class MvidError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: MvidErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MvidError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.expose = options.expose ?? this.status < 500;
    this.extensions = options.extensions ?? {};
  }
}

/** A unique or foreign-key constraint refused a write (mapped from both engines in one place). */
export class ConflictError extends MvidError {
  readonly constraint: string | undefined;
  constructor(message: string, constraint?: string, cause?: unknown) {
    super('conflict', message, { cause });
    this.name = 'ConflictError';
    this.constraint = constraint;
  }
}

export class NotFoundError extends MvidError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

export class ValidationError extends MvidError {
  constructor(message: string, field?: string) {
    super('validation_failed', message, field === undefined ? {} : { extensions: { field } });
    this.name = 'ValidationError';
  }
}

export function isMvidError(value: unknown): value is MvidError {
  return value instanceof MvidError;
}
