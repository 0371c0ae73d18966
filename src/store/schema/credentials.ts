/**
 * Tables owned by credentials (src/credentials). mvid keeps only what it needs to
 * revoke what it issued — list, index, person, kind, expiry and a hash of the
 * credential — never the claims of an issued credential in clear.
 */

/** A Token Status List (1 bit per entry); `lst` is its current compressed form. */
export interface CredentialsStatusListsTable {
  /** Random; the list is served at `/credentials/status/<id>`. */
  id: string;
  /** Number of entries (at least 2^17). */
  size: number;
  bits: number;
  /** zlib-compressed, base64url bit array, as in the status-list JWT. */
  lst: string;
  /** Entries handed out so far; a list stops taking new ones at half full. */
  allocated: number;
  /** Bumped on every change to `lst`, so signed tokens can be cached per revision. */
  revision: number;
  state: 'open' | 'full';
  created_at: string;
  updated_at: string;
}

/** One issued credential, by its status entry; unique (list_id, idx). */
export interface CredentialsIssuedTable {
  list_id: string;
  idx: number;
  person_id: string;
  kind: string;
  /** base64url SHA-256 of the issuer-signed JWT ('' while the copy is being signed). */
  credential_hash: string;
  /** base64url SHA-256 of the attribute issuer's own issuer-signed JWT this copy re-issues. */
  source_hash: string | null;
  attribute_issuer_id: string | null;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  /** The attested claims of a re-issued occupation/membership, sealed at rest (base64url); null otherwise. */
  attested_sealed: string | null;
}

/** Who may attest which social characteristic (`vct`), with which keys. */
export interface CredentialsAttributeIssuersTable {
  id: string;
  name: string;
  iss: string;
  jwks_json: string;
  /** JSON array of the `vct`s it may attest (mvid's occupation / membership types). */
  vcts_json: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

/** OpenID4VCI credential offers: a pre-authorized code, stored as its hash, single use. */
export interface CredentialsOffersTable {
  code_hash: string;
  person_id: string;
  /** JSON array of credential configuration ids (credential kinds). */
  kinds_json: string;
  tx_code_hash: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Access tokens of the OpenID4VCI token endpoint, stored as hashes. */
export interface CredentialsAccessTokensTable {
  token_hash: string;
  person_id: string;
  kinds_json: string;
  created_at: string;
  expires_at: string;
}

/** Answered `c_nonce`s (the nonces themselves are stateless); single use is the primary key. */
export interface CredentialsUsedNoncesTable {
  nonce_hash: string;
  used_at: string;
  expires_at: string;
}

/** A world's (or an administrator's) request for a presentation: nonce, audience and claims. */
export interface CredentialsPresentationRequestsTable {
  id: string;
  /** The requesting world's client id (the KB-JWT audience). */
  world: string;
  nonce: string;
  claims_json: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface CredentialsTables {
  credentials_status_lists: CredentialsStatusListsTable;
  credentials_issued: CredentialsIssuedTable;
  credentials_attribute_issuers: CredentialsAttributeIssuersTable;
  credentials_offers: CredentialsOffersTable;
  credentials_access_tokens: CredentialsAccessTokensTable;
  credentials_used_nonces: CredentialsUsedNoncesTable;
  credentials_presentation_requests: CredentialsPresentationRequestsTable;
}
