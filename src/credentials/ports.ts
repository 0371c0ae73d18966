/**
 * What credentials needs from the rest of mvid, as small ports. The composition root
 * (src/server/runtime.ts) adapts the registry and the worlds to them, so this domain
 * never depends on how persons or worlds are stored.
 */
import type { KeyObject } from 'node:crypto';
import type { AgeSource, Clock, Random } from '../core/index.ts';
import type { JsonWebKey, StatusListSource } from '../sdk/index.ts';
import type { Store } from '../store/index.ts';

export type PersonStatus = 'active' | 'closed';

/** The persons credentials are issued to, as the registry knows them. */
export interface CredentialSubjects {
  /** `undefined` when no such person exists (or it was swept). */
  status(personId: string): Promise<PersonStatus | undefined>;
  /** The person's active holder keys (public JWKs), newest first. */
  holderKeys(personId: string): Promise<JsonWebKey[]>;
  /** The service-readable attributes from proofing, decrypted; `null` when mvid holds none. */
  serviceAttributes(personId: string): Promise<ServiceAttributes>;
}

export interface ServiceAttributes {
  /** `YYYY-MM-DD`. */
  /** Age milestones (what the registry stores) or, for older records and tests, a full birthdate. */
  birthdate: AgeSource | null;
  /** ISO 3166-1 alpha-2 country of residence. */
  residenceCountry: string | null;
}

/** Which claims each world registered, and may therefore ask a person to present. */
export interface WorldClaimPolicy {
  /** The claim names the world registered; `undefined` for an unknown or disabled world. */
  allowedClaims(worldClientId: string): Promise<readonly string[] | undefined>;
}

/** The ES256 keys credentials and status lists are signed with, newest (active) first. */
export interface SigningKeys {
  /** Active key for new signatures. */
  active(): { kid: string; privateKey: KeyObject };
  /** Every published public key (`kid`, `alg`, `use` set), including rotated-out ones still verifying. */
  publicJwks(): JsonWebKey[];
}

export interface CredentialsOptions {
  /** mvid's public URL: `iss` of its credentials, credential issuer identifier, KB-JWT audience for sources. */
  publicUrl: string;
  /** How long verifiers may cache a status list (`ttl`, Cache-Control max-age): the revocation delay. Default 900. */
  statusTtlSeconds?: number;
  /** Default lifetime of issued credentials, in days (age credentials may end sooner). Default 30. */
  lifetimeDays?: number;
}

export interface CredentialsDeps {
  store: Store;
  clock: Clock;
  random: Random;
  keys: SigningKeys;
  /** Secret from the key directory keying the stateless `c_nonce` MAC (a key is derived from it). */
  nonceSecret: Uint8Array;
  subjects: CredentialSubjects;
  worlds: WorldClaimPolicy;
  /** Where the status lists of attribute issuers' own credentials come from (fetch with a cache). */
  externalStatusLists?: StatusListSource;
  /**
   * The data-at-rest key: with it, the claims of re-issued attributes (occupation,
   * membership) are kept sealed so worlds the person consents to can receive them.
   */
  dataKey?: Uint8Array;
  options: CredentialsOptions;
}
