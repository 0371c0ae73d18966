/**
 * Tables owned by src/worlds: registered worlds (OpenID Connect clients), the
 * oidc-provider models, passkeys, browser sessions, WebAuthn challenges, handles and
 * the record of what each world received. Person ids appear, never legal identity.
 */
import type { Generated } from 'kysely';

/** A registered world; its id is its OAuth `client_id`. */
export interface WorldsTable {
  id: string;
  name: string;
  /** JSON: redirect URIs, post-logout URIs, links, rules, requested claims. */
  metadata_json: string;
  purpose: string;
  /** `private_key_jwt`, `client_secret_basic` or `client_secret_post`. */
  auth_method: string;
  /** The world's public JWKS, as JSON (private_key_jwt). */
  jwks_json: string | null;
  /** SHA-256 (hex) of the client secret (client_secret_*); the secret itself is shown once. */
  secret_hash: string | null;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
  /** Which pseudonym the world knows its users by: `oidc` (its pairwise `sub`) or `blind` (its blind sign-in pseudonym). */
  pseudonyms: Generated<string>;
}

/** Every oidc-provider model (sessions, grants, codes, tokens, interactions…) in one table. */
export interface OidcModelsTable {
  model: string;
  id: string;
  payload_json: string;
  grant_id: string | null;
  /** The person (payload.accountId), so closure and the person's view find their grants. */
  account_id: string | null;
  uid: string | null;
  user_code: string | null;
  consumed_at: string | null;
  expires_at: string | null;
}

/** A WebAuthn credential (passkey) of a person. */
export interface WorldsPasskeysTable {
  /** The credential id, base64url. */
  id: string;
  person_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  counter: number;
  transports_json: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** A cookie session of a person in the browser (portal, sign-in, consent). */
export interface WorldsWebSessionsTable {
  id: string;
  /** SHA-256 (hex) of the cookie token. */
  token_hash: string;
  person_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** A single-use WebAuthn challenge. */
export interface WorldsChallengesTable {
  challenge: string;
  purpose: string;
  /** The person a registration challenge was issued to (null for sign-in). */
  person_id: string | null;
  expires_at: string;
}

/** A display handle a person holds in one world (keyed by person + world: the pairwise pseudonym). */
export interface WorldsHandlesTable {
  world_id: string;
  person_id: string;
  handle: string;
  /** UTS #39 skeleton of the case-folded NFKC handle: unique per world. */
  skeleton: string;
  created_at: string;
}

/** What a world received about a person, and when. */
export interface WorldsReleasesTable {
  world_id: string;
  person_id: string;
  claims_json: string;
  first_at: string;
  last_at: string;
}

/** Every look-alike key of a held handle (skeleton as written, lower- and upper-cased); unique per world. */
export interface WorldsHandleKeysTable {
  world_id: string;
  key: string;
  person_id: string;
}

/** The pseudonym index: a cache of the pseudonym VRF, trusted only after re-evaluation (migration 0106). */
export interface WorldsPseudonymsTable {
  world_id: string;
  pseudonym: string;
  person_id: string;
}

/** Consent a person gave a world (scopes, rejected claims, resource scopes), until withdrawn. */
export interface WorldsConsentsTable {
  person_id: string;
  world_id: string;
  consent_json: string;
  granted_at: string;
  updated_at: string;
}

export interface WorldsTables {
  worlds: WorldsTable;
  oidc_models: OidcModelsTable;
  worlds_passkeys: WorldsPasskeysTable;
  worlds_web_sessions: WorldsWebSessionsTable;
  worlds_challenges: WorldsChallengesTable;
  worlds_handles: WorldsHandlesTable;
  worlds_handle_keys: WorldsHandleKeysTable;
  worlds_releases: WorldsReleasesTable;
  worlds_consents: WorldsConsentsTable;
  worlds_pseudonyms: WorldsPseudonymsTable;
}
