/**
 * Tables owned by the registry (src/registry) and the shared authentication and
 * log-outbox tables it introduced. No column holds a legal identity in clear:
 * identity lives only in `registry_envelopes` (sealed to the trustee set), and the
 * few attributes the service reads are AES-GCM sealed in `registry_attributes`.
 */
import type { Generated } from 'kysely';

/** A dealerless key ceremony (`mvid trustee dkg`); `trustees_json` is the ordered list of trustee names. */
export interface RegistryDkgCeremoniesTable {
  id: string;
  threshold: number;
  trustees_json: string;
  /** 1: the resulting set retires the active one. */
  replace_active: number;
  status: 'open' | 'complete';
  trustee_set_id: string | null;
  created_at: string;
  completed_at: string | null;
  /** A retention-epoch key ceremony (migration 0125): the epoch and its window; null for a trustee set's own ceremony. */
  epoch: string | null;
  epoch_starts_at: string | null;
  epoch_ends_at: string | null;
  /** The trustee set the epoch key is for. */
  epoch_trustee_set_id: string | null;
  /** The first ceremony of the batch this one was opened in (its tokens speak for every ceremony of the batch). */
  batch_id: string | null;
  /** `dkg` makes a new key; `reshare` moves the key of `from_set_id` to a new set. */
  kind: Generated<'dkg' | 'reshare'>;
  from_set_id: string | null;
  /** Reshare: the old trustees' indices who re-deal, as JSON. */
  dealers_json: string | null;
}

/** A retention-epoch escrow key of a trustee set (`document_json` is its `TrusteeSet`). */
export interface RegistryEscrowEpochsTable {
  id: string;
  trustee_set_id: string;
  epoch: string;
  starts_at: string;
  ends_at: string;
  document_json: string;
  ceremony_json: string;
  created_at: string;
  /** When more than N − M trustees had destroyed their shares: from then on no quorum of shares exists. */
  destroyed_at: string | null;
  /** The epoch key of the old set this one holds by resharing (same escrow public key), or null. */
  reshared_from: string | null;
  /** The epoch key of the new set this key was reshared to: it opens this key's envelopes now. */
  reshared_to: string | null;
}

/** A trustee's signed statement that it destroyed its share of an epoch key (src/crypto `EpochDestruction`). */
export interface RegistryEpochDestructionsTable {
  escrow_key_id: string;
  trustee_index: number;
  statement_json: string;
  created_at: string;
}

/** A trustee's bearer token for one ceremony, stored hashed. */
export interface RegistryDkgTokensTable {
  token_hash: string;
  ceremony_id: string;
  trustee_index: number;
}

/** One signed message of one trustee in one round; shares inside are sealed to their recipient. */
export interface RegistryDkgMessagesTable {
  ceremony_id: string;
  trustee_index: number;
  round: 'announce' | 'commit' | 'shares' | 'complaints' | 'result';
  body_json: string;
  created_at: string;
}

/** A proofing issuer whose person-identification credentials (PIDs) mvid accepts. */
export interface RegistryIssuersTable {
  id: string;
  name: string;
  /** The `iss` its credentials carry. */
  iss: string;
  /** Its public JSON Web Key Set, as JSON. */
  jwks_json: string;
  /** JSON array: the PID claims it attests. */
  claims_json: string;
  /** JSON array: identifier namespaces it may attest (`*` for any). */
  namespaces_json: string;
  /** JSON array: accepted credential types (`vct`). */
  vcts_json: string;
  /** 1 for the development issuer (refused outside development mode). */
  dev: number;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

/** A published escrow trustee set; at most one is `active` (partial unique index). */
export interface RegistryTrusteeSetsTable {
  id: string;
  threshold: number;
  trustee_count: number;
  /** The public `TrusteeSet` document (escrow key, verification keys, commitments), as JSON. */
  document_json: string;
  status: 'active' | 'retired';
  created_at: string;
  retired_at: string | null;
  /** `TrusteeSetCeremony` as JSON (dealer, or DKG with transcript hash); null for sets published before it existed. */
  ceremony_json: string | null;
  /** The set whose key this set holds by resharing (null for a freshly made key). */
  reshared_from: string | null;
  /** The set that holds this set's key since a reshare (its envelopes open with that set). */
  reshared_to: string | null;
}

export interface RegistryPersonsTable {
  id: string;
  status: 'active' | 'closed';
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** When a closed person's escrow data is due for deletion. */
  purge_after: string | null;
  swept_at: string | null;
}

/** HMAC uniqueness tags (base64url); the primary key is what refuses a second enrolment. */
export interface RegistryTagsTable {
  tag: string;
  person_id: string;
  created_at: string;
  purge_after: string | null;
}

/** Service-readable attributes, AES-256-GCM sealed with the data-at-rest key (AAD = person id + field). */
export interface RegistryAttributesTable {
  person_id: string;
  field: string;
  sealed: Uint8Array;
  updated_at: string;
}

export interface RegistryHolderKeysTable {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url); unique across all persons. */
  id: string;
  person_id: string;
  jwk_json: string;
  created_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** Append-only history of one person (no identity data in `detail_json`). */
export interface RegistryEventsTable {
  id: Generated<number>;
  person_id: string;
  type: string;
  at: string;
  detail_json: string;
}

export interface RegistryEnvelopesTable {
  id: string;
  person_id: string;
  field_group: string;
  trustee_set_id: string;
  /** The sealed `Envelope` (ids, C1, nonce, ciphertext), as JSON. */
  envelope_json: string;
  created_at: string;
  superseded_at: string | null;
  purge_after: string | null;
  /** The retention-epoch key the envelope is sealed to (migration 0125; null: the trustee set's own key). */
  escrow_key_id: string | null;
  /** When the envelope's retention ends at the latest, whatever the account does: its epoch is the one holding this. */
  expires_at: string | null;
}

/** Nonces already answered (SHA-256 of the nonce); kept until they expire anyway. */
export interface RegistryUsedNoncesTable {
  nonce_hash: string;
  used_at: string;
  expires_at: string;
}

/** Administrator bearer tokens, stored as SHA-256 hashes only. */
export interface AdminTokensTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Person sessions: opaque bearer tokens stored as SHA-256 hashes, with expiry. */
export interface PersonSessionsTable {
  id: string;
  token_hash: string;
  person_id: string;
  /** How the session was established: enrolment, recovery, holder_key (later: passkey, cookie…). */
  method: string;
  /** The holder key that signed in, when `method` is holder_key. */
  holder_key_id: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/**
 * Transparency-log entries queued in the same transaction as the write they record.
 * The log integrates rows in `id` order and deletes them in its own transaction.
 */
export interface LogOutboxTable {
  id: Generated<number>;
  entry: Uint8Array;
  queued_at: string;
}

/** An OpenID4VP request sent to a wallet for enrolment (see registry/wallet-requests.ts). */
export interface RegistryWalletRequestsTable {
  id: string;
  /** base64url SHA-256 of the secret in the cookie of the browser that started it. */
  browser_hash: string;
  nonce: string;
  /** pending → enrolled | failed. */
  status: string;
  person_id: string | null;
  /** The refusal's error code, when the presentation was refused. */
  error: string | null;
  code_hash: string | null;
  created_at: string;
  expires_at: string;
  /** `enrol` | `recover` (migration 0145). */
  purpose: Generated<string>;
  /** 1 when the wallet answers from another device (QR code): the browser polls (migration 0145). */
  cross_device: Generated<number>;
}

export interface RegistryTables {
  registry_issuers: RegistryIssuersTable;
  registry_trustee_sets: RegistryTrusteeSetsTable;
  registry_dkg_ceremonies: RegistryDkgCeremoniesTable;
  registry_escrow_epochs: RegistryEscrowEpochsTable;
  registry_epoch_destructions: RegistryEpochDestructionsTable;
  registry_dkg_tokens: RegistryDkgTokensTable;
  registry_dkg_messages: RegistryDkgMessagesTable;
  registry_persons: RegistryPersonsTable;
  registry_tags: RegistryTagsTable;
  registry_attributes: RegistryAttributesTable;
  registry_holder_keys: RegistryHolderKeysTable;
  registry_events: RegistryEventsTable;
  registry_envelopes: RegistryEnvelopesTable;
  registry_used_nonces: RegistryUsedNoncesTable;
  admin_tokens: AdminTokensTable;
  person_sessions: PersonSessionsTable;
  log_outbox: LogOutboxTable;
  registry_wallet_requests: RegistryWalletRequestsTable;
}
